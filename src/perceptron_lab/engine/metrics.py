"""Loss and a score over a whole dataset: accuracy for classes, R² for regression."""

from __future__ import annotations

import torch

from ..losses import Loss


def score_name(loss: Loss) -> str:
    """'accuracy' for classifying losses, 'r2' for mean squared error."""
    return "r2" if loss.name == "mse" else "accuracy"


def score(loss: Loss, Z: torch.Tensor, y: torch.Tensor) -> float:
    """Accuracy (share of correct predictions) or R² = 1 − Σ(y − z)² / Σ(y − ȳ)²."""
    if loss.name == "mse":
        total = ((y - y.mean(dim=0)) ** 2).sum()
        if float(total) == 0:
            return float("nan")
        return float(1 - ((y - Z) ** 2).sum() / total)
    predicted = loss.predict(Z)
    truth = y if loss.name == "cross_entropy" else y.to(torch.int64)
    return float((predicted == truth).to(torch.float64).mean())


def evaluate(
    loss: Loss, X: torch.Tensor, y: torch.Tensor, W: torch.Tensor, B: torch.Tensor
) -> dict[str, float]:
    """{'loss': L, score_name: score} of Z = XW + B over all of X."""
    Z = torch.addmm(B, X, W)  # (N, k)
    return {"loss": float(loss.value(Z, y)), score_name(loss): score(loss, Z, y)}
