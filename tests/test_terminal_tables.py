"""The terminal tables at 60, 80 and 120 columns, in English and Spanish.

At every width: no line longer than the width, no "…" cutting a name or a number (the only
"…" is a summarized vector's, followed by its next entry), every number still reachable
(a summary, and every entry with --full). Oracles: the trace's own JSON numbers and numpy's
norm; the Spanish words as a reader expects them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rich.cells import cell_len
from rich.console import Console

from perceptron_lab.cli import main
from perceptron_lab.sklearn.reconcile import Comparison, Gap, reconcile
from perceptron_lab.sklearn.reconcile_table import AGREE, comparison_view, verdict_line
from perceptron_lab.views.i18n import Words
from perceptron_lab.views.i18n.phrasebook import phrasebook
from perceptron_lab.views.numbers import fmt_values

from .conftest import NOTEBOOK_PRINTED

WIDTHS = (60, 80, 120)
CUT = re.compile(r"…(?!,)")  # rich's cut ("LogisticRegr…"); a summary's "…" is followed by ","
# the English headers and row labels of show, show --step, step and compare
ENGLISH = (
    "run summary",
    "status",
    "finished",
    "samples",
    "features",
    "binary",
    "verified",
    "quantity",
    "value",
    "by formula",
    "learning rate",
    "worst disagreement",
    "entries",
)
# compare's English words: its headers, its verdict and the detail's sentences
COMPARE_ENGLISH = (
    "verdict",
    "agrees",
    "differs",
    "settings that make results differ",
    "to match them",
    "fits, on the data",
    "iterations",
    "compared with",
    "(defaults)",
    "(matched)",
    "why",
    "keeps growing",
    "standardized features",
    "by epoch",
    "warning:",
    "both ·",
)


def render(renderable: Any, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, highlight=False).print(renderable)
    return out.getvalue()


def assert_fits(text: str, width: int) -> None:
    for line in text.splitlines():
        assert cell_len(line) <= width, line
    assert not CUT.search(text), CUT.search(text)


def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, width: int, *argv: str
) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    assert main(list(argv)) == 0
    out, _ = capsys.readouterr()
    return out


def words(text: str) -> str:
    """The text with its lines joined and the tables' rules and spaces folded: for phrases."""
    return " ".join(re.sub(r"[│┃┏┓┗┛┡┩┠┨━─┳┻╇╋┃└┘┌┐┬┴┼├┤]", " ", text).split())


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """breast_cancer, 2 full-batch steps: 30 weights per vector."""
    out = tmp_path_factory.mktemp("run") / "r"
    assert (
        main(
            [
                "train",
                "breast_cancer",
                "--epochs",
                "2",
                "--out",
                str(out),
                "--quiet",
                "--format",
                "json",
            ]
        )
        == 0
    )
    return out


def step_row(run_dir: Path, step: int) -> dict[str, Any]:
    from perceptron_lab.engine.trace import Trace

    return dict(Trace.load(run_dir).step(step))


def test_a_long_vector_shows_its_ends_count_and_norm() -> None:
    v = [0.5, -1.25, 2.0, 3.0, 4.0, 5.0, -6.5, 7.25]
    norm = float(np.linalg.norm(v))
    assert (
        fmt_values(v, "en")
        == f"[0.5000, -1.2500, 2.0000, …, -6.5000, 7.2500] (8 entries, ‖·‖ = {norm:.4f})"
    )
    assert fmt_values(v, "es").endswith(f"(8 entradas, ‖·‖ = {norm:.4f})")
    assert fmt_values(v, "en", full=True) == "[" + ", ".join(f"{x:.4f}" for x in v) + "]"
    assert fmt_values(v[:6], "en") == "[" + ", ".join(f"{x:.4f}" for x in v[:6]) + "]"  # 6: all


def test_a_matrix_summarizes_rows_and_keeps_a_column_as_a_row() -> None:
    m = [[float(i + j) for j in range(8)] for i in range(8)]
    text = fmt_values(m, "en")
    assert text.count("…") == 1 + 5  # the rows elided, and each of the 5 rows shown
    assert text.endswith(f"(8×8 matrix, ‖·‖ = {np.linalg.norm(m):.4f})")
    assert fmt_values([[1.0], [2.0]], "en") == "[1.0000, 2.0000]"


@pytest.mark.parametrize("width", WIDTHS)
def test_show_step_summarizes_and_full_prints_every_entry(
    run_dir: Path, width: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    row = step_row(run_dir, 2)
    dW = row["dW"]
    short = cli(capsys, monkeypatch, width, "show", str(run_dir), "--step", "2", "--lang", "en")
    assert_fits(short, width)
    flat = words(short)
    assert f"(30 entries, ‖·‖ = {np.linalg.norm(dW):.4f})" in flat
    assert f"{dW[0]:.4f}, {dW[1]:.4f}, {dW[2]:.4f}, …, {dW[-2]:.4f}, {dW[-1]:.4f}" in flat
    full = cli(
        capsys, monkeypatch, width, "show", str(run_dir), "--step", "2", "--lang", "en", "--full"
    )
    assert_fits(full, width)
    numbers = re.findall(r"-?\d+\.\d{4}(?:e[-+]\d+)?", full)
    for v in dW:  # every entry of dL/dW, as the trace stores it
        assert f"{v:.4f}" in numbers if 1e-3 <= abs(v) < 1e5 else f"{v:.4e}" in numbers


@pytest.mark.parametrize("width", WIDTHS)
def test_show_in_spanish_leaves_no_english_header(
    run_dir: Path, width: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    en = cli(capsys, monkeypatch, width, "show", str(run_dir), "--lang", "en")
    es = cli(capsys, monkeypatch, width, "show", str(run_dir), "--lang", "es")
    assert "finished" in en and "binary" in en
    for text in (en, es):
        assert_fits(text, width)
    flat = words(es)
    for phrase in (
        "resumen de la ejecución",
        "estado",
        "terminado",
        "binaria",
        "569 muestras",
        "épocas",
    ):
        assert phrase in flat, phrase
    for english in ENGLISH:
        assert english not in flat, english
    step = words(
        cli(capsys, monkeypatch, width, "show", str(run_dir), "--step", "1", "--lang", "es")
    )
    for phrase in (
        "paso 1 (época 1, lote 0)",
        "tasa de aprendizaje",
        "mayor discrepancia",
        "entradas",
    ):
        assert phrase in step, phrase
    for english in ENGLISH:
        assert english not in step, english


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_step_keeps_every_state_name_whole(
    width: int, lang: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = cli(
        capsys, monkeypatch, width, "step", "--X", "1,2;3,4;5,6", "--y", "1,0,1",
        "--W", "0.5;-0.3", "--B", "0.1", "--optimizer", "adam", "--lang", lang,
    )  # fmt: skip
    assert_fits(out, width)
    for name in ("state[W].exp_avg_sq", "state[B].exp_avg_sq", "state[W].exp_avg"):
        assert name in out, name
    for number in ("-2.2352e-08", "0.6591", "-0.0847", "-0.1551", "-0.0704"):  # the notebook's
        assert number in out, number
    flat = words(out)
    if lang == "es":
        assert "a mano" in flat and "con PyTorch" in flat and "tasa de aprendizaje=0.01" in flat
        for english in ENGLISH:
            assert english not in flat, english


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_demo_titles_wrap_at_words_and_keep_the_notebook_numbers(
    width: int, lang: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = cli(capsys, monkeypatch, width, "demo", "--lang", lang)
    assert_fits(out, width)
    for number in NOTEBOOK_PRINTED:
        assert number in out, number
    w, flat = Words(lang, "demo"), words(out)
    for title in (w("ex1"), w("ex2"), w("ex3"), w("ex4", lr=0.01), w("ex5", epochs=5, seed=0)):
        assert title in flat, title  # whole, its words in order: wrapped only between words


@pytest.fixture(scope="module")
def moons() -> Comparison:
    """A small comparison without a penalty (its ‖W‖ by epoch and its warning)."""
    from perceptron_lab.data import load

    return reconcile(load("moons", size=60), penalty="none", epochs=50)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_compare_gives_a_verdict_first_then_the_detail_folded(
    moons: Comparison, width: int, lang: str
) -> None:
    text = render(comparison_view(moons, lang), width)
    assert_fits(text, width)
    w, flat = Words(lang, "terminal"), words(text)
    say = phrasebook("compare", lang).say  # the detail in the language (English in en)
    assert flat.startswith(w("verdict_title"))
    verdicts = flat.index(w("verdict_title"))
    for g in moons.gaps:  # one verdict line per fit, before the detail; each gap number shown
        assert flat.index(f"{say(g.reference)}:") < flat.index(w("settings_title"))
        assert f"{g.coef_relative:.1e}" in flat and f"{g.coef_max_abs:.1e}" in flat
    assert verdicts < flat.index(w("settings_title")) < flat.index(w("gaps_title"))
    for s in moons.settings:  # every setting's every sentence, whole
        for sentence in (s.name, s.why, s.theirs, s.ours, s.matched):
            assert " ".join(say(sentence).split()) in flat, sentence
    for f in moons.fits:
        assert say(f.name) in flat and " ".join(say(f.settings).split()) in flat
    for warning in moons.warnings:
        assert " ".join(say(warning).split()) in flat, warning
    if lang == "es":
        for phrase in (
            "veredicto",
            "ajustes que hacen diferir los resultados",
            "menos scikit-learn",
            "época",
            "(por defecto)",
            "no deja de crecer",
        ):
            assert phrase in flat, phrase
        for english in COMPARE_ENGLISH:
            assert english not in flat, english


def test_the_verdict_says_agree_or_by_how_much_they_differ() -> None:
    w = Words("en", "terminal")
    close = Gap("LogisticRegression (matched)", 1.1e-6, 8.6e-7, 1.9e-7, 4.6e-11, 0.0)
    far = Gap("SGDClassifier (defaults)", 9.0, 0.87, 1.3, -0.046, 0.0088)
    other = Gap("SGDClassifier (matched)", None, None, None, None, -0.02)
    assert 8.6e-7 < AGREE < 0.87
    assert verdict_line(close, w) == (
        "LogisticRegression (matched): agrees — coefficients within 8.6e-07 (relative), "
        "loss +4.6e-11, same accuracy"
    )
    assert verdict_line(far, w) == (
        "SGDClassifier (defaults): differs — coefficients by 8.7e-01 (relative), "
        "loss -4.6e-02, accuracy +8.8e-03"
    )
    assert "not comparable" in verdict_line(other, w) and "accuracy -2.0e-02" in verdict_line(
        other, w
    )
    assert "coincide" in verdict_line(close, Words("es", "terminal"))
