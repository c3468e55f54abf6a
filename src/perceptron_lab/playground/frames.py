"""What a playground frame holds, computed from the engine's numbers (docs/playground.md).

Nothing here trains or re-derives a step: the field is the model's output over a grid
of the plane, z = φ(u)·W + B (points.py's φ); a step's batch view comes from its
:class:`~perceptron_lab.core.observed_step.StepRecord` — zₙ, aₙ, ℓₙ and each sample's
term of the gradient,

    cₙ = xₙᵀ·(dL/dZ)ₙ   (d, k),   Σₙ cₙ = dL/dW          (views/analysis/contributions)

of which the plane shows the two entries of its features (k = 1); the surface is L over
two weights, the others held where they are (views/analysis/loss_grid.grid_loss).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..core.observed_step import StepRecord
from ..losses import Loss
from ..views.analysis.contributions import sample_contributions
from ..views.analysis.loss_grid import grid_loss
from .points import Points

FIELD = 48  # the field's grid points per side
FIELD_DIGITS = 4  # decimals of the field's values (what a pixel can show)
BATCH_DIGITS = 6  # decimals of each sample's numbers (what a tooltip shows; the sums are exact)
SURFACE = 36  # the surface's grid points per side
SURFACE_HALF = 1.0  # its least half-width around the paths


def finite(values: Any) -> Any:
    """A float as JSON takes it: NaN and ±Inf become None (a diverged number)."""
    return values if isinstance(values, int) or math.isfinite(values) else None


def numbers(t: torch.Tensor, digits: int | None = None) -> Any:
    """A tensor as nested lists of JSON numbers (None where not finite), rounded to ``digits``."""
    a = t.detach().to(torch.float64).cpu().numpy()
    if digits is not None:
        a = a.round(digits)
    ok = np.isfinite(a)
    if ok.all():
        return a.tolist()
    shown: Any = np.where(ok, a, np.nan).astype(object)
    shown[~ok] = None
    return shown.tolist()


def field(points: Points, loss: Loss, W: torch.Tensor, B: torch.Tensor) -> dict[str, Any]:
    """The model over the plane's grid: P(class 1), the class, or the predicted value."""
    (x1lo, x1hi), (x2lo, x2hi) = points.window()
    g1, g2 = np.meshgrid(np.linspace(x1lo, x1hi, FIELD), np.linspace(x2lo, x2hi, FIELD))
    u = np.stack([g1.ravel(), g2.ravel()], axis=1)  # (FIELD², 2), row by row from x2 = lo
    grid = torch.as_tensor(points.inputs(u), dtype=W.dtype, device=W.device)
    Z = grid @ W + B  # (FIELD², k), on the session's device
    index = None if points.task == "regression" else loss.class_index(loss.predict(Z))
    if loss.name == "bce":
        kind, values = "probability", torch.sigmoid(Z[:, 0])
    elif index is None:  # a value: a regression, or MSE fitted to the labels 0 and 1
        kind, values = "value", Z[:, 0]
    else:
        kind, values = "class", torch.as_tensor(index)
    return {
        "nx": FIELD,
        "ny": FIELD,
        "x1": [x1lo, x1hi],
        "x2": [x2lo, x2hi],
        "kind": kind,
        "values": numbers(values.reshape(-1), FIELD_DIGITS),
    }


def batch(record: StepRecord, rows: torch.Tensor | None) -> dict[str, Any]:
    """The step's samples: their rows, zₙ, aₙ, ℓₙ, cₙ in the plane and share of Σ‖cₙ‖."""
    n = record.X.shape[0]
    c = sample_contributions(record).to(torch.float64)  # (n, d, k)
    size = torch.linalg.vector_norm(c.reshape(n, -1), dim=1)
    total = float(size.sum())
    k = c.shape[2]
    return {
        "rows": list(range(n)) if rows is None else rows.tolist(),
        "z": numbers(record.Z.closed, BATCH_DIGITS),
        "a": numbers(record.A.closed, BATCH_DIGITS),
        "loss": numbers(record.per_sample_loss, BATCH_DIGITS),
        "arrow": numbers(c[:, :2, 0], BATCH_DIGITS) if k == 1 else None,
        "share": numbers(size / total, BATCH_DIGITS) if total > 0 else [0.0] * n,
    }


def gradient(record: StepRecord) -> dict[str, Any]:
    """dL/dW, dL/dB (closed form) and dL/dW's entries of the plane's features (k = 1)."""
    dW = record.dW.closed
    return {
        "dW": numbers(dW),
        "dB": numbers(record.dB.closed),
        "arrow": numbers(dW[:2, 0]) if dW.shape[1] == 1 else None,
    }


def surface(
    points: Points,
    loss: Loss,
    W: torch.Tensor,
    B: torch.Tensor,
    y: torch.Tensor,
    paths: Sequence[Sequence[Sequence[float]]],
) -> dict[str, Any]:
    """L over W[0,0] × W[1,0] (the others as now) spanning every path with a margin.

    Computed in float64 on the CPU, whatever the session's device: a map to look at.
    """
    d, k = W.shape
    seen = np.array([p for path in paths for p in path if None not in p] or [[0.0, 0.0]])
    axes = []
    for j in range(2):
        low, high = float(seen[:, j].min()), float(seen[:, j].max())
        mid, half = (low + high) / 2, max((high - low) * 0.75, SURFACE_HALF)
        axes.append((mid - half, mid + half))
    a = torch.linspace(*axes[0], SURFACE, dtype=torch.float64)
    b = torch.linspace(*axes[1], SURFACE, dtype=torch.float64)
    ga, gb = torch.meshgrid(a, b, indexing="xy")  # (SURFACE, SURFACE), row i is b[i]
    theta = torch.cat([W.reshape(-1), B]).to("cpu", torch.float64)
    thetas = theta.repeat(SURFACE * SURFACE, 1)
    thetas[:, 0 * k + 0] = ga.reshape(-1)  # W[0, 0]
    thetas[:, 1 * k + 0] = gb.reshape(-1)  # W[1, 0]
    X = torch.as_tensor(points.train.X, dtype=torch.float64)
    y = y.to("cpu", torch.float64) if y.is_floating_point() else y.cpu()  # indices stay
    values = grid_loss(loss, X, y, thetas, d, k)
    names = points.features if not points.crosses and points.scaler is None else ["x₁", "x₂"]
    return {
        "w1": list(axes[0]),
        "w2": list(axes[1]),
        "n": SURFACE,
        "values": numbers(values, FIELD_DIGITS),
        "names": [f"W[{names[0]}]", f"W[{names[1]}]"] if k == 1 else ["W[1,1]", "W[2,1]"],
    }


def within(surface: dict[str, Any] | None, point: Sequence[float | None]) -> bool:
    """Whether ``point`` (w₁, w₂) lies on ``surface``'s map (a diverged one: no)."""
    if surface is None or None in point:
        return surface is not None
    (a0, a1), (b0, b1) = surface["w1"], surface["w2"]
    w1, w2 = (float(v) for v in point if v is not None)
    return bool(a0 <= w1 <= a1 and b0 <= w2 <= b1)


def plane_points(points: Points) -> dict[str, Any]:
    """The points as the page draws them: [x₁, x₂, label] each, and the plane's facts."""
    x1, x2 = points.window()

    def rows(u: np.ndarray, y: np.ndarray) -> list[list[float]]:
        listed: list[list[float]] = np.column_stack([u, y]).tolist()
        return listed  # finite: the data were checked

    classes = points.base.classes
    return {
        "train": rows(points.train_u, points.train_y),
        "test": rows(points.test_u, points.test_y),
        "task": points.task,
        "classes": None if classes is None else [str(c) for c in classes],
        "features": points.features,
        "crosses": list(points.crosses),
        "bounds": {"x1": list(x1), "x2": list(x2)},
    }
