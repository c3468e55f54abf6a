"""The Dataset: features X, targets y, and what they mean.

X is (N, d) = (batch_size, input_size) float64 (float32 when given as float32: large
data is not doubled), the notebook's notation. y is (N,):
float64 for regression, int64 class indices 0..C-1 for classification, where
``classes[i]`` is the original label of index i.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Literal, Protocol

import numpy as np

from perceptron_lab.errors import InputError

Task = Literal["binary", "multiclass", "regression"]
TASKS: tuple[Task, ...] = ("binary", "multiclass", "regression")


class DataFacts(Protocol):
    """What training needs to know of its data besides the numbers: a Dataset, or a file
    streamed in blocks (engine.streamed_data), whose X is never whole in memory."""

    @property
    def name(self) -> str: ...
    @property
    def task(self) -> Task: ...
    @property
    def classes(self) -> tuple[Any, ...] | None: ...
    @property
    def n_classes(self) -> int: ...
    @property
    def n_samples(self) -> int: ...
    @property
    def n_features(self) -> int: ...
    @property
    def feature_names(self) -> tuple[str, ...]: ...
    @property
    def target_name(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...


@dataclass(frozen=True, eq=False)
class Dataset:
    """A labelled dataset, validated: finite features, encoded targets."""

    name: str  # short name, e.g. "iris" or the file's stem
    X: np.ndarray  # (N, d) float64 features (float32 if given so)
    y: np.ndarray  # (N,) float64 (regression) or int64 class indices 0..C-1
    feature_names: tuple[str, ...]  # (d,) one name per column of X
    target_name: str  # what y measures, e.g. "species"
    task: Task  # "binary", "multiclass" or "regression"
    classes: tuple[Any, ...] | None  # original labels, classes[i] <-> index i; None: regression
    description: str = ""  # one or two sentences for humans

    def __post_init__(self) -> None:
        if self.X.ndim != 2 or self.y.ndim != 1 or len(self.X) != len(self.y):
            raise InputError(
                "Dataset",
                "X of shape (N, d) and y of shape (N,)",
                f"X {self.X.shape} and y {self.y.shape}",
            )
        if len(self.feature_names) != self.X.shape[1]:
            raise InputError(
                "feature_names",
                f"{self.X.shape[1]} names, one per column of X",
                str(len(self.feature_names)),
            )
        if self.task not in TASKS:
            raise InputError("task", "one of " + ", ".join(TASKS), repr(self.task))
        if (self.task == "regression") != (self.classes is None):
            raise InputError(
                "classes",
                "None for regression and a tuple of labels for classification",
                f"{self.classes!r} for {self.task}",
            )

    @property
    def n_samples(self) -> int:
        """N, the number of rows."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """d, the number of input features."""
        return int(self.X.shape[1])

    @property
    def n_classes(self) -> int:
        """C, the number of classes; 0 for regression."""
        return 0 if self.classes is None else len(self.classes)

    @cached_property
    def fingerprint(self) -> str:
        """sha256 hex digest of X and y (values, shapes, dtypes); stable across runs.

        Computed once per Dataset (hashing reads every byte: about a second per GB).
        """
        digest = hashlib.sha256()
        for array in (self.X, self.y):
            digest.update(f"{array.dtype.str}{array.shape};".encode())
            digest.update(np.ascontiguousarray(array).data.cast("B"))
        return digest.hexdigest()

    def subset(self, indices: Any, name: str | None = None) -> Dataset:
        """The rows at ``indices`` (ints or a boolean mask of length N), as a new Dataset."""
        index = np.asarray(indices)
        if index.dtype.kind == "b":
            if index.shape != (self.n_samples,):
                raise InputError(
                    "indices", f"a boolean mask of length {self.n_samples}", f"shape {index.shape}"
                )
        elif index.size == 0:
            index = index.astype(np.int64)
        elif index.dtype.kind not in "iu" or index.ndim != 1:
            raise InputError(
                "indices", "a 1-D array of row indices", f"{index.dtype} {index.shape}"
            )
        elif index.min() < -self.n_samples or index.max() >= self.n_samples:
            raise InputError(
                "indices",
                f"row indices in [0, {self.n_samples})",
                f"{int(index.min())}..{int(index.max())}",
            )
        return replace(
            self, name=self.name if name is None else name, X=self.X[index], y=self.y[index]
        )

    def __repr__(self) -> str:
        classes = "" if self.classes is None else f", classes={self.classes!r}"
        return (
            f"Dataset(name={self.name!r}, N={self.n_samples}, d={self.n_features}, "
            f"task={self.task!r}{classes})"
        )
