"""scikit-learn's bundled tables, shipped in this package: ``train iris`` needs no sklearn.

``tables/<name>.npz`` holds what ``sklearn.datasets.load_<name>()`` returns, value for
value (float64 data, its target, feature and target names), for iris, breast_cancer,
wine, digits and diabetes; ``tables/LICENSE`` is their BSD-3 licence. They were written
from scikit-learn 1.9.1 by::

    b = getattr(sklearn.datasets, f"load_{name}")()
    numpy.savez_compressed(f"{name}.npz", data=b.data, target=b.target,
        feature_names=numpy.asarray(b.feature_names, dtype=str),
        target_names=numpy.asarray(b.get("target_names", ())))

(tests/test_data_bundled.py compares them with scikit-learn's where it is installed).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

import numpy as np

TABLES = ("iris", "breast_cancer", "wine", "digits", "diabetes")


@dataclass(frozen=True)
class BundledTable:
    """One table as scikit-learn's Bunch holds it (the fields perceptron-lab reads)."""

    data: np.ndarray  # (N, d) float64
    target: np.ndarray  # (N,) int64 class indices, or float64 for diabetes
    feature_names: np.ndarray  # (d,) str
    target_names: np.ndarray  # (k,) the classes' names (str, or int for digits); () diabetes


def bundled_table(name: str) -> BundledTable:
    """The table ``name`` (one of :data:`TABLES`), read from the package."""
    with (
        (files("perceptron_lab.data") / "tables" / f"{name}.npz").open("rb") as f,
        np.load(f) as npz,
    ):
        return BundledTable(
            data=npz["data"],
            target=npz["target"],
            feature_names=npz["feature_names"],
            target_names=npz["target_names"],
        )
