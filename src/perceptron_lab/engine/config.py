"""The settings of a training run: one typed dataclass, saved as config.json."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ..bounds import bounded
from ..losses import AUTO
from ..optim import DEFAULT_OPTIMIZER

# the settings checked against the bounds table, and those of them None may leave unset
BOUNDED = (
    "lr",
    "epochs",
    "batch_size",
    "seed",
    "verify_every",
    "checkpoint_every",
    "sample_cap",
    "test_size",
)
OPTIONAL = ("batch_size", "verify_every", "checkpoint_every")


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
        None  # checkpoint every K steps (and at the end); None: train.checkpoint_interval
    )
    capture_samples: bool = False  # per-sample Z, activation, loss and gradient
    sample_cap: int = 100_000  # most per-sample rows kept
    dtype: str = "float32"  # float32 or float64
    decay_bias: bool = True  # weight decay on B too (torch's default); False: on W only (sklearn's)
    standardize: bool = False  # features scaled with the training set's mean and std
    test_size: float = 0.0  # fraction held out for testing (stratified for classes)
    device: str = "cpu"  # where the tensors live: cpu, cuda (cuda:1 …) or auto (cuda if present)

    def __post_init__(self) -> None:
        """Every number in its bounds (perceptron_lab.bounds.BOUNDS); None where optional."""
        for name in BOUNDED:
            value = getattr(self, name)
            if value is not None or name not in OPTIONAL:
                object.__setattr__(self, name, bounded(name, value))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Settings back from config.json (unknown keys ignored)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
