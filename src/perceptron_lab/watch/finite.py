"""Central finite differences in float64: the third, derivative-free opinion on dL/dθ.

For a parameter entry θᵢ, with h = 1e-6·max(1, |θᵢ|):

    dL/dθᵢ ≈ (L(θ + h·eᵢ) − L(θ − h·eᵢ)) / ((θᵢ + h) − (θᵢ − h))

(the denominator is the difference of the two float64 numbers actually used, not 2h).
Its error is about h²·L‴/6 (≈ 1e-13) plus the rounding of L divided by h (≈ 1e-16·|L| /
1e-6), so it agrees with an exact gradient to about 1e-9 relative — far finer than a
float32 loop and coarse next to float64's 1e-16, which is why it is compared within 1e-6.

``L`` is the loss as the loop computes it: the user's model (``torch.func.functional_call``
with float64 copies of its parameters), whatever the loop applied between the model's
output and the loss (found by :func:`link`), and a float64 copy of the loss module.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn

from ..core.agreement import disagreement, tolerance

FD_RELATIVE_STEP = 1e-6  # h = 1e-6·max(1, |θ|)
FD_TOLERANCE = 1e-6  # finite differences against a float64 closed form
SIGMOID_CHAINS = (0, 1, 2)  # the loss input is Z, σ(Z) or σ(σ(Z))


def link(source: torch.Tensor, target: torch.Tensor) -> int | None:
    """How many sigmoids turn ``source`` into ``target`` (0, 1 or 2), or None.

    ``target`` may have another shape with the same number of elements (a squeeze).
    """
    if source.numel() != target.numel() or not source.is_floating_point():
        return None
    value = source.detach().reshape(target.shape)
    tol = 100 * tolerance(target.dtype)
    for n in SIGMOID_CHAINS:
        if n:
            value = torch.sigmoid(value)
        if disagreement(value, target.detach()) <= tol:
            return n
    return None


def sigmoids(value: torch.Tensor, n: int) -> torch.Tensor:
    """σ applied ``n`` times."""
    for _ in range(n):
        value = torch.sigmoid(value)
    return value


def to64(value: Any) -> Any:
    """Floating tensors (walked through tuples, lists, dicts) as float64."""
    if isinstance(value, torch.Tensor):
        return value.to(torch.float64) if value.is_floating_point() else value
    if isinstance(value, tuple | list):
        return type(value)(to64(v) for v in value)
    if isinstance(value, dict):
        return {k: to64(v) for k, v in value.items()}
    return value


def entries(total: int, cap: int) -> torch.Tensor:
    """Which of ``total`` flattened entries to check: all, or ``cap`` evenly spaced ones."""
    if total <= cap:
        return torch.arange(total)
    # the spacing is ≥ 1, so no two entries round to the same index
    return torch.linspace(0, total - 1, cap).round().to(torch.int64)


def model_loss(
    model: nn.Module,
    names: Sequence[str],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    loss64: nn.Module,
    n_sigmoids: int,
    loss_args: tuple[Any, ...],
    loss_kwargs: dict[str, Any],
    input_shape: torch.Size,
    reduction: str = "mean",
) -> Callable[[Sequence[torch.Tensor]], float]:
    """L(θ) of the loop in float64: loss64(σⁿ(model(args; θ)), *loss_args) as a function.

    ``names`` are the parameters θ stands for; other parameters and buffers keep their
    values (in float64). ``loss_args`` are the loss call's arguments after its input.
    A loss with reduction="none" is reduced by ``reduction``, as the loop is taken to do.
    """
    fixed = {n: to64(t.detach()) for n, t in model.named_parameters() if n not in names}
    fixed |= {n: to64(t.detach()) for n, t in model.named_buffers()}
    args64, kwargs64 = to64(args), to64(kwargs)
    rest, rest_kw = to64(loss_args), to64(loss_kwargs)

    def value(theta: Sequence[torch.Tensor]) -> float:
        params = {n: to64(t) for n, t in zip(names, theta, strict=True)} | fixed
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the loop already saw (say) a broadcasting warning
            out = torch.func.functional_call(model, params, args64, kwargs64)
            p = sigmoids(out, n_sigmoids).reshape(input_shape)
            loss = loss64(p, *rest, **rest_kw)
            return float(loss.sum() if reduction == "sum" else loss.mean())

    return value


def finite_differences(
    loss_at: Callable[[Sequence[torch.Tensor]], float],
    theta: Sequence[torch.Tensor],
    which: torch.Tensor,
) -> torch.Tensor:
    """dL/dθ at the flattened entries ``which`` of the concatenated θ, float64 (len(which),)."""
    theta64 = [t.detach().to(torch.float64).clone() for t in theta]
    bounds = torch.tensor([0, *(t.numel() for t in theta64)]).cumsum(0)
    out = torch.empty(len(which), dtype=torch.float64)
    with torch.no_grad():
        for i, flat in enumerate(which.tolist()):
            p = int(torch.searchsorted(bounds, flat, right=True)) - 1
            view = theta64[p].view(-1)
            j = flat - int(bounds[p])
            x = float(view[j])
            h = FD_RELATIVE_STEP * max(1.0, abs(x))
            view[j] = x + h
            up = loss_at(theta64)
            plus = float(view[j])
            view[j] = x - h
            down = loss_at(theta64)
            minus = float(view[j])
            view[j] = x
            out[i] = (up - down) / (plus - minus)
    return out
