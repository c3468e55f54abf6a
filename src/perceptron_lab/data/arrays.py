"""``from_arrays``: NumPy arrays, lists, torch tensors or a pandas DataFrame -> Dataset.

Tensors are read by duck typing (``.detach().cpu().numpy()``) and DataFrames by their
``columns``, so neither torch nor pandas is imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from perceptron_lab.data.columns import (
    ColumnKey,
    FeatureSpec,
    Table,
    check_names,
    table_to_dataset,
)
from perceptron_lab.data.dataset import Dataset
from perceptron_lab.errors import InputError


def to_numpy(obj: Any, argument: str) -> np.ndarray:
    """An array-like or a tensor (on any device) -> np.ndarray."""
    if hasattr(obj, "detach") and hasattr(obj, "numpy"):
        tensor = obj.detach()
        tensor = tensor.cpu() if hasattr(tensor, "cpu") else tensor
        try:
            return np.asarray(tensor.numpy())
        except TypeError as error:
            raise InputError(
                argument,
                "a tensor NumPy can read",
                f"dtype {getattr(obj, 'dtype', '?')}",
                hint="convert it with .double() first",
            ) from error
    try:
        return np.asarray(obj)
    except (ValueError, TypeError) as error:
        raise InputError(
            argument, "an array with rows of equal length", f"a {type(obj).__name__} ({error})"
        ) from None


def is_dataframe(obj: Any) -> bool:
    """A pandas DataFrame (or look-alike), recognized without importing pandas."""
    return hasattr(obj, "columns") and hasattr(obj, "iloc") and hasattr(obj, "to_numpy")


def frame_table(frame: Any, source: str = "X") -> Table:
    """A DataFrame -> Table, one (N,) array per column."""
    columns = check_names([str(c) for c in frame.columns], source)
    values = tuple(np.asarray(frame.iloc[:, j].to_numpy()) for j in range(len(columns)))
    return Table(source=source, columns=columns, values=values)


def labels_array(y: Any, n: int, source: str = "y") -> np.ndarray:
    """Labels -> (N,) array, checked against N rows; (N, 1) is flattened."""
    labels = to_numpy(y, source)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]  # (N, 1) -> (N,)
    if labels.ndim != 1:
        raise InputError(
            source,
            "a 1-D array of shape (N,) or (N, 1)",
            f"shape {labels.shape}",
            hint="one label per row; for one-hot targets pass the class indices",
        )
    if len(labels) != n:
        raise InputError(source, f"{n} labels, one per row of X", str(len(labels)))
    return labels


def matrix_table(X: Any, feature_names: Sequence[str] | None = None, source: str = "X") -> Table:
    """A 2-D array-like -> Table with columns x1..xd (or ``feature_names``)."""
    matrix = to_numpy(X, source)  # (N, d)
    if matrix.ndim != 2:
        raise InputError(
            source,
            "a 2-D array of shape (N, d)",
            f"shape {matrix.shape}",
            hint="reshape a single feature with X.reshape(-1, 1)" if matrix.ndim == 1 else None,
        )
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise InputError(source, "at least one row and one column", f"shape {matrix.shape}")
    d = matrix.shape[1]
    names = [f"x{j + 1}" for j in range(d)] if feature_names is None else list(feature_names)
    if len(names) != d:
        raise InputError("feature_names", f"{d} names, one per column of X", str(len(names)))
    return Table(
        source=source,
        columns=check_names(names, "feature_names"),
        values=tuple(matrix[:, j] for j in range(d)),
    )


def from_arrays(
    X: Any,  # (N, d) array-like, tensor or DataFrame
    y: Any = None,  # (N,) labels; None: take the target column named by ``target``
    *,
    target: ColumnKey | None = None,
    features: FeatureSpec = None,
    feature_names: Sequence[str] | None = None,
    task: str | None = None,
    name: str = "arrays",
    description: str = "",
) -> Dataset:
    """Validate features and labels into a Dataset; infer the task unless given.

    With a DataFrame, ``target`` names its target column (default: one named
    target/y/label/class, else the last) unless ``y`` is given; ``features`` selects
    columns by name or index.
    """
    if is_dataframe(X):
        if feature_names is not None:
            raise InputError(
                "feature_names",
                "None for a DataFrame (its columns are the names)",
                repr(feature_names),
            )
        table = frame_table(X)
    else:
        table = matrix_table(X, feature_names)
    if y is None and target is None and not is_dataframe(X):
        raise InputError(
            "y",
            "labels of shape (N,)",
            "None",
            hint="pass y, or name a column of X with target=",
        )
    labels, target_name = None, "y"
    if y is not None:
        if target is not None:
            raise InputError("target", "None when y is given", repr(target))
        labels = labels_array(y, len(table.values[0]))
        series_name = getattr(y, "name", None)  # a pandas Series keeps its name
        target_name = series_name if isinstance(series_name, str) and series_name else "y"
    return table_to_dataset(
        table,
        target=target,
        features=features,
        task=task,
        name=name,
        description=description,
        y=labels,
        target_name=target_name,
    )
