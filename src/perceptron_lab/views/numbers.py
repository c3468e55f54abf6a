"""How numbers are written in tables: like the notebook's PyTorch prints."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .i18n import Words

if TYPE_CHECKING:
    import torch

HEAD, TAIL = 3, 2  # entries kept at each end of a summarized vector (or rows of a matrix)
SUMMARIZED = 6  # more entries than this are summarized, unless ``full``


def _is_tensor(value: Any) -> bool:
    """Whether ``value`` is a torch.Tensor (none can be while torch is not imported: views
    of a finished run never import it)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


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


def fmt_values(value: Any, lang: str, full: bool = False) -> str:
    """A number, a vector or a matrix (a tensor or nested lists) for a terminal cell.

    A vector v of more than 6 entries shows its first 3 and last 2 and, after them, its
    length and norm ‖v‖ = √(Σᵢ vᵢ²): ``[0.1200, −0.3000, 0.0500, …, 0.8000, −0.1000]
    (30 entries, ‖·‖ = 1.4200)``; a matrix shows each row so, and at most 3 + 2 rows, then
    its shape and Frobenius norm; a column prints as a row. ``full`` writes every entry.
    """
    value = value.detach().cpu().tolist() if _is_tensor(value) else value
    if not isinstance(value, list):
        return fmt(float(value))
    rows = value if value and isinstance(value[0], list) else None
    flat = (
        [float(v) for row in rows for v in row] if rows is not None else [float(v) for v in value]
    )
    if rows is not None and (len(rows) == 1 or all(len(row) == 1 for row in rows)):
        rows = None  # a column or a single row prints as a row
    if rows is None:
        text = _ends([fmt(v) for v in flat], full)
    else:
        text = _ends([_ends([fmt(float(v)) for v in row], full) for row in rows], full)
    if full or len(flat) <= SUMMARIZED:
        return text
    w = Words(lang, "terminal")
    norm = fmt(math.sqrt(math.fsum(v * v for v in flat)))
    if rows is None:
        return f"{text} {w('vector_size', n=len(flat), norm=norm)}"
    return f"{text} {w('matrix_size', rows=len(rows), cols=len(rows[0]), norm=norm)}"


def _ends(items: Sequence[str], full: bool) -> str:
    """'[a, b, c, …, y, z]' for more than 6 items (unless ``full``), else all of them."""
    shown = list(items)
    if not full and len(shown) > SUMMARIZED:
        shown = [*shown[:HEAD], "…", *shown[-TAIL:]]
    return "[" + ", ".join(shown) + "]"


def to_json(value: Any) -> Any:
    """Tensors to (nested) lists of floats; everything else as it is, recursively."""
    if _is_tensor(value):
        return value.detach().cpu().tolist()
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def column(values: Iterable[float]) -> list[str]:
    """Each value formatted with :func:`fmt`."""
    return [fmt(v) for v in values]
