"""The command line as a user runs it: output, JSON, languages, errors, start-up."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from perceptron_lab.cli import main

from .conftest import NOTEBOOK_PRINTED


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Example 1", "binary cross-entropy", "by PyTorch"]),
        ("es", ["Ejemplo 1", "entropía cruzada binaria", "señal neta", "época", "a mano"]),
    ],
)
def test_demo_prints_the_notebook_numbers(
    capsys: pytest.CaptureFixture[str], lang: str, words: list[str]
) -> None:
    code, out, err = run(capsys, "demo", "--lang", lang)
    assert code == 0 and err == ""
    for number in NOTEBOOK_PRINTED:
        assert number in out, number
    for word in words:
        assert word in out, word
    assert "0.30000001192092896" in out  # the float32 explanation


def test_demo_json_has_every_number(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["example_1"]["Z"]["closed"][0][0] == pytest.approx(-2.2352e-08, rel=1e-4)
    assert round(data["example_2"]["bce"]["torch"], 4) == 0.6591
    assert [round(v[0], 4) for v in data["example_3"]["dL_dW"]["torch"]] == [-0.0847, -0.1551]
    assert round(data["example_4"]["new_B"]["closed"][0], 4) == 0.1007
    assert len(data["example_5"]["epochs"]) == 5


def test_demo_seed_makes_example_5_repeatable(capsys: pytest.CaptureFixture[str]) -> None:
    def losses(seed: str) -> list[float]:
        _, out, _ = run(capsys, "demo", "--format", "json", "--seed", seed)
        return [e["loss"]["closed"] for e in json.loads(out)["example_5"]["epochs"]]

    assert losses("3") == losses("3")
    assert losses("3") != losses("4")


def test_demo_language_from_locale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LC_ALL", "es_ES.UTF-8")
    _, out, _ = run(capsys, "demo")
    assert "Ejemplo 1" in out
    monkeypatch.setenv("LC_ALL", "C")
    _, out, _ = run(capsys, "demo")
    assert "Example 1" in out


def test_step_command_runs_any_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "step",
        "--X",
        "1,2;3,4;5,6",
        "--y",
        "1,0,1",
        "--W",
        "0.5;-0.3",
        "--B",
        "0.1",
        "--optimizer",
        "adam",
        "--lr",
        "0.1",
        "--steps",
        "2",
        "--format",
        "json",
    )
    assert code == 0
    records = json.loads(out)
    assert [r["step"] for r in records] == [1, 2]
    # Adam's first step moves each parameter by lr·sign(g): W 0.5 → 0.6, −0.3 → −0.2
    assert [round(v[0], 4) for v in records[0]["W_after"]["torch"]] == [0.6, -0.2]
    assert all(r["verified"] for r in records)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["step", "--X", "1,2;3,4", "--y", "1,0", "--W", "0.5;-0.3;1", "--B", "0.1"],
            "W: expected shape (d, k) with d = 2",
        ),
        (
            ["step", "--X", "1,nan;3,4", "--y", "1,0", "--W", "0.5;-0.3", "--B", "0.1"],
            "X: expected finite numbers, got nan at row 1, column 2",
        ),
        (
            ["step", "--X", "1,2;3,4", "--y", "1,inf", "--W", "0.5;-0.3", "--B", "0.1"],
            "y: expected finite numbers, got inf",
        ),
        (
            ["step", "--X", "1,2;3,4", "--y", "2,0", "--W", "0.5;-0.3", "--B", "0.1"],
            "y: expected labels for binary cross-entropy",
        ),
        (
            [
                "step",
                "--X",
                "1,2;3,4",
                "--y",
                "0.5,1",
                "--W",
                "0.5,1;-0.3,1",
                "--B",
                "0.1,0",
                "--loss",
                "cross_entropy",
            ],
            "y: expected labels for softmax cross-entropy",
        ),
        (
            ["step", "--X", "1,2;3,4", "--y", "1,0", "--W", "0.5;-0.3", "--B", "0.1", "--lr", "0"],
            "--lr: expected a number in (0, 1000], got 0",
        ),
        (
            ["step", "--X", "1,2;3,4", "--y", "1,0", "--W", "0.5;-0.3", "--B", "0.1", "--lr", "-1"],
            "--lr: expected a number in (0, 1000], got -1",
        ),
        (
            [
                "step",
                "--X",
                "1,2;3,4",
                "--y",
                "1,0",
                "--W",
                "0.5;-0.3",
                "--B",
                "0.1",
                "--loss",
                "hinge",
            ],
            "argument --loss: invalid choice: 'hinge'",
        ),
        (
            [
                "step",
                "--X",
                "1,2;3,4",
                "--y",
                "1,0",
                "--W",
                "0.5;-0.3",
                "--B",
                "0.1",
                "--optimizer",
                "lion",
            ],
            "argument --optimizer: invalid choice: 'lion'",
        ),
        (
            ["step", "--X", "1,2;3", "--y", "1,0", "--W", "0.5;-0.3", "--B", "0.1"],
            "--X: expected rows of equal length",
        ),
        (["demo", "--lang", "fr"], "argument --lang: invalid choice: 'fr'"),
        (["demo", "--epochs", "0"], "--epochs: expected an integer in [1, 1000000], got 0"),
    ],
)
def test_bad_input_is_one_line_exit_2(argv: list[str], message: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "perceptron_lab.cli", *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert message in lines[0]
    assert "Traceback" not in proc.stderr


def test_help_is_quick_and_imports_no_torch() -> None:
    code = (
        "import sys; from perceptron_lab.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('torch', 'rich', 'pandas', 'numpy') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[]"
    proc = subprocess.run(
        [sys.executable, "-m", "perceptron_lab.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and "demo" in proc.stdout
