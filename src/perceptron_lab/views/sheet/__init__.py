"""Exercise sheets and their answer keys, in Markdown, LaTeX, HTML and PDF, English and Spanish.

From a :class:`~perceptron_lab.exercises.solved.Solution`: :func:`sheet_text` is the
student's sheet (the neuron, the data, the numbered questions, no answers),
:func:`key_text` its answer key (the final answers rounded to the asked decimals, the
worked step of ``perceptron-lab explain`` kept to the asked stages, a training stage's
table), :func:`combined_key` every variant's key in one document for the instructor.
PDF through pdflatex: :func:`sheet_pdf`, :func:`key_pdf`, :func:`combined_key_pdf`, or
:func:`document` for any of the four formats as bytes.

Modules: :mod:`.questions` (the format-independent models), :mod:`.render_sheet` (the
documents), :mod:`.pdf` (pdflatex), :mod:`.ipynb` (the sheet as Jupyter notebooks).
"""

from __future__ import annotations

from collections.abc import Sequence

from ...errors import InputError
from ...exercises.solved import Solution
from .ipynb import solved_notebook, student_notebook
from .pdf import TypesetError, combined_key_pdf, compile_pdf, key_pdf, sheet_pdf, typeset
from .questions import Key, Sheet, answer_text, key, sheet
from .render_sheet import TEXT_FORMATS, combined_key, key_text, sheet_text

FORMATS = ("markdown", "latex", "html", "pdf")
KINDS = ("sheet", "key")


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InputError("format", f"one of {', '.join(FORMATS)}", repr(fmt))


def document(solution: Solution, kind: str, fmt: str) -> bytes:
    """The ``kind`` ("sheet" or "key") of ``solution`` in ``fmt`` as a file's bytes (UTF-8 text, or PDF)."""
    if kind not in KINDS:
        raise InputError("kind", f"one of {', '.join(KINDS)}", repr(kind))
    _check(fmt)
    if fmt == "pdf":
        return sheet_pdf(solution) if kind == "sheet" else key_pdf(solution)
    text = sheet_text(solution, fmt) if kind == "sheet" else key_text(solution, fmt)
    return text.encode("utf-8")


def combined_document(solutions: Sequence[Solution], fmt: str) -> bytes:
    """Every variant's key in ``fmt`` as a file's bytes (UTF-8 text, or PDF)."""
    _check(fmt)
    if fmt == "pdf":
        return combined_key_pdf(solutions)
    return combined_key(solutions, fmt).encode("utf-8")


__all__ = [
    "FORMATS",
    "KINDS",
    "TEXT_FORMATS",
    "Key",
    "Sheet",
    "TypesetError",
    "answer_text",
    "combined_document",
    "combined_key",
    "combined_key_pdf",
    "compile_pdf",
    "document",
    "key",
    "key_pdf",
    "key_text",
    "sheet",
    "sheet_pdf",
    "sheet_text",
    "solved_notebook",
    "student_notebook",
    "typeset",
]
