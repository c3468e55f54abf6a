"""Loss and score over a whole dataset; the loss says which score (accuracy, R², …).

A dataset in parts (streamed, or shared among data-parallel ranks) is evaluated from
sums: L = Σ_c Σ ℓ(Z_c, y_c) / Σ_c count_c (mean; sum: no division), the score from
Loss.score_sums added over the parts — and over the ranks, by ``reduce``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch

from ..losses import Loss


def evaluate(
    loss: Loss,
    X: torch.Tensor,
    y: torch.Tensor,
    W: torch.Tensor,
    B: torch.Tensor,
    Z: torch.Tensor | None = None,
) -> dict[str, float]:
    """{'loss': L, score_name: score} of Z = XW + B over all of X (``Z``: already computed)."""
    if Z is None:
        Z = X @ W + B  # (N, k), as a training step computes it
    return {"loss": float(loss.value(Z, y)), loss.score_name: loss.score(Z, y)}


def evaluate_parts(
    loss: Loss,
    parts: Iterable[tuple[torch.Tensor, torch.Tensor]],
    W: torch.Tensor,
    B: torch.Tensor,
    reduce: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> dict[str, float]:
    """:func:`evaluate` over a dataset in parts (X_c, y_c), summed over ranks by ``reduce``."""
    sums: torch.Tensor | None = None
    for X_c, y_c in parts:
        Z = X_c @ W + B
        ell = loss.elements(Z, y_c)
        count = torch.tensor(float(loss.elements_count(Z)), dtype=torch.float64, device=W.device)
        part = torch.cat([ell.sum().to(torch.float64).reshape(1), count.reshape(1)])
        part = torch.cat([part, loss.score_sums(Z, y_c)])
        sums = part if sums is None else sums + part
    assert sums is not None, "a dataset without rows"
    if reduce is not None:
        sums = reduce(sums)
    value = sums[0] / sums[1] if loss.reduction == "mean" else sums[0]
    return {"loss": float(value), loss.score_name: loss.score_of_sums(sums[2:].cpu())}
