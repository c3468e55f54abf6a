"""The watched steps' columns: one compact buffer in place of one dict of float lists per step.

A watched step is a row of scalars (step, loss, verified_*, …) and of vector columns
(W_before, dW, W_after, update_W, state_*, …). :class:`StepColumns` keeps

- each scalar column as a Python list (one entry per row);
- each vector column as one CPU tensor of shape (capacity, width) — row t is the step's
  vector flattened, ``value.reshape(-1)`` (for W = weight.T of shape (d, k): width d·k) —
  with a (capacity,) bool mask: False where the step had no such vector (a null);
- the capacity shared by every column, 8 rows at first and doubled when full, so memory
  is at most twice the rows' own (4 bytes a value for a float32 run, not a Python float's 32).

A column's dtype is its values' (the run's dtype for the loop's own tensors, float64 for
those the watch computes in float64), widened if a later value is wider: nothing is
rounded. :meth:`StepColumns.rows` gives the rows as the step table's reader does (vector
values as Python float lists, None for null), built on demand and kept until more rows come.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

START = 8  # rows allocated before the first doubling


class _Absent:
    """A scalar a row does not have (rows may differ in their scalar names)."""

    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()


class StepColumns:
    """The rows of the watched steps, column by column."""

    def __init__(self) -> None:
        self._n = 0
        self._capacity = 0
        self._scalars: dict[str, list[Any]] = {}  # name → one value per row (_ABSENT: none)
        self._names: list[tuple[str, ...]] = []  # each row's scalar names, in its order
        self._known: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple per name order
        self._vectors: dict[str, torch.Tensor | None] = {}  # name → (capacity, width)
        self._masks: dict[str, list[bool]] = {}  # name → one bool a row, True: a value
        self._built: list[dict[str, Any]] = []  # rows() so far
        self._cache: tuple[dict[str, Any], ...] | None = None

    def __len__(self) -> int:
        return self._n

    @property
    def capacity(self) -> int:
        """Rows allocated (≥ len; doubled when full)."""
        return self._capacity

    @property
    def nbytes(self) -> int:
        """Bytes of the vector columns and their masks as allocated (spare rows included)."""
        data = sum(v.nbytes for v in self._vectors.values() if v is not None)
        return data + sum(8 * len(m) for m in self._masks.values())  # a pointer a row

    def tensors(self) -> dict[str, torch.Tensor]:
        """Each allocated vector column's rows so far, (len, width) (null rows: zeros)."""
        return {n: v[: self._n] for n, v in self._vectors.items() if v is not None}

    def append(
        self, scalars: Mapping[str, Any], vectors: Mapping[str, torch.Tensor | None]
    ) -> None:
        """One row. The first row names the vector columns; a column left out (or None) is null.

        A vector must keep its column's width (its numel in the first row that had it).
        """
        if self._n == 0 and not self._vectors:
            self._vectors = dict.fromkeys(vectors)
        unknown = [n for n in vectors if n not in self._vectors]
        if unknown:
            raise ValueError(f"vector columns not in the first row: {', '.join(unknown)}")
        if self._n == self._capacity:
            self._grow(max(START, 2 * self._capacity))
        i = self._n
        for name, value in vectors.items():
            if value is not None:
                self._column(name, value)[i].copy_(value.detach().reshape(-1))
        for name, mask in self._masks.items():
            mask.append(vectors.get(name) is not None)
        names = tuple(scalars)
        self._names.append(self._known.setdefault(names, names))
        for name in names:
            if name not in self._scalars:
                self._scalars[name] = [_ABSENT] * i
            self._scalars[name].append(scalars[name])
        for column in self._scalars.values():
            if len(column) == i:
                column.append(_ABSENT)
        self._n += 1
        self._cache = None

    def first(self) -> dict[str, Any]:
        """The first row's scalars ({} before any row)."""
        return self._scalars_of(0) if self._n else {}

    def rows(self) -> tuple[dict[str, Any], ...]:
        """Every row as a dict: its scalars, then each vector column (a float list, or None)."""
        if self._cache is None:
            start = len(self._built)
            lists = {
                n: None if v is None else v[start : self._n].double().tolist()
                for n, v in self._vectors.items()
            }
            masks = {n: m[start : self._n] for n, m in self._masks.items()}
            for j, i in enumerate(range(start, self._n)):
                row = self._scalars_of(i)
                for name, values in lists.items():
                    row[name] = values[j] if values is not None and masks[name][j] else None
                self._built.append(row)
            self._cache = tuple(self._built)
        return self._cache

    # ------------------------------------------------------------------ helpers
    def _scalars_of(self, i: int) -> dict[str, Any]:
        return {name: self._scalars[name][i] for name in self._names[i]}

    def _column(self, name: str, value: torch.Tensor) -> torch.Tensor:
        """The (capacity, width) tensor of ``name``, allocated or widened for ``value``."""
        column = self._vectors[name]
        width = value.numel()
        if column is None:
            column = torch.zeros(self._capacity, width, dtype=value.dtype)
            self._masks[name] = [False] * self._n
        elif column.shape[1] != width:
            raise ValueError(f"{name}: {width} values in a column of width {column.shape[1]}")
        elif torch.promote_types(column.dtype, value.dtype) != column.dtype:
            column = column.to(torch.promote_types(column.dtype, value.dtype))
        self._vectors[name] = column
        return column

    def _grow(self, capacity: int) -> None:
        """Every column re-allocated with ``capacity`` rows, the rows so far copied over."""
        for name, column in self._vectors.items():
            if column is not None:
                bigger = column.new_zeros(capacity, column.shape[1])
                bigger[: self._n] = column[: self._n]
                self._vectors[name] = bigger
        self._capacity = capacity
