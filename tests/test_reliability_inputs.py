"""Every input is bounded and every refusal names its true cause (issue 9).

Each numeric option of each command is read through one table of bounds
(``perceptron_lab.bounds.BOUNDS``): out of bounds, or not a number, is exit 2 and one
line naming the flag — never an endless run, an exhausted memory or a traceback; the
library refuses the same values, naming its parameters. In-process where no subprocess
is needed, so the file stays fast.
"""

from __future__ import annotations

import errno
import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import hypothesis
import numpy as np
import pytest
import torch
from hypothesis import strategies as st

from perceptron_lab.bounds import BOUNDS, INT64_MAX, Bound
from perceptron_lab.cli import build_parser
from perceptron_lab.cli.main import main
from perceptron_lab.cli.options import bounded, command_parser
from perceptron_lab.errors import InputError

from .cli_run import assert_refused, cli, snapshot

NUMBERS = ["--X", "1,2;3,4;5,6", "--y", "1,0,1", "--W", "0.5;-0.3", "--B", "0.1"]
# what each command needs beside one numeric flag for its parser to accept the line
BASE = {
    "demo": [],
    "step": NUMBERS,
    "train": [],
    "show": ["RUN"],
    "explain": [],
    "plot": ["--kind", "loss"],
    "report": ["RUN"],
    "export": ["RUN", "--tensorboard", "TB"],
    "compare": [],
}


def _numeric_flags() -> list[tuple[str, str, str]]:
    """(command, flag, library name) of every bounded option of every command."""
    parser = build_parser()
    found = []
    for command in BASE:
        for action in command_parser(parser, command)._actions:
            if isinstance(action.type, bounded):
                found.append((command, max(action.option_strings, key=len), str(action.type)))
    return found


def _outside(bound: Bound) -> list[str]:
    """Texts just outside ``bound``, far outside it (1e23) and not a number of its kind."""
    if bound.kind is int:
        below = str(int(bound.low) - 1)
        above = str(int(bound.high) + 1)
        return [below, above, "1e23", "2.5"]
    below = str(bound.low) if bound.low_open else str(bound.low - 1)
    above = str(bound.high) if bound.high_open else str(bound.high * 10)
    return [below, above, "nan", "inf", "x"]


FLAGS = _numeric_flags()
CASES = [(c, f, n, text) for c, f, n in FLAGS for text in _outside(BOUNDS[n])]


def refused_in_process(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """``main(argv)`` exits 2 with one line on stderr and nothing on stdout; the line."""
    capsys.readouterr()
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err.strip()


def test_every_numeric_option_of_every_command_is_bounded() -> None:
    parser = build_parser()
    for command in BASE:
        for action in command_parser(parser, command)._actions:
            assert action.type not in (int, float), (command, action.dest)
    assert {c for c, _, _ in FLAGS} == {c for c in BASE if c != "report"}
    assert len(FLAGS) >= 25


@pytest.mark.parametrize(("command", "option", "name", "text"), CASES)
def test_a_number_out_of_bounds_is_one_line_naming_the_flag(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    command: str,
    option: str,
    name: str,
    text: str,
) -> None:
    before = snapshot(tmp_path)
    argv = [a.replace("RUN", str(tmp_path)) for a in BASE[command]]
    line = refused_in_process(capsys, [command, *argv, option, text])
    expected = BOUNDS[name].describe()
    assert line.startswith(f"perceptron-lab {command}: error: {option}: expected {expected}, got ")
    assert text in line
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(("command", "option", "name"), FLAGS)
def test_the_help_states_the_bounds(command: str, option: str, name: str) -> None:
    sub = command_parser(build_parser(), command)
    (action,) = [a for a in sub._actions if option in a.option_strings]
    assert BOUNDS[name].describe() in str(action.help)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: _config(epochs=10**23), "epochs: expected an integer in [1, 1000000], got 10"),
        (lambda: _config(lr=1e23), "lr: expected a number in (0, 1000], got 1e+23"),
        (lambda: _config(seed=2**64), "seed: expected an integer in [0, 2**63-1], got"),
        (lambda: _config(test_size="x"), "test_size: expected a number in [0, 1), got 'x'"),
        (lambda: _config(epochs=True), "epochs: expected an integer in [1, 1000000], got True"),
        (lambda: _config(batch_size=2.0), "batch_size: expected an integer in [1, 2**63-1]"),
        (lambda: _config(lr=float("nan")), "lr: expected a number in (0, 1000], got nan"),
        (lambda: _observe(steps=True), "steps: expected an integer in [1, 10000], got True"),
        (lambda: _observe(steps=10**23), "steps: expected an integer in [1, 10000]"),
        (lambda: _observe(lr=1e23), "lr: expected a number in (0, 1000], got 1e+23"),
        (lambda: _sgd(momentum=1.0), "momentum: expected a number in [0, 1), got 1.0"),
        (lambda: _sgd(weight_decay=1e9), "weight_decay: expected a number in [0, 1000]"),
        (lambda: _demo(epochs=10**23), "epochs: expected an integer in [1, 1000000]"),
        (lambda: _demo(seed=-1), "seed: expected an integer in [0, 2**63-1], got -1"),
        (lambda: _load("blobs", size=10**23), "size: expected an integer in [2, 1000000]"),
        (lambda: _load("blobs", seed=2**63), "seed: expected an integer in [0, 2**63-1]"),
        (lambda: _reconcile(epochs=10**23), "epochs: expected an integer in [1, 1000000]"),
        (lambda: _reconcile(C=float("inf")), "C: expected a number in (0, 1000000000000]"),
        (lambda: _trainer(np.zeros((3, 2))), "train: expected a Dataset, got ndarray"),
        (lambda: _trainer("iris"), "train: expected a Dataset, got str"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_the_library_refuses_the_same_values_naming_its_parameter(
    call: Callable[[], Any], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        call()
    assert str(caught.value).startswith(message)
    assert "np." not in str(caught.value)


def test_numpy_numbers_are_accepted_and_shown_plainly() -> None:
    from perceptron_lab.bounds import bounded as check

    assert check("epochs", np.int64(3)) == 3 and type(check("epochs", np.int64(3))) is int
    assert check("lr", np.float32(0.5)) == 0.5
    with pytest.raises(InputError, match=r"got 0$"):
        check("epochs", np.int64(0))
    with pytest.raises(InputError, match=r"got True$"):
        check("epochs", np.bool_(True))


def test_the_largest_seed_trains_with_shuffled_batches() -> None:
    from perceptron_lab.data import load
    from perceptron_lab.engine.config import TrainConfig
    from perceptron_lab.engine.train import Trainer

    result = Trainer(TrainConfig(epochs=2, batch_size=2, seed=INT64_MAX), load("seed")).run()
    assert result.summary.steps == 4


def test_a_run_past_the_most_steps_is_refused_before_it_starts() -> None:
    from perceptron_lab.data import load

    with pytest.raises(InputError, match=r"^epochs: expected at most 66666 epochs of 150"):
        _trainer(load("iris"), epochs=1_000_000, batch_size=1)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: _demo(epochs=1_000_000), "epochs"),  # every epoch's record is kept
        (lambda: _observe(steps=10_000, X=np.ones((2000, 3))), "steps"),
        (lambda: _in_memory_run(epochs=1_000_000), "epochs"),  # no out=: rows kept
    ],
)
def test_what_would_not_fit_in_memory_is_refused_before_it_starts(
    call: Callable[[], Any], argument: str
) -> None:
    with pytest.raises(InputError, match=rf"^{argument}: expected at most \d+ steps here"):
        call()


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--epochs", "1000000"],
        ["step", *NUMBERS, "--steps", "10000", "--X", ";".join(["1,2"] * 3000)],
    ],
)
def test_the_cli_refuses_what_would_not_fit_in_memory(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    line = refused_in_process(capsys, argv)
    assert "kept in memory" in line and "GiB at most" in line


def _config(**given: Any) -> Any:
    from perceptron_lab.engine.config import TrainConfig

    return TrainConfig(**given)


def _observe(X: Any = None, **given: Any) -> Any:
    from perceptron_lab.observe import observe

    X = [[1.0, 2.0], [3.0, 4.0]] if X is None else X
    return observe(X, [1.0] * len(X), [[0.5], [-0.3], [0.1]][: len(X[0])], [0.1], **given)


def _sgd(**given: Any) -> Any:
    from perceptron_lab.optim import get_optimizer

    return get_optimizer("sgd", **given)


def _demo(**given: Any) -> Any:
    from perceptron_lab.core.notebook import run_demo

    return run_demo(**given)


def _load(name: str, **given: Any) -> Any:
    from perceptron_lab.data import load

    return load(name, **given)


def _reconcile(**given: Any) -> Any:
    from perceptron_lab.sklearn.reconcile import reconcile

    return reconcile("iris", **given)


def _trainer(train: Any, **given: Any) -> Any:
    from perceptron_lab.engine.train import Trainer

    return Trainer(_config(**given), train)


def _in_memory_run(**given: Any) -> Any:
    from perceptron_lab.data import load

    return _trainer(load("seed"), **given).run()


def test_a_number_in_bounds_is_parsed_as_its_kind() -> None:
    args = build_parser().parse_args(["train", "--epochs", "7", "--lr", "0.5", "--seed", "3"])
    assert (args.epochs, args.lr, args.seed) == (7, 0.5, 3)
    assert type(args.epochs) is int and type(args.lr) is float


# ---------------------------------------------------------------- files and streams
def failed_in_process(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """``main(argv)`` exits 1 (the system refused a file) with one line on stderr; the line."""
    capsys.readouterr()
    assert main(argv) == 1
    _, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err.strip()


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (needs root and a system that lets the test mount one)."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        held = subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0
        if held:  # a file the command left open: detach it, so pytest can clean up, and fail
            subprocess.run(["umount", "--lazy", str(mount)], check=False)
    assert not held, "a file on the full tmpfs was left open after the error"


def _fill(folder: Path, leave: int) -> None:
    """Fill ``folder``'s file system but ``leave`` bytes."""
    stat = os.statvfs(folder)
    (folder / "filler").write_bytes(b"0" * max(stat.f_bavail * stat.f_frsize - leave, 0))


@pytest.mark.parametrize(
    ("out", "reason"),
    [
        (lambda root: root / "a-file" / "run", "Not a directory (ENOTDIR)"),
        (lambda root: root / ("x" * 300) / "run", "File name too long (ENAMETOOLONG)"),
    ],
    ids=["under-a-regular-file", "component-over-255-bytes"],
)
def test_an_out_the_system_refuses_is_one_line_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, out: Callable[[Path], Path], reason: str
) -> None:
    (tmp_path / "a-file").write_text("keep me")
    before = snapshot(tmp_path)
    line = failed_in_process(capsys, ["train", "--quiet", "--out", str(out(tmp_path))])
    assert line.startswith("perceptron-lab train: error: ") and line.endswith(reason)
    assert snapshot(tmp_path) == before


def test_a_full_disk_simulated_is_one_line_and_the_file_before_it_stays(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run, page = tmp_path / "run", tmp_path / "step.md"
    assert main(["train", "--quiet", "--epochs", "1", "--out", str(run)]) == 0
    assert main(["explain", str(run), "--step", "1", "--out", str(page)]) == 0
    before = snapshot(tmp_path)

    def full(path: Path, *args: Any, **kwargs: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(Path, "write_text", full)
    line = failed_in_process(capsys, ["explain", str(run), "--step", "1", "--out", str(page)])
    assert line.endswith("No space left on device (ENOSPC)") and str(tmp_path) in line
    line = failed_in_process(capsys, ["train", "--quiet", "--out", str(tmp_path / "new")])
    assert line.endswith("No space left on device (ENOSPC)")
    assert {k: v for k, v in snapshot(tmp_path).items() if k in before} == before


@pytest.mark.parametrize(
    "argv",  # each writes under FS, a full tmpfs
    [
        ["train", "iris", "--epochs", "50", "--batch-size", "10", "--quiet", "--out", "FS/run"],
        ["report", "FS/done"],
        ["plot", "FS/done", "--kind", "loss"],
        ["train", "--resume", "FS/done", "--quiet"],
    ],
    ids=["train", "report", "plot", "resume"],
)
def test_a_full_tmpfs_is_one_line_and_earlier_files_stay(
    capsys: pytest.CaptureFixture[str], tmpfs: Path, argv: list[str]
) -> None:
    import json

    done = tmpfs / "done"
    assert main(["train", "--quiet", "--epochs", "2", "--out", str(done)]) == 0
    summary = json.loads((done / "summary.json").read_text())
    (done / "summary.json").write_text(json.dumps({**summary, "status": "interrupted"}))
    _fill(tmpfs, leave=0)  # resume has its summary.json to write, and no room for it
    before = snapshot(done)
    capsys.readouterr()
    assert main([a.replace("FS", str(tmpfs)) for a in argv]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.endswith("No space left on device (ENOSPC)")
    assert {k: v for k, v in snapshot(done).items() if k in before} == before


def test_a_closed_pipe_ends_the_output_quietly() -> None:
    command = [sys.executable, "-m", "perceptron_lab.cli", "step", *NUMBERS, "--steps", "100"]
    proc = subprocess.Popen(
        [*command, "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == b"["
    proc.stdout.close()  # as | head -1 does
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141 and err == "", err


def test_an_ascii_terminal_gets_replacements_not_a_crash() -> None:
    result = cli("demo", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "Example 1" in result.stdout


# ---------------------------------------------------------------- messages that name the cause
@pytest.mark.parametrize(
    ("rows", "dtype", "message"),
    [
        ("1,2;3,1e308;5,6", "float32", "X: expected numbers that float32 can hold"),
        ("1,2;3,1e39;5,6", "float32", "got 1e+39 at row 2, column 2"),
    ],
)
def test_a_value_the_dtype_cannot_hold_is_refused_at_load_not_called_divergence(
    rows: str, dtype: str, message: str
) -> None:
    from perceptron_lab.data.checks import parse_matrix
    from perceptron_lab.observe import observe

    with pytest.raises(InputError) as caught:
        observe(parse_matrix("X", rows), [1, 0, 1], [[0.5], [-0.3]], [0.1], dtype=dtype)
    assert message in str(caught.value) and "float64" in str(caught.value)


def test_inline_numbers_are_parsed_in_the_dtype_asked_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    X = ["--X", "1,2;3,1e39;5,6", "--y", "1,0,1", "--W", "0.5;-0.3", "--B", "0.1"]
    assert main(["step", *X, "--dtype", "float64", "--format", "json"]) == 0
    line = refused_in_process(capsys, ["step", *X])
    assert "--X: expected numbers that float32 can hold" in line and "1e+39" in line


def test_a_feature_float32_cannot_hold_names_its_row_and_column(tmp_path: Path) -> None:
    from perceptron_lab.data import load
    from perceptron_lab.engine.train import Trainer

    path = tmp_path / "huge.csv"
    path.write_text("a,b,label\n1,2,1\n3,1e308,0\n5,6,1\n")
    with pytest.raises(
        InputError, match=r"^X: .*float32 can hold.*got 1e\+308 at row 2, column 'b'"
    ):
        Trainer(_config(), load(path))
    Trainer(_config(dtype="float64", epochs=1), load(path))  # float64 holds it


def test_an_overflowing_gradient_norm_is_not_blamed_on_w() -> None:
    from perceptron_lab.data import from_arrays
    from perceptron_lab.engine.train import Trainer
    from perceptron_lab.errors import DivergenceError

    X = np.array([[1.0, 2.0], [3.0, 1e30], [5.0, 6.0]])
    with pytest.raises(DivergenceError) as caught:
        Trainer(_config(epochs=3), from_arrays(X, np.array([1, 0, 1]))).run()
    # step 1's gradient is finite (its float32 norm was not): the loss of step 2 overflows
    assert (caught.value.step, caught.value.quantity) == (2, "loss")
    assert "scale the features" in str(caught.value)


@pytest.mark.parametrize(
    ("labels", "needles"),
    [
        (["true", "False", "TRUE", "false"], ["'False' and 'false'", "letter case"]),
        ([" cat", "Cat", "cat", "dog"], ["'Cat' and 'cat'", "letter case"]),
    ],
)
def test_labels_that_differ_only_in_case_are_refused_naming_them(
    labels: list[str], needles: list[str]
) -> None:
    from perceptron_lab.data import from_arrays

    with pytest.raises(InputError) as caught:
        from_arrays(np.ones((4, 1)), np.array(labels))
    for needle in needles:
        assert needle in str(caught.value)


def test_labels_are_stripped_and_integers_kept_exact(tmp_path: Path) -> None:
    from perceptron_lab.data import from_arrays, load

    path = tmp_path / "big.csv"
    path.write_text("a,label\n1,1\n2,4611686018427387904\n3,4611686018427387905\n4,1\n")
    assert load(path).classes == (1, 2**62, 2**62 + 1)

    stripped = from_arrays(np.ones((4, 1)), np.array([" cat", "cat ", "dog", "dog"]))
    assert stripped.classes == ("cat", "dog")
    big = [1, 2**62, 2**62 + 1, 1]
    for given in (np.array(big), np.array(big, dtype=object)):
        assert from_arrays(np.ones((4, 1)), given).classes == (1, 2**62, 2**62 + 1)


@pytest.mark.parametrize("suffix", [".npy", ".npz"])
def test_a_text_file_named_npy_is_our_message_never_an_unsafe_load(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"data{suffix}"
    path.write_text("a,b\n1,2\n")
    line = refused_in_process(capsys, ["train", str(path), "--quiet"])
    assert f"not a valid {suffix} file" in line and "pickle" not in line


def test_observe_takes_a_dataframe_like_arrays() -> None:
    import pandas as pd

    from perceptron_lab.observe import observe

    frame = pd.DataFrame({"a": [1.0, 3.0, 5.0], "b": [2.0, 4.0, 6.0]})
    got = observe(frame, pd.Series([1, 0, 1]), [[0.5], [-0.3]], [0.1])
    want = observe(frame.to_numpy(), [1, 0, 1], [[0.5], [-0.3]], [0.1])
    assert float(got[0].loss.closed) == float(want[0].loss.closed)


def test_watch_into_an_existing_file_names_out(tmp_path: Path) -> None:
    import torch

    from perceptron_lab import watch

    existing = tmp_path / "a-file"
    existing.write_text("keep me")
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(InputError, match=r"^out: expected a run directory"):
        watch(model, optimizer, torch.nn.BCEWithLogitsLoss(), out=existing)
    assert existing.read_text() == "keep me"


# ---------------------------------------------------------------- strict JSON of a diverged run
@pytest.fixture(scope="module")
def diverged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A run that diverges at step 6 (diabetes, lr 1000), and what train --format json printed."""
    out = tmp_path_factory.mktemp("diverged") / "run"
    result = cli(
        "train",
        "diabetes",
        "--lr",
        "1000",
        "--epochs",
        "20",
        "--quiet",
        "--format",
        "json",
        "--out",
        out,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "step 6: loss" in result.stderr
    return out, result.stdout


def _strict(text: str) -> Any:
    import json

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_a_diverged_train_prints_strict_json_saying_so(diverged: tuple[Path, str]) -> None:
    out, printed = diverged
    summary = _strict(printed)
    assert summary["status"] == "diverged" and "step 6" in summary["error"]
    written = _strict((out / "summary.json").read_text())
    assert written.pop("files")  # summary.json also vouches for the run's files
    assert written == {k: v for k, v in summary.items() if k != "files"}


def test_show_json_of_a_diverged_run_is_strict(
    capsys: pytest.CaptureFixture[str], diverged: tuple[Path, str]
) -> None:
    out, _ = diverged
    for argv in (
        ["show", str(out), "--format", "json"],
        ["show", str(out), "--step", "6", "--format", "json"],
    ):
        capsys.readouterr()
        assert main(argv) == 0
        _strict(capsys.readouterr().out)


def test_a_surface_a_diverged_run_overflows_is_one_line(
    capsys: pytest.CaptureFixture[str], diverged: tuple[Path, str]
) -> None:
    out, _ = diverged
    line = refused_in_process(
        capsys, ["plot", str(out), "--kind", "surface", "--out", str(out.parent / "s.png")]
    )
    assert "RUN_DIR: expected a run whose loss is finite" in line
    page = out.parent / "report.html"
    assert main(["report", str(out), "--out", str(page)]) == 0  # the surface left out, noted
    assert "overflows at every point" in page.read_text()


def test_messages_show_plain_values_not_numpy_reprs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "inf.csv"
    path.write_text("a,b,label\n1,2,1\n3,1e309,0\n5,6,1\n")
    line = refused_in_process(capsys, ["train", str(path), "--quiet"])
    assert "got '1e309' in row 2 (line 3), column 'b'" in line and "np." not in line


def test_an_out_on_a_read_only_file_system_is_one_line(
    capsys: pytest.CaptureFixture[str], tmpfs: Path
) -> None:
    (tmpfs / "kept").write_text("keep me")
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    line = failed_in_process(capsys, ["train", "--quiet", "--out", str(tmpfs / "run")])
    assert line.endswith("Read-only file system (EROFS)") and str(tmpfs) in line
    assert (tmpfs / "kept").read_text() == "keep me" and not (tmpfs / "run").exists()


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["train", "--seed", "1e23"], "--seed"),
        (["train", "blobs", "--size", str(10**23)], "--size"),
        (["explain", "--steps", str(10**23), *NUMBERS], "--steps"),
        (["demo", "--epochs", str(10**23)], "--epochs"),
        (["compare", "--epochs", "1e23"], "--epochs"),
        (["train", "--lr", "1e23"], "--lr"),
    ],
)
def test_the_battery_s_typos_end_in_one_line_as_a_user_runs_them(
    tmp_path: Path, argv: list[str], flag: str
) -> None:
    before = snapshot(tmp_path)
    assert_refused(cli(*argv, cwd=tmp_path, timeout=60), f"{flag}: expected ")
    assert snapshot(tmp_path) == before


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(
    shape=st.tuples(st.integers(1, 40), st.integers(1, 5)),
    bad=st.lists(
        st.tuples(st.integers(0, 10**6), st.sampled_from([math.nan, math.inf, -math.inf])),
        max_size=3,
    ),
    big=st.booleans(),
)
def test_the_first_non_finite_element_is_found_without_a_copy_of_the_data(
    shape: tuple[int, int], bad: list[tuple[int, float]], big: bool
) -> None:
    """Against torch.isfinite over the whole tensor; finite values whose float32 sum
    overflows (3e38 + 3e38) are searched exactly and found finite."""
    from perceptron_lab.data import checks

    X = torch.full(shape, 3e38 if big else 1.5, dtype=torch.float32)
    for i, value in bad:
        X.view(-1)[i % X.numel()] = value
    expected = torch.nonzero(~torch.isfinite(X))
    want = tuple(expected[0].tolist()) if len(expected) else None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checks, "FINITE_ROWS", 7)  # several chunks
        assert checks._first_non_finite(X) == want
