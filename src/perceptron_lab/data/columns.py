"""Named columns -> Dataset: choose the target and the features, check every cell.

Files, DataFrames and arrays all become a ``Table`` first, so they share one set of
rules and one set of error messages. Rows in messages are 1-based data rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from perceptron_lab.data.dataset import Dataset
from perceptron_lab.data.labels import (
    Where,
    describe_bad,
    encode_target,
    is_missing,
    parse_numbers,
    row_where,
)
from perceptron_lab.errors import InputError

TARGET_NAMES = ("target", "y", "label", "class")  # default target columns, in priority order
ColumnKey = str | int
FeatureSpec = str | Sequence[ColumnKey] | None  # "a,b" or ["a", "b"] or [0, 2]


@dataclass(frozen=True)
class Table:
    """Columns of equal length, before validation."""

    source: str  # the argument content errors name: a file path, or "X"
    columns: tuple[str, ...]  # (D,) column names
    values: tuple[np.ndarray, ...]  # (D,) arrays, each (N,)
    where: Where = row_where  # 0-based row -> "row 3" (or "row 3 (line 4)" in a CSV)
    text: bool = False  # cells are still text, as read from a CSV file


def list_columns(columns: Sequence[str], limit: int = 20) -> str:
    """'a, b, c' -- the first ``limit`` names, then how many more."""
    shown = ", ".join(columns[:limit])
    return shown + (f", ... ({len(columns) - limit} more)" if len(columns) > limit else "")


def find_column(columns: Sequence[str], name: str) -> int | None:
    """The index of the column named ``name``: exactly, else the one alike but for case."""
    if name in columns:
        return list(columns).index(name)
    folded = [i for i, c in enumerate(columns) if c.lower() == name.strip().lower()]
    return folded[0] if len(folded) == 1 else None


def resolve_column(table: Table, key: ColumnKey, argument: str) -> int:
    """A column name (exact, else case-insensitive) or index (int or digit string) -> index."""
    columns = table.columns
    if isinstance(key, str):
        found = find_column(columns, key)
        if found is not None:
            return found
    index: int | None = None
    integer = isinstance(key, int | np.integer) and not isinstance(key, bool)
    if integer or (isinstance(key, str) and key.strip().lstrip("-").isdigit()):
        index = int(key)
    if index is not None and -len(columns) <= index < len(columns):
        return index % len(columns)
    raise InputError(
        argument,
        f"a column of {table.source} ({list_columns(columns)}) or its index 0..{len(columns) - 1}",
        repr(key),
    )


def resolve_target(table: Table, target: ColumnKey | None) -> int:
    """The target column: as given, else one named target/y/label/class, else the last."""
    if target is not None:
        return resolve_column(table, target, "target")
    lowered = [c.lower() for c in table.columns]
    for name in TARGET_NAMES:
        if name in lowered:
            return lowered.index(name)
    return len(table.columns) - 1


def resolve_features(table: Table, features: FeatureSpec, target: int | None) -> list[int]:
    """Feature columns: as given (names, indices or "a,b"), else every column but the target."""
    if features is None:
        chosen = [i for i in range(len(table.columns)) if i != target]
    else:
        keys: Sequence[ColumnKey] = (
            [k.strip() for k in features.split(",") if k.strip()]
            if isinstance(features, str)
            else features
        )
        chosen = [resolve_column(table, key, "features") for key in keys]
        repeated = sorted({table.columns[i] for i in chosen if chosen.count(i) > 1})
        if repeated:
            raise InputError(
                "features", "each column at most once", "repeated " + ", ".join(repeated)
            )
        if target is not None and target in chosen:
            name = table.columns[target]
            raise InputError(
                "features",
                f"columns other than the target '{name}'",
                f"'{name}' among them",
                hint="a column cannot be both a feature and the target",
            )
    if not chosen:
        raise InputError("features", f"at least one feature column in {table.source}", "none")
    return chosen


def to_float_column(values: np.ndarray, column: str, source: str, where: Where) -> np.ndarray:
    """(N,) cells -> (N,) floats, or an InputError naming the first bad cell.

    float32 stays float32 (a large float32 matrix is not doubled, and the trainer can
    share it); everything else becomes float64.
    """
    if values.dtype == np.float32:
        numbers = values
    elif values.dtype.kind in "biuf":
        numbers = values.astype(np.float64)
    elif values.dtype.kind in "USO":
        try:
            numbers = values.astype(np.float64)
        except (ValueError, TypeError):
            for i, cell in enumerate(values.tolist()):
                if is_missing(cell):
                    raise InputError(
                        source,
                        "a finite number in every feature cell",
                        f"an empty cell in {where(i)}, column '{column}'",
                    ) from None
                try:
                    float(cell)
                except (ValueError, TypeError):
                    raise InputError(
                        source,
                        f"numbers in feature column '{column}'",
                        f"{cell!r} in {where(i)}",
                        hint="keep only numeric columns with features, or make it the target",
                    ) from None
            raise
    else:
        raise InputError(source, f"numbers in feature column '{column}'", f"dtype {values.dtype}")
    bad = ~np.isfinite(numbers)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(
            source,
            "a finite number in every feature cell",
            f"{describe_bad(values[i])} in {where(i)}, column '{column}'",
        )
    return numbers


def check_names(names: Sequence[str], argument: str) -> tuple[str, ...]:
    """Column names: non-empty strings, no repeats."""
    names = tuple(str(n).strip() for n in names)
    if any(not n for n in names):
        empty = [str(i + 1) for i, n in enumerate(names) if not n]
        raise InputError(
            argument, "a name for every column", "no name for column " + ", ".join(empty)
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(argument, "distinct column names", "repeated " + ", ".join(repeated))
    return names


def table_to_dataset(
    table: Table,
    *,
    target: ColumnKey | None = None,
    features: FeatureSpec = None,
    task: str | None = None,
    name: str = "table",
    description: str = "",
    y: np.ndarray | None = None,  # (N,) labels given apart from the table: no target column
    target_name: str = "y",
    y_source: str = "y",  # the argument errors in ``y`` name
) -> Dataset:
    """Validate a Table (and optional y) into a Dataset."""
    n = len(table.values[0]) if table.values else 0
    if n == 0 or not table.columns:
        raise InputError(table.source, "at least one row and one column", f"{n} rows")
    t: int | None = None
    if y is None:
        t = resolve_target(table, target)
        labels = parse_numbers(table.values[t]) if table.text else table.values[t]
        target_name, source = table.columns[t], table.source
    else:
        labels, source = y, y_source
    chosen = resolve_features(table, features, t)
    columns = [
        to_float_column(table.values[i], table.columns[i], table.source, table.where)
        for i in chosen
    ]
    X = np.column_stack(columns)  # (N, d) float64, or float32 if every column is
    y_encoded, final_task, classes = encode_target(labels, task, source=source, where=table.where)
    return Dataset(
        name=name,
        X=X,
        y=y_encoded,
        feature_names=tuple(table.columns[i] for i in chosen),
        target_name=target_name,
        task=final_task,
        classes=classes,
        description=description,
    )
