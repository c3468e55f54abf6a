"""Classification in the plane: the points of a 2-feature run, its boundary, its regions.

For one output (bce, perceptron) the boundary is the line where the logit is zero,

    z = w1·x1 + w2·x2 + b = 0        (W = [[w1], [w2]], B = [b]),

σ(z) = 0.5 on it. For softmax over k classes the plane splits into the regions where
each class has the largest logit, argmaxⱼ (x·W[:, j] + B[j]).

A run on crossed features (data/crosses.py) is drawn in the plane of its two original
features: a point u of the plane is fed as φ(u) — back to raw units, crossed, then
standardized as the run's data was — so its boundary z = φ(u)·W + b = 0 is a curve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from ...data.crosses import check_crosses, cross_columns
from ...engine.datasource import run_scaler
from ...engine.run_data import RunData, run_data, shape
from ...engine.trace import Trace
from ...errors import InputError
from ...losses import Loss

MARGIN = 0.1  # of the data's span, around the points


@dataclass(frozen=True)
class Plane:
    """The points of a 2-feature classification run and the window that shows them."""

    data: RunData
    X: np.ndarray  # (N, 2) training features
    labels: np.ndarray  # (N,) class indices
    X_test: np.ndarray | None  # (M, 2) held-out features
    labels_test: np.ndarray | None  # (M,)
    classes: list[str]  # name of class i
    features: list[str]  # the two feature names
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    inputs: Callable[[np.ndarray], np.ndarray] | None = None  # φ: (n, 2) → (n, d); None: itself
    standardized: bool = False  # X is (x − μ)/σ of the training set: no unit

    @property
    def crossed(self) -> bool:
        """The run trained on crossed features: its boundary is a curve."""
        return self.inputs is not None


def check_plane(trace: Trace) -> None:
    """Refuse a run whose data is not 2 features with class labels."""
    shape(trace)  # a watched model other than one nn.Linear has no plane of its own
    data = trace.manifest.data
    crosses = check_crosses(data.recipe.get("crosses"))
    if data.n_features != 2 + len(crosses):
        raise InputError(
            "data",
            "2 features to draw in the plane (x1, x2)",
            f"{data.n_features} features in {data.name}",
            hint="train on 2 features, e.g. --features a,b, or plot --kind loss or surface",
        )
    if data.task == "regression":
        raise InputError("data", "class labels to draw a decision boundary", "a real-valued target")


def plane(trace: Trace) -> Plane:
    """The run's points (training and held-out) and a window around them."""
    check_plane(trace)
    data = run_data(trace)
    test = data.test
    inputs = _crossing(trace)
    plane_X = data.train.X[:, :2]  # the two original features (all there is uncrossed)
    plane_test = None if test is None else test.X[:, :2]
    everything = plane_X if plane_test is None else np.vstack([plane_X, plane_test])
    low, high = everything.min(axis=0), everything.max(axis=0)  # (2,)
    pad = MARGIN * np.maximum(high - low, 1e-9)
    classes = [str(c) for c in data.train.classes or ()]
    return Plane(
        data=data,
        X=plane_X,
        labels=data.train.y.astype(np.int64),
        X_test=plane_test,
        labels_test=None if test is None else test.y.astype(np.int64),
        classes=classes,
        features=list(data.train.feature_names[:2]),
        xlim=(float(low[0] - pad[0]), float(high[0] + pad[0])),
        ylim=(float(low[1] - pad[1]), float(high[1] + pad[1])),
        inputs=inputs,
        standardized=trace.manifest.config.standardize,
    )


def _crossing(trace: Trace) -> Callable[[np.ndarray], np.ndarray] | None:
    """φ for a run on crossed features: plane point → the run's (standardized) inputs."""
    recipe = trace.manifest.data.recipe
    crosses = check_crosses(recipe.get("crosses"))
    if not crosses:
        return None
    scaler = run_scaler(recipe, trace.manifest.data.scaling, trace.manifest.config)
    if scaler is None:
        return lambda u: cross_columns(u, crosses)
    assert scaler.mean_ is not None and scaler.scale_ is not None  # on the crossed training set
    mean, scale = scaler.mean_[:2], scaler.scale_[:2]
    return lambda u: scaler.transform(cross_columns(u * scale + mean, crosses))


def boundary_line(
    W: torch.Tensor, B: torch.Tensor, xlim: tuple[float, float], ylim: tuple[float, float]
) -> np.ndarray | None:
    """Two points (2, 2) of the line w1·x1 + w2·x2 + b = 0 spanning the window; None if w = 0.

    Solved for x2 where the line is flatter than the diagonal (|w2| ≥ |w1|), else for x1,
    so the segment never runs off to infinity.
    """
    w1, w2, b = float(W[0, 0]), float(W[1, 0]), float(B[0])
    if w1 == 0 and w2 == 0:
        return None
    if abs(w2) >= abs(w1):
        x1 = np.asarray(xlim, dtype=np.float64)
        return np.stack([x1, -(b + w1 * x1) / w2], axis=1)
    x2 = np.asarray(ylim, dtype=np.float64)
    return np.stack([-(b + w2 * x2) / w1, x2], axis=1)


def predicted_regions(
    loss: Loss,
    W: torch.Tensor,
    B: torch.Tensor,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    n: int = 200,
    inputs: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x1s (n,), x2s (n,), class (n, n), Z (n, n, k)) over an n × n grid of the plane.

    ``class[i, j]`` is the class at (x1s[j], x2s[i]), the layout contourf takes; ``inputs``
    maps the grid's points to the run's inputs (φ of crossed features).
    """
    x1s = np.linspace(*xlim, n)
    x2s = np.linspace(*ylim, n)
    g1, g2 = np.meshgrid(x1s, x2s)  # (n, n) each
    points = np.stack([g1.ravel(), g2.ravel()], axis=1)  # (n², 2)
    grid = torch.as_tensor(points if inputs is None else inputs(points), dtype=W.dtype)
    Z = grid @ W + B  # (n², k)
    index = loss.class_index(loss.predict(Z))
    assert index is not None, "a decision plane is drawn for classifying losses"
    return x1s, x2s, index.reshape(n, n), Z.reshape(n, n, -1).numpy()
