"""The report of a branch (its parent, the step, what it changed) and the report in Spanish.

The oracles are the run directories' own config.json files, read here with ``json``, and
a list of the English words a Spanish reader must not meet.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import torch

from perceptron_lab.cli import main
from perceptron_lab.engine.trace import Trace
from perceptron_lab.views.report import render_report
from perceptron_lab.views.report.branch import branch

# English words the Spanish report showed as labels or values ("estado finished", "tarea
# binary", "cantidad loss") or could show; code (nn.BCEWithLogitsLoss) is not prose
ENGLISH = {
    *("finished", "binary", "classification", "status", "task", "quantity", "loss", "step"),
    *("steps", "epoch", "learning", "rate", "yes", "branched", "parent", "setting", "after"),
    *("verified", "accuracy", "worst", "tolerance", "settings", "train", "test", "run"),
}
SPANISH = (
    "estado",
    "terminado",
    "tarea",
    "clasificación binaria",
    "cantidad",
    "pérdida",
    "tasa de aprendizaje",
    "época",
    "Ramificado de otro entrenamiento",
    "entrenamiento padre",
    "ramificado en el paso",
)


class Visible(HTMLParser):
    """A page's text as a reader sees it: no scripts, no styles, no code; each section's."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.hidden = 0
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style", "code")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style", "code")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.text.append(data)


def section(html: str, name: str) -> str:
    """The HTML of ``<section id="name">``."""
    found = re.search(rf'<section id="{name}">(.*?)</section>', html, re.S)
    assert found is not None, name
    return found.group(1)


def train(*args: str) -> int:
    return main(["train", *args, "--quiet"])


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The notebook's data for 4 epochs with Adam, and a branch of it at step 2 with another γ."""
    root = tmp_path_factory.mktemp("runs")
    parent, child = root / "p0", root / "b1"  # names in no language: the report shows them
    assert train("--optimizer", "adam", "--epochs", "4", "--out", str(parent)) == 0
    branch = ["--branch", str(parent), "--at-step", "2", "--lr", "0.5", "--epochs", "6"]
    assert train(*branch, "--out", str(child)) == 0
    return parent, child


def test_a_branch_shows_its_parent_the_step_and_what_changed(runs: tuple[Path, Path]) -> None:
    parent, child = runs
    ours = json.loads((child / "config.json").read_text())
    theirs = json.loads((parent / "config.json").read_text())
    assert ours["parent"] == {"run": str(parent.resolve()), "step": 2}
    changed = {k for k in ours["config"] if ours["config"][k] != theirs["config"].get(k)}
    assert changed == {"lr", "epochs"}

    found = branch(Trace.load(child), "en")
    assert found is not None
    assert found.facts == [("parent run", str(parent.resolve())), ("branched at step", "2")]
    assert found.changes.rows == [
        ["learning rate γ", str(theirs["config"]["lr"]), str(ours["config"]["lr"])],
        ["epochs", str(theirs["config"]["epochs"]), str(ours["config"]["epochs"])],
    ]
    assert found.notes == []
    # the run it branched from is no branch
    assert branch(Trace.load(parent), "en") is None


def test_a_branch_replays_its_first_step_from_its_parents_state(runs: tuple[Path, Path]) -> None:
    """Step 3 of the branch starts from Adam's m and v after the parent's step 2."""
    from perceptron_lab.engine.replay import replay_step

    trace = Trace.load(runs[1])
    row = trace.steps[0]
    assert row["step"] == 3 and row["rule_step"] == 3
    record = replay_step(trace, 3)  # the trainer's numbers, recorded in the branch's table
    for name in ("W_after", "B_after"):
        recorded = torch.tensor(row[name], dtype=torch.float64)
        replayed = getattr(record, name).closed.reshape(-1).double()
        assert (replayed - recorded).abs().max() <= 1e-6 * recorded.abs().max(), name
    assert abs(float(record.loss.closed) - row["loss"]) <= 1e-6 * abs(row["loss"])


def test_a_branch_whose_parent_moved_still_has_its_report(
    runs: tuple[Path, Path], tmp_path: Path
) -> None:
    _, child = runs
    trace = Trace.load(child)
    found = branch(replace_parent(trace, str(tmp_path / "moved")), "en")
    assert found is not None and found.changes.rows == []
    assert found.facts[0] == ("parent run", str(tmp_path / "moved"))
    assert [n.split(": expected")[0] for n in found.notes] == [
        "The parent run's settings could not be read: path"
    ]


def replace_parent(trace: Trace, run: str) -> Trace:
    """``trace`` with its manifest's parent moved to ``run``."""
    from dataclasses import replace

    assert trace.manifest.parent is not None
    parent = replace(trace.manifest.parent, run=run)
    return replace(trace, manifest=replace(trace.manifest, parent=parent))


@pytest.mark.slow  # two reports, each with its plots
def test_the_spanish_report_says_nothing_in_english(runs: tuple[Path, Path]) -> None:
    _, child = runs
    html = render_report(child, "es")
    text = " ".join(Visible(html).text)
    words = set(re.findall(r"[a-záéíóúñü]+", text.lower()))
    assert not words & ENGLISH, sorted(words & ENGLISH)
    for phrase in SPANISH:
        assert phrase in text, phrase
    assert "tasa de aprendizaje γ" in " ".join(Visible(section(html, "branch")).text)
    # and the English one says them: the list above is no list of words no report has
    english = set(re.findall(r"[a-z]+", " ".join(Visible(render_report(child, "en")).text).lower()))
    assert {"finished", "binary", "status", "task", "quantity", "loss", "parent"} <= english
