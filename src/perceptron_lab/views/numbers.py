"""How numbers are written in tables: like the notebook's PyTorch prints."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch


def fmt(value: float) -> str:
    """0.5987 for ordinary sizes, −2.2352e-08 for small ones (four decimals, as PyTorch prints)."""
    if value == 0:
        return "0.0000"
    if abs(value) < 1e-3 or abs(value) >= 1e5:
        return f"{value:.4e}"
    return f"{value:.4f}"


def fmt_gap(value: float | None) -> str:
    """A disagreement: 0 or 1.2e-09; '—' when nothing was compared."""
    if value is None:
        return "—"
    return "0" if value == 0 else f"{value:.1e}"


def fmt_tensor(t: torch.Tensor) -> str:
    """A small tensor as rows of numbers: '[−0.0847, −0.1551]'; a column prints as a row."""
    flat = t.detach().reshape(-1) if t.dim() <= 1 or 1 in t.shape else None
    if flat is not None:
        items = [fmt(float(v)) for v in flat]
        return items[0] if t.dim() == 0 else "[" + ", ".join(items) + "]"
    rows = ["[" + ", ".join(fmt(float(v)) for v in row) + "]" for row in t]
    return "[" + ", ".join(rows) + "]"


def to_json(value: Any) -> Any:
    """Tensors to (nested) lists of floats; everything else as it is, recursively."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().tolist()
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def column(values: Iterable[float]) -> list[str]:
    """Each value formatted with :func:`fmt`."""
    return [fmt(v) for v in values]
