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

Near convergence dL/dθ tends to 0 while L does not, so a plain relative error of a
gradient is bound to fail there. Two sizes keep the comparison honest, as the core's
agreement measure does: the rounding of the differences themselves, at most
:data:`FD_ROUNDING`·ε·|L|/h (:func:`rounding`), and the size of the terms the gradient
sums — the per-sample gradients, mean |∂ℓₙ/∂θ| (:func:`term_scale`), which a float32
loop's rounding is relative to.
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
FD_ROUNDING = 16  # L's float64 rounding, in units of ε·|L|, that the differences may carry
FD_BATCH = 2**22  # parameter numbers evaluated in one batch (32 MiB of float64)
SIGMOID_CHAINS = (0, 1, 2)  # the loss input is Z, σ(Z) or σ(σ(Z))
LOG_SOFTMAX = "log_softmax"  # … or log softmax(Z) over its last dimension (for nn.NLLLoss)
Link = int | str  # what turns the model's output into the loss input: n sigmoids, LOG_SOFTMAX


def link(source: torch.Tensor, target: torch.Tensor) -> Link | None:
    """What turns ``source`` into ``target``: 0, 1 or 2 sigmoids, or LOG_SOFTMAX; else None.

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
    if target.dim() >= 2 and target.shape[-1] > 1:
        value = linked(source.detach().reshape(target.shape), LOG_SOFTMAX)
        if disagreement(value, target.detach()) <= tol:
            return LOG_SOFTMAX
    return None


def linked(value: torch.Tensor, how: Link) -> torch.Tensor:
    """``value`` through the link: σ applied ``how`` times, or log softmax over the last axis."""
    if how == LOG_SOFTMAX:
        return torch.log_softmax(value, dim=-1)
    for _ in range(int(how)):
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
    how: Link,
    loss_args: tuple[Any, ...],
    loss_kwargs: dict[str, Any],
    input_shape: torch.Size,
    reduction: str = "mean",
) -> Callable[[Sequence[torch.Tensor]], torch.Tensor]:
    """L(θ) of the loop in float64: loss64(link(model(args; θ)), *loss_args) as a function.

    ``names`` are the parameters θ stands for; other parameters and buffers keep their
    values (in float64). ``loss_args`` are the loss call's arguments after its input.
    A loss with reduction="none" is reduced by ``reduction``, as the loop is taken to do.
    """
    fixed = {n: to64(t.detach()) for n, t in model.named_parameters() if n not in names}
    fixed |= {n: to64(t.detach()) for n, t in model.named_buffers()}
    args64, kwargs64 = to64(args), to64(kwargs)
    rest, rest_kw = to64(loss_args), to64(loss_kwargs)

    def value(theta: Sequence[torch.Tensor]) -> torch.Tensor:
        params = {n: to64(t) for n, t in zip(names, theta, strict=True)} | fixed
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the loop already saw (say) a broadcasting warning
            out = torch.func.functional_call(model, params, args64, kwargs64)
            p = linked(out.reshape(input_shape), how)
            loss: torch.Tensor = loss64(p, *rest, **rest_kw)
            return loss.sum() if reduction == "sum" else loss.mean()

    return value


def _steps(theta: Sequence[torch.Tensor], which: torch.Tensor) -> torch.Tensor:
    """h = 1e-6·max(1, |θᵢ|) at the flattened entries ``which``."""
    flat = torch.cat([t.detach().to(torch.float64).reshape(-1) for t in theta])[which]
    return FD_RELATIVE_STEP * flat.abs().clamp(min=1.0)


def rounding(loss_value: float, theta: Sequence[torch.Tensor], which: torch.Tensor) -> torch.Tensor:
    """How far rounding alone can move each central difference: FD_ROUNDING·ε·|L| / h."""
    eps = torch.finfo(torch.float64).eps
    return FD_ROUNDING * eps * abs(loss_value) / _steps(theta, which)


def term_scale(
    model: nn.Module,
    names: Sequence[str],
    theta: Sequence[torch.Tensor],
    args: tuple[Any, ...],
    loss64: nn.Module,
    how: Link,
    target: torch.Tensor,
    input_shape: torch.Size,
    reduction: str = "mean",
) -> torch.Tensor | None:
    """mean (or, under "sum", the sum) of |∂ℓₙ/∂θ| over the samples n, flattened.

    The loss is taken one sample at a time (a batch of one, in float64) with
    ``torch.func``: the terms whose sum is dL/dθ. None where the model or the loss does not
    split into samples that way (its first argument and the target are not batched alike,
    or ``torch.func`` cannot run it).
    """
    batch = args[0] if args and isinstance(args[0], torch.Tensor) else None
    n = batch.shape[0] if batch is not None and batch.dim() else None
    if n is None or target.dim() == 0 or target.shape[0] != n or input_shape[0] != n:
        return None
    fixed = {n: to64(t.detach()) for n, t in model.named_parameters() if n not in names}
    fixed |= {n: to64(t.detach()) for n, t in model.named_buffers()}
    rest = to64(args[1:])

    def one(theta64: tuple[torch.Tensor, ...], x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        params = dict(zip(names, theta64, strict=True)) | fixed
        out = torch.func.functional_call(model, params, (x.unsqueeze(0), *rest))
        p = linked(out.reshape(1, *input_shape[1:]), how)
        loss: torch.Tensor = loss64(p, y.unsqueeze(0))
        return loss.sum() if reduction == "sum" else loss.mean()

    theta64 = tuple(t.detach().to(torch.float64) for t in theta)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            grads = torch.func.vmap(torch.func.grad(one), in_dims=(None, 0, 0))(
                theta64, to64(batch), to64(target)
            )
    except Exception:  # any model torch.func cannot split: no scale, said by None
        return None
    terms = torch.cat([g.abs().reshape(g.shape[0], -1) for g in grads], dim=1)
    return terms.sum(0) if reduction == "sum" else terms.mean(0)


def finite_differences(
    loss_at: Callable[[Sequence[torch.Tensor]], torch.Tensor],
    theta: Sequence[torch.Tensor],
    which: torch.Tensor,
) -> torch.Tensor:
    """dL/dθ at the flattened entries ``which`` of the concatenated θ, float64 (len(which),).

    The 2m perturbed parameter vectors (entry i up by h, then down by h) are evaluated as
    one batch (``torch.func.vmap``), :data:`FD_BATCH` numbers at a time; a model vmap
    cannot batch is evaluated one vector after another, with the same result.
    """
    theta64 = [t.detach().to(torch.float64) for t in theta]
    sizes = [t.numel() for t in theta64]
    flat = torch.cat([t.reshape(-1) for t in theta64])
    x = flat[which]
    h = FD_RELATIVE_STEP * x.abs().clamp(min=1.0)
    plus, minus = x + h, x - h  # the two float64 numbers actually used

    def at(v: torch.Tensor) -> torch.Tensor:
        parts = torch.split(v, sizes)
        return loss_at([p.reshape(t.shape) for p, t in zip(parts, theta64, strict=True)])

    m = len(which)
    moved = torch.cat([which, which])
    values = torch.cat([plus, minus])
    rows = max(1, FD_BATCH // max(1, flat.numel()))
    out = []
    with torch.no_grad():
        for start in range(0, 2 * m, rows):
            stop = min(2 * m, start + rows)
            batch = flat.repeat(stop - start, 1)
            batch[torch.arange(stop - start), moved[start:stop]] = values[start:stop]
            try:
                out.append(torch.func.vmap(at)(batch))
            except Exception:  # any model vmap cannot batch: one vector at a time
                out.append(torch.stack([at(v) for v in batch]))
    L = torch.cat(out)
    return (L[:m] - L[m:]) / (plus - minus)
