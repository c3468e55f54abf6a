"""The LaTeX answer key compiled by pdflatex: it fits its pages (no overfull box) and is short.

pdflatex is Debian's (texlive); CI (CI=true) installs it and fails without it, elsewhere
the test is skipped, saying how to install it. The log is the oracle: TeX writes
"Overfull \\hbox" for every line wider than the text, and "Output written on … (N pages"
once the document is set.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from perceptron_lab.cli import main

NOTEBOOK = ["--X", "1,2;3,4;5,6", "--y", "1,0,1", "--W", "0.5;-0.3", "--B", "0.1"]
# three classes, Adam: the widest tables and the most lines a step writes
THREE_CLASSES = [
    *("--X", "1,2;3,4;5,6", "--y", "0,2,1", "--W", "0.5,0.1,-0.2;-0.3,0.2,0.4"),
    *("--B", "0.1,0,-0.1", "--loss", "cross_entropy", "--optimizer", "adam"),
]


def compile_key(pdflatex: str, folder: Path, args: list[str]) -> tuple[str, int]:
    """``explain … --format latex`` compiled in ``folder``: pdflatex's log and the page count."""
    tex = folder / "key.tex"
    assert main(["explain", *args, "--format", "latex", "--out", str(tex)]) == 0
    done = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=folder,
        capture_output=True,
        timeout=240,  # the first run in a fresh TeX tree may make its bitmap fonts
        check=False,
    )
    log = (folder / "key.log").read_text(encoding="latin-1")
    assert done.returncode == 0, log[-2000:]
    pages = re.search(r"Output written on key\.pdf \((\d+) pages?", log)
    assert pages is not None, log[-2000:]
    return log, int(pages.group(1))


def test_two_steps_fit_their_pages(pdflatex: str, tmp_path: Path) -> None:
    log, pages = compile_key(pdflatex, tmp_path, [*NOTEBOOK, "--steps", "2"])
    assert "Overfull" not in log
    assert 2 <= pages <= 8  # it was 12 pages with 20 overfull boxes


@pytest.mark.parametrize("lang", ["en", "es"])
def test_three_classes_with_adam_fit_their_pages(pdflatex: str, tmp_path: Path, lang: str) -> None:
    log, pages = compile_key(pdflatex, tmp_path, [*THREE_CLASSES, "--lang", lang])
    assert "Overfull" not in log
    assert pages <= 8
