"""Loss and score over a whole dataset; the loss says which score (accuracy, R², …)."""

from __future__ import annotations

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
