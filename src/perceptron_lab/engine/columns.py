"""A step table kept column-wise in preallocated buffers, flushed as Parquet parts.

Vector columns (parameters, gradients) are rows of a (capacity, width) tensor, so
recording a step is a few tensor copies — no Python lists of numbers in the hot loop.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from .atomic import write_atomic


class ColumnTable:
    """Rows of scalar columns (Python values) and vector columns (fixed-width tensors).

    Give the scalar columns' types up front so that every part has the same schema (a
    part whose rows are all null still says what the column holds); others are inferred.
    """

    def __init__(
        self,
        folder: Path,
        vectors: dict[str, int],
        capacity: int = 2048,
        *,
        scalars: dict[str, str] | None = None,
    ) -> None:
        self.folder = folder
        self.types = scalars or {}  # column -> Arrow type name (int64, float64, bool_, string)
        self.capacity = capacity
        self.vectors = {
            name: torch.full((capacity, width), float("nan"), dtype=torch.float64)
            for name, width in vectors.items()
        }
        self.present = {name: torch.zeros(capacity, dtype=torch.bool) for name in vectors}
        self.scalars: dict[str, list[Any]] = {}
        self.n = 0
        folder.mkdir(parents=True, exist_ok=True)
        self.next_part = len(list(folder.glob("part-*.parquet")))

    def put(self, scalars: dict[str, Any], vectors: dict[str, torch.Tensor]) -> None:
        """Add one row; missing vectors are null. Flushes when the buffer is full."""
        i = self.n
        for name, value in scalars.items():
            self.scalars.setdefault(name, [None] * i).append(value)
        for column in self.scalars.values():
            if len(column) < i + 1:
                column.append(None)
        for name, tensor in vectors.items():
            self.vectors[name][i].copy_(tensor.reshape(-1))
            self.present[name][i] = True
        self.n += 1
        if self.n == self.capacity:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows as the next atomic Parquet part."""
        if self.n == 0:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        n = self.n
        arrays: dict[str, Any] = {
            name: pa.array(
                values, type=getattr(pa, self.types[name])() if name in self.types else None
            )
            for name, values in self.scalars.items()
        }
        for name, buffer in self.vectors.items():
            width = buffer.shape[1]
            values = pa.array(buffer[:n].reshape(-1).numpy())
            mask = pa.array((~self.present[name][:n]).numpy())
            arrays[name] = pa.FixedSizeListArray.from_arrays(values, width, mask=mask)
        table = pa.table(arrays)
        path = self.folder / f"part-{self.next_part:05d}.parquet"
        write_atomic(path, lambda tmp: pq.write_table(table, tmp))
        self.next_part += 1
        self.n = 0
        self.scalars = {}
        for name in self.vectors:
            self.vectors[name].fill_(float("nan"))
            self.present[name].zero_()
