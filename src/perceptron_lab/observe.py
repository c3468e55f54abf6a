"""Observed steps from plain numbers: the API behind ``perceptron-lab step``.

Everything is checked on the way in (shapes, finiteness, labels, hyper-parameters), so
a mistake is one :class:`~perceptron_lab.errors.InputError`, not a broadcasting surprise.
"""

from __future__ import annotations

from typing import Any

from .bounds import bounded, check_kept, record_bytes
from .core.observed_step import StepRecord, observe_steps
from .data.checks import as_matrix, as_tensor, check_parameters, dtype_from_name
from .errors import InputError
from .losses import DEFAULT_LOSS, get_loss
from .optim import DEFAULT_OPTIMIZER, get_optimizer


def observe(
    X: Any,
    y: Any,
    W: Any,
    B: Any,
    *,
    loss: str = DEFAULT_LOSS,
    optimizer: str = DEFAULT_OPTIMIZER,
    lr: float = 0.01,
    steps: int = 1,
    dtype: str = "float32",
    loss_options: dict[str, Any] | None = None,
    optimizer_options: dict[str, Any] | None = None,
) -> list[StepRecord]:
    """``steps`` full-batch steps from X (N, d), y, W (d, k), B (k,), each verified.

    >>> records = observe([[1, 2], [3, 4], [5, 6]], [1, 0, 1], [[0.5], [-0.3]], [0.1])
    >>> round(float(records[0].loss.closed), 4)
    0.6591
    """
    steps = bounded("steps", steps)
    kind = dtype_from_name(dtype)
    loss_fn = get_loss(loss, **(loss_options or {}))
    rule = get_optimizer(optimizer, lr=lr, **(optimizer_options or {}))
    Xt = as_matrix("X", X, dtype=kind)
    Wt = as_matrix("W", W, dtype=kind)
    Bt = as_tensor("B", B, dtype=kind, ndim=(0, 1)).reshape(-1)
    check_parameters(Xt, Wt, Bt)
    n, d = Xt.shape
    check_kept("steps", steps, record_bytes(n, d, Wt.shape[1]))
    yt = as_tensor("y", y, dtype=kind)
    if yt.shape[0] != Xt.shape[0]:
        raise InputError("y", f"{Xt.shape[0]} labels, one per row of X", f"{yt.shape[0]}")
    yt = loss_fn.targets(yt, Wt.shape[1])
    return observe_steps(Xt, yt, Wt, Bt, loss_fn, rule, steps)
