"""Data files -> Dataset: CSV/TSV (header row required), Parquet, .npy and .npz.

Tabular files: the target is ``target`` if given, else a column named target, y,
label or class (any case), else the last column; ``features`` keeps some columns.
A .npy array is (N, d+1) numbers whose target is its last column unless ``target``
is another column index. A .npz holds arrays ``X`` (N, d) and ``y`` (N,).
Every problem is an ``InputError`` naming the file and, for a bad cell, its row
(1-based data row) and column.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from perceptron_lab.data.arrays import labels_array, matrix_table
from perceptron_lab.data.columns import (
    ColumnKey,
    FeatureSpec,
    Table,
    check_names,
    resolve_column,
    resolve_features,
    table_to_dataset,
    to_float_column,
)
from perceptron_lab.data.dataset import Dataset
from perceptron_lab.errors import InputError

SUFFIXES = (".csv", ".tsv", ".parquet", ".npy", ".npz")
NAMED_SUFFIXES = (".csv", ".tsv", ".parquet")  # the files whose columns have names


def _read_text_table(path: Path, source: str, delimiter: str) -> Table:
    rows: list[list[str]] = []
    lines: list[int] = []  # (N,) the line each data row ends on
    header: list[str] | None = None
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for row in reader:
                if not row:
                    continue  # a blank line
                if header is None:
                    header = row
                elif len(row) != len(header):
                    raise InputError(
                        source,
                        f"{len(header)} fields on line {reader.line_num}, as in the header",
                        str(len(row)),
                    )
                else:
                    rows.append(row)
                    lines.append(reader.line_num)
        except csv.Error as error:
            raise InputError(
                source, "a valid CSV file", f"{error} on line {reader.line_num}"
            ) from None
        except UnicodeDecodeError as error:
            raise InputError(
                source, "a UTF-8 text file", f"undecodable bytes at position {error.start}"
            ) from None
    if header is None or not rows:
        got = "an empty file" if header is None else "a header but no data rows"
        raise InputError(source, "a header row and at least one data row", got)
    columns = check_names(header, source)
    cells = np.array(rows, dtype=str)  # (N, D) text
    return Table(
        source=source,
        columns=columns,
        values=tuple(cells[:, j] for j in range(len(columns))),
        where=lambda i: f"row {i + 1} (line {lines[i]})",
        text=True,
    )


def _read_parquet(path: Path, source: str) -> Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(source, "a readable Parquet file", first) from None
    if table.num_columns == 0 or table.num_rows == 0:
        raise InputError(
            source,
            "at least one column and one row",
            f"{table.num_columns} columns and {table.num_rows} rows",
        )
    values = []
    for column in table.columns:
        array = np.asarray(column.to_numpy(zero_copy_only=False))  # (N,)
        if column.null_count:
            array = array.astype(object)
            array[np.asarray(column.is_null().to_numpy(zero_copy_only=False))] = None
        values.append(array)
    return Table(
        source=source, columns=check_names(table.column_names, source), values=tuple(values)
    )


def _np_load(path: Path, source: str) -> Any:
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        reason = str(error).splitlines()[0]
        if "pickle" in reason:  # NumPy's words would point at an unsafe load: never offer it
            reason = f"a file that is not a valid {path.suffix} file (no NumPy array header)"
        raise InputError(source, f"a readable {path.suffix} file", reason) from None


def _load_npy(
    path: Path, source: str, target: ColumnKey | None, features: FeatureSpec, task: str | None
) -> Dataset:
    array = _np_load(path, source)  # (N, D) = (N, d+1)
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 2:
        raise InputError(
            source, "a 2-D array (N, d+1) of features then the target", f"shape {array.shape}"
        )
    if array.dtype.kind not in "biuf":
        raise InputError(source, "a numeric array", f"dtype {array.dtype}")
    indexed = Table(source=source, columns=tuple(str(j) for j in range(array.shape[1])), values=())
    t = resolve_column(indexed, array.shape[1] - 1 if target is None else target, "target")
    chosen = resolve_features(indexed, features, t)
    names = [f"x{j + 1}" for j in range(len(chosen))]
    table = Table(
        source=source,
        columns=(*names, "y"),
        values=(*(array[:, j] for j in chosen), array[:, t]),
    )
    return table_to_dataset(table, target=len(names), task=task, name=path.stem)


def _load_npz(
    path: Path, source: str, target: ColumnKey | None, features: FeatureSpec, task: str | None
) -> Dataset:
    if target is not None:
        raise InputError(
            "target", "no target for a .npz file (its labels are the array 'y')", repr(target)
        )
    with _np_load(path, source) as archive:
        keys = list(archive.files)
        if "X" not in keys or "y" not in keys:
            found = ", ".join(repr(k) for k in keys) or "none"
            raise InputError(source, "arrays named 'X' and 'y'", f"arrays {found}")
        try:
            X, y = archive["X"], archive["y"]
            names = archive["feature_names"].tolist() if "feature_names" in keys else None
        except ValueError as error:
            raise InputError(source, "numeric or text arrays", str(error).splitlines()[0]) from None
    table = matrix_table(X, names, source)
    labels = labels_array(y, len(table.values[0]), source)
    return table_to_dataset(
        table, features=features, task=task, name=path.stem, y=labels, y_source=source
    )


def load_file(
    path: str | Path,
    *,
    target: ColumnKey | None = None,
    features: FeatureSpec = None,
    task: str | None = None,
) -> Dataset:
    """A .csv, .tsv, .parquet, .npy or .npz file -> Dataset (the format by extension)."""
    path, source, suffix = _checked(path, SUFFIXES)
    if suffix == ".npy":
        return _load_npy(path, source, target, features, task)
    if suffix == ".npz":
        return _load_npz(path, source, target, features, task)
    return table_to_dataset(
        _read_named(path, source, suffix),
        target=target,
        features=features,
        task=task,
        name=path.stem,
        description=f"Loaded from {path.name}.",
    )


def read_table(path: str | Path, argument: str = "data") -> Table:
    """A .csv, .tsv or .parquet file's named columns, cells as read (checked by the caller).

    ``argument`` is what errors name the file as (the caller's parameter)."""
    return _read_named(*_checked(path, NAMED_SUFFIXES, argument))


def _checked(
    path: str | Path, suffixes: tuple[str, ...], argument: str = "data"
) -> tuple[Path, str, str]:
    """(path, its name for errors, its lower-case suffix): an existing, non-empty data file."""
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        raise InputError(argument, "a " + ", ".join(suffixes) + " file", repr(source))
    if not path.is_file():
        raise InputError(argument, "an existing file", repr(source))
    if path.stat().st_size == 0:
        raise InputError(
            source,
            "a header row and at least one data row"
            if suffix in (".csv", ".tsv")
            else f"a {suffix} file with data",
            "an empty file",
        )
    return path, source, suffix


def _read_named(path: Path, source: str, suffix: str) -> Table:
    """The Table of a file with named columns: Parquet, or CSV/TSV text."""
    if suffix == ".parquet":
        return _read_parquet(path, source)
    return _read_text_table(path, source, "\t" if suffix == ".tsv" else ",")


def read_columns(
    path: str | Path, *, source: str | None = None
) -> tuple[list[str], list[str], int]:
    """A CSV's (columns, the columns that hold only finite numbers, data rows).

    What a page shows before a target and features are chosen; ``source`` is the name
    errors give the file (an upload's own name rather than its temporary path).
    """
    table = _read_text_table(Path(path), source or str(path), ",")
    numeric = []
    for name, values in zip(table.columns, table.values, strict=True):
        try:
            to_float_column(values, name, table.source, table.where)
        except InputError:
            continue
        numeric.append(name)
    return list(table.columns), numeric, len(table.values[0])
