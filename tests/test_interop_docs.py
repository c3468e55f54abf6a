"""docs/interop.md runs as written: its commands and its Python, against a fresh run."""

from __future__ import annotations

import argparse
import inspect
import re
import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from perceptron_lab.cli import main
from perceptron_lab.cli.export_cmd import add_export_parser
from perceptron_lab.data import load
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.trace import Trace
from perceptron_lab.engine.train import Trainer
from perceptron_lab.optim import rule_class, rule_names

DOC = Path(__file__).resolve().parents[1] / "docs" / "interop.md"
TEXT = DOC.read_text()
ALTERNATIVES = {"accuracy", "r2", "state_W_<key>", "state_B_<key>"} | {
    f"{side}_{m}" for side in ("train", "test") for m in ("loss", "accuracy", "r2")
}
CLASSIFIER = {"accuracy", "train_loss", "train_accuracy"}  # a run without a test set
FILES_ONLY = {"derived"}  # not a row's: Trace.load fills in the vectors it names


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", TEXT, flags=re.DOTALL)


def commands(name: str) -> list[list[str]]:
    """The doc's ``perceptron-lab NAME …`` command lines, as argv."""
    return [
        shlex.split(line)[1:]
        for block in blocks("bash")
        for line in block.splitlines()
        if line.startswith(f"perceptron-lab {name} ")
    ]


def documented_columns() -> set[str]:
    return set(re.findall(r"^\| `([^`]+)` \|", TEXT, flags=re.MULTILINE))


def export(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_export_parser(parser.add_subparsers())
    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


@pytest.fixture(scope="module")
def doc_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The doc's train command run in a fresh folder, then its Python blocks executed there."""
    root = tmp_path_factory.mktemp("interop")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        (train,) = commands("train")
        assert main([*train, "--quiet"]) == 0
        namespace: dict[str, Any] = {}
        exec(compile("\n".join(blocks("python")), str(DOC), "exec"), namespace)
        (exported,) = commands("export")
        assert export(exported) == 0
    namespace["root"] = root
    return namespace


def test_every_reader_sees_the_trace(doc_run: dict[str, Any]) -> None:
    trace = Trace.load(doc_run["root"] / "runs" / "moons")
    rows = trace.steps
    assert len(rows) == trace.manifest.total_steps == 25  # 160 samples / 32 × 5 epochs
    by_epoch: dict[int, list[float]] = {}
    for row in rows:
        by_epoch.setdefault(row["epoch"], []).append(row["loss"])
    means = [sum(v) / len(v) for _, v in sorted(by_epoch.items())]
    assert doc_run["per_epoch"].tolist() == pytest.approx(means, rel=1e-12)
    assert doc_run["pl_epoch"]["loss"].to_list() == pytest.approx(means, rel=1e-12)
    assert doc_run["duck_epoch"]["loss"].tolist() == pytest.approx(means, rel=1e-12)
    final_W = np.array(trace.summary.W)  # (d, k) as the trainer left it
    assert np.array_equal(doc_run["W"][-1], final_W)
    assert np.array_equal(doc_run["pl_W"][-1], final_W)
    verified = [row for row in rows if row["verified"]]
    duck = doc_run["duck_verified"]
    assert duck["step"].tolist() == [row["step"] for row in verified]
    assert duck["w_00"].tolist() == [row["W_after"][0] for row in verified]
    assert duck["worst_disagreement"].tolist() == [row["worst_disagreement"] for row in verified]
    assert doc_run["df"]["loss"].tolist() == [row["loss"] for row in rows]
    assert doc_run["history"]["test_accuracy"].tolist() == [
        h["test_accuracy"] for h in trace.history
    ]


def test_the_documented_columns_are_the_tables_columns(doc_run: dict[str, Any]) -> None:
    documented = documented_columns()
    held_out = {"test_loss", "test_accuracy"}
    assert set(doc_run["steps"].columns) == documented - ALTERNATIVES | CLASSIFIER | held_out
    assert list(doc_run["steps"].columns) == list(doc_run["pl_steps"].columns)
    assert list(doc_run["history"].columns) == [
        "epoch",
        "train_loss",
        "train_accuracy",
        "test_loss",
        "test_accuracy",
    ]
    for name in ("epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy"):
        assert f"`{name}`" in TEXT


@pytest.mark.parametrize("optimizer", rule_names())
def test_each_rules_state_columns_are_documented(optimizer: str, tmp_path: Path) -> None:
    accepted = inspect.signature(rule_class(optimizer)).parameters
    every_state = {"momentum": 0.9, "amsgrad": True, "centered": True}
    options = {k: v for k, v in every_state.items() if k in accepted}
    Trainer(
        TrainConfig(epochs=1, optimizer=optimizer, optimizer_options=options), load("seed")
    ).run(tmp_path)
    columns = set(Trace.load(tmp_path).steps[0])
    base = documented_columns() - ALTERNATIVES - FILES_ONLY | CLASSIFIER
    state = columns - base
    assert columns >= base and state
    for column in state:
        p, key = re.fullmatch(r"state_([WB])_(\w+)", column).groups()  # type: ignore[union-attr]
        family = re.sub(r"_\d+$", "_<i>", key)  # a history slot: old_dirs_3 as old_dirs_<i>
        assert f"`{key}`" in TEXT or f"`{family}`" in TEXT, column
        assert f"state_{'B' if p == 'W' else 'W'}_{key}" in columns


def test_a_regression_run_has_r2_in_place_of_accuracy(tmp_path: Path) -> None:
    Trainer(TrainConfig(epochs=1), load("linear", size=20)).run(tmp_path)
    columns = set(Trace.load(tmp_path).steps[0])
    expected = documented_columns() - ALTERNATIVES - FILES_ONLY
    assert columns == expected | {"r2", "train_loss", "train_r2"}


def test_the_tensorboard_section_names_what_the_export_writes(doc_run: dict[str, Any]) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(doc_run["root"] / "tb" / "moons"))
    events.Reload()
    tags = events.Tags()
    section = TEXT[TEXT.index("## TensorBoard") :]
    for tag in [*tags["scalars"], *tags["histograms"]]:
        if not tag.startswith("epoch/"):
            assert f"`{tag}`" in section, tag
    assert "`epoch/train_loss`" in section and "`epoch/test_accuracy`" in section
