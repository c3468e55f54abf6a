"""Turning user input into checked tensors and numbers: shape, dtype, finiteness, bounds.

Every check raises :class:`~perceptron_lab.errors.InputError` naming the argument,
what was expected and what came. Numbers are checked against the one table of bounds,
:mod:`perceptron_lab.bounds`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..errors import InputError

DTYPES: dict[str, torch.dtype] = {"float32": torch.float32, "float64": torch.float64}


def dtype_from_name(name: str) -> torch.dtype:
    """``"float32"`` -> ``torch.float32``; anything else is an InputError."""
    if name not in DTYPES:
        raise InputError("dtype", f"one of {', '.join(DTYPES)}", repr(name))
    return DTYPES[name]


def as_tensor(
    name: str,
    value: Any,
    *,
    dtype: torch.dtype,
    device: torch.device | str | None = None,
    ndim: tuple[int, ...] = (1, 2),
) -> torch.Tensor:
    """Convert ``value`` (list, NumPy array, tensor, number) to a finite tensor.

    The result is a fresh tensor of ``dtype`` on ``device`` with ``ndim`` in ``ndim``. A
    pandas DataFrame or Series is read as its values, as NumPy arrays are. A list is read
    by NumPy (Python's floats stay float64 until ``dtype``: 1e39 is a float64, not inf).
    """
    if hasattr(value, "to_numpy"):  # pandas: its values
        value = value.to_numpy()
    try:
        if isinstance(value, list | tuple | np.ndarray):  # a copy torch may write to
            value = np.array(value)
        tensor = torch.as_tensor(value).detach()
    except (TypeError, ValueError, RuntimeError) as exc:
        raise InputError(name, "an array of numbers", _describe(value)) from exc
    if tensor.is_complex() or tensor.dtype == torch.bool:
        raise InputError(name, "real numbers", f"dtype {tensor.dtype}")
    if tensor.dim() not in ndim:
        shapes = " or ".join(f"{n}-D" for n in ndim)
        raise InputError(name, f"a {shapes} array", f"shape {tuple(tensor.shape)}")
    if tensor.numel() == 0:
        raise InputError(name, "at least one value", f"shape {tuple(tensor.shape)}")
    given = tensor
    tensor = tensor.to(dtype=dtype, device=device, copy=True)
    check_finite(name, tensor, given)
    return tensor


def check_finite(
    name: str, tensor: torch.Tensor, given: Any = None, columns: Sequence[str] | None = None
) -> None:
    """Raise if ``tensor`` holds NaN or Inf, naming where (1-based row, column).

    ``given`` is what ``tensor`` was converted from: a finite number there that is not
    one here does not fit the dtype (1e39 in float32), and the message says so, not
    "NaN or Inf". ``columns`` names the columns (a data set's features).
    """
    where = _first_non_finite(tensor)
    if where is None:
        return
    value = float(tensor[where])
    place = ", ".join(
        f"{axis} {i + 1}" if axis == "row" or columns is None else f"{axis} {columns[i]!r}"
        for axis, i in zip(("row", "column"), where, strict=False)
    )
    original = float(given[where]) if given is not None else value
    if math.isfinite(original):
        kind = str(tensor.dtype).removeprefix("torch.")
        raise InputError(
            name,
            f"numbers that {kind} can hold (|x| <= {torch.finfo(tensor.dtype).max:.4g})",
            f"{original:g} at {place}",
            hint="use float64 (dtype, --dtype) or scale the data",
        )
    raise InputError(name, "finite numbers", f"{value} at {place}")


FINITE_ROWS = 2**14  # rows a chunk of the exact search holds (its temporaries stay small)


def _first_non_finite(tensor: torch.Tensor) -> tuple[int, ...] | None:
    """The index of the first NaN or ±Inf of ``tensor``, or None, without a temporary of
    its size (a data set's X may be most of the memory).

    Any NaN or ±Inf makes Σ x non-finite (NaN propagates; ∞ + finite = ∞; ∞ − ∞ = NaN),
    so a finite sum (in the tensor's own dtype: a float64 one would be a copy of it)
    proves every element finite. A non-finite sum — such an element, or finite values
    whose sum overflows — is searched exactly, FINITE_ROWS rows at a time.
    """
    if tensor.numel() == 0 or math.isfinite(float(tensor.sum())):
        return None
    rows = tensor.reshape(tensor.shape[0], -1) if tensor.dim() else tensor.reshape(1, 1)
    for start in range(0, rows.shape[0], FINITE_ROWS):
        bad = ~torch.isfinite(rows[start : start + FINITE_ROWS])
        if bool(bad.any()):
            row, column = torch.nonzero(bad)[0].tolist()
            flat = (start + row) * rows.shape[1] + column
            return tuple(int(i) for i in np.unravel_index(flat, tensor.shape))
    return None


def as_matrix(name: str, value: Any, *, dtype: torch.dtype, device: Any = None) -> torch.Tensor:
    """A 2-D tensor; a 1-D input is read as one column."""
    tensor = as_tensor(name, value, dtype=dtype, device=device)
    return tensor.unsqueeze(1) if tensor.dim() == 1 else tensor


def check_parameters(X: torch.Tensor, W: torch.Tensor, B: torch.Tensor) -> None:
    """X (N, d), W (d, k), B (k,): the shapes of Z = XW + B must fit."""
    d = X.shape[1]
    if W.dim() != 2 or W.shape[0] != d:
        raise InputError(
            "W",
            f"shape (d, k) with d = {d} rows to match X's {d} columns",
            f"shape {tuple(W.shape)}",
        )
    k = W.shape[1]
    if B.shape != (k,):
        raise InputError("B", f"shape ({k},) to match W's {k} columns", f"shape {tuple(B.shape)}")


def check_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """A finite number > 0 (or >= 0 with ``allow_zero``)."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value == value
    ok = ok and abs(value) != float("inf") and (value >= 0 if allow_zero else value > 0)
    if not ok:
        raise InputError(name, "a number >= 0" if allow_zero else "a number > 0", repr(value))
    return float(value)


def check_fraction(name: str, value: float, *, closed_right: bool = False) -> float:
    """A number in [0, 1) (or [0, 1] with ``closed_right``)."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    ok = ok and value >= 0 and (value <= 1 if closed_right else value < 1)
    if not ok:
        interval = "[0, 1]" if closed_right else "[0, 1)"
        raise InputError(name, f"a number in {interval}", repr(value))
    return float(value)


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_matrix(name: str, text: str) -> list[list[float]]:
    """``"1,2;3,4"`` -> ``[[1.0, 2.0], [3.0, 4.0]]``: rows split by ';', columns by ','."""
    rows = [row.strip() for row in text.strip().split(";")]
    try:
        matrix = [[float(v) for v in row.split(",")] for row in rows]
    except ValueError as exc:
        raise InputError(
            name, "numbers, columns split by ',' and rows by ';' (e.g. '1,2;3,4')", repr(text)
        ) from exc
    widths = {len(row) for row in matrix}
    if len(widths) != 1:
        raise InputError(
            name, "rows of equal length", f"rows of lengths {sorted(widths)} in {text!r}"
        )
    return matrix


def parse_labels(name: str, text: str) -> list[float] | list[list[float]]:
    """Labels: ``"1,0,1"`` or ``"1;0;1"`` -> a vector; ``"1,0;0,1"`` -> a matrix (N, k)."""
    matrix = parse_matrix(name, text)
    if len(matrix) == 1:
        return matrix[0]
    if all(len(row) == 1 for row in matrix):
        return [row[0] for row in matrix]
    return matrix
