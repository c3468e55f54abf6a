"""What went wrong with a finished run, measured from its losses and its data, and the fix.

A run that ends with its epochs is not yet a useful one. :func:`diagnose` reads the
whole-set training loss L₀ before the first update and Lₑ after each epoch e = 1…E,
the last epoch's score, and the training data, and names each cause it measures:

- ``diverged``: max Lₑ ≥ DIVERGED · L₀ — the loss grew by orders of magnitude (the
  learning rate is too large for the scale of the features); the run's status is
  "diverged", never "finished".
- ``rising``: L_E > L₀ — the run ended worse than it began (the learning rate is too large).
- ``still_falling``: (L_{E−1} − L_E) / L_{E−1} ≥ FAST — the last epoch alone still cut
  the loss by that fraction: more epochs (or a larger learning rate) would go on.
- ``not_separable``: a classifier trained STUCK_EPOCHS epochs or more whose accuracy is
  no better than the majority share, whose loss has settled (the last epoch moved it by
  less than FLAT), on two classes that no hyperplane W·x + B = 0 separates (an exact
  linear-programming test): one neuron cannot learn them (XOR). Noisy data is never
  separable: a loss still moving says the run is slow, not the data unlearnable.
- ``majority``: the same accuracy on data a hyperplane could separate (or of more classes).
- ``too_slow``: none of the above, MIN_SAMPLES samples or more, and (L₀ − L_E) / L₀ < SLOW:
  the run hardly moved (the learning rate is too small for so few epochs).
- ``scales``: unstandardized features whose standard deviations σⱼ differ by a factor
  max σⱼ / min σⱼ > SCALES: the largest dominates every step (standardize).

Each :class:`Advice` holds the cause and the numbers that show it; the words are the
views' (section "advice" of :mod:`perceptron_lab.views.i18n`), rendered at display.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

DIVERGED = 1e3  # a loss this many times its start has blown up
FAST = 0.01  # a last epoch that still cut the loss by this fraction had not converged
STUCK_EPOCHS = 20  # after this many epochs, majority-share accuracy is stuck, not early
FLAT = 1e-3  # a last epoch that moved the loss by less than this fraction: it has settled
SLOW = 0.05  # a run whose loss fell by less than this fraction in all hardly moved
MIN_SAMPLES = 10  # fewer samples (the notebook's 3) say nothing of a majority share
SCALES = 100.0  # feature standard deviations differing by more than this factor
SCALE_ROWS = 2**12  # rows the feature scales are measured on, at most
MOST_SEPARABILITY = 5000  # samples up to which the exact separability test runs
PERCEPTRON_PASSES = 2000  # passes of the batch perceptron rule, where SciPy is absent
CAUSES = ("diverged", "rising", "still_falling", "not_separable", "majority", "too_slow", "scales")


@dataclass(frozen=True)
class Advice:
    """One measured cause of a useless run and its numbers (keys as the words' placeholders)."""

    cause: str  # one of CAUSES
    numbers: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def separable(X: np.ndarray, y: np.ndarray) -> bool:
    """Whether some W, B give sₙ(W·xₙ + B) ≥ 1 for every sample (sₙ = ±1 its class).

    Exact, by a feasibility linear program, where SciPy is installed (the sklearn extra);
    on the core alone, by the batch perceptron rule on the augmented inputs x̃ₙ = (xₙ, 1):
    θ ← θ + Σ sₙx̃ₙ over the misclassified n (sₙθ·x̃ₙ ≤ 0), which stops within
    PERCEPTRON_PASSES passes on classes a hyperplane separates with any usable margin.
    """
    s = np.where(y == y[0], 1.0, -1.0)
    Xt = np.hstack([X, np.ones((len(X), 1))])
    try:
        from scipy.optimize import linprog
    except ImportError:
        scale = np.abs(Xt).max(axis=0)
        Z = s[:, None] * (Xt / np.where(scale > 0, scale, 1.0))
        theta = np.zeros(Xt.shape[1])
        for _ in range(PERCEPTRON_PASSES):
            wrong = Z @ theta <= 0
            if not wrong.any():
                return True
            theta += Z[wrong].sum(axis=0)
        return False
    found = linprog(
        np.zeros(Xt.shape[1]),
        A_ub=-s[:, None] * Xt,
        b_ub=-np.ones(len(X)),
        bounds=[(None, None)] * Xt.shape[1],
        method="highs",
    )
    return bool(found.status == 0)


def spread(X: np.ndarray, names: Sequence[str]) -> Advice | None:
    """Advice "scales" when the varying features' σⱼ differ by more than SCALES, else None.

    σⱼ is measured on every ⌈N / SCALE_ROWS⌉-th row: a factor of 100 between features
    shows in a sample of that size, and a million-row set costs no more than a small one.
    """
    return spread_of(X[:: -(-len(X) // SCALE_ROWS)].std(axis=0), names)


def spread_of(sigma: np.ndarray, names: Sequence[str]) -> Advice | None:
    """:func:`spread`'s advice from the features' σⱼ themselves (a streamed file's scan)."""
    varied = np.flatnonzero(sigma > 0)
    if len(varied) < 2:
        return None
    small = varied[np.argmin(sigma[varied])]
    large = varied[np.argmax(sigma[varied])]
    ratio = float(sigma[large] / sigma[small])
    if ratio <= SCALES:
        return None
    return Advice(
        "scales",
        {
            "ratio": ratio,
            "small": names[small],
            "small_std": float(sigma[small]),
            "large": names[large],
            "large_std": float(sigma[large]),
        },
    )


def diagnose(
    start_loss: float,
    losses: Sequence[float],
    *,
    score_name: str,
    score: float | None,
    lr: float,
    X: np.ndarray,
    y: np.ndarray,
    feature_names: Sequence[str],
    standardized: bool,
) -> list[Advice]:
    """The causes measured on a run: L₀ ``start_loss``, Lₑ ``losses`` (one per epoch),
    the last epoch's ``score`` (accuracy or r2) and the training data (X, y)."""
    found: list[Advice] = []
    if losses and all(map(math.isfinite, losses)) and start_loss > 0:
        worst = max(losses)
        if worst >= DIVERGED * start_loss:
            found.append(
                Advice(
                    "diverged",
                    {"start": start_loss, "worst": worst, "times": worst / start_loss, "lr": lr},
                )
            )
        elif losses[-1] > start_loss:
            found.append(Advice("rising", {"start": start_loss, "end": losses[-1], "lr": lr}))
        elif len(losses) >= 2 and losses[-2] > 0:
            fell = (losses[-2] - losses[-1]) / losses[-2]
            if fell >= FAST:
                found.append(
                    Advice(
                        "still_falling",
                        {"fell": fell, "end": losses[-1], "epochs": len(losses), "lr": lr},
                    )
                )
    classes = score_name == "accuracy" and score is not None and len(y) > 0
    majority = float(np.bincount(y.astype(np.int64)).max() / len(y)) if classes else 1.0
    if classes and score is not None and score <= majority + 1e-9 and losses:
        numbers = {
            "accuracy": score,
            "majority": majority,
            "epochs": len(losses),
            "features": X.shape[1],
        }
        two = len(np.unique(y)) == 2 and len(y) <= MOST_SEPARABILITY
        flat = len(losses) >= 2 and abs(losses[-2] - losses[-1]) <= FLAT * abs(losses[-2])
        if len(losses) >= STUCK_EPOCHS:
            stuck = two and flat and not separable(X, y)  # noisy data is never separable
            cause: str | None = "not_separable" if stuck else "majority"
        else:
            cause = None  # early yet: too_slow below, if the loss hardly moved
        if cause is not None:
            found.append(Advice(cause, numbers))
    fell = (start_loss - losses[-1]) / start_loss if losses and start_loss > 0 else 1.0
    if not found and len(y) >= MIN_SAMPLES and 0 <= fell < SLOW:
        found.append(Advice("too_slow", {"fell": fell, "epochs": len(losses), "lr": lr}))
    if not standardized:
        scales = spread(X, feature_names)
        if scales is not None:
            found.append(scales)
    return found
