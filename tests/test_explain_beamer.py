"""``explain … --format beamer`` (or ``slides``): a deck, one slide per derivation, for pdflatex.

The frames are read off the .tex; the compiled deck is judged by pdflatex's log, the
oracle for fitting (TeX writes "Overfull \\hbox" for every line wider than its box, and
the deck writes "fitframe: N percent" for every frame it fits), and by its page count.
Compiling needs pdflatex with Beamer and the pgf it loads (Debian's texlive-latex-recommended
and texlive-pictures); without them those tests are skipped, saying what to install.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from perceptron_lab.cli import main
from perceptron_lab.observe import observe
from perceptron_lab.views.explain import Explanation, build, explain, explain_steps
from perceptron_lab.views.explain.render_latex import prose
from perceptron_lab.views.i18n import Words

from .conftest import needed

X = [[1, 2], [3, 4], [5, 6]]
NOTEBOOK = ["--X", "1,2;3,4;5,6", "--y", "1,0,1", "--W", "0.5;-0.3", "--B", "0.1", "--lr", "0.1"]


def notebook_step(lang: str) -> Explanation:
    return build(observe(X, [1, 0, 1], [[0.5], [-0.3]], [0.1], lr=0.1)[0], lang)


def derivations(expl: Explanation) -> int:
    return sum(len(section.derivations) for section in expl.sections)


@pytest.fixture(scope="module")
def pdflatex(pdflatex: str) -> str:
    """pdflatex with Beamer's class and the pgf it draws with."""
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is not None:
        for name, package in (
            ("beamer.cls", "texlive-latex-recommended"),
            ("pgf.sty", "texlive-pictures"),
        ):
            where = subprocess.run([kpsewhich, name], capture_output=True, text=True, check=False)
            if not where.stdout.strip():
                needed(f"Beamer needs {name}: `apt-get install {package}` to compile a deck")
    return pdflatex


def compile_deck(pdflatex: str, tex: Path) -> tuple[str, int]:
    """``tex`` compiled where it lies: pdflatex's log, and the PDF's page count."""
    done = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tex.parent,
        capture_output=True,
        timeout=240,  # the first run in a fresh TeX tree may make its bitmap fonts
        check=False,
    )
    log = tex.with_suffix(".log").read_text(encoding="latin-1")
    assert done.returncode == 0, log[-3000:]
    pdf = tex.with_suffix(".pdf")
    assert pdf.is_file() and pdf.stat().st_size > 0
    # pdfinfo reads the PDF itself; without poppler-utils, TeX's own count in the log
    # (the PDF's page objects sit in compressed object streams, out of a regex's reach)
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        pages = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    else:
        pages = re.search(rf"Output written on {re.escape(pdf.name)} \((\d+) pages?", log)
    assert pages is not None, log[-2000:]
    return log, int(pages.group(1))


def assert_fits(log: str, frames: int, smallest: int) -> None:
    """No LaTeX error, no line wider than its box by over 1pt, each frame fitted at a size."""
    assert "LaTeX Error" not in log and "\n! " not in log
    overfull = [float(w) for w in re.findall(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide", log)]
    assert [w for w in overfull if w > 1] == []
    assert "Overfull \\vbox" not in log
    sizes = re.findall(r"fitframe: (\d+) percent(, scaled to the room)?", log)
    assert len(sizes) == frames
    assert [s for s, scaled in sizes if scaled] == []  # every frame fits at 40% or more
    assert min(int(s) for s, _ in sizes) >= smallest, sizes


# --- the frames, read off the .tex --------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_frame_per_derivation_between_title_and_closing(lang: str) -> None:
    records = observe(X, [1, 0, 1], [[0.5], [-0.3]], [0.1], lr=0.1, optimizer="adam", steps=2)
    deck = explain_steps(records, lang, "beamer")
    expls = [build(r, lang) for r in records]
    assert deck.startswith("\\documentclass[aspectratio=169,11pt]{beamer}")
    assert deck.rstrip().endswith("\\end{document}")
    assert deck.count("\\begin{frame}") == deck.count("\\end{frame}")
    assert deck.count("\\begin{frame}") == sum(1 + derivations(e) + 1 for e in expls)
    # in order: each step's title frame, its derivations (section, then own title), closing
    at = 0
    for expl in expls:
        at = deck.index(prose(expl.title), at)
        for section in expl.sections:
            for d in section.derivations:
                head = f"\\begin{{frame}}[t]{{{prose(section.title)}}}{{{prose(d.title)}}}"
                at = deck.index(head, at)
        at = deck.index(prose(expl.closing[0]), at)


def test_one_frame_holds_formula_numbers_table_and_notes() -> None:
    expl = notebook_step("en")
    deck = explain(observe(X, [1, 0, 1], [[0.5], [-0.3]], [0.1], lr=0.1)[0], "en", "beamer")
    forward = expl.sections[1].derivations[0]
    frame = deck[deck.index(f"{{{prose(forward.title)}}}") :]
    frame = frame[: frame.index("\\end{frame}")]
    assert frame.count("\\fitcell{") == len(forward.formula) + len(forward.substitution)
    assert "\\textbf{Formula}" in frame and "\\textbf{With the numbers}" in frame
    assert r"-2.2352 \times 10^{-8}" in frame  # the substitution, numbers put in
    assert "\\begin{tabularx}" in frame and "\\textbf{by PyTorch}" in frame
    assert all(prose(note) in frame for note in forward.notes)


def test_the_spanish_deck_is_in_spanish() -> None:
    record = observe(X, [1, 0, 1], [[0.5], [-0.3]], [0.1], lr=0.1)[0]
    es_deck, en_deck = explain(record, "es", "beamer"), explain(record, "en", "beamer")
    es, en = notebook_step("es"), notebook_step("en")
    spanish = [
        prose(es.title),
        "Verificación",
        Words("es", "explain")("word_verification"),
        *(f"\\textbf{{{es.words[k]}}}" for k in ("formula", "numbers")),
        *(prose(s.title) for s in es.sections),
    ]
    english = [
        prose(en.title),
        "Verification",
        *(f"\\textbf{{{en.words[k]}}}" for k in ("formula", "numbers")),
        *(prose(s.title) for s in en.sections),
    ]
    assert [w for w in spanish if w not in es_deck] == []
    assert [w for w in english if w in es_deck] == []
    assert [w for w in english if w not in en_deck] == []


def test_slides_is_beamer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    beamer, slides, plain = tmp_path / "beamer.tex", tmp_path / "slides.tex", tmp_path / "key.tex"
    assert main(["explain", *NOTEBOOK, "--format", "beamer", "--out", str(beamer)]) == 0
    assert main(["explain", *NOTEBOOK, "--format", "slides", "--out", str(slides)]) == 0
    assert main(["explain", *NOTEBOOK, "--out", str(plain)]) == 0  # a .tex alone is latex
    assert slides.read_bytes() == beamer.read_bytes()
    assert beamer.read_text(encoding="utf-8").startswith(r"\documentclass[aspectratio=169")
    assert plain.read_text(encoding="utf-8").startswith(r"\documentclass[10pt]{article}")
    assert str(slides) in capsys.readouterr().out


# --- the compiled deck --------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_notebooks_step_compiles_and_fits(pdflatex: str, tmp_path: Path, lang: str) -> None:
    tex = tmp_path / "deck.tex"
    assert (
        main(["explain", *NOTEBOOK, "--lang", lang, "--format", "beamer", "--out", str(tex)]) == 0
    )
    log, pages = compile_deck(pdflatex, tex)
    frames = 1 + derivations(notebook_step(lang)) + 1
    assert pages == frames == 13
    assert_fits(log, frames, smallest=60)  # the notebook's step: readable on every slide


@pytest.mark.parametrize(
    ("loss", "y", "W", "B", "optimizer"),
    [
        ("bce", [1, 0, 1], [[0.5], [-0.3]], [0.1], "adam"),
        ("cross_entropy", [0, 2, 1], [[0.5, 0.1, -0.2], [-0.3, 0.2, 0.4]], [0.1, 0, -0.1], "sgd"),
        ("cross_entropy", [0, 2, 1], [[0.5, 0.1, -0.2], [-0.3, 0.2, 0.4]], [0.1, 0, -0.1], "adam"),
    ],
    ids=["bce-adam", "ce3-sgd", "ce3-adam"],
)
def test_adam_and_three_classes_compile_and_fit(
    pdflatex: str,
    tmp_path: Path,
    loss: str,
    y: list[int],
    W: list[list[float]],
    B: list[float],
    optimizer: str,
) -> None:
    record = observe(X, y, W, B, lr=0.1, loss=loss, optimizer=optimizer)[0]
    tex = tmp_path / "deck.tex"
    tex.write_text(explain(record, "es", "beamer"), encoding="utf-8")
    log, pages = compile_deck(pdflatex, tex)
    frames = 1 + derivations(build(record, "es")) + 1
    assert pages == frames
    assert_fits(log, frames, smallest=40)
