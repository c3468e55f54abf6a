"""The bounds of every numeric parameter: one table, read by the library and the CLI.

A typo (``--epochs 1e23``, ``lr=1e23``) is one line naming the parameter and its
bounds, never an endless run, an exhausted memory or an overflow deep in torch.
:func:`bounded` checks a value against the table; the CLI
parses its flags through it and prints it in the help. Pure Python, so that building
the CLI's parser imports neither NumPy nor torch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

from .errors import InputError

INT64_MAX = 2**63 - 1  # the largest count or seed a run stores (int64 columns, torch's seeds)
KEPT_BYTES = 2**30  # most memory the steps a command keeps may take: 1 GiB
MOST_STEPS = 10_000_000  # most steps of one training run (epochs × batches per epoch)


@dataclass(frozen=True)
class Bound:
    """A numeric parameter's kind (int or float) and range [low, high]; open ends excluded."""

    kind: type
    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def describe(self) -> str:
        """'an integer in [1, 1000000]', 'a number in (0, 1000]'."""
        what = "an integer" if self.kind is int else "a number"
        left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
        return f"{what} in {left}{_number(self.low)}, {_number(self.high)}{right}"

    def holds(self, value: float) -> bool:
        """Whether ``value`` lies in the range."""
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below


# every bounded numeric parameter, by its library name (the CLI's flags parse through it).
# Why these ends: seeds and counts fit the int64 a run stores (torch takes seeds that
# size); 10⁶ samples or epochs is past any lesson and still ends; observed steps are
# kept whole, so 10⁴; no useful learning rate or weight decay is near 1000 (beyond it a
# step only overflows); momentum and test_size are fractions of 1; C spans sklearn's use.
BOUNDS: dict[str, Bound] = {
    "seed": Bound(int, 0, INT64_MAX),
    "port": Bound(int, 0, 65535),  # a TCP port; 0: any free one
    "workers": Bound(int, 1, 64),  # server processes
    "threads": Bound(int, 1, 1024),  # torch's intra-op threads of a training loop
    "nproc": Bound(int, 1, 1024),  # data-parallel processes on this machine
    "nnodes": Bound(int, 1, 1024),  # machines of a data-parallel run
    "node_rank": Bound(int, 0, 1023),  # this machine's index among them
    "size": Bound(int, 2, 1_000_000),  # samples of a synthetic dataset
    "epochs": Bound(int, 1, 1_000_000),
    "steps": Bound(int, 1, 10_000),  # observed steps, each kept in memory in full
    "batch_size": Bound(int, 1, INT64_MAX),
    "verify_every": Bound(int, 1, INT64_MAX),
    "checkpoint_every": Bound(int, 1, INT64_MAX),
    "sample_cap": Bound(int, 1, INT64_MAX),
    "every": Bound(int, 1, INT64_MAX),  # TensorBoard every K steps
    "step": Bound(int, 1, INT64_MAX),
    "at_step": Bound(int, 1, INT64_MAX),
    "lr": Bound(float, 0, 1e3, low_open=True),
    "weight_decay": Bound(float, 0, 1e3),
    "momentum": Bound(float, 0, 1, high_open=True),
    "test_size": Bound(float, 0, 1, high_open=True),
    "C": Bound(float, 0, 1e12, low_open=True),
}

# what one kept step costs beyond its numbers (Python objects, tensor headers), measured
RECORD_OVERHEAD = 60_000  # bytes: an observed step (StepRecord), both sides of each quantity
ROW_OVERHEAD = 8_000  # bytes: a session's row (the step a Trainer without out= keeps)


def record_bytes(n: int, d: int, k: int) -> int:
    """About the memory a kept StepRecord of X (n, d), W (d, k) takes (float64 counted)."""
    return RECORD_OVERHEAD + 16 * (4 * n * k + 8 * (d + 1) * k + n * d)


def row_bytes(d: int, k: int) -> int:
    """About the memory a kept session row of W (d, k) takes (float64 counted)."""
    return ROW_OVERHEAD + 96 * (d + 1) * k


def _number(value: float) -> str:
    """A bound as a person reads it: 1000000, 0.001, 2**63-1."""
    if value == INT64_MAX:
        return "2**63-1"
    return str(int(value)) if float(value).is_integer() else str(value)


def plain(value: Any) -> str:
    """``value`` as a person typed it: NumPy scalars as Python's (no ``np.str_('x')``)."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()
    return repr(value)


def bounded(name: str, value: Any) -> Any:
    """``value`` checked against ``BOUNDS[name]``: an int (not a bool) or a finite number.

    >>> bounded("epochs", 3)
    3
    >>> bounded("lr", 1e23)
    Traceback (most recent call last):
    ...
    perceptron_lab.errors.InputError: lr: expected a number in (0, 1000], got 1e+23
    """
    bound = BOUNDS[name]
    kind = Integral if bound.kind is int else Real  # NumPy's numbers are registered there
    ok = isinstance(value, kind) and not isinstance(value, bool)
    ok = ok and math.isfinite(value) and bound.holds(value)
    if not ok:
        raise InputError(name, bound.describe(), plain(value))
    return int(value) if bound.kind is int else float(value)


def parse_bounded(name: str, text: str) -> Any:
    """A flag's text read as ``BOUNDS[name]``'s kind, then :func:`bounded` (what it says)."""
    bound = BOUNDS[name]
    try:
        value = bound.kind(text)
    except ValueError:
        raise InputError(name, bound.describe(), repr(text)) from None
    return bounded(name, value)


def check_kept(name: str, steps: int, per_step: int) -> None:
    """Refuse ``steps`` steps kept in memory, ``per_step`` bytes each, past KEPT_BYTES.

    ``name`` is the parameter that asked for them (steps, epochs).
    """
    if steps * per_step > KEPT_BYTES:
        raise InputError(
            name,
            f"at most {KEPT_BYTES // per_step} steps here (each is kept in memory, "
            f"about {per_step // 1000} kB; {KEPT_BYTES >> 30} GiB at most)",
            str(steps),
        )
