"""``perceptron-lab explain``: from numbers or a run directory, to stdout or a file; bad input."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from perceptron_lab.cli import main
from perceptron_lab.cli.explain_cmd import add_explain_parser
from perceptron_lab.data import load
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.trace import Trace
from perceptron_lab.engine.train import Trainer
from perceptron_lab.errors import InputError
from perceptron_lab.views.numbers import fmt

NUMBERS = ["--X", "1,2;3,4;5,6", "--y", "1,0,1", "--W", "0.5;-0.3", "--B", "0.1"]


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="perceptron-lab")
    add_explain_parser(parser.add_subparsers())
    args = parser.parse_args(["explain", *argv])
    code: int = args.run(args)
    return code


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    Trainer(TrainConfig(epochs=2, batch_size=2, optimizer="sgd", lr=0.1), load("seed")).run(out)
    return out


def test_numbers_to_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(*NUMBERS, "--format", "markdown", "--lang", "es", "--steps", "2") == 0
    out = capsys.readouterr().out
    assert out.count("# Paso ") == 2 and "# Paso 2" in out
    for number in ("-2.2352e-08", "0.6591", "-0.0847", "0.5008", "0.1007"):
        assert number in out
    assert "Época 2: todos los datos forman un solo lote" in out


def test_numbers_to_the_terminal_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(*NUMBERS, "--lang", "en", "--dtype", "float64", "--optimizer", "adam") == 0
    out = capsys.readouterr().out
    assert "Step 1: the worked solution" in out and "Adam" in out
    assert "m̂ₜ = mₜ/(1 - β₁ᵗ)" in out
    assert "stored as" not in out  # float64: no float32 note


@pytest.mark.parametrize(
    ("name", "start"), [("step.tex", r"\documentclass"), ("step.md", "# Step 1")]
)
def test_out_writes_the_file_atomically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, start: str
) -> None:
    target = tmp_path / "notes" / name
    assert run(*NUMBERS, "--lang", "en", "--out", str(target)) == 0
    assert target.read_text(encoding="utf-8").startswith(start)
    assert "0.6591" in target.read_text(encoding="utf-8")
    assert [p.name for p in target.parent.iterdir()] == [name]  # no temporary file left
    assert str(target) in capsys.readouterr().out


def test_run_dir_step_matches_the_trace(run_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(str(run_dir), "--step", "3", "--format", "markdown", "--lang", "en") == 0
    out = capsys.readouterr().out
    row = Trace.load(run_dir).step(3)
    assert "# Step 3" in out and "Epoch 2, batch 1 of 2." in out
    for value in (row["loss"], *row["dW"], *row["W_after"], *row["B_after"]):
        assert fmt(value) in out, value


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["RUN", *NUMBERS], "RUN_DIR: expected either RUN_DIR or --X, not both, got both"),
        ([], "RUN_DIR: expected a run directory, or --X with --y, --W and --B, got neither"),
        (["RUN"], "--step: expected the step to explain (1-based) beside RUN_DIR, got nothing"),
        (["RUN", "--step", "99"], "--step: expected a step between 1 and 4, got 99"),
        (["RUN", "--step", "0"], "--step: expected an integer in [1, 2**63-1], got 0"),
        (["RUN", "--step", "1", "--loss", "mse"], "--loss: expected no --loss with RUN_DIR"),
        (["--X", "1,2", "--y", "1"], "--W: expected --W beside --X, got nothing"),
        ([*NUMBERS, "--step", "2"], "--step: expected --steps K with --X"),
        ([*NUMBERS, "--steps", "0"], "--steps: expected an integer in [1, 10000], got 0"),
        ([*NUMBERS, "--X", "1,2;3"], "--X: expected rows of equal length"),
        (
            [*NUMBERS, "--format", "terminal", "--out", "x.md"],
            "--format: expected markdown, latex, html or beamer with --out",
        ),
    ],
)
def test_bad_input_is_one_line_naming_the_flag(
    run_dir: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(run_dir) if a == "RUN" else a for a in argv]
    assert main(["explain", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"perceptron-lab explain: error: {message}")
    assert err.count("\n") == 1


def test_run_dir_that_is_not_a_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputError, match=r"^path: expected a run directory with config.json"):
        run(str(tmp_path), "--step", "1")  # the library names Trace.load's parameter
    assert main(["explain", str(tmp_path), "--step", "1"]) == 2
    err = capsys.readouterr().err
    assert "explain: error: RUN_DIR: expected a run directory with config.json" in err


def test_the_parser_does_not_import_torch() -> None:
    code = (
        "import argparse, sys\n"
        "from perceptron_lab.cli.explain_cmd import add_explain_parser\n"
        "add_explain_parser(argparse.ArgumentParser().add_subparsers())\n"
        "assert 'torch' not in sys.modules and 'rich' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
