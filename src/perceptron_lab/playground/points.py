"""The playground's points: DATA (recipe.py) made into the sets a trainer trains on.

The page shows the plane of two features u = (x₁, x₂). The points are drawn from the
recipe (a built-in set or an upload's two columns), jittered by ``noise`` (Gaussian, σ =
noise × each feature's standard deviation, seeded), split into train and test with the
data seed, edited (points added to or removed from train), then fed as

    φ(u) = standardize(cross(u))        (cross: u and the chosen crosses, data/crosses.py)

with the training set's mean and spread when ``standardize`` is on. The plane's field is
drawn through the same φ, so a boundary on crossed features is a curve in the plane.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..data import Dataset, Standardizer, from_arrays, load, split
from ..data.builtin import SYNTHETIC
from ..data.crosses import cross_columns, crossed
from ..errors import InputError

SMALL = 10  # a set of fewer points is not split (the logic gates, the notebook's 3 points)
MARGIN = 0.15  # of the points' span, around them


@dataclass(frozen=True)
class Points:
    """Train and test points in the plane, and the sets the trainer takes (φ applied)."""

    train_u: np.ndarray  # (N, 2) the plane's coordinates of the training points
    train_y: np.ndarray  # (N,) class indices (or values, regression)
    test_u: np.ndarray  # (M, 2), M may be 0
    test_y: np.ndarray  # (M,)
    base: Dataset  # the plane's dataset (its names, task, classes)
    crosses: tuple[str, ...]
    scaler: Standardizer | None  # fitted on the crossed training features; None: off
    train: Dataset  # φ(train_u), what the trainer trains on
    test: Dataset | None

    @property
    def features(self) -> list[str]:
        return list(self.base.feature_names)

    @property
    def task(self) -> str:
        return self.base.task

    def inputs(self, u: np.ndarray) -> np.ndarray:
        """φ(u) for plane points u (n, 2): the inputs the trained W takes, (n, d)."""
        X = cross_columns(u, self.crosses) if self.crosses else u
        return self.scaler.transform(X) if self.scaler is not None else X

    def window(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The plane's ranges of x₁ and x₂: every point with a margin."""
        every = np.vstack([self.train_u, self.test_u]) if len(self.test_u) else self.train_u
        low, high = every.min(axis=0), every.max(axis=0)
        pad = MARGIN * np.maximum(high - low, 1e-3)
        return (
            (float(low[0] - pad[0]), float(high[0] + pad[0])),
            (float(low[1] - pad[1]), float(high[1] + pad[1])),
        )

    def edited(self, edit: Mapping[str, Any]) -> Points:
        """These points with one training point added ([x₁, x₂, label]) or removed (index)."""
        u, y = self.train_u, self.train_y
        if "add" in edit:
            x1, x2, label = edit["add"]
            if self.base.classes is not None:
                if not (isinstance(label, int | float) and float(label).is_integer()) or not (
                    0 <= int(label) < len(self.base.classes)
                ):
                    raise InputError(
                        "label", f"a class index 0–{len(self.base.classes) - 1}", repr(label)
                    )
                label = int(label)
            u, y = np.vstack([u, [[x1, x2]]]), np.append(y, label).astype(y.dtype)
        else:
            index = edit["remove"]
            if not 0 <= index < len(u):
                raise InputError("remove", f"a training point's index 0–{len(u) - 1}", str(index))
            if len(u) <= 2:
                raise InputError(
                    "remove", "a point of a set that keeps at least 2", "the last ones"
                )
            u, y = np.delete(u, index, axis=0), np.delete(y, index)
        return make(
            self.base, u, y, self.test_u, self.test_y, self.crosses, self.scaler is not None
        )


def make(
    base: Dataset,
    train_u: np.ndarray,
    train_y: np.ndarray,
    test_u: np.ndarray,
    test_y: np.ndarray,
    crosses: Sequence[str],
    scale: bool,
) -> Points:
    """The Points of these plane coordinates: crossed, standardized on train."""
    task = base.task

    def dataset(u: np.ndarray, y: np.ndarray) -> Dataset:
        labelled = from_arrays(u, y, feature_names=base.feature_names, task=task, name=base.name)
        if base.classes is not None:  # keep the base's label names (indices stay indices)
            labelled = replace(labelled, classes=base.classes, target_name=base.target_name)
        return crossed(labelled, crosses)

    train = dataset(train_u, train_y)
    test = dataset(test_u, test_y) if len(test_u) else None
    scaler = None
    if scale:
        scaler = Standardizer()
        scaler.fit(train.X)
        train = replace(train, X=scaler.transform(train.X))
        test = None if test is None else replace(test, X=scaler.transform(test.X))
    return Points(train_u, train_y, test_u, test_y, base, tuple(crosses), scaler, train, test)


def from_recipe(data: Mapping[str, Any]) -> Points:
    """The Points of a checked DATA (an upload's chosen columns inline, as the lab keeps them)."""
    if "points" in data:
        p = data["points"]
        base = from_arrays(
            np.column_stack([p["x1"], p["x2"]]),
            np.asarray(p["target"]),
            feature_names=data["features"],
            name=Path(data["upload"]).stem,
        )
        base = replace(base, target_name=data["target"])
    else:
        name = data["name"]
        features = [0, 1] if name == "iris" else None  # its sepals: length and width
        size = data["size"] if name in SYNTHETIC else None
        base = load(name, size=size, seed=data["seed"], features=features)
    if base.n_features != 2:
        raise InputError(
            "data", "2 features, the plane's x₁ and x₂", f"{base.n_features} in {base.name}"
        )
    X = base.X.astype(np.float64)
    if data["noise"]:
        rng = np.random.default_rng(data["seed"] + 1)
        X = X + rng.normal(0.0, data["noise"] * X.std(axis=0), X.shape)
    base = replace(base, X=X)
    ratio = data["test_ratio"] if base.n_samples >= SMALL else 0.0
    train, test = split(base, test_size=ratio, seed=data["seed"]) if ratio else (base, None)
    empty = np.zeros((0, 2))
    points = make(
        base,
        train.X,
        train.y,
        empty if test is None else test.X,
        np.zeros(0, dtype=train.y.dtype) if test is None else test.y,
        data["crosses"],
        data["standardize"],
    )
    for edit in data["edits"]:
        points = points.edited(edit)
    return points


def inline(base: Dataset) -> dict[str, list[Any]]:
    """An upload's points (as read, before noise) as DATA's ``points``: a state that
    reopens without the file."""
    labels = base.y if base.classes is None else [base.classes[int(i)] for i in base.y]
    return {
        "x1": base.X[:, 0].tolist(),
        "x2": base.X[:, 1].tolist(),
        "target": [v.item() if hasattr(v, "item") else v for v in labels],
    }
