"""The settings of a training run: one typed dataclass, saved as config.json."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ..errors import InputError
from ..losses import AUTO
from ..optim import DEFAULT_OPTIMIZER


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a run's numbers (with the data and the seed)."""

    loss: str = AUTO  # a name of perceptron_lab.losses.loss_names(); auto: the task's own
    loss_options: dict[str, Any] = field(default_factory=dict)  # e.g. {"reduction": "sum"}
    optimizer: str = DEFAULT_OPTIMIZER  # a name of perceptron_lab.optim.rule_names()
    optimizer_options: dict[str, Any] = field(default_factory=dict)  # e.g. {"momentum": 0.9}
    lr: float = 0.01  # γ, the base learning rate
    epochs: int = 5  # passes over the training data
    batch_size: int | None = None  # None: the whole training set (full batch); 1: online
    shuffle: bool = True  # a seeded new order each epoch (mini-batches only)
    seed: int = 0  # initial weights and data order
    schedule: str | None = None  # e.g. "step:step_size=10,gamma=0.5"; None: constant
    verify_every: int | None = None  # verify every K-th step (and the first and last); None: auto
    checkpoint_every: int | None = (
        None  # checkpoint every K steps (and at the end); None: each epoch, at most ~50 a run
    )
    capture_samples: bool = False  # per-sample Z, activation, loss and gradient
    sample_cap: int = 100_000  # most per-sample rows kept
    dtype: str = "float32"  # float32 or float64
    decay_bias: bool = True  # weight decay on B too (torch's default); False: on W only (sklearn's)
    standardize: bool = False  # features scaled with the training set's mean and std
    test_size: float = 0.0  # fraction held out for testing (stratified for classes)

    def __post_init__(self) -> None:
        def positive_int(name: str, value: Any, allow_none: bool = False) -> None:
            if value is None and allow_none:
                return
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError(name, "an integer >= 1", repr(value))

        positive_int("epochs", self.epochs)
        positive_int("batch_size", self.batch_size, allow_none=True)
        positive_int("verify_every", self.verify_every, allow_none=True)
        positive_int("checkpoint_every", self.checkpoint_every, allow_none=True)
        positive_int("sample_cap", self.sample_cap)
        if not 0 <= self.test_size < 1:
            raise InputError("test_size", "a fraction in [0, 1)", repr(self.test_size))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Settings back from config.json (unknown keys ignored)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
