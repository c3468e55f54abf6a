"""The HTML report: its facts against the run's own files and PyTorch, escaping, writing, CLI."""

from __future__ import annotations

import argparse
import base64
import re
import struct
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
import torch

from perceptron_lab.cli import main
from perceptron_lab.cli.report_cmd import add_report_parser
from perceptron_lab.data import load
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.trace import Trace
from perceptron_lab.engine.train import Trainer
from perceptron_lab.errors import InputError
from perceptron_lab.views.numbers import fmt
from perceptron_lab.views.report import render_report, write_report
from perceptron_lab.views.report.facts import spread, step_table, vector

NOTEBOOK_X = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
NOTEBOOK_Y = [1.0, 0.0, 1.0]


def train(out: Path, *args: str) -> Trace:
    assert main(["train", *args, "--quiet", "--out", str(out)]) == 0
    return Trace.load(out)


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> Trace:
    """The notebook's data, trained as `perceptron-lab train` does by default (3 epochs)."""
    return train(tmp_path_factory.mktemp("runs") / "seed", "--epochs", "3")


@pytest.fixture(scope="module")
def seed_html(seed_run: Trace) -> str:
    return render_report(seed_run, "en")


class Page(HTMLParser):
    """What a page links to, its images, its section titles and its text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[tuple[str, str]] = []  # (tag, URL in src, href, …)
        self.images: list[str] = []
        self.titles: list[str] = []
        self.text: list[str] = []
        self._in_h2 = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "action", "poster", "data") and value is not None:
                self.urls.append((tag, value))
        if tag == "img":
            self.images.append(dict(attrs)["src"] or "")
        self._in_h2 = tag == "h2"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_h2:
            self.titles.append(data.strip())


def png_size(uri: str) -> tuple[int, int]:
    """Width and height from a PNG data: URI's IHDR chunk."""
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    png = base64.b64decode(uri[len(prefix) :], validate=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_report_is_self_contained(seed_html: str) -> None:
    page = Page(seed_html)
    assert seed_html.startswith("<!DOCTYPE html>")
    assert "link" not in page.tags and "iframe" not in page.tags
    # KaTeX's style, the report's own; KaTeX's script, the call that typesets the math
    assert page.tags.count("style") == 2 and page.tags.count("script") == 2
    assert "@import" not in seed_html
    # every url( in the styles is a font inlined as data (katex.min.css names 20 woff2 files)
    urls = re.findall(r"url\(([^)]*)\)", seed_html)
    assert len(urls) == 20 and all(u.startswith("data:font/woff2;base64,") for u in urls)
    for tag, value in page.urls:  # only in-page anchors and embedded images
        assert value.startswith("#") or (tag == "img" and value.startswith("data:")), value
    # loss curve, gradients, boundary and attribution (2 features, classes), loss surface
    assert len(page.images) == 5
    for uri in page.images:
        width, height = png_size(uri)
        assert width > 100 and height > 100


def test_report_sections_in_each_language(seed_run: Trace, seed_html: str) -> None:
    en = Page(seed_html).titles
    for title in ("Settings and data", "Metrics", "Verification against PyTorch", "Plots"):
        assert title in en
    es = Page(render_report(seed_run.path, "es")).titles  # type: ignore[arg-type]
    for title in ("Configuración y datos", "Métricas", "Verificación con PyTorch", "Gráficos"):
        assert title in es
    assert "Paso 1: la solución desarrollada" in es


def test_first_step_against_pytorch(seed_run: Trace, seed_html: str) -> None:
    """Step 1's loss and gradient norm in the page are what PyTorch gives from its W and B."""
    row = seed_run.step(1)
    linear = torch.nn.Linear(2, 1)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([row["W_before"]]))  # weight = Wᵀ, (1, 2)
        linear.bias.copy_(torch.tensor(row["B_before"]))
    X, y = torch.tensor(NOTEBOOK_X), torch.tensor(NOTEBOOK_Y).unsqueeze(1)
    loss = torch.nn.BCEWithLogitsLoss()(linear(X), y)
    loss.backward()
    assert linear.weight.grad is not None and linear.bias.grad is not None
    norm = torch.cat([linear.weight.grad.flatten(), linear.bias.grad]).norm()
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", seed_html.split('id="steps"')[1])
    first_row = cells[: cells.index("2")]  # the cells of step 1, up to step 2's first cell
    assert first_row[:4] == ["1", "1", "0.0100", fmt(loss.item())]
    assert first_row[5] == fmt(norm.item())
    assert first_row[-1] == vector(row["B_after"])


def test_settings_metrics_and_verification(seed_run: Trace, seed_html: str) -> None:
    text = " ".join(Page(seed_html).text)
    summary = seed_run.summary
    assert summary is not None
    assert "3 × 2" in text
    assert "sgd (lr=0.01, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)" in text
    assert seed_run.manifest.data.fingerprint in text
    assert f"torch {torch.__version__}" in text
    assert fmt(summary.final["train_loss"]) in text
    for epoch in seed_run.history:
        assert fmt(epoch["train_loss"]) in text
    assert "3 of 3 (every step)" in text
    assert f"{summary.tolerance:.0e}" in text


def test_regression_run_leaves_out_the_plane(tmp_path: Path) -> None:
    trace = train(tmp_path / "linear", "linear", "--size", "40", "--epochs", "1")
    html = render_report(trace, "en")
    page = Page(html)
    assert len(page.images) == 3  # loss, gradients, surface
    assert "this run has 3 features (regression)" in html
    assert '<th scope="col">R²</th>' in html
    assert fmt(trace.summary.final["train_r2"]) in " ".join(page.text)


def test_text_is_escaped_and_an_empty_run_still_renders() -> None:
    manifest = Trainer(TrainConfig(), load("seed")).manifest()
    named = replace(manifest, data=replace(manifest.data, name="<script>alert(1)</script>"))
    trace = Trace(None, named, steps=[])
    html = render_report(trace, "es")
    assert "<script>alert" not in html and "alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("no registró pasos") == 2  # no plots, no worked steps


def test_long_runs_show_a_sample_of_their_steps(seed_run: Trace) -> None:
    assert spread(5, 10) == [0, 1, 2, 3, 4]
    assert spread(10, 4) == [0, 3, 6, 9]
    picked = spread(100_001, 2000)
    assert len(set(picked)) == 2000 and picked[0] == 0 and picked[-1] == 100_000
    table = step_table(seed_run, "en", limit=2)
    assert [row[0] for row in table.rows] == ["1", "3"]
    assert table.notes == [
        "The run has 3 steps; 2 of them are shown, evenly spaced, with the first and the last. "
        "The trace (steps/*.parquet) holds them all."
    ]
    assert vector(list(range(10))) == (
        "[0.0000, 1.0000, 2.0000, 3.0000, 4.0000, 5.0000, 6.0000, 7.0000, … +2]"
    )


def test_write_report_is_atomic_and_replaces(seed_run: Trace, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")
    assert write_report(seed_run, target, "en") == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary left


def test_bad_language() -> None:
    with pytest.raises(InputError, match=r"^lang: expected one of en, es, got 'fr'"):
        render_report(Trace(None, {}, [], [], {}), "fr")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="perceptron-lab")
    add_report_parser(p.add_subparsers(dest="command"))
    return p


def test_cli_writes_the_report(
    seed_run: Trace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "informe.html"
    args = parser().parse_args(["report", str(seed_run.path), "-o", str(out), "--lang", "es"])
    assert args.run(args) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert '<html lang="es">' in out.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="--out: expected a regular file or a new file name"):
        args = parser().parse_args(["report", str(seed_run.path), "-o", str(tmp_path)])
        args.run(args)
    with pytest.raises(SystemExit):
        parser().parse_args(["report", str(seed_run.path), "--lang", "fr"])
    with pytest.raises(InputError, match=r"^path: expected a run directory"):
        args = parser().parse_args(["report", str(tmp_path / "nothing")])
        args.run(args)
    assert main(["report", str(tmp_path / "nothing")]) == 2
    assert "report: error: RUN_DIR: expected a run directory" in capsys.readouterr().err
