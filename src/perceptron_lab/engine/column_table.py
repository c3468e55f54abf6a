"""A step table kept column-wise in preallocated buffers, flushed as Parquet parts.

Vector columns (parameters, gradients) are rows of a (rows, width) tensor, so
recording a step is a few tensor copies — no Python lists of numbers in the hot loop.
The buffer starts at a few rows and doubles up to a part's rows, which are at most
:data:`PART_ROWS` and hold at most :data:`BUFFER_NUMBERS` numbers: a wide model's part
is a few rows, not 2,048 rows allocated before the first step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from .atomic import write_atomic

PART_ROWS = 2048  # rows of a part, at most
BUFFER_NUMBERS = 2**20  # numbers the buffer holds, at most (8 MiB of float64)
START_ROWS = 8  # rows allocated before the first row comes


class ColumnTable:
    """Rows of scalar columns (Python values) and vector columns (fixed-width tensors).

    Give the scalar columns' types up front so that every part has the same schema (a
    part whose rows are all null still says what the column holds); others are inferred.
    All vector columns share one (capacity, Σ widths) buffer: recording a row is one
    concatenation and one copy, however many columns there are.
    """

    def __init__(
        self,
        folder: Path,
        vectors: dict[str, int],
        capacity: int = PART_ROWS,
        *,
        scalars: dict[str, str] | None = None,
        metadata: dict[bytes, bytes] | None = None,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        self.folder = folder
        self.metadata = metadata  # every part's Parquet key-value metadata (the run's id)
        self.types = scalars or {}  # column -> Arrow type name (int64, float64, bool_, string)
        self.columns: dict[str, tuple[int, int]] = {}  # name -> (offset, width) in the buffer
        offset = 0
        for name, width in vectors.items():
            self.columns[name] = (offset, width)
            offset += width
        self.capacity = max(1, min(capacity, BUFFER_NUMBERS // max(1, offset)))  # rows a part
        rows = min(self.capacity, START_ROWS)
        self.buffer = torch.full((rows, offset), float("nan"), dtype=dtype)  # the run's dtype
        self.order = tuple(self.columns)  # put the columns a row may lack last
        self.present: dict[str, list[bool]] = {name: [] for name in vectors}
        self.scalars: dict[str, list[Any]] = {}
        self.targets: dict[tuple[str, ...], torch.Tensor] = {}  # buffer positions per column set
        self.n = 0
        folder.mkdir(parents=True, exist_ok=True)
        self.next_part = len(list(folder.glob("part-*.parquet")))

    def put(self, scalars: dict[str, Any], vectors: dict[str, torch.Tensor]) -> None:
        """Add one row; missing scalars and vectors are null. Flushes when the buffer is full."""
        i = self.n
        if i == self.buffer.shape[0]:  # grow: double, up to a part's rows
            bigger = self.buffer.new_full(
                (min(self.capacity, 2 * i), self.buffer.shape[1]), float("nan")
            )
            bigger[:i] = self.buffer
            self.buffer = bigger
        if scalars.keys() != self.scalars.keys():
            for name in scalars:
                self.scalars.setdefault(name, [None] * i)
            for name in self.scalars.keys() - scalars.keys():
                self.scalars[name].append(None)
        for name, value in scalars.items():
            self.scalars[name].append(value)
        names = tuple(name for name in self.columns if name in vectors)
        if names:
            row = torch.cat([vectors[name].reshape(-1) for name in names])
            if names == self.order[: len(names)]:  # a prefix of the columns: one slice copy
                self.buffer[i, : row.numel()].copy_(row)
            else:
                self.buffer[i].index_copy_(0, self._target(names), row.to(self.buffer.dtype))
        for name, flags in self.present.items():
            flags.append(name in vectors)
        self.n += 1
        if self.n == self.capacity:
            self.flush()

    def put_block(
        self,
        scalars: dict[str, list[Any]],
        vectors: dict[str, torch.Tensor],
        present: dict[str, list[bool]] | None = None,
    ) -> None:
        """Add m rows at once: each scalar a list of m values, each vector an (m, width)
        tensor (``present``: which rows of a vector hold one; others null). A column the
        block lacks is null in its rows. Flushes each time the buffer fills."""
        m = len(next(iter(scalars.values())))
        done = 0
        while done < m:
            i = self.n
            take = min(m - done, self.capacity - i)
            if i + take > self.buffer.shape[0]:  # grow: double, up to a part's rows
                rows = min(self.capacity, max(2 * self.buffer.shape[0], i + take))
                bigger = self.buffer.new_full((rows, self.buffer.shape[1]), float("nan"))
                bigger[:i] = self.buffer[:i]
                self.buffer = bigger
            part = slice(done, done + take)
            for name, values in scalars.items():
                self.scalars.setdefault(name, [None] * i).extend(values[part])
            for name in self.scalars.keys() - scalars.keys():
                self.scalars[name].extend([None] * take)
            for name, (offset, width) in self.columns.items():
                if name in vectors:
                    self.buffer[i : i + take, offset : offset + width].copy_(vectors[name][part])
                    flags = present[name][part] if present and name in present else [True] * take
                else:
                    flags = [False] * take
                self.present[name].extend(flags)
            self.n += take
            done += take
            if self.n == self.capacity:
                self.flush()

    def _target(self, names: tuple[str, ...]) -> torch.Tensor:
        """The buffer positions of ``names``' values, in order (cached per set of columns)."""
        if names not in self.targets:
            spans = [torch.arange(o, o + w) for o, w in (self.columns[n] for n in names)]
            self.targets[names] = torch.cat(spans)
        return self.targets[names]

    def flush(self) -> None:
        """Write the buffered rows as the next atomic Parquet part."""
        if self.n == 0:
            return
        import pyarrow as pa

        n = self.n
        arrays: dict[str, Any] = {
            name: scalar_array(values, self.types.get(name))
            for name, values in self.scalars.items()
        }
        for name, (offset, width) in self.columns.items():
            values = self.buffer[:n, offset : offset + width].contiguous().reshape(-1).numpy()
            kind = pa.from_numpy_dtype(values.dtype)  # the run's dtype
            flat = pa.Array.from_buffers(kind, values.size, [None, pa.py_buffer(values)])
            mask = bool_array([not flag for flag in self.present[name]])
            arrays[name] = pa.FixedSizeListArray.from_arrays(flat, width, mask=mask)
        table = pa.table(arrays, metadata=self.metadata)
        write_part(self.folder / f"part-{self.next_part:05d}.parquet", table)
        self.next_part += 1
        self.n = 0
        self.scalars = {}
        self.buffer.fill_(float("nan"))
        self.present = {name: [] for name in self.columns}


def bool_array(flags: list[bool]) -> Any:
    """An Arrow boolean array on numpy's packed bits (``pa.array`` would import pandas)."""
    import numpy as np
    import pyarrow as pa

    bits = np.packbits(np.asarray(flags, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(flags), [None, pa.py_buffer(bits)])


def scalar_array(values: list[Any], kind: str | None) -> Any:
    """An Arrow array of Python scalars (None: null) of type ``kind`` (int64, float64,
    bool_, string), built on numpy buffers: ``pa.array`` imports pandas, half a second of
    a run's start. Another type, or none given, is pyarrow's to infer."""
    import numpy as np
    import pyarrow as pa

    n = len(values)
    valid = np.fromiter((v is not None for v in values), bool, n)
    nulls = n - int(valid.sum())
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    if kind in ("int64", "float64"):
        zero = 0 if kind == "int64" else float("nan")
        data = np.fromiter((zero if v is None else v for v in values), kind, n)
        buffers = [bitmap, pa.py_buffer(data)]
    elif kind == "bool_":
        bits = np.packbits(np.fromiter((bool(v) for v in values), bool, n), bitorder="little")
        buffers = [bitmap, pa.py_buffer(bits)]
    elif kind == "string":
        encoded = [b"" if v is None else str(v).encode() for v in values]
        offsets = np.zeros(n + 1, np.int32)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        buffers = [bitmap, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    else:
        return pa.array(values, type=getattr(pa, kind)() if kind else None)
    return pa.Array.from_buffers(getattr(pa, kind)(), n, buffers, null_count=nulls)


def write_part(path: Path, table: Any) -> None:
    """One Parquet part, atomically, with page checksums (readers verify them).

    Dictionary encoding only for the scalar columns: parameters and gradients are
    distinct floats, whose dictionary pages (before Parquet falls back to plain) cost a
    third more space than the numbers themselves.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    scalars = [f.name for f in table.schema if not pa.types.is_fixed_size_list(f.type)]
    write_atomic(
        path,
        lambda tmp: pq.write_table(table, tmp, write_page_checksum=True, use_dictionary=scalars),
    )
