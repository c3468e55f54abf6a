"""A damaged run is named, never trusted (issue 9): every command meets every damage.

Each case copies a run built once for the module, damages one file the way a crash, a
careless copy or an editor would, and runs one command on it as a user does. The
promise: exit 2 and one line naming the damaged file (no traceback, no file changed);
``show`` alone prints what it could read, with a one-line warning naming the file; a
view that replays steps from the data refuses data changed since the run.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from perceptron_lab.cli import main
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.datasource import data_spec, load_split
from perceptron_lab.engine.train import Trainer

from .cli_run import assert_refused, cli, snapshot

MOONS = ["moons", "--size", "40", "--batch-size", "8", "--epochs", "3", "--quiet"]  # 15 steps
COMMANDS: dict[str, Callable[[Path, Path], list[str | Path]]] = {
    "show": lambda run, out: ["show", run],
    "explain": lambda run, out: ["explain", run, "--step", "3"],
    "report": lambda run, out: ["report", run, "-o", out / "report.html"],
    "plot": lambda run, out: ["plot", run, "--kind", "boundary", "--out", out / "plot.png"],
    "export": lambda run, out: ["export", run, "--tensorboard", out / "tb"],
    "resume": lambda run, out: ["train", "--resume", run, "--quiet"],
}


class Killed(Exception):
    """Stands for a SIGKILL: the trainer stops between two steps, writing nothing more."""


def killed_run(out: Path, seed: int) -> Path:
    """15 steps of moons (batches of 8) checkpointed every 2, killed at step 9.

    It holds four parts (steps 1–2, 3–4, 5–6, 7–8) and the checkpoint of step 8, no summary.
    """
    spec = data_spec("moons", size=40, data_seed=seed)
    train, test = load_split(spec, test_size=0.0, seed=seed, scale=False)
    config = TrainConfig(epochs=3, batch_size=8, seed=seed, checkpoint_every=2)

    def kill(row: Mapping[str, Any]) -> None:
        if row["step"] > 8:
            raise Killed

    with pytest.raises(Killed):
        Trainer(config, train, test, data_spec=spec).run(out, on_step=kill)
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The module's runs, read-only: finished, another finished, killed, another killed, csv."""
    root = tmp_path_factory.mktemp("runs")
    made = {"finished": root / "finished", "other": root / "other"}
    assert main(["train", *MOONS, "--out", str(made["finished"])]) == 0
    assert main(["train", *MOONS, "--seed", "1", "--out", str(made["other"])]) == 0
    made["killed"] = killed_run(root / "killed", seed=0)
    made["killed_other"] = killed_run(root / "killed_other", seed=1)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    table = np.column_stack([X, (X.sum(axis=1) > 0).astype(int)])
    csv = root / "data.csv"
    np.savetxt(csv, table, delimiter=",", header="x1,x2,target", comments="", fmt="%.6f")
    made["csv_data"] = csv
    made["csv"] = root / "csv"
    assert main(["train", str(csv), "--epochs", "3", "--quiet", "--out", str(made["csv"])]) == 0
    return made


def assert_warned(stderr: str, *needles: str) -> None:
    """One warning line on stderr holding every needle, no traceback."""
    line = stderr.strip()
    assert len(line.splitlines()) == 1 and "warning: skipped" in line, line
    assert "Traceback" not in line
    for needle in needles:
        assert needle in line, (needle, line)


def copy_run(runs: dict[str, Path], which: str, where: Path) -> Path:
    run = where / which
    shutil.copytree(runs[which], run)
    return run


def part(run: Path, i: int = 0) -> Path:
    return sorted((run / "steps").glob("part-*.parquet"))[i]


def checkpoint_file(run: Path, suffix: str) -> Path:
    return next((run / "checkpoints").glob(f"step-*.{suffix}"))


def truncate(path: Path) -> Path:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


def edit_config(run: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    path = run / "config.json"
    config = json.loads(path.read_text())
    change(config)
    path.write_text(json.dumps(config))
    return path


def set_lr(config: dict[str, Any]) -> None:
    config["config"]["lr"] = 0.5


def set_epochs(config: dict[str, Any]) -> None:
    config["config"]["epochs"] = 99


def set_type(config: dict[str, Any]) -> None:
    config["input_size"] = "two"


def edit_step(path: Path, step: int) -> Path:
    meta = json.loads(path.read_text())
    meta["position"]["step"] = step
    path.write_text(json.dumps(meta))
    return path


Damage = Callable[[Path, dict[str, Path]], Path]
CHANGED = "changed since the run ended"  # summary.json's checksum of the file disagrees

# damage to a finished run → (the file to name, whether show can work from the rest, why)
FINISHED: dict[str, tuple[Damage, bool, str]] = {
    "truncated part": (lambda run, runs: truncate(part(run)), True, CHANGED),
    "truncated config.json": (
        lambda run, runs: truncate(run / "config.json"),
        False,
        "a readable JSON file",
    ),
    "truncated summary.json": (
        lambda run, runs: truncate(run / "summary.json"),
        False,
        "a readable JSON file",
    ),
    "truncated checkpoint": (
        lambda run, runs: truncate(checkpoint_file(run, "safetensors")),
        True,
        CHANGED,
    ),
    "deleted part": (lambda run, runs: _unlinked(part(run)), True, "no such file"),
    "duplicated part": (
        lambda run, runs: _copied(part(run), run / "steps" / "part-00001.parquet"),
        True,
        "added after the run ended",
    ),
    "part of another run": (
        lambda run, runs: _copied(part(runs["other"]), part(run)),
        True,
        CHANGED,
    ),
    "config.json emptied to {}": (
        lambda run, runs: _written(run / "config.json", "{}"),
        False,
        "a complete config.json",
    ),
    "config.json lr edited": (lambda run, runs: edit_config(run, set_lr), False, CHANGED),
    "config.json epochs edited": (
        lambda run, runs: edit_config(run, set_epochs),
        False,
        "config.epochs × batches_per_epoch = 495, got total_steps = 15",
    ),
    "config.json field of the wrong type": (
        lambda run, runs: edit_config(run, set_type),
        False,
        "input_size of type int | None, got 'two'",
    ),
    "checkpoint step edited": (
        lambda run, runs: edit_step(checkpoint_file(run, "json"), 999),
        True,
        CHANGED,
    ),
}


def _unlinked(path: Path) -> Path:
    path.unlink()
    return path


def _copied(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


def _written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


CASES = [
    pytest.param(damage, command, id=f"{damage}-{command}")
    for damage in FINISHED
    for command in COMMANDS
    if command in ("show", "resume")
    or damage in ("truncated part", "part of another run", "config.json lr edited")
]


@pytest.mark.parametrize(("damage", "command"), CASES)
def test_a_damaged_finished_run_is_named(
    runs: dict[str, Path], tmp_path: Path, damage: str, command: str
) -> None:
    run = copy_run(runs, "finished", tmp_path)
    harm, partial, why = FINISHED[damage]
    named = harm(run, runs)
    before = snapshot(tmp_path)
    done = cli(*COMMANDS[command](run, tmp_path))
    if command == "show" and partial:  # show prints what it has and names what it skipped
        assert done.returncode == 0, done.stderr
        assert_warned(done.stderr, str(named), why)
        assert "finished" in done.stdout
    else:
        assert_refused(done, str(named), why)
    assert snapshot(tmp_path) == before


HELD = "a checkpoint of a step the run holds"

# damage to a killed run (four parts, a checkpoint at step 8) → (the file to name, why)
KILLED: dict[str, tuple[Damage, str]] = {
    "truncated last part": (
        lambda run, runs: truncate(part(run, -1)),
        "a readable Parquet part",
    ),
    "deleted middle part": (
        lambda run, runs: (_unlinked(part(run, 1)), part(run, 1))[1],  # names the next part
        "steps from 3 on, one each, got steps 5..6",
    ),
    "deleted last part": (
        lambda run, runs: (_unlinked(part(run, -1)), checkpoint_file(run, "json"))[1],
        HELD + " (steps 1..6 of 15), got step 8",
    ),
    "duplicated part": (
        lambda run, runs: _copied(part(run, 0), run / "steps" / "part-00004.parquet"),
        "steps from 9 on, one each, got steps 1..2",
    ),
    "part of another run": (
        lambda run, runs: _copied(part(runs["killed_other"], 2), part(run, 2)),
        "a part of run",
    ),
    "checkpoint step edited": (
        lambda run, runs: edit_step(checkpoint_file(run, "json"), 999),
        "the step its name says (step-00000008), got step 999",
    ),
    "checkpoint renamed to step 999": (
        lambda run, runs: _renamed_checkpoint(run, 999),
        HELD + " (steps 1..8 of 15), got step 999",
    ),
    "checkpoint of another run": (
        lambda run, runs: _copied(
            checkpoint_file(runs["killed_other"], "safetensors"),
            checkpoint_file(run, "safetensors"),
        ),
        "the W the step table holds after step 8, got other values",
    ),
    "checkpoint deleted": (lambda run, runs: _deleted_checkpoint(run), "the checkpoint of a step"),
    "truncated checkpoint": (
        lambda run, runs: truncate(checkpoint_file(run, "safetensors")),
        "a readable checkpoint",
    ),
}


def _renamed_checkpoint(run: Path, step: int) -> Path:
    for path in list((run / "checkpoints").glob("step-*")):
        path.rename(path.with_name(f"step-{step:08d}{path.suffix}"))
    return edit_step(checkpoint_file(run, "json"), step)


def _deleted_checkpoint(run: Path) -> Path:
    for path in list((run / "checkpoints").glob("step-*")):
        path.unlink()
    return run / "checkpoints"


KILLED_CASES = [
    pytest.param(damage, command, id=f"{damage}-{command}")
    for damage in KILLED
    for command in ("show", "resume")
] + [pytest.param("deleted middle part", "explain", id="deleted middle part-explain")]


@pytest.mark.parametrize(("damage", "command"), KILLED_CASES)
def test_a_damaged_killed_run_is_named(
    runs: dict[str, Path], tmp_path: Path, damage: str, command: str
) -> None:
    run = copy_run(runs, "killed", tmp_path)
    harm, why = KILLED[damage]
    named = harm(run, runs)
    before = snapshot(tmp_path)
    done = cli(*COMMANDS[command](run, tmp_path))
    checkpoint_only = damage in (
        "checkpoint of another run",
        "checkpoint deleted",
        "truncated checkpoint",
    )
    if command == "show" and checkpoint_only:  # show reads no tensors: nothing it shows is wrong
        assert done.returncode == 0 and not done.stderr, done.stderr
    elif command == "show":
        assert done.returncode == 0, done.stderr
        assert_warned(done.stderr, str(named), why)
        assert "unfinished" in " ".join(done.stdout.split())
    else:
        assert_refused(done, str(named), why)
    assert snapshot(tmp_path) == before


def test_show_of_a_killed_run_with_a_truncated_last_part_prints_the_steps_before_it(
    runs: dict[str, Path], tmp_path: Path
) -> None:
    run = copy_run(runs, "killed", tmp_path)
    truncate(part(run, -1))
    done = cli("show", run, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "part-00003.parquet" in done.stderr
    shown = cli("show", run, "--step", "6")
    assert shown.returncode == 0 and "6" in shown.stdout, shown.stderr
    gone = cli("show", run, "--step", "7")  # a step of the skipped part: the warning, then no
    warning, refusal = gone.stderr.strip().splitlines()
    assert gone.returncode == 2 and "part-00003.parquet" in warning
    assert "--step: expected a step between 1 and 6, got 7" in refusal


def edit_in_place(csv: Path) -> None:
    lines = csv.read_text().splitlines()
    first = lines[1].split(",")
    first[0] = f"{float(first[0]) + 0.25:.6f}"
    lines[1] = ",".join(first)
    csv.write_text("\n".join(lines) + "\n")


def append_rows(csv: Path) -> None:
    csv.write_text(csv.read_text() + "0.5,0.5,1\n-0.5,-0.5,0\n")


DATA = {"edited in place": edit_in_place, "rows appended": append_rows}


@pytest.mark.parametrize(
    ("change", "command"),
    [
        (change, command)
        for change in DATA
        for command in COMMANDS
        if change == "edited in place" or command not in ("show", "export")  # they read no data
    ],
)
def test_changed_data_is_refused_by_every_view_that_replays_it(
    runs: dict[str, Path], tmp_path: Path, change: str, command: str
) -> None:
    run = copy_run(runs, "csv", tmp_path)
    csv = runs["csv_data"]
    kept = csv.read_bytes()
    try:
        DATA[change](csv)
        before = snapshot(tmp_path)
        done = cli(*COMMANDS[command](run, tmp_path))
    finally:
        csv.write_bytes(kept)
    if command in ("show", "export"):  # they read the step table only: no sample is shown
        assert done.returncode == 0, done.stderr
    else:
        line = assert_refused(done, str(csv), "changed since the run")
        assert "data" in line
        assert snapshot(tmp_path) == before


def test_an_undamaged_run_passes_every_check(runs: dict[str, Path], tmp_path: Path) -> None:
    """The checks refuse damage, not runs: each command works on the runs as written."""
    for which in ("finished", "csv"):
        run = copy_run(runs, which, tmp_path)
        for command in ("show", "explain", "export"):
            done = cli(*COMMANDS[command](run, tmp_path / which))
            assert done.returncode == 0 and not done.stderr, (command, done.stderr)
    run = copy_run(runs, "killed", tmp_path)
    done = cli(*COMMANDS["resume"](run, tmp_path))
    assert done.returncode == 0, done.stderr
    assert json.loads((run / "summary.json").read_text())["steps"] == 15
    shown = cli("show", run)  # the resumed parts, merged, are the run's and vouched for
    assert shown.returncode == 0 and not shown.stderr, shown.stderr
