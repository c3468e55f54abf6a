"""HTML tables for Jupyter: a StepRecord and a Trace, escaped, with the notebook's numbers."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from perceptron_lab.cli import main
from perceptron_lab.core.observed_step import StepRecord, observe_step
from perceptron_lab.data import load
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.trace import Trace
from perceptron_lab.engine.train import Trainer
from perceptron_lab.losses import get_loss
from perceptron_lab.observe import observe
from perceptron_lab.optim import get_optimizer
from perceptron_lab.views.html import step_record_html, trace_html
from perceptron_lab.views.numbers import fmt


def rows(html: str) -> list[list[str]]:
    """The text of each table row's cells (header cells included)."""
    found = []
    for tr in re.findall(r"<tr>(.*?)</tr>", html):
        cells = re.findall(r"<t[hd]>(?:<code>)?(.*?)(?:</code>)?</t[hd]>", tr)
        found.append(cells)
    return found


@pytest.fixture
def notebook_step() -> StepRecord:
    return observe([[1, 2], [3, 4], [5, 6]], [1, 0, 1], [[0.5], [-0.3]], [0.1])[0]


def test_step_record_shows_the_notebook_numbers_both_ways(notebook_step: StepRecord) -> None:
    html = step_record_html(notebook_step, "en")
    table = {row[0]: row[1:] for row in rows(html)}
    assert table["quantity"] == ["by formula", "by PyTorch", "disagreement"]
    assert table["W"] == ["[0.5000, -0.3000]", "", ""]
    assert table["Z"] == ["[-2.2352e-08, 0.4000, 0.8000]"] * 2 + ["0"]
    assert table["A"] == ["[0.5000, 0.5987, 0.6900]"] * 2 + ["0"]
    assert table["loss"] == ["0.6591", "0.6591", "0"]
    assert table["dW"] == ["[-0.0847, -0.1551]"] * 2 + ["0"]
    assert table["dB"] == ["[-0.0704]"] * 2 + ["0"]
    assert table["W_after"] == ["[0.5008, -0.2984]"] * 2 + ["0"]
    assert table["B_after"] == ["[0.1007]"] * 2 + ["0"]
    assert "step 1 · bce · sgd (lr=0.01" in html
    assert "worst disagreement 0 (Z)" in html


def test_step_record_in_spanish(notebook_step: StepRecord) -> None:
    html = step_record_html(notebook_step, "es")
    assert rows(html)[0] == ["cantidad", "a mano", "con PyTorch", "discrepancia"]
    assert 'lang="es"' in html and "paso 1" in html and "coinciden" in html


def test_step_record_unverified_and_over_tolerance() -> None:
    torch.manual_seed(0)
    X, y = torch.randn(32, 3), (torch.rand(32) > 0.5).float()
    W, B = torch.randn(3, 1), torch.randn(1)
    loss, rule = get_loss("bce"), get_optimizer("sgd", lr=0.1)
    unverified = observe_step(X, loss.targets(y, 1), W, B, loss, rule, verify=False)
    html = step_record_html(unverified, "en")
    assert "PyTorch&#x27;s twin did not run" in html  # escaped, as every piece of text
    assert rows(html)[3][2:] == ["—", "—"]  # Z: no PyTorch value, no disagreement
    verified = observe_step(X, loss.targets(y, 1), W, B, loss, rule)
    name, gap = verified.worst
    assert gap > 0  # float32 rounding
    strict = replace(verified, tolerance=gap / 2)
    assert f"({name}) is over the tolerance" in step_record_html(strict, "en")


@pytest.fixture(scope="module")
def twelve_steps(tmp_path_factory: pytest.TempPathFactory) -> Trace:
    out = tmp_path_factory.mktemp("runs") / "seed"
    assert main(["train", "--epochs", "12", "--quiet", "--out", str(out)]) == 0
    return Trace.load(out)


def test_trace_shows_the_first_and_last_steps(twelve_steps: Trace) -> None:
    html = trace_html(twelve_steps, "en")
    table = [row for row in rows(html) if len(row) == 10]
    assert table[0][:4] == ["step", "epoch", "lr", "loss"]
    steps = [row[0] for row in table[1:]]
    assert steps == ["1", "2", "3", "4", "5", "…", "8", "9", "10", "11", "12"]
    for row in table[1:]:
        if row[0] != "…":
            assert row[3] == fmt(twelve_steps.step(int(row[0]))["loss"])
    assert "The first 5 and the last 5 of 12 steps." in html
    assert fmt(twelve_steps.summary.final["train_loss"]) in html
    assert twelve_steps.manifest.data.fingerprint in html


def test_trace_is_escaped(tmp_path: Path) -> None:
    manifest = Trainer(TrainConfig(), load("seed")).manifest()
    named = replace(manifest, data=replace(manifest.data, name="<img src=x onerror=alert(1)>"))
    html = trace_html(Trace(None, named, steps=[]), "es")
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Entrenamiento — " in html
