"""A model's metrics on labelled rows: what ``evaluate`` prints, computed once, here.

Classification, over the run's C classes (y, ŷ the true and predicted class indices):

    accuracy      = (1/N) Σₙ [ŷₙ = yₙ]
    confusion[i,j] = #{n : yₙ = i, ŷₙ = j}                        (C, C), rows true
    precisionᵢ    = confusion[i,i] / Σⱼ confusion[j,i]            (0 when nothing is predicted i)
    recallᵢ       = confusion[i,i] / Σⱼ confusion[i,j]            (0 when no row is i)
    F1ᵢ           = 2·precisionᵢ·recallᵢ / (precisionᵢ + recallᵢ)  (0 when both are 0)
    log-loss      = (1/N) Σₙ −log P(yₙ | xₙ), from the logits Z: softplus(z) − y·z (binary),
                    logsumexp(zₙ) − zₙ,ᵧ (C classes) — never log σ(z), which rounds to −inf
    ROC AUC       = P(z of a class-1 row > z of a class-0 row), ties counting ½ (binary):
                    the Mann–Whitney U over the ranks of z (σ is increasing: same order as P)

Regression (ŷ the predicted value, r = y − ŷ the residuals):

    R² = 1 − Σ r² / Σ (y − ȳ)²,   MAE = (1/N) Σ |r|,   RMSE = √((1/N) Σ r²)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .model import Prediction


@dataclass(frozen=True)
class ClassMetrics:
    """A classifier's metrics on N labelled rows."""

    classes: tuple[str, ...]  # (C,)
    n: int
    accuracy: float
    confusion: np.ndarray  # (C, C) int64: row i = true class i, column j = predicted j
    precision: np.ndarray  # (C,)
    recall: np.ndarray  # (C,)
    f1: np.ndarray  # (C,)
    support: np.ndarray  # (C,) rows of each true class
    log_loss: float | None  # None: the loss gives no probabilities (perceptron)
    roc_auc: float | None  # binary only; None when the rows hold one class only


@dataclass(frozen=True)
class RegressionMetrics:
    """A regressor's metrics on N rows."""

    n: int
    r2: float  # nan when y is constant
    mae: float
    rmse: float
    predicted: np.ndarray  # (N,) ŷ
    residuals: np.ndarray  # (N,) r = y − ŷ


def classification_metrics(
    prediction: Prediction, y: np.ndarray, classes: tuple[str, ...], probabilistic: bool
) -> ClassMetrics:
    """The metrics of predicted classes and logits against true class indices y (N,)."""
    assert prediction.index is not None
    c, pred, y = len(classes), prediction.index, np.asarray(y, dtype=np.int64)
    confusion = np.zeros((c, c), dtype=np.int64)
    np.add.at(confusion, (y, pred), 1)
    hits = np.diag(confusion).astype(np.float64)  # (C,)
    predicted, support = confusion.sum(axis=0), confusion.sum(axis=1)  # (C,), (C,)
    precision = np.divide(hits, predicted, out=np.zeros(c), where=predicted > 0)
    recall = np.divide(hits, support, out=np.zeros(c), where=support > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros(c), where=both > 0)
    Z = prediction.Z  # (N, k)
    binary = Z.shape[1] == 1
    return ClassMetrics(
        classes=classes,
        n=len(y),
        accuracy=float(np.mean(pred == y)),
        confusion=confusion,
        precision=precision,
        recall=recall,
        f1=f1,
        support=support,
        log_loss=_log_loss(Z, y) if probabilistic else None,
        roc_auc=_roc_auc(Z[:, 0], y) if binary else None,
    )


def _log_loss(Z: np.ndarray, y: np.ndarray) -> float:
    """(1/N) Σ −log P(yₙ) from the logits Z (N, k)."""
    if Z.shape[1] == 1:
        z = Z[:, 0]
        return float(np.mean(np.logaddexp(0.0, z) - y * z))  # softplus(z) − y·z
    top = Z.max(axis=1)  # (N,)
    logsumexp = top + np.log(np.exp(Z - top[:, None]).sum(axis=1))
    return float(np.mean(logsumexp - Z[np.arange(len(y)), y]))


def _roc_auc(z: np.ndarray, y: np.ndarray) -> float | None:
    """The area under the ROC curve of scores z (N,) for class 1, by the ranks of z."""
    positives = int(y.sum())
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return None
    _, inverse, counts = np.unique(z, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)  # a tie's ranks run from ends − counts + 1 to ends
    ranks = ((ends - counts + 1 + ends) / 2)[inverse]  # (N,) average ranks
    u = ranks[y == 1].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives))


def regression_metrics(prediction: Prediction, y: np.ndarray) -> RegressionMetrics:
    """R², MAE, RMSE and the residuals of predicted values against y (N,)."""
    predicted = np.asarray(prediction.values, dtype=np.float64)
    residuals = np.asarray(y, dtype=np.float64) - predicted  # (N,)
    total = float(((y - np.mean(y)) ** 2).sum())
    sse = float((residuals**2).sum())
    return RegressionMetrics(
        n=len(y),
        r2=1 - sse / total if total > 0 else float("nan"),
        mae=float(np.abs(residuals).mean()),
        rmse=float(np.sqrt(sse / len(y))),
        predicted=predicted,
        residuals=residuals,
    )
