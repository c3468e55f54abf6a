"""Where three ways of writing binary cross-entropy part ways, in float32 and float64.

For a logit z and a label y ∈ {0, 1} the loss is ℓ = −[y·log σ(z) + (1 − y)·log(1 − σ(z))]:

- ``naive``: that formula as written, on p = σ(z) = torch.sigmoid(z). (This is the
  unstable form DESIGN.md warns against — here it is the object of study.) Once p
  rounds to 0 or 1, log gives −inf: ℓ = inf, and 0·(−inf) = nan for the other label.
  float32 rounds σ(z) to 1 from z ≈ 17 and to 0 below z ≈ −88; float64 from z ≈ 37.
- ``probabilities``: torch.nn.BCELoss on the same p, which clamps each log at −100, so ℓ ≤ 100:
  finite, but flat at 100 where the true loss keeps growing (e.g. y = 0, z > 17 in float32).
- ``with_logits``: torch.nn.BCEWithLogitsLoss on z itself,
  ℓ = (1 − y)·z + softplus(−z) with the log-sum-exp form, finite for every z
  (≈ |z| on the wrong side, ≈ exp(−|z|) on the right one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ...data.checks import dtype_from_name

METHODS = ("naive", "probabilities", "with_logits")
LABELS = (1, 0)
Z_RANGE = (-100.0, 100.0)
POINTS = 2001  # z in steps of 0.1 over Z_RANGE


@dataclass(frozen=True)
class StabilityCurves:
    """ℓ over a sweep of z for each (method, dtype, y)."""

    z: np.ndarray  # (n,) the logits, float64
    loss: dict[tuple[str, str, int], np.ndarray]  # (method, dtype, y) -> (n,) ℓ, inf/nan kept

    def curve(self, method: str, dtype: str, y: int) -> np.ndarray:
        """ℓ (n,) of one method in one dtype for label y."""
        return self.loss[(method, dtype, y)]


def bce_three_ways(z: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
    """ℓ per element of z (n,) with labels y (n,), by each of :data:`METHODS`, in z's dtype."""
    p = torch.sigmoid(z)  # (n,) rounds to exactly 0 or 1 for large |z|
    return {
        "naive": -(y * torch.log(p) + (1 - y) * torch.log(1 - p)),
        "probabilities": torch.nn.BCELoss(reduction="none")(p, y),
        "with_logits": torch.nn.BCEWithLogitsLoss(reduction="none")(z, y),
    }


def stability_curves(
    dtypes: Sequence[str] = ("float32", "float64"),
    z_range: tuple[float, float] = Z_RANGE,
    n: int = POINTS,
) -> StabilityCurves:
    """Sweep z over ``z_range`` (n points) for y = 1 and y = 0 in each dtype."""
    z64 = np.linspace(*z_range, n)  # (n,)
    loss: dict[tuple[str, str, int], np.ndarray] = {}
    for name in dtypes:
        dtype = dtype_from_name(name)
        z = torch.as_tensor(z64, dtype=dtype)
        for label in LABELS:
            found = bce_three_ways(z, torch.full_like(z, float(label)))
            for method, values in found.items():
                loss[(method, name, label)] = values.to(torch.float64).numpy()
    return StabilityCurves(z64, loss)
