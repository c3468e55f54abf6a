"""A sheet's numbers: small integers and one-decimal weights, drawn so the arithmetic is doable by hand.

As in the notebook (X = [[1, 2], [3, 4], [5, 6]], W = [0.5, −0.3], B = 0.1): X holds
integers from −3 to 3, W multiples of 0.1 in [−1, 1], B a multiple of 0.1 in [−0.5,
0.5], none of them 0 (a zero weight or bias would hide a mistake that leaves it out).
So every logit z = Σ xᵢ·wᵢ + b is itself a one-decimal number, and none is 0 (in float64
2·(−0.7) + 0.9 + 0.5 is 1.1e-16, which the key would print). The labels:

- binary cross-entropy: 0 and 1, both present; |z| ≤ 3, so σ(z) stays away from 0 and 1;
- softmax cross-entropy: class indices 0 … k−1, at least two classes present; |z| ≤ 3;
- mean squared error: multiples of 0.5 in [−2, 2];
- the perceptron criterion: −1 and +1, both present, at least one sample misclassified
  (t·z ≤ 0: else the gradient is 0 and there is nothing to compute).

Each draw is also rated by ``quality`` (the caller's: 2 when every known mistake moves
each answer it touches far beyond the tolerance, or not visibly; 1 when each can at
least be told apart somewhere on the sheet). Draws repeat, from the same generator, until
one rates 2; after ``CLEAN_TRIES`` the best so far is taken, as long as it rates 1, and
after ``TRIES`` whatever was best.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .exercise import Exercise

CLEAN_TRIES = 50  # draws that may be spent looking for a clean sheet (quality 2) …
TRIES = 300  # … and for a usable one (quality 1)
Z_LIMIT = {"bce": 3.0, "cross_entropy": 3.0, "mse": 4.0, "perceptron": 4.0}


@dataclass(frozen=True)
class Numbers:
    """The data a sheet states: X (N, d), y (N,) as the sheet writes it, W (d, k), B (k,)."""

    X: np.ndarray
    y: np.ndarray
    W: np.ndarray
    B: np.ndarray


def _tenths(rng: np.random.Generator, low: int, high: int, shape: tuple[int, ...]) -> np.ndarray:
    """Nonzero multiples of 0.1 from low/10 to high/10."""
    choices = np.array([v for v in range(low, high + 1) if v != 0])
    return rng.choice(choices, size=shape) / 10


def _labels(ex: Exercise, rng: np.random.Generator, Z: np.ndarray) -> np.ndarray | None:
    """The labels of a draw, or None when they make a poor sheet."""
    n = ex.N
    if ex.loss == "bce":
        y = rng.integers(0, 2, n).astype(float)
        return y if n < 2 or len(set(y)) == 2 else None
    if ex.loss == "cross_entropy":
        y = rng.integers(0, ex.outputs, n).astype(float)
        return y if n < 2 or len(set(y)) >= 2 else None
    if ex.loss == "mse":
        return rng.integers(-4, 5, n) / 2
    y = rng.choice([-1.0, 1.0], n)  # the perceptron criterion
    both = n < 2 or len(set(y)) == 2
    return y if both and bool((y * Z[:, 0] <= 0).any()) else None


def draw_numbers(ex: Exercise, quality: Callable[[Numbers], int]) -> Numbers:
    """The best draw from ``ex.number_seed`` (see the module's docstring)."""
    rng = np.random.default_rng(ex.number_seed)
    k = ex.outputs
    best: tuple[int, Numbers] | None = None
    rated = 0
    while rated < TRIES:
        X = rng.integers(-3, 4, (ex.N, ex.d)).astype(float)
        if not X.any(axis=1).all():  # a row of zeros only shows B
            continue
        W = _tenths(rng, -10, 10, (ex.d, k))
        B = _tenths(rng, -5, 5, (k,))
        Z = X @ W + B
        if np.abs(Z).max() > Z_LIMIT[ex.loss] or (np.abs(Z) < 1e-9).any():
            continue
        y = _labels(ex, rng, Z)
        if y is None:
            continue
        numbers = Numbers(X, y, W, B)
        score = quality(numbers)
        rated += 1
        if best is None or score > best[0]:
            best = (score, numbers)
        if score == 2 or (score == 1 and rated >= CLEAN_TRIES):
            break
    assert best is not None
    return best[1]
