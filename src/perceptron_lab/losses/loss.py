"""What every loss is: its value, its closed-form dL/dZ, its labels, its torch.nn twin.

Notation: Z (N, k) logits, y the targets in the loss's own label set, ℓ the per-element
losses. ``reduction="mean"`` averages ℓ over its elements (as torch.nn does: over N for
softmax cross-entropy, over N·k for the elementwise losses), ``"sum"`` adds them, so
``dL/dZ`` carries a factor 1/count under "mean" — the N that separates the two.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import torch

from ..errors import InputError
from .activations import Activation

if TYPE_CHECKING:
    import numpy as np

    from ..data.dataset import DataFacts

REDUCTIONS = ("mean", "sum")


class Numbers(Protocol):
    """How an explanation writes numbers in TeX (the views' ``values`` module is one)."""

    def num(self, value: float) -> str: ...  # 0.25, 1, -3
    def term(self, value: float) -> str: ...  # as num, in parentheses when negative
    def hyper(self, value: float) -> str: ...  # a hyper-parameter as typed
    def total(self, terms: list[str], count: int) -> str: ...  # a + b + … (count terms)


class Loss(ABC):
    """A loss L(Z, y) with its closed-form gradient and its PyTorch twin."""

    name: ClassVar[str]
    title: ClassVar[str]  # human name, English
    activation: ClassVar[Activation]  # what turns Z into predictions
    labels: ClassVar[str]  # the accepted label set, in words
    formula: ClassVar[str]  # ℓ(z, y) in plain text
    gradient: ClassVar[str]  # ∂ℓ/∂z in plain text
    task: ClassVar[str]  # what its predictions are: one of perceptron_lab.data.TASKS
    takes: ClassVar[tuple[str, ...]]  # the dataset tasks it can train on
    auto_for: ClassVar[str | None] = None  # the task whose natural loss it is ("auto")
    probabilistic: ClassVar[bool] = True  # its activation gives probabilities (or values)
    score_name: ClassVar[str] = "accuracy"  # the score over a dataset (see :meth:`score`)
    tex_loss: ClassVar[str]  # ℓ in TeX, ``{s}`` standing for the subscript ({n} or {n,j})
    tex_grad: ClassVar[str]  # ∂(Σ ℓ)/∂Z in TeX, over the matrices Z, Y (or T, c)
    rowwise: ClassVar[bool] = False  # one ℓ per sample (softmax), not one per element
    twins: ClassVar[tuple[str, ...]] = ()  # the torch.nn losses that compute it (for watch)
    probability_twins: ClassVar[tuple[str, ...]] = ()  # those of them whose input is σ(Z)
    log_probability_twins: ClassVar[tuple[str, ...]] = ()  # … whose input is log softmax(Z)

    def __init__(self, reduction: str = "mean") -> None:
        if reduction not in REDUCTIONS:
            raise InputError("reduction", "'mean' or 'sum'", repr(reduction))
        self.reduction = reduction

    def options(self) -> dict[str, Any]:
        """The loss's settings, for the trace and for rebuilding it."""
        return {"reduction": self.reduction}

    # --- labels -------------------------------------------------------------
    @abstractmethod
    def targets(self, y: torch.Tensor, k: int) -> torch.Tensor:
        """Check ``y`` against the label set and shape it for this loss ((N, k) or (N,))."""

    @abstractmethod
    def output_size(self, y: torch.Tensor) -> int:
        """The k a model needs for these (already checked) targets."""

    def outputs(self, dataset: DataFacts) -> int:
        """k: the outputs a model needs for ``dataset`` (one, unless the loss says otherwise)."""
        return 1

    def class_index(self, targets: torch.Tensor) -> np.ndarray | None:
        """(N,) class indices 0, 1, … of targets or predictions; None for a regression loss."""
        if self.task == "regression":
            return None
        t = targets.detach().to(torch.float64)
        return (t[:, 0] if t.dim() == 2 else t).round().to(torch.int64).cpu().numpy()

    def score(self, z: torch.Tensor, y: torch.Tensor) -> float:
        """Accuracy: the share of rows whose prediction is their target."""
        hit = self.predict(z) == y.to(torch.int64)
        return float(hit.to(torch.float64).mean())

    def score_sums(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """What :meth:`score` is made of, as sums over rows (float64), so the score of a
        batch that comes in parts is the score of the summed parts: (hits, rows)."""
        hit = self.predict(z) == y.to(torch.int64)
        rows = torch.tensor(float(hit.numel()), dtype=torch.float64, device=hit.device)
        return torch.stack([hit.sum().to(torch.float64), rows])

    def score_of_sums(self, sums: torch.Tensor) -> float:
        """The score from :meth:`score_sums` added over parts: hits / rows."""
        return float(sums[0] / sums[1])

    # --- closed form ----------------------------------------------------------
    @abstractmethod
    def elements(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """ℓ per element: (N, k), or (N,) for losses over a whole row."""

    @abstractmethod
    def element_gradient(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """∂(Σ ℓ)/∂Z: (N, k), before the 1/count of mean reduction."""

    def value(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """L = Σ ℓ (sum) or Σ ℓ / count (mean), a 0-d tensor."""
        return self.reduce(self.elements(z, y))

    def reduce(self, values: torch.Tensor) -> torch.Tensor:
        """Σ (sum) or Σ / count (mean) over all of ``values``."""
        return values.sum() if self.reduction == "sum" else values.mean()

    def per_count(self, g: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """``g`` / count under mean reduction: the 1/N (or 1/(N·k)) of dL/dZ."""
        return g / self.elements_count(z) if self.reduction == "mean" else g

    def value_and_grad(self, z: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(L, dL/dZ) together; a loss may share work between them (training's hot path)."""
        return self.value(z, y), self.grad_z(z, y)

    def per_sample(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """ℓₙ (N,): each sample's share, reduced over outputs the way L reduces them."""
        ell = self.elements(z, y)
        if ell.dim() == 1:
            return ell
        return ell.sum(dim=1) if self.reduction == "sum" else ell.mean(dim=1)

    def grad_z(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """dL/dZ (N, k) in closed form."""
        return self.per_count(self.element_gradient(z, y), z)

    def magnitude(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The size of the numbers L is computed from (its rounding is measured against it).

        Default: L itself, for losses whose terms are never subtracted.
        """
        return self.value(z, y).abs()

    def grad_magnitude(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The size of the terms dL/dZ subtracts (e.g. σ(z) and y in σ(z) − y), (N, k)."""
        return self.per_count(self.element_gradient(z, y).abs(), z)

    def elements_count(self, z: torch.Tensor) -> int:
        """How many ℓ the mean divides by (N·k for elementwise losses)."""
        return z.numel()

    # --- PyTorch twin ---------------------------------------------------------
    @abstractmethod
    def torch_module(self) -> torch.nn.Module:
        """The torch.nn loss that is this loss's twin."""

    @classmethod
    def twin_options(cls, module: torch.nn.Module) -> dict[str, Any]:
        """The options a torch.nn ``module`` (one of :attr:`twins`) sets, None where unset.

        Raises ValueError, saying why, for a setting without a closed form here.
        """
        return {"reduction": getattr(module, "reduction", None)}

    def twin_call_problem(self, args: tuple[Any, ...]) -> str | None:
        """Why a call of the twin with ``args`` is not this loss; None (the default) if it is."""
        return None

    def torch_value(
        self, module: torch.nn.Module, z: torch.Tensor, y: torch.Tensor
    ) -> torch.Tensor:
        """L by the twin (differentiable in z)."""
        out: torch.Tensor = module(z, y)
        return out

    def twin_text(self) -> str:
        """The twin as code: ``nn.MSELoss(reduction='mean')``."""
        return f"nn.{type(self.torch_module()).__name__}(reduction='{self.reduction}')"

    # --- explanation (TeX) ------------------------------------------------------
    def tex_formula(self, sub: str) -> str:
        """ℓ in TeX for the subscript ``sub``."""
        return rf"\ell_{{{sub}}} = " + self.tex_loss.replace("{s}", f"{{{sub}}}")

    def tex_gradient(self) -> str:
        """∂(Σ ℓ)/∂Z in TeX."""
        return self.tex_grad

    def tex_loss_at(self, f: Numbers, z: float, y: float, a: float, j: int) -> str:
        """ℓ of one element with its numbers (the right side, before ``= value``)."""
        raise NotImplementedError(f"{type(self).__name__} writes no worked ℓ")

    def tex_grad_at(self, f: Numbers, z: float, y: float, a: float, j: int) -> str:
        """∂(Σ ℓ)/∂z of one element with its numbers."""
        raise NotImplementedError(f"{type(self).__name__} writes no worked ∂ℓ/∂z")

    def tex_row_at(self, f: Numbers, z: list[float], shown: int, c: int, ell: float, n: int) -> str:
        """ℓₙ of sample n with its numbers, for a rowwise loss (``z``: the row, ``shown`` of it)."""
        raise NotImplementedError(f"{type(self).__name__} is not rowwise")

    # --- predictions ------------------------------------------------------------
    @abstractmethod
    def predict(self, z: torch.Tensor) -> torch.Tensor:
        """Predictions in the label set: classes, ±1, or values."""

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options().items())
        return f"{type(self).__name__}({opts})"


def check_shape(y: torch.Tensor, k: int, loss: str) -> torch.Tensor:
    """Targets for an elementwise loss: (N,) is read as (N, 1); the result must be (N, k)."""
    if y.dim() == 1:
        y = y.unsqueeze(1)
    if y.dim() != 2 or y.shape[1] != k:
        raise InputError(
            "y", f"shape (N, {k}) for {loss} with k = {k} outputs", f"shape {tuple(y.shape)}"
        )
    return y


def first_bad(y: torch.Tensor, bad: torch.Tensor) -> str:
    """``'2.0 at row 3'`` for the first True of ``bad``."""
    where = torch.nonzero(bad)[0].tolist()
    return f"{y[tuple(where)].item():g} at row {where[0] + 1}"
