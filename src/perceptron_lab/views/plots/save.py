"""A figure as PNG or SVG bytes, or written to a file atomically (format by its extension)."""

from __future__ import annotations

import io
from pathlib import Path

from matplotlib.figure import Figure

from ...engine.atomic import write_atomic
from ...errors import InputError

FORMATS = ("png", "svg")
DPI = 100


def image_format(path: Path, formats: tuple[str, ...] = FORMATS) -> str:
    """'png' for 'loss.png': the extension, if it is one of ``formats``."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in formats:
        wanted = " or ".join(f".{f}" for f in formats)
        raise InputError("path", f"a file name ending in {wanted}", repr(str(path)))
    return fmt


def figure_bytes(fig: Figure, fmt: str = "png") -> bytes:
    """The figure rendered as ``fmt`` ('png' or 'svg')."""
    if fmt not in FORMATS:
        raise InputError("format", " or ".join(FORMATS), repr(fmt))
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write the figure to ``path`` (.png or .svg), atomically: a temporary name, then a rename."""
    target = Path(path)
    data = figure_bytes(fig, image_format(target))

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    write_atomic(target, write)
    return target
