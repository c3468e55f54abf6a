"""The step table read lazily: a sequence of rows over Arrow columns, built on demand.

``Trace.load`` keeps the step table's Parquet parts (:class:`StepTable`: a column, or a
part's rows, read when first asked for and kept) and hands views a :class:`StepRows`:
``len``, indexing, slicing and iteration give the same mappings a row-by-row read gave —
scalars as Python values, vectors as flat lists, the vectors the writer left out
(``derived``, see :mod:`.derived_columns`) put back — while a view that wants a column
or a few rows reads only those:

- ``rows.array("W_after")``: (n, width) numpy, (n,) for a scalar; a derived vector
  rebuilt for the whole column at once, by the same rules;
- ``rows.values("loss")``: a column as Python values (None where null);
- ``rows.scalars(names, where=...)``: some scalar columns' rows, maybe filtered;
- ``rows.position(step)``: the index of step ``step``.

Numbers are those stored: a float32 run's vectors come back as the float32 values they
were (as Python floats, exactly), its updates taken in float32 — numpy's subtraction in
the stored dtype is the one IEEE operation the writer checked against. Nothing here
calls pyarrow's ``to_numpy`` or ``pa.array`` (they import pandas, half a second): numpy
arrays are made on Arrow's buffers.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from .derived_columns import COPIES, DERIVED, DIFFERENCES, FROM_PREVIOUS, rebuild

if TYPE_CHECKING:
    import numpy as np

CHUNK = 1024  # rows turned into Python at a time while iterating
KEPT_PARTS = 2  # whole parts kept after a row was read from them
NUMPY_TYPES = {
    "bool": "bool",
    "int64": "int64",
    "int32": "int32",
    "halffloat": "float16",
    "float": "float32",
    "double": "float64",
}
SOURCES = {**FROM_PREVIOUS, **{name: ab[0] for name, ab in DIFFERENCES.items()}, **COPIES}


def to_numpy(array: Any) -> np.ndarray[Any, Any]:
    """A primitive Arrow array's values as numpy (a copy; what nulls hold is undefined)."""
    import numpy as np

    n, offset = len(array), array.offset
    kind = NUMPY_TYPES[str(array.type)]
    data = array.buffers()[1]
    if n == 0 or data is None:
        return np.zeros(n, kind)
    if kind == "bool":
        bits = np.unpackbits(np.frombuffer(data, np.uint8), bitorder="little")
        return bits[offset : offset + n].astype(bool)
    size = np.dtype(kind).itemsize
    return np.frombuffer(data, kind, count=n, offset=offset * size).copy()


def is_valid(array: Any) -> np.ndarray[Any, Any]:
    """Which entries of an Arrow array are not null, as a numpy bool array."""
    import numpy as np

    n, offset = len(array), array.offset
    bitmap = array.buffers()[0]
    if bitmap is None:
        return np.full(n, array.null_count == 0)
    bits = np.unpackbits(np.frombuffer(bitmap, np.uint8), bitorder="little")
    return bits[offset : offset + n].astype(bool)


@dataclass(frozen=True)
class StoredPart:
    """A Parquet part read when asked, like an Arrow table's ``select``: the file is
    opened for each read and closed after (a view holds no file open)."""

    path: Path
    num_rows: int
    schema: Any  # its Arrow schema (with the part's key-value metadata)

    def select(self, columns: Sequence[str]) -> Any:
        import pyarrow.parquet as pq

        with pq.ParquetFile(self.path) as part:
            return part.read(columns=list(columns))

    def read(self) -> Any:
        return self.select(self.schema.names)


class StepTable:
    """A step table's parts — :class:`StoredPart` (read a column at a time) or Arrow
    tables — as one table: a column one part lacks is null in its rows.

    ``parts`` may be a function giving them: called (and pyarrow imported) the first
    time the table is used, so a view that needs no step never opens one.
    """

    def __init__(self, parts: Sequence[Any] | Callable[[], Sequence[Any]]) -> None:
        self._parts = parts
        self._columns: dict[str, Any] = {}
        self._rows: dict[int, Any] = {}  # part → its whole table (the last few read)

    @cached_property
    def parts(self) -> list[Any]:
        """StoredPart or pa.Table, in order."""
        return list(self._parts() if callable(self._parts) else self._parts)

    @cached_property
    def starts(self) -> list[int]:
        """Each part's first row, then the row count."""
        return [0, *accumulate(p.num_rows for p in self.parts)]

    @cached_property
    def schema(self) -> Any:
        import pyarrow as pa

        schemas = [p.schema for p in self.parts]
        return pa.unify_schemas(schemas) if schemas else pa.schema([])

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(self.schema.names)

    @cached_property
    def dtype(self) -> str:
        """The stored vectors' numpy dtype (the run's)."""
        import pyarrow as pa

        for f in self.schema:
            if pa.types.is_fixed_size_list(f.type):
                return NUMPY_TYPES[str(f.type.value_type)]
        return "float64"

    @property
    def num_rows(self) -> int:
        return self.starts[-1]

    def column(self, name: str) -> Any:
        """Column ``name`` over every part, one Arrow array (read once, then kept)."""
        return self.columns([name])[name]

    def columns(self, names: Sequence[str]) -> dict[str, Any]:
        """Columns ``names`` over every part (each part's read in one call, then kept)."""
        import pyarrow as pa

        wanted = [n for n in dict.fromkeys(names) if n not in self._columns]
        if wanted:
            pieces: dict[str, list[Any]] = {n: [] for n in wanted}
            for i, part in enumerate(self.parts):
                held = [n for n in wanted if n in part.schema.names]
                read = part.select(held)
                for name in wanted:
                    if name in held:
                        pieces[name].append(read.column(name).combine_chunks())
                    else:
                        rows = self.starts[i + 1] - self.starts[i]
                        pieces[name].append(pa.nulls(rows, self.schema.field(name).type))
            for name, arrays in pieces.items():
                kind = self.schema.field(name).type
                self._columns[name] = pa.concat_arrays(arrays) if arrays else pa.nulls(0, kind)
        return {n: self._columns[n] for n in names}

    def rows(self, a: int, b: int) -> Any:
        """Rows a..b, every column, as one Arrow table (the parts they lie in read whole)."""
        import pyarrow as pa

        first = max(bisect_right(self.starts, a) - 1, 0)
        tables = []
        for i in range(first, len(self.parts)):
            lo, hi = self.starts[i], self.starts[i + 1]
            if lo >= b:
                break
            if hi > a:
                tables.append(self._whole(i).slice(max(a - lo, 0), min(b, hi) - max(a, lo)))
        if len(tables) == 1:
            return tables[0]
        if not tables:
            return self.schema.empty_table()
        return pa.concat_tables(tables, promote_options="default")

    def _whole(self, i: int) -> Any:
        """Part ``i``'s rows with the table's columns, in the table's order."""
        import pyarrow as pa

        if i not in self._rows:
            part = self.parts[i]
            part = part.read() if isinstance(part, StoredPart) else part
            n = part.num_rows
            arrays = [
                part.column(f.name) if f.name in part.schema.names else pa.nulls(n, f.type)
                for f in self.schema
            ]
            self._rows[i] = pa.Table.from_arrays(arrays, schema=self.schema)
            for old in list(self._rows)[:-KEPT_PARTS]:
                del self._rows[old]
        return self._rows[i]


class StepRows(Sequence[Mapping[str, Any]]):
    """Rows ``start``..``stop`` of a :class:`StepTable`, as mappings; see the module."""

    def __init__(self, table: StepTable, start: int = 0, stop: int | None = None) -> None:
        self.table = table  # the whole table: a slice's first row derives from the row before
        self.start = start
        self._stop = stop  # None: the table's end (the table opened when first asked)

    @property
    def stop(self) -> int:
        return self.table.num_rows if self._stop is None else self._stop

    def __len__(self) -> int:
        return max(0, self.stop - self.start)

    @overload
    def __getitem__(self, i: int) -> Mapping[str, Any]: ...

    @overload
    def __getitem__(self, i: slice) -> StepRows: ...

    def __getitem__(self, i: int | slice) -> Mapping[str, Any] | StepRows:
        if isinstance(i, slice):
            first, last, stride = i.indices(len(self))
            if stride != 1:
                raise ValueError("a slice of step rows takes every row")
            return StepRows(self.table, self.start + first, self.start + max(first, last))
        n = len(self)
        if not -n <= i < n:
            raise IndexError(i)
        at = self.start + (i % n)
        (row,) = self._rows(at, at + 1)
        return row

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        for a in range(self.start, self.stop, CHUNK):
            yield from self._rows(a, min(a + CHUNK, self.stop))

    def __repr__(self) -> str:
        return f"StepRows({len(self)} rows)"

    def _rows(self, a: int, b: int) -> list[dict[str, Any]]:
        """Table rows a..b as dicts, derived vectors put back."""
        rows: list[dict[str, Any]] = self.table.rows(a, b).to_pylist()
        if DERIVED not in self.table.names:
            return rows
        sources = [n for n in FROM_PREVIOUS.values() if n in self.table.names]
        previous = self.table.rows(a - 1, a).select(sources).to_pylist()[0] if a > 0 else None
        return rebuild(rows, self.table.dtype, previous)

    # ------------------------------------------------------------------ columns
    def values(self, name: str) -> list[Any]:
        """Column ``name`` as Python values (a vector: flat lists; None where null)."""
        if self._width(name) == 0:
            values: list[Any] = self._column(name).to_pylist()
            return values
        array, held = self._vector(name, self.start, self.stop)
        return [v if h else None for v, h in zip(array.tolist(), held.tolist(), strict=True)]

    def array(self, name: str) -> np.ndarray[Any, Any]:
        """Column ``name`` as numpy: (n,) for a scalar, (n, width) for a vector (NaN where
        null; a scalar column with nulls: float, NaN there)."""
        import numpy as np

        if self._width(name) == 0:
            column = self._column(name)
            values = to_numpy(column)
            held = is_valid(column)
            if held.all():
                return values
            values = values.astype(np.float64)
            values[~held] = np.nan
            return values
        array, held = self._vector(name, self.start, self.stop)
        array[~held] = np.nan
        return np.asarray(array)

    def scalars(self, names: Sequence[str], where: str | None = None) -> list[dict[str, Any]]:
        """The rows' values of scalar columns ``names`` (those the table has), as dicts;
        with ``where``, only the rows whose ``where`` column is true (bool) or not null."""
        import numpy as np

        if where is not None and where not in self.table.names:
            return []
        have = [n for n in names if n in self.table.names]
        found = self.table.columns([*have, *([where] if where else [])])
        columns = {n: found[n].slice(self.start, len(self)) for n in found}
        picked: Sequence[int] = range(len(self))
        if where is not None:
            keep = is_valid(columns[where])
            if str(columns[where].type) == "bool":
                keep &= to_numpy(columns[where])
            picked = np.flatnonzero(keep).tolist()
        values = {n: columns[n].to_pylist() for n in have}
        return [{n: values[n][i] for n in have} for i in picked]

    def position(self, step: int) -> int | None:
        """The index of the row of step ``step``, or None."""
        import numpy as np

        steps = self.array("step")
        first = int(steps[0]) if len(steps) else 0
        if 0 <= step - first < len(steps) and steps[step - first] == step:
            return step - first
        found = np.flatnonzero(steps == step)
        return int(found[0]) if len(found) else None

    def _column(self, name: str) -> Any:
        return self.table.column(name).slice(self.start, len(self))

    def _width(self, name: str) -> int:
        """A vector column's width (0: a scalar); a derived vector the table lacks: its
        source's."""
        import pyarrow as pa

        if name not in self.table.names:
            if name in SOURCES and SOURCES[name] in self.table.names:
                return self._width(SOURCES[name])
            raise KeyError(name)
        kind = self.table.schema.field(name).type
        return int(kind.list_size) if pa.types.is_fixed_size_list(kind) else 0

    def _stored(self, name: str, a: int, b: int) -> tuple[Any, Any]:
        """Rows a..b of a stored vector column: (b − a, width) values, and which hold one."""
        import numpy as np

        width = self._width(name)
        if name not in self.table.names:
            return np.full((b - a, width), np.nan, self.table.dtype), np.zeros(b - a, bool)
        column = self.table.column(name).slice(a, b - a)
        flat = column.values.slice(column.offset * width, len(column) * width)
        return to_numpy(flat).reshape(len(column), width), is_valid(column)

    def _derived(self, name: str, a: int, b: int) -> Any:
        """Rows a..b: whether their ``derived`` names ``name`` (none without the column)."""
        import numpy as np

        if DERIVED not in self.table.names:
            return np.zeros(b - a, bool)
        marks = self.table.column(DERIVED).slice(a, b - a).to_pylist()
        says = {m: name in (m or "").split(",") for m in set(marks)}
        return np.fromiter((says[m] for m in marks), bool, len(marks))

    def _vector(self, name: str, a: int, b: int) -> tuple[Any, Any]:
        """Rows a..b of a vector, its derived rows rebuilt: values, and which hold one."""
        values, held = self._stored(name, a, b)
        rebuilt = self._derived(name, a, b)
        if name in FROM_PREVIOUS and a == 0 and len(rebuilt):
            rebuilt[0] = False  # the table's first row has no row before
        if not rebuilt.any():
            return values, held
        if name in FROM_PREVIOUS:
            source = FROM_PREVIOUS[name]
            shifted = values.copy()
            if a == 0:
                shifted[1:] = self._stored(source, 0, b - 1)[0]
            else:
                shifted[:] = self._stored(source, a - 1, b - 1)[0]
        elif name in DIFFERENCES:
            after, before = (self._vector(n, a, b)[0] for n in DIFFERENCES[name])
            shifted = after - before  # in the stored dtype, as the writer computed it
        else:
            shifted = self._vector(COPIES[name], a, b)[0]
        values[rebuilt] = shifted[rebuilt]
        return values, held | rebuilt
