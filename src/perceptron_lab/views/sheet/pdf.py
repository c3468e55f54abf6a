"""LaTeX to PDF by pdflatex: a sheet's or a key's document as the bytes of its PDF.

pdflatex runs in a temporary folder, ``-interaction=nonstopmode -halt-on-error`` and
without shell escape, a second time only when its log asks for it ("Rerun to get …").
Without pdflatex on the PATH the error says what to install; a document pdflatex refuses
raises :class:`TypesetError`, its one line quoting the log's first error (``! …``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError, PerceptronLabError
from ...exercises.solved import Solution
from .render_sheet import combined_key, key_text, sheet_text

TIMEOUT = 240  # seconds per run: a fresh TeX tree may first make its fonts
RUNS = 2  # at most: a second run only when the log asks for one


class TypesetError(PerceptronLabError):
    """pdflatex refused a document: the log's first error line, and the log itself."""

    def __init__(self, line: str, log: str) -> None:
        self.line = line
        self.log = log
        super().__init__(f"pdflatex failed: {line}")


@dataclass(frozen=True)
class Typeset:
    """A compiled document: the PDF's bytes and pdflatex's (last) log."""

    pdf: bytes
    log: str


def pdflatex() -> str:
    """The pdflatex on the PATH, or an InputError saying how to install it."""
    found = shutil.which("pdflatex")
    if found is None:
        raise InputError(
            "format",
            "pdflatex on the PATH for --format pdf (Debian: apt-get install texlive-latex-recommended texlive-fonts-recommended)",
            "no pdflatex",
        )
    return found


def first_error(log: str) -> str:
    """The log's first ``! …`` line, with the line number TeX gives after it (``l.12``)."""
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("! "):
            where = next(
                (x.split(" ", 1)[0] for x in lines[i + 1 : i + 12] if x.startswith("l.")), ""
            )
            return f"{line} ({where})" if where else line
    tail = [x for x in lines if x.strip()][-1:] or ["no log"]
    return tail[0]


def typeset(tex: str) -> Typeset:
    """``tex`` compiled by pdflatex: the PDF and the log."""
    program = pdflatex()
    with tempfile.TemporaryDirectory(prefix="perceptron-lab-tex-") as folder:
        here = Path(folder)
        (here / "doc.tex").write_text(tex, encoding="utf-8")
        log = ""
        for _ in range(RUNS):
            try:
                done = subprocess.run(
                    [
                        program,
                        "-interaction=nonstopmode",
                        "-halt-on-error",
                        "-no-shell-escape",
                        "doc.tex",
                    ],
                    cwd=here,
                    capture_output=True,
                    timeout=TIMEOUT,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise TypesetError(f"no answer in {TIMEOUT} s", "") from exc
            path = here / "doc.log"
            log = path.read_text(encoding="latin-1") if path.exists() else ""
            if done.returncode != 0 or not (here / "doc.pdf").exists():
                raise TypesetError(first_error(log or done.stdout.decode("latin-1")), log)
            if "Rerun to get" not in log:
                break
        return Typeset((here / "doc.pdf").read_bytes(), log)


def compile_pdf(tex: str) -> bytes:
    """The PDF of the LaTeX document ``tex`` (:func:`typeset`'s bytes)."""
    return typeset(tex).pdf


def sheet_pdf(solution: Solution) -> bytes:
    """The student's sheet of ``solution`` as a PDF."""
    return compile_pdf(sheet_text(solution, "latex"))


def key_pdf(solution: Solution) -> bytes:
    """The answer key of ``solution`` as a PDF."""
    return compile_pdf(key_text(solution, "latex"))


def combined_key_pdf(solutions: Sequence[Solution]) -> bytes:
    """Every variant's key in one PDF, each from a new page."""
    return compile_pdf(combined_key(solutions, "latex"))
