"""The library names a bad argument as its Python parameter; the CLI, as the flag typed.

The same mistake made through the API and on the command line must read the same,
but for the name: ``batch_size: expected …`` there, ``--batch-size: expected …`` here.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from perceptron_lab.cli import build_parser, main
from perceptron_lab.cli.options import FED_BY, command_parser, flag
from perceptron_lab.data import load
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.trace import Trace
from perceptron_lab.engine.train import Trainer
from perceptron_lab.errors import InputError
from perceptron_lab.observe import observe
from perceptron_lab.optim.schedules import parse_schedule
from perceptron_lab.sklearn.reconcile import reconcile
from perceptron_lab.views.tensorboard import TensorBoardCallback

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "perceptron_lab"
NUMBERS = ["--X", "1,2;3,4;5,6", "--y", "1,0,1", "--W", "0.5;-0.3", "--B", "0.1"]
X, Y, W, B = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [1.0, 0.0, 1.0], [[0.5], [-0.3]], [0.1]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    Trainer(TrainConfig(epochs=2, batch_size=2), load("seed")).run(out)
    return out  # 4 steps


def library_error(call: Callable[[], Any]) -> InputError:
    with pytest.raises(InputError) as caught:
        call()
    return caught.value


# (the library call, its parameter, the same mistake on the CLI, the flag it names)
CASES: list[tuple[str, Callable[[Path], Any], str, list[str], str]] = [
    (
        "epochs",
        lambda run: TrainConfig(epochs=0),
        "epochs: expected an integer in [1, 1000000], got 0",
        ["train", "--epochs", "0", "--quiet"],
        "--epochs",
    ),
    (
        "batch_size",
        lambda run: TrainConfig(batch_size=0),
        "batch_size: expected an integer in [1, 2**63-1], got 0",
        ["train", "--batch-size", "0", "--quiet"],
        "--batch-size",
    ),
    (
        "test_size",
        lambda run: TrainConfig(test_size=1.5),
        "test_size: expected a number in [0, 1), got 1.5",
        ["train", "--test-size", "1.5", "--quiet"],
        "--test-size",
    ),
    (
        "schedule",
        lambda run: parse_schedule("step:step_size=ten"),
        "schedule: expected a number for step_size, got 'ten'",
        ["train", "--schedule", "step:step_size=ten", "--quiet"],
        "--schedule",
    ),
    (
        "steps",
        lambda run: observe(X, Y, W, B, steps=0),
        "steps: expected an integer in [1, 10000], got 0",
        ["step", *NUMBERS, "--steps", "0"],
        "--steps",
    ),
    (
        "step",
        lambda run: Trace.load(run).step(99),
        "step: expected a step between 1 and 4, got 99",
        ["show", "RUN", "--step", "99"],
        "--step",
    ),
    (
        "path",
        lambda run: Trace.load(run / "missing"),
        "path: expected a run directory with config.json, got 'RUN/missing'",
        ["show", "RUN/missing"],
        "RUN_DIR",
    ),
    (
        "every",
        lambda run: TensorBoardCallback(run / "tb", every=-1),
        "every: expected an integer in [1, 2**63-1], got -1",
        ["train", "--tensorboard", "RUN/tb", "--tensorboard-every", "-1", "--quiet"],
        "--tensorboard-every",
    ),
    (
        "C",
        lambda run: reconcile("iris", C=0.0),
        "C: expected a number in (0, 1000000000000], got 0.0",
        ["compare", "iris", "--C", "0"],
        "--C",
    ),
]


@pytest.mark.parametrize(
    ("argument", "call", "message", "argv", "shown"), CASES, ids=[c[0] for c in CASES]
)
def test_the_library_names_the_parameter_and_the_cli_its_flag(
    run_dir: Path,
    capsys: pytest.CaptureFixture[str],
    argument: str,
    call: Callable[[Path], Any],
    message: str,
    argv: list[str],
    shown: str,
) -> None:
    error = library_error(lambda: call(run_dir))
    assert error.argument == argument and not error.argument.startswith("-")
    assert str(error) == message.replace("RUN", str(run_dir))
    capsys.readouterr()
    assert main([a.replace("RUN", str(run_dir)) for a in argv]) == 2
    out, err = capsys.readouterr()
    rest = str(error)[len(argument) :]
    assert err == f"perceptron-lab {argv[0]}: error: {shown}{rest}\n"
    assert out == ""


@pytest.mark.parametrize(
    ("command", "argument", "shown"),
    [
        ("train", "batch_size", "--batch-size"),
        ("train", "every", "--tensorboard-every"),  # TensorBoardCallback(every=) in train
        ("export", "every", "--every"),  # a dest of its own wins over FED_BY
        ("train", "logdir", "--tensorboard"),
        ("report", "out", "--out"),  # the long form of -o/--out
        ("report", "path", "RUN_DIR"),
        ("plot", "trace", "RUN_DIR"),
        ("plot", "epoch", "--epochs"),
        ("explain", "fmt", "--format"),
        ("step", "X", "--X"),
        ("compare", "dataset", "DATASET"),
        ("train", "path", "path"),  # no RUN_DIR there: the name stays
        ("train", "data", "data"),
        ("train", "--at-step", "--at-step"),  # the CLI's own errors name flags already
    ],
)
def test_flags_are_read_off_the_parser(command: str, argument: str, shown: str) -> None:
    assert flag(command_parser(build_parser(), command), argument) == shown


def test_every_fed_by_target_is_an_option_of_some_command() -> None:
    parser = build_parser()
    commands = ("train", "show", "explain", "plot", "report", "export", "compare")
    dests = {a.dest for c in commands for a in command_parser(parser, c)._actions}
    assert set(FED_BY.values()) <= dests
    assert not set(FED_BY) & dests - {"every"}  # a library name that is a dest needs no entry


def cli_names() -> set[str]:
    """Every flag and positional metavar of every command."""
    parser = build_parser()
    names: set[str] = set()
    for action in parser._actions:
        for command in getattr(action, "choices", None) or {}:
            for a in command_parser(parser, command)._actions:
                names.update(a.option_strings)
                if not a.option_strings and a.metavar:
                    names.add(str(a.metavar))
    return names


def raised_arguments(path: Path) -> list[tuple[int, str]]:
    """(line, first argument's text) of each ``InputError(...)`` call with a literal one."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        if getattr(node.func, "id", getattr(node.func, "attr", None)) != "InputError":
            continue
        first = node.args[0]
        if isinstance(first, ast.JoinedStr) and first.values:
            first = first.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((node.lineno, first.value))
    return found


def test_no_error_outside_the_cli_names_a_flag() -> None:
    flags = cli_names()
    assert {"--batch-size", "RUN_DIR", "--X"} <= flags
    sources = [p for p in PACKAGE.rglob("*.py") if "cli" not in p.relative_to(PACKAGE).parts]
    assert len(sources) > 50
    named = [
        f"{path.relative_to(PACKAGE)}:{line}: {text!r}"
        for path in sources
        for line, text in raised_arguments(path)
        if text.startswith("-") or text in flags
    ]
    assert named == []


def test_the_scan_sees_a_flag(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        'raise InputError("--epochs", "x", "y")\nraise InputError(f"--{n}", "", "")\n'
    )
    assert raised_arguments(source) == [(1, "--epochs"), (2, "--")]
