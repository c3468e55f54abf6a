"""The report in a real browser (headless Chromium): it loads offline, cleanly, in full.

It drives Debian's chromium (/usr/bin/chromium), never a downloaded browser. CI
(CI=true) installs it and fails without it; elsewhere the test is skipped, saying how to
install it (`apt-get install chromium`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from perceptron_lab.cli import main
from perceptron_lab.engine.trace import Trace
from perceptron_lab.views.numbers import fmt, fmt_gap
from perceptron_lab.views.report import write_report
from perceptron_lab.views.report.facts import vector

from .conftest import open_offline

RUNS = {
    "moons": ["moons", "--size", "120", "--epochs", "2", "--batch-size", "32"],
    "seed": [],  # `perceptron-lab train`: the notebook's data, its defaults
}


def test_the_checks_catch_a_page_that_fetches(browser: Any, tmp_path: Path) -> None:
    page_file = tmp_path / "fetching.html"
    page_file.write_text(
        '<!DOCTYPE html><html><body><img src="http://example.invalid/x.png">'
        "<script>undefined_function()</script></body></html>"
    )
    page, errors, blocked = open_offline(browser, page_file)
    assert blocked == ["http://example.invalid/x.png"]
    assert any("undefined_function" in e for e in errors)
    assert not page.evaluate("Array.from(document.images).every(i => i.naturalWidth > 0)")
    page.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(RUNS))
def test_report_loads_offline_with_every_image(name: str, browser: Any, tmp_path: Path) -> None:
    run_dir = tmp_path / name
    assert main(["train", *RUNS[name], "--quiet", "--out", str(run_dir)]) == 0
    trace = Trace.load(run_dir)
    page, errors, blocked = open_offline(browser, write_report(trace, tmp_path / "r.html", "en"))
    assert errors == []
    assert blocked == []
    assert page.evaluate("document.images.length") == 5  # every plot applies: 2 features
    assert page.evaluate(
        "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0"
        " && i.naturalHeight > 0)"
    )
    first = trace.step(1)
    gap = first["worst_disagreement"]
    row = page.locator("#steps tbody tr").first.inner_text().split("\t")
    assert [cell.strip() for cell in row] == [
        "1",
        "1",
        fmt(first["lr"]),
        fmt(first["loss"]),
        fmt(first["accuracy"]),
        fmt(first["grad_norm"]),
        "yes",
        fmt_gap(gap) + (f" ({first['worst_quantity']})" if gap else ""),
        vector(first["W_after"]),
        vector(first["B_after"]),
    ]
    assert "Step 1: the worked solution" in page.inner_text("body")
    assert fmt(first["loss"]) in page.inner_text("#explanations")
    page.close()


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_report_typesets_its_math_offline(lang: str, browser: Any, tmp_path: Path) -> None:
    """Every formula of the worked steps is set by the inlined KaTeX, with no request made."""
    run_dir = tmp_path / "seed"
    assert main(["train", "--optimizer", "adam", "--quiet", "--out", str(run_dir)]) == 0
    page, errors, blocked = open_offline(browser, write_report(run_dir, tmp_path / "r.html", lang))
    assert errors == [] and blocked == []
    formulas = page.locator("#explanations .math[data-tex]").count()
    assert formulas > 100  # two worked steps: each formula, substitution and label
    typeset = "#explanations .math > .katex, #explanations .math > .katex-display > .katex"
    assert page.locator(typeset).count() == formulas
    assert page.locator(".katex-error").count() == 0
    # KaTeX's own fonts, from the page's data: URLs, are the ones the formulas use
    assert page.evaluate("document.fonts.check('16px KaTeX_Main')")
    assert (
        page.evaluate(
            "Array.from(document.fonts).filter(f => f.family.startsWith('KaTeX')"
            " && f.status === 'loaded').length"
        )
        > 0
    )
    # a displayed line is set as a display, inline math inside its sentence
    assert page.locator("#explanations div.math .katex-display").count() > 0
    assert page.locator("#explanations p span.math .katex").count() > 0
    page.close()
