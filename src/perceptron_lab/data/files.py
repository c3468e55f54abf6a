"""Data files -> Dataset: CSV/TSV (header row required), Parquet, .npy and .npz.

Tabular files: the target is ``target`` if given, else a column named target, y,
label or class (any case), else the last column; ``features`` keeps some columns.
A .npy array is (N, d+1) numbers whose target is its last column unless ``target``
is another column index. A .npz holds arrays ``X`` (N, d) and ``y`` (N,).
A CSV's separator (``,`` ``;`` tab), decimal mark and encoding are given or sniffed
(``csv_dialect``); its quoted fields may hold separators, quotes and line ends.
Every problem is an ``InputError`` naming the file and, for a bad cell, its row
(1-based data row) and column.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
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
from perceptron_lab.data.csv_dialect import Dialect, decode, plain_number, read_dialect, rows
from perceptron_lab.data.dataset import Dataset
from perceptron_lab.errors import InputError

SUFFIXES = (".csv", ".tsv", ".parquet", ".npy", ".npz")
NAMED_SUFFIXES = (".csv", ".tsv", ".parquet")  # the files whose columns have names
TEXT_SUFFIXES = (".csv", ".tsv")  # the ones read by a separator, a decimal mark, an encoding


def dialect_of(
    path: str | Path,
    *,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
) -> Dialect:
    """How the CSV/TSV at ``path`` is written: what is given kept, the rest sniffed."""
    return _read_dialect(Path(path), str(path), Reading(sep, decimal, encoding))[1]


def csv_text(path: str | Path, *, encoding: str | None = None) -> str:
    """A CSV's text, decoded as ``load_file`` decodes it (``encoding``, else sniffed)."""
    how = "detected" if encoding is None else "given"
    return decode(Path(path).read_bytes(), encoding, str(path), how)[0]


@dataclass(frozen=True)
class Reading:
    """How to read a CSV: ``sep``, ``decimal``, ``encoding`` (None: sniffed), and which of
    them were ``detected`` before (a recipe's record of a sniff)."""

    sep: str | None = None
    decimal: str | None = None
    encoding: str | None = None
    detected: tuple[str, ...] = ()


def _read_dialect(path: Path, source: str, reading: Reading) -> tuple[str, Dialect]:
    return read_dialect(
        path.read_bytes(),
        source,
        sep=reading.sep,
        decimal=reading.decimal,
        encoding=reading.encoding,
        default_sep="\t" if path.suffix.lower() == ".tsv" else ",",
        detected=reading.detected,
    )


def _read_text_table(path: Path, source: str, reading: Reading = Reading()) -> Table:
    """A CSV/TSV -> Table of text cells, decimal commas made points; blank rows skipped,
    a trailing separator (an empty last field) dropped."""
    text, dialect = _read_dialect(path, source, reading)
    table: list[list[str]] = []
    lines: list[int] = []  # (N,) the line each data row ends on
    header: list[str] | None = None
    reader = rows(text, dialect.sep)
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # a blank line, or one of separators only
            if header is None:
                header = row[:-1] if len(row) > 1 and not row[-1].strip() else row
                continue
            if len(row) == len(header) + 1 and not row[-1].strip():
                row = row[:-1]
            if len(row) != len(header):
                raise InputError(
                    source,
                    f"{len(header)} fields on line {reader.line_num}, as in the header "
                    f"({dialect.describe('sep')})",
                    str(len(row)),
                    hint="choose another with --sep (sep= in Python)",
                )
            table.append([plain_number(cell, dialect.decimal) for cell in row])
            lines.append(reader.line_num)
    except csv.Error as error:
        raise InputError(source, "a valid CSV file", f"{error} on line {reader.line_num}") from None
    if header is None or not table:
        got = "an empty file" if header is None else "a header but no data rows"
        raise InputError(source, "a header row and at least one data row", got)
    columns = check_names(header, source)
    cells = np.array(table, dtype=str)  # (N, D) text
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


def npy_columns(
    array: np.ndarray, source: str, target: ColumnKey | None, features: FeatureSpec
) -> tuple[int, list[int]]:
    """(the target's column, the features' columns) of a .npy array (N, d+1), checked:
    2-D, numeric, the target its last column unless ``target`` says another."""
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 2:
        raise InputError(
            source, "a 2-D array (N, d+1) of features then the target", f"shape {array.shape}"
        )
    if array.dtype.kind not in "biuf":
        raise InputError(source, "a numeric array", f"dtype {array.dtype}")
    indexed = Table(source=source, columns=tuple(str(j) for j in range(array.shape[1])), values=())
    t = resolve_column(indexed, array.shape[1] - 1 if target is None else target, "target")
    return t, resolve_features(indexed, features, t)


def _load_npy(
    path: Path, source: str, target: ColumnKey | None, features: FeatureSpec, task: str | None
) -> Dataset:
    array = _np_load(path, source)  # (N, D) = (N, d+1)
    t, chosen = npy_columns(array, source, target, features)
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
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    detected: Sequence[str] = (),
) -> Dataset:
    """A .csv, .tsv, .parquet, .npy or .npz file -> Dataset (the format by extension).

    A .csv or .tsv is read with ``sep``, ``decimal`` and ``encoding`` where given, the
    rest sniffed (see ``csv_dialect``); ``detected`` names those given that a sniff
    found before (a run's recipe), for errors to say so.
    """
    path, source, suffix = _checked(path, SUFFIXES)
    text_only = (("sep", sep), ("decimal", decimal), ("encoding", encoding))
    for name, value in text_only if suffix not in TEXT_SUFFIXES else ():
        if value is not None:
            raise InputError(
                name, f"no {name} for a {suffix} file (only .csv and .tsv take one)", repr(value)
            )
    if suffix == ".npy":
        return _load_npy(path, source, target, features, task)
    if suffix == ".npz":
        return _load_npz(path, source, target, features, task)
    return table_to_dataset(
        _read_named(path, source, suffix, Reading(sep, decimal, encoding, tuple(detected))),
        target=target,
        features=features,
        task=task,
        name=path.stem,
        description=f"Loaded from {path.name}.",
    )


def read_table(path: str | Path, argument: str = "data") -> Table:
    """A .csv, .tsv or .parquet file's named columns, cells as read (checked by the caller);
    a CSV's separator, decimal mark and encoding sniffed.

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
            if suffix in TEXT_SUFFIXES
            else f"a {suffix} file with data",
            "an empty file",
        )
    return path, source, suffix


def _read_named(path: Path, source: str, suffix: str, reading: Reading = Reading()) -> Table:
    """The Table of a file with named columns: Parquet, or CSV/TSV text read as ``reading`` says."""
    if suffix == ".parquet":
        return _read_parquet(path, source)
    return _read_text_table(path, source, reading)


def read_columns(
    path: str | Path, *, source: str | None = None
) -> tuple[list[str], list[str], int]:
    """A CSV's (columns, the columns that hold only finite numbers, data rows).

    What a page shows before a target and features are chosen; ``source`` is the name
    errors give the file (an upload's own name rather than its temporary path). Its
    separator, decimal mark and encoding are sniffed as ``load_file`` sniffs them.
    """
    table = _read_text_table(Path(path), source or str(path))
    numeric = []
    for name, values in zip(table.columns, table.values, strict=True):
        try:
            to_float_column(values, name, table.source, table.where)
        except InputError:
            continue
        numeric.append(name)
    return list(table.columns), numeric, len(table.values[0])
