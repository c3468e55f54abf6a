"""What an exercise sheet is made of: its stages, loss, update rule, sizes and seed.

An :class:`Exercise` is the whole recipe of a sheet, small enough to travel inside the
answer template a student hands back (``recipe:``), so ``check`` can rebuild the
student's own numbers from it. A variant for a student is the same recipe with
``student`` set: its numbers come from :func:`variant_seed` (``seed``, ``student``), so
the same id always gives the same sheet, and two ids almost never share one.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace
from typing import Any

from ..bounds import bounded
from ..errors import InputError
from ..losses import get_loss, loss_names

# the notebook's order: Z = XW + B, A = f(Z), L, the gradients, the update, a few steps
STAGES = ("forward", "activation", "loss", "gradient", "update", "training")
# update rules a sheet may ask for, as instructors name them: rule name and its options
RULES: dict[str, tuple[str, dict[str, Any]]] = {
    "sgd": ("sgd", {}),
    "momentum": ("sgd", {"momentum": 0.9}),
    "nesterov": ("sgd", {"momentum": 0.9, "nesterov": True}),
    "adam": ("adam", {}),
    "adamw": ("adamw", {}),
    "rmsprop": ("rmsprop", {}),
    "adagrad": ("adagrad", {}),
}
LANGS = ("en", "es")
# what a sheet stays hand-computable at: rows, features, classes, decimals, steps
LIMITS = {"N": (1, 20), "d": (1, 6), "k": (2, 6), "decimals": (1, 8), "steps": (1, 10)}
SIZES = ("N", "d", "k")  # rows, features, classes: the CLI's --size N,d,k
FORMAT_VERSION = 1


def stages_of(text: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``"forward,loss"`` → ("forward", "loss"): known names, put in the notebook's order."""
    names = [s.strip() for s in text.split(",")] if isinstance(text, str) else list(text)
    names = [s for s in names if s]
    unknown = [s for s in names if s not in STAGES]
    if unknown or not names:
        raise InputError(
            "stages",
            f"a comma-separated subset of {','.join(STAGES)}",
            repr(",".join(unknown) if unknown else text),
        )
    return tuple(s for s in STAGES if s in names)


def size_of(text: str) -> tuple[int, int, int | None]:
    """``"3,2"`` → (3, 2, None) and ``"4,2,3"`` → (4, 2, 3): N rows, d features, k classes."""
    try:
        parts = [int(p) for p in text.replace("x", ",").split(",")]
    except ValueError:
        parts = []
    if len(parts) not in (2, 3):
        raise InputError("size", "N,d (rows, features) or N,d,k (k classes), e.g. 3,2", repr(text))
    return parts[0], parts[1], parts[2] if len(parts) == 3 else None


def variant_seed(seed: int, student: str | None) -> int:
    """The seed of a student's numbers: ``seed`` itself, or a hash of it with the id.

    SHA-256 of ``"<seed>/<student>"``, its first 8 bytes as an integer below 2⁶³: stable
    across machines and Python versions (Python's own ``hash`` of a string is not).
    """
    if student is None:
        return seed
    digest = hashlib.sha256(f"{seed}/{student}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


@dataclass(frozen=True)
class Exercise:
    """The recipe of a sheet: what it asks, about which neuron, with which numbers.

    ``optimizer`` is a name of :data:`RULES`; ``k`` is the number of classes of a softmax
    cross-entropy sheet (None for the one-output losses); ``decimals`` the digits the
    answers are asked to; ``steps`` the steps of the training stage.
    """

    stages: tuple[str, ...] = ("forward", "activation", "loss", "gradient", "update")
    loss: str = "bce"
    optimizer: str = "sgd"
    lr: float = 0.1
    N: int = 3
    d: int = 2
    k: int | None = None
    steps: int = 3
    decimals: int = 4
    seed: int = 0
    student: str | None = None
    name: str | None = None  # the student's name, as the class list gives it
    lang: str = "en"

    def __post_init__(self) -> None:
        object.__setattr__(self, "stages", stages_of(self.stages))
        if self.loss not in loss_names():
            raise InputError("loss", f"one of {', '.join(loss_names())}", repr(self.loss))
        if self.optimizer not in RULES:
            raise InputError(
                "optimizer", f"one of {', '.join(RULES)} (rules done by hand)", repr(self.optimizer)
            )
        if self.lang not in LANGS:
            raise InputError("lang", "en or es", repr(self.lang))
        bounded("lr", self.lr)
        bounded("seed", self.seed)
        k = self.k if self.loss == "cross_entropy" else None
        if self.loss == "cross_entropy" and k is None:
            k = 3
        object.__setattr__(self, "k", k)
        for key, (low, high) in LIMITS.items():
            value = getattr(self, key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                if key in SIZES:  # one number of size=N,d,k
                    expected = f"{key} an integer from {low} to {high} (a sheet done by hand)"
                    raise InputError("size", expected, repr(value))
                expected = f"an integer from {low} to {high} (a sheet done by hand)"
                raise InputError(key, expected, repr(value))
        if "activation" in self.stages and not self.has_activation:
            raise InputError(
                "stages",
                "no activation stage for a loss on Z itself (mse): leave it out",
                ",".join(self.stages),
            )

    @property
    def outputs(self) -> int:
        """k, the layer's outputs: the classes of a softmax sheet, else 1."""
        return self.k or 1

    @property
    def has_activation(self) -> bool:
        """Whether the loss predicts through an activation other than the identity."""
        return get_loss(self.loss).activation.name != "identity"

    @property
    def number_seed(self) -> int:
        """The seed this sheet's numbers are drawn from (the student's variant, if any)."""
        return variant_seed(self.seed, self.student)

    def rule(self) -> tuple[str, dict[str, Any]]:
        """The update rule's registry name and options (``momentum`` is SGD with 0.9)."""
        return RULES[self.optimizer]

    def for_student(self, student: str, name: str | None = None) -> Exercise:
        """This recipe for one student: the same questions, the student's own numbers."""
        return replace(self, student=student, name=name)

    def to_dict(self) -> dict[str, Any]:
        """The recipe as JSON/YAML-ready plain values (the answer template carries it)."""
        out = asdict(self)
        out["stages"] = ",".join(self.stages)
        out["format"] = FORMAT_VERSION
        return out

    @classmethod
    def from_dict(cls, data: Any, where: str = "recipe") -> Exercise:
        """A recipe read back from :meth:`to_dict`'s form (a file's ``recipe:``)."""
        if not isinstance(data, dict):
            raise InputError(where, "a mapping of the sheet's recipe", type(data).__name__)
        data = dict(data)
        version = data.pop("format", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise InputError(where, f"recipe format {FORMAT_VERSION}", repr(version))
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(where, f"only the keys {', '.join(sorted(known))}", repr(unknown))
        if data.get("student") is not None:
            data["student"] = str(data["student"])
        return cls(**data)
