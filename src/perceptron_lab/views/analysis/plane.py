"""Classification in the plane: the points of a 2-feature run, its boundary, its regions.

For one output (bce, perceptron) the boundary is the line where the logit is zero,

    z = w1·x1 + w2·x2 + b = 0        (W = [[w1], [w2]], B = [b]),

σ(z) = 0.5 on it. For softmax over k classes the plane splits into the regions where
each class has the largest logit, argmaxⱼ (x·W[:, j] + B[j]).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

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


def check_plane(trace: Trace) -> None:
    """Refuse a run whose data is not 2 features with class labels."""
    shape(trace)  # a watched model other than one nn.Linear has no plane of its own
    data = trace.manifest.data
    if data.n_features != 2:
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
    everything = data.train.X if test is None else np.vstack([data.train.X, test.X])
    low, high = everything.min(axis=0), everything.max(axis=0)  # (2,)
    pad = MARGIN * np.maximum(high - low, 1e-9)
    classes = [str(c) for c in data.train.classes or ()]
    return Plane(
        data=data,
        X=data.train.X,
        labels=data.train.y.astype(np.int64),
        X_test=None if test is None else test.X,
        labels_test=None if test is None else test.y.astype(np.int64),
        classes=classes,
        features=list(data.train.feature_names),
        xlim=(float(low[0] - pad[0]), float(high[0] + pad[0])),
        ylim=(float(low[1] - pad[1]), float(high[1] + pad[1])),
    )


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
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x1s (n,), x2s (n,), class (n, n)): the predicted class over an n × n grid.

    ``class[i, j]`` is the class at (x1s[j], x2s[i]), the layout contourf takes.
    """
    x1s = np.linspace(*xlim, n)
    x2s = np.linspace(*ylim, n)
    g1, g2 = np.meshgrid(x1s, x2s)  # (n, n) each
    grid = torch.as_tensor(np.stack([g1.ravel(), g2.ravel()], axis=1), dtype=W.dtype)  # (n², 2)
    Z = grid @ W + B  # (n², k)
    index = loss.class_index(loss.predict(Z))
    assert index is not None, "a decision plane is drawn for classifying losses"
    return x1s, x2s, index.reshape(n, n)
