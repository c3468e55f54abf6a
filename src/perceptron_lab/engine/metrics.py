"""Loss and score over a whole dataset; the loss says which score (accuracy, R², …)."""

from __future__ import annotations

import torch

from ..losses import Loss


def score_name(loss: Loss) -> str:
    """The loss's score: 'accuracy' for classifying losses, 'r2' for mean squared error."""
    return loss.score_name


def score(loss: Loss, Z: torch.Tensor, y: torch.Tensor) -> float:
    """The loss's score of the logits Z against its targets y (see ``Loss.score``)."""
    return loss.score(Z, y)


def evaluate(
    loss: Loss, X: torch.Tensor, y: torch.Tensor, W: torch.Tensor, B: torch.Tensor
) -> dict[str, float]:
    """{'loss': L, score_name: score} of Z = XW + B over all of X."""
    Z = torch.addmm(B, X, W)  # (N, k)
    return {"loss": float(loss.value(Z, y)), loss.score_name: loss.score(Z, y)}
