"""A run directory is never overwritten by accident (issue 9).

``train --out`` writes only into a new or empty directory, or replaces a run when told
(``--overwrite``, which removes that run's own files and nothing else); a branch never
writes into its parent; one process at a time writes a directory (an OS lock, named by
its holder's pid); ``--resume`` continues a run bit for bit — plain SGD's step count too —
and refuses what it would ignore; a writer replaces only regular files. Every refusal is
one line, exit 2, and leaves every file as it was (``snapshot``).

Most commands run in this process (``local``: the CLI's own ``main``, no import cost);
those that need a process of their own (two writers at once, SIGKILL) are children of a
forkserver that imported the package once (``tests.crash_resume``).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import subprocess
from collections.abc import Callable
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

import pytest

from perceptron_lab.cli.main import main
from perceptron_lab.engine import checkpoint
from perceptron_lab.engine.atomic import write_text_atomic
from perceptron_lab.engine.run_lock import LOCK_FILE, RunLock
from perceptron_lab.engine.session import Session
from perceptron_lab.engine.trace import Trace
from perceptron_lab.errors import InputError
from perceptron_lab.optim import rule_names

from . import crash_resume
from .cli_run import assert_refused, snapshot

SHORT = ["--epochs", "3", "--quiet"]  # the notebook's data, full batch: 3 steps
FIX = "continue it with --resume {d}, branch from it with --branch {d} --at-step N --out NEW"


def local(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``perceptron-lab ARGS`` in this process, reported as :func:`cli_run.cli` reports it."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse's refusals
            code = exc.code if isinstance(exc.code, int) else 1
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def words(text: str) -> str:
    """``text`` with rich's line wrapping undone."""
    return " ".join(text.split())


def train(*args: str | Path) -> None:
    done = local("train", *args)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished 3-step run (adam, so it has an optimizer state)."""
    run = tmp_path_factory.mktemp("finished") / "run"
    train(*SHORT, "--optimizer", "adam", "--out", run)
    return run


@pytest.fixture(scope="module")
def forkserver() -> ForkServerContext:
    return crash_resume.context()


def copy_run(run: Path, where: Path) -> Path:
    target = where / run.name
    shutil.copytree(run, target)
    return target


# --------------------------------------------------------------- 1. --out and --overwrite
@pytest.mark.parametrize("branch", [False, True], ids=["train", "branch"])
def test_out_holding_another_run_is_refused_with_the_fix(
    finished: Path, tmp_path: Path, branch: bool
) -> None:
    other = copy_run(finished, tmp_path)
    before = snapshot(tmp_path)
    source = ["--branch", finished, "--at-step", "1"] if branch else SHORT
    err = assert_refused(
        local("train", *source, "--out", other),
        f"--out: expected a new or empty directory, got '{other}', which holds another run",
        FIX.format(d=other),
        "or replace it with --overwrite",
    )
    assert "Traceback" not in err
    assert snapshot(tmp_path) == before


def _not_a_run(where: Path) -> tuple[Path, str]:
    d = where / "mine"
    d.mkdir()
    (d / "notes.txt").write_text("mine")
    return d, "which is not empty and holds no run"


def _config_not_a_run(where: Path) -> tuple[Path, str]:
    d = where / "project"
    d.mkdir()
    (d / "config.json").write_text('{"name": "my project"}')
    (d / "data.npz").write_bytes(b"mine")
    return d, "which is not empty and holds no run"


def _a_file(where: Path) -> tuple[Path, str]:
    f = where / "file"
    f.write_text("mine")
    return f, f"--out: expected a directory, got '{f}', a regular file"


def _link_to_a_run(where: Path) -> tuple[Path, str]:
    (where / "target").mkdir()
    train(*SHORT, "--out", where / "target" / "run")
    link = where / "link"
    link.symlink_to(where / "target" / "run")
    return link, "--out: expected a directory that is not a symbolic link, got "


def _link_to_an_empty_dir(where: Path) -> tuple[Path, str]:
    (where / "empty").mkdir()
    link = where / "link"
    link.symlink_to(where / "empty")
    return link, f"got '{link}' → '{where / 'empty'}' (give the directory it points to)"


def _dangling_link(where: Path) -> tuple[Path, str]:
    link = where / "link"
    link.symlink_to(where / "nowhere")
    return link, "not a symbolic link"


@pytest.mark.parametrize("overwrite", [False, True], ids=["plain", "overwrite"])
@pytest.mark.parametrize(
    "place",
    [_not_a_run, _config_not_a_run, _a_file, _link_to_a_run, _link_to_an_empty_dir, _dangling_link],
)
def test_out_that_is_not_a_place_for_a_run_is_refused_even_with_overwrite(
    tmp_path: Path, place: Callable[[Path], tuple[Path, str]], overwrite: bool
) -> None:
    out, needle = place(tmp_path)
    before = snapshot(tmp_path)
    links = {p: os.readlink(p) for p in tmp_path.iterdir() if p.is_symlink()}
    flags = ["--overwrite"] if overwrite else []
    assert_refused(local("train", *SHORT, "--out", out, *flags), "--out: expected", needle)
    assert snapshot(tmp_path) == before
    assert {p: os.readlink(p) for p in tmp_path.iterdir() if p.is_symlink()} == links
    assert not (tmp_path / "nowhere").exists()


def test_out_a_device_is_refused() -> None:
    assert_refused(
        local("train", *SHORT, "--out", "/dev/null"),
        "--out: expected a directory, got '/dev/null', a character device",
    )


@pytest.mark.parametrize("flag", ["--out", "--resume", "--branch"])
def test_an_empty_path_is_refused_and_nothing_lands_in_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(
        local("train", *SHORT, flag, ""),
        f"argument {flag}: expected a path, got '' (the current directory)",
    )
    assert list(tmp_path.iterdir()) == []


def test_overwrite_removes_the_old_runs_files_and_only_those(tmp_path: Path) -> None:
    """Today's bug: the old run's later checkpoint stayed, and --resume picked it up."""
    run = tmp_path / "run"
    train("--epochs", "6", "--quiet", "--capture-samples", "--out", run)
    (run / "notes.txt").write_text("mine")
    (run / "plots").mkdir()
    (run / "plots" / "loss.png").write_bytes(b"mine")
    (run / ".summary.json.abc.tmp").write_text("a crash's leftover")
    (run / "checkpoints" / ".step-00000006.json.x.tmp").write_text("{}")
    mine = {k: v for k, v in snapshot(run).items() if k.startswith(("notes", "plots"))}

    train("--epochs", "2", "--quiet", "--out", run, "--overwrite")
    files = snapshot(run)
    assert sorted(files) == [
        "checkpoints/step-00000002.json",
        "checkpoints/step-00000002.safetensors",
        "config.json",
        "notes.txt",
        "plots/loss.png",
        "steps/part-00000.parquet",
        "summary.json",
        LOCK_FILE,
    ]
    assert {k: files[k] for k in mine} == mine
    trace = Trace.load(run)
    assert [r["step"] for r in trace] == [1, 2] and trace.manifest.config.epochs == 2
    latest = checkpoint.latest(run)
    assert latest is not None and latest.position.step == 2
    resumed = local("train", "--resume", run, "--format", "json")
    assert resumed.returncode == 0 and json.loads(resumed.stdout)["steps"] == 2


@pytest.mark.parametrize("made", [False, True], ids=["new", "empty"])
def test_overwrite_into_a_new_or_empty_directory_just_writes(tmp_path: Path, made: bool) -> None:
    run = tmp_path / "a" / "run"
    if made:
        run.mkdir(parents=True)
    train(*SHORT, "--out", run, "--overwrite")
    assert len(Trace.load(run)) == 3


@pytest.mark.parametrize("how", ["new", "resume"])
def test_a_killed_writers_leftovers_are_not_in_the_way(
    finished: Path, tmp_path: Path, how: str
) -> None:
    """Killed before its first file, or mid-write: its lock and temporaries are debris."""
    if how == "new":
        run = tmp_path / "run"
        run.mkdir()
        (run / LOCK_FILE).write_text("4242\n")
        (run / ".config.json.k1ll3d.tmp").write_text('{"half')
        train(*SHORT, "--out", run)
    else:
        run = copy_run(finished, tmp_path)
        (run / "summary.json").unlink()
        (run / "checkpoints" / ".step-00000002.safetensors.k1ll3d.tmp").write_bytes(b"half")
        (run / "steps" / ".part-00001.parquet.k1ll3d.tmp").write_bytes(b"half")
        train("--resume", run, "--quiet")
    assert Trace.load(run).finished
    assert not list(run.rglob("*.tmp"))


# --------------------------------------------------------------- 2. a branch into its parent
@pytest.mark.parametrize(
    "spelling, overwrite",
    [("{p}", False), ("{p}/.", False), ("{p}/../run", False), ("{p}", True)],
    ids=["same", "dot", "dotdot", "overwrite"],
)
def test_a_branch_never_writes_into_its_parent(
    finished: Path, tmp_path: Path, spelling: str, overwrite: bool
) -> None:
    parent = copy_run(finished, tmp_path)
    before = snapshot(parent)
    out = spelling.format(p=parent)
    flags = ["--overwrite"] if overwrite else []
    assert_refused(
        local("train", "--branch", parent, "--at-step", "2", "--out", out, *flags),
        "--out: expected a new directory for the branch (a branch never writes into its "
        f"parent run), got '{Path(out)}'",
    )
    assert snapshot(parent) == before


# --------------------------------------------------------------- 3. one writer at a time
@pytest.mark.parametrize("command", ["train", "overwrite", "resume", "branch"])
def test_a_directory_being_written_is_refused_naming_the_holder(
    finished: Path, tmp_path: Path, command: str
) -> None:
    run = copy_run(finished, tmp_path)
    (run / "summary.json").unlink()  # unfinished: there is something to resume
    empty = tmp_path / "empty"
    empty.mkdir()
    cases: dict[str, tuple[Path, list[str | Path]]] = {
        "train": (empty, [*SHORT, "--out", empty]),
        "overwrite": (run, [*SHORT, "--out", run, "--overwrite"]),
        "resume": (run, ["--resume", run, "--quiet"]),
        "branch": (empty, ["--branch", run, "--at-step", "1", "--quiet", "--out", empty]),
    }
    target, argv = cases[command]
    holder = RunLock(target)
    try:
        before = snapshot(tmp_path)
        flag = "--resume" if command == "resume" else "--out"
        assert_refused(
            local("train", *argv),
            f"{flag}: expected a run directory no other process is writing, got '{target}', "
            f"being written by pid {os.getpid()}",
        )
        assert snapshot(tmp_path) == before
    finally:
        holder.release()
    train(*argv)  # once it is free


def test_a_watched_loop_is_refused_a_directory_being_written(tmp_path: Path) -> None:
    import torch
    from torch import nn

    from perceptron_lab.watch import watch

    holder = RunLock(tmp_path)
    model = nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = nn.BCEWithLogitsLoss()
    X, y = torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([[1.0], [0.0]])
    try:
        with (
            pytest.raises(InputError, match=f"being written by pid {os.getpid()}"),
            watch(model, optimizer, loss_fn, out=tmp_path),
        ):
            optimizer.zero_grad()
            loss_fn(model(X), y).backward()
            optimizer.step()
    finally:
        holder.release()


def test_a_resume_reads_the_run_only_under_its_lock(tmp_path: Path) -> None:
    """A resume read while another writer writes would continue rows it never saw."""
    run = tmp_path / "run"
    train(*crash_resume.run_args("sgd"), "--out", run)
    (run / "summary.json").unlink()  # an unfinished run
    before = snapshot(run)
    holder = RunLock(run)
    try:
        result = local("train", "--resume", run, "--quiet")
    finally:
        holder.release()
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"perceptron-lab train: error: --resume: expected a run directory no other process "
        f"is writing, got '{run}', being written by pid {os.getpid()} (wait until it ends, or "
        "stop it first)"
    )
    assert snapshot(run) == before


def test_the_early_check_names_a_writer_in_the_middle_of_replacing_the_run(
    tmp_path: Path,
) -> None:
    """``train --overwrite`` checks the directory before loading data: a writer that has
    removed the old run and not yet written the new one is named, not called "no run"."""
    from perceptron_lab.engine.run_files import check_place_now

    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "part-00000.parquet").write_bytes(b"half")  # mid-replace
    holder = RunLock(tmp_path)
    try:
        with pytest.raises(InputError, match=f"being written by pid {os.getpid()}"):
            check_place_now(tmp_path, overwrite=True)
    finally:
        holder.release()
    with pytest.raises(InputError, match="not empty and holds no run"):
        check_place_now(tmp_path, overwrite=True)  # no writer: what it is


def test_a_writer_that_lets_go_between_the_check_and_the_lock_is_looked_at_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check saw another writer's half-replaced run; by the lock, it had finished."""
    from perceptron_lab.engine import run_files

    (tmp_path / LOCK_FILE).write_text("12345\n")
    check = run_files.check_place
    seen: list[int] = []

    def mid_replace_once(root: Path, **kwargs: Any) -> None:
        seen.append(1)
        if len(seen) == 1:
            raise InputError("out", "a new or empty directory, or a run directory", "no run")
        check(root, **kwargs)

    monkeypatch.setattr(run_files, "check_place", mid_replace_once)
    holder = RunLock(tmp_path)  # still writing: refused, naming it
    with pytest.raises(InputError, match=f"being written by pid {os.getpid()}"):
        run_files.claim(tmp_path)
    holder.release()
    seen.clear()
    run_files.claim(tmp_path).release()  # let go since: looked at again, and taken
    assert len(seen) == 2


@pytest.mark.parametrize("how", ["overwrite", "resume"])
def test_two_writers_at_once_one_is_refused_naming_the_other(
    forkserver: ForkServerContext, tmp_path: Path, how: str
) -> None:
    """Both pass the directory's check; the lock lets one write, the other hears its pid."""
    run = tmp_path / "run"
    args = crash_resume.run_args("sgd")
    train(*args, "--out", run)
    if how == "resume":  # killed before its first checkpoint: the resume trains every step
        (run / "summary.json").unlink()
        shutil.rmtree(run / "checkpoints")
        shutil.rmtree(run / "steps")
    argv = {
        "overwrite": ["train", *args, "--out", str(run), "--overwrite"],
        "resume": ["train", "--resume", str(run), "--quiet"],
    }[how]
    flag = "--resume" if how == "resume" else "--out"
    a = forkserver.Process(target=crash_resume.cli_child, args=(argv, str(tmp_path / "a.err")))
    b = forkserver.Process(target=crash_resume.cli_child, args=(argv, str(tmp_path / "b.err")))
    a.start()
    b.start()
    a.join(300)
    b.join(300)
    codes = {a.exitcode, b.exitcode}
    trace = Trace.load(run)
    assert [r["step"] for r in trace] == list(range(1, 91)) and trace.finished
    if codes == {0}:  # one had finished before the other looked: replaced, or nothing to do
        return
    assert codes == {0, 2}, codes
    winner, loser = (a, "b") if a.exitcode == 0 else (b, "a")
    line = (tmp_path / f"{loser}.err").read_text().strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line, line
    assert line == (
        f"perceptron-lab train: error: {flag}: expected a run directory no other process is "
        f"writing, got '{run}', being written by pid {winner.pid} (wait until it ends, or "
        "stop it first)"
    )


def test_a_killed_writer_leaves_no_lock_behind(
    forkserver: ForkServerContext, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    argv = ["train", *crash_resume.run_args("adam"), "--out", str(run)]
    child = forkserver.Process(target=crash_resume.cli_child, args=(argv,))
    child.start()
    while not (run / "config.json").exists():
        assert child.exitcode is None
        child.join(0.01)
    child.kill()
    child.join()
    assert (run / LOCK_FILE).read_text() == f"{child.pid}\n"  # the dead holder's pid stays
    RunLock(run).release()  # but the kernel freed the lock with the process


@pytest.mark.parametrize("fails", ["the lock's pid", "config.json", "summary.json"])
def test_a_writer_stopped_by_a_full_disk_frees_its_lock_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: str
) -> None:
    """A notebook that hit ENOSPC can train into the directory again once there is room."""
    import errno

    from perceptron_lab.data.builtin import load_builtin
    from perceptron_lab.engine import atomic, run_lock
    from perceptron_lab.engine.config import TrainConfig
    from perceptron_lab.engine.train import Trainer

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    written = atomic.write_text_atomic

    def full_for(name: str) -> Callable[..., None]:
        def write(path: Path, *args: object, **kwargs: object) -> None:
            if Path(path).name == name:
                full()
            written(path, *args, **kwargs)

        return write

    run = tmp_path / "run"
    trainer = Trainer(TrainConfig(epochs=2), load_builtin("seed"))
    with monkeypatch.context() as patch:
        if fails == "the lock's pid":
            patch.setattr(run_lock.os, "write", full)
        else:
            patch.setattr("perceptron_lab.engine.run_files.write_text_atomic", full_for(fails))
        with pytest.raises(OSError, match="No space left"):
            trainer.run(run)
    RunLock(run).release()  # not refused by this process's own dead lock
    assert trainer.run(run, overwrite=fails == "summary.json").summary.status == "finished"


# --------------------------------------------------------------- 4. resume bit for bit
def _interrupted(monkeypatch: pytest.MonkeyPatch, argv: list[str | Path], at: int) -> None:
    """``train ARGV`` stopped (Ctrl-C) before step ``at + 1``: an interrupted run."""
    compute = Session._compute  # both the row path (step) and stretches (advance) take it

    def stop(self: Session, verified: bool) -> object:
        if self.steps_done == at:
            raise KeyboardInterrupt
        return compute(self, verified)

    with monkeypatch.context() as patch:
        patch.setattr(Session, "_compute", stop)
        assert local("train", *argv).returncode == 130


@pytest.mark.parametrize(
    "rule, at",
    [("sgd", 5), ("sgd", 10), ("sgd", 13), ("sgd-momentum", 8)]
    + [(rule, 12) for rule in rule_names() if rule != "sgd"],
)
def test_resume_is_bit_identical_for_every_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rule: str, at: int
) -> None:
    """Plain SGD has no optimizer state: its step count t (rule_step) still goes on."""
    options = ["--optimizer", "sgd", "--momentum", "0.9"] if rule == "sgd-momentum" else []
    argv: list[str | Path] = ["moons", "--size", "40", "--batch-size", "4", "--epochs", "2"]
    argv += options or ["--optimizer", rule]
    argv += ["--checkpoint-every", "7", "--quiet"]  # an epoch ends between two (step 10)
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    train(*argv, "--out", whole)
    _interrupted(monkeypatch, [*argv, "--out", cut], at)
    stopped = Trace.load(cut).summary
    assert stopped is not None and stopped.status == "interrupted"
    train("--resume", cut, "--quiet")
    a, b = Trace.load(cut), Trace.load(whole)
    assert [r["rule_step"] for r in a] == list(range(1, 21))
    assert list(a.steps) == list(b.steps)
    assert snapshot(cut / "checkpoints") == snapshot(whole / "checkpoints")
    # files: the manifest and each step part carry the run's own id; the rows are compared
    # above, and the checkpoint byte for byte
    own = (*crash_resume.TIMINGS, "files")
    sa, sb = (json.loads((r / "summary.json").read_text()) for r in (cut, whole))
    assert {k: v for k, v in sa.items() if k not in own} == {
        k: v for k, v in sb.items() if k not in own
    }
    assert {k: v for k, v in sa["files"].items() if k.startswith("checkpoints/")} == {
        k: v for k, v in sb["files"].items() if k.startswith("checkpoints/")
    }
    assert sa["epochs_done"] == 2


def test_a_merge_killed_midway_is_repaired_by_the_resume(tmp_path: Path) -> None:
    """The last merge writes a group's rows into its first part, then removes the others:
    killed between, the rows are there twice; the resume keeps each once, counts each once."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    run = tmp_path / "run"
    argv = ["moons", "--size", "40", "--batch-size", "4", "--epochs", "2", "--quiet"]
    train(*argv, "--checkpoint-every", "7", "--out", run)  # three parts, merged at the end
    whole = {k: v for k, v in snapshot(run).items() if k != "summary.json"}
    summary = json.loads((run / "summary.json").read_text())
    merged = pq.read_table(run / "steps" / "part-00000.parquet")
    pq.write_table(
        merged.filter(pc.greater(merged["step"], 7)), run / "steps" / "part-00001.parquet"
    )
    (run / "summary.json").unlink()
    # 20 rows, 13 of them twice: the reader knows a killed merge's copies by the merged
    # part's last step and skips them; the resume removes them
    assert [r["step"] for r in Trace.load(run)] == list(range(1, 21))
    train("--resume", run, "--quiet")
    assert [r["step"] for r in Trace.load(run)] == list(range(1, 21))
    assert {k: v for k, v in snapshot(run).items() if k != "summary.json"} == whole
    again = json.loads((run / "summary.json").read_text())
    timings = ("seconds", "steps_per_second")
    assert {k: v for k, v in again.items() if k not in timings} == {
        k: v for k, v in summary.items() if k not in timings
    }


@pytest.mark.slow
def test_sigkill_at_random_moments_then_resume_is_bit_identical_for_every_rule(
    forkserver: ForkServerContext, tmp_path: Path
) -> None:
    """Two kills per rule (10 in all); ``python -m tests.crash_resume`` is the long form."""
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    for rule in rule_names():
        mine, theirs, _ = crash_resume.crash_and_resume(forkserver, rule, 2, rng, tmp_path)
        for part in mine:
            assert mine[part] == theirs[part], f"{rule}: {part} differs (seed {seed})"


# --------------------------------------------------------------- 5. what --resume takes
IGNORED = [
    ("--lr", "0.5", "0.5"),
    ("--optimizer", "sgd", "'sgd'"),
    ("--loss", "mse", "'mse'"),
    ("--batch-size", "2", "2"),
    ("--schedule", "exponential:gamma=0.9", "'exponential:gamma=0.9'"),
    ("--verify-every", "2", "2"),
    ("--checkpoint-every", "2", "2"),
    ("--momentum", "0.9", "0.9"),
    ("--weight-decay", "0.1", "0.1"),
    ("--seed", "3", "3"),
    ("--test-size", "0.2", "0.2"),
    ("--standardize", None, "given"),
    ("--dtype", "float64", "'float64'"),
    ("--capture-samples", None, "given"),
    ("--overwrite", None, "given"),
    ("--size", "50", "50"),
    ("--target", "y", "'y'"),
    ("--features", "x1", "'x1'"),
]


@pytest.mark.parametrize("flag, value, shown", IGNORED, ids=[f for f, _, _ in IGNORED])
def test_resume_refuses_an_option_it_would_ignore(
    finished: Path, flag: str, value: str | None, shown: str
) -> None:
    before = snapshot(finished)
    given = [flag] if value is None else [flag, value]
    assert_refused(
        local("train", "--resume", finished, *given),
        f"{flag}: expected none with --resume (a resumed run keeps its settings; for others, "
        f"--branch RUN_DIR --at-step N --out NEW), got {shown}",
    )
    assert snapshot(finished) == before


def test_resume_refuses_out_elsewhere_and_takes_its_own(finished: Path, tmp_path: Path) -> None:
    before = snapshot(finished)
    assert_refused(
        local("train", "--resume", finished, "--out", tmp_path / "x"),
        f"--out: expected none with --resume, or the run's own directory '{finished}', "
        f"got '{tmp_path / 'x'}'",
    )
    same = local("train", "--resume", finished, "--out", f"{finished}/.")
    assert same.returncode == 0 and "nothing to resume" in words(same.stdout)
    assert snapshot(finished) == before and not (tmp_path / "x").exists()


def _csv(path: Path, rows: list[tuple[float, float, int]]) -> Path:
    path.write_text("a,b,y\n" + "".join(f"{a},{b},{y}\n" for a, b, y in rows))
    return path


ROWS = [(1.0, 2.0, 1), (3.0, 4.0, 0), (5.0, 6.0, 1), (0.5, 1.5, 0)]


@pytest.mark.parametrize("case", ["other file", "file changed", "same data elsewhere"])
def test_resume_checks_the_data_against_the_runs_fingerprint(tmp_path: Path, case: str) -> None:
    data = _csv(tmp_path / "a.csv", ROWS)
    run = tmp_path / "run"
    train(data, *SHORT, "--out", run)
    (run / "summary.json").unlink()  # unfinished
    other = _csv(tmp_path / "other.csv", [*ROWS[:3], (9.0, 9.0, 1)])
    if case == "file changed":
        shutil.copy(other, data)
    given = {"other file": [other], "file changed": [], "same data elsewhere": []}[case]
    if case == "same data elsewhere":
        moved = shutil.copy(data, tmp_path / "moved.csv")
        train(moved, "--resume", run, "--quiet")  # the same numbers: it resumes
        assert Trace.load(run).manifest.data.recipe["source"] == str(moved)
        return
    before = snapshot(tmp_path)
    if case == "other file":
        needles = [
            f"DATASET: expected the data the run was trained on ({data}), got {other}, whose "
            "data differ from them (another fingerprint)"
        ]
    else:  # the run's own file, edited: the check every replaying view makes
        needles = ["data: expected the data the run was trained on", f"{data}, changed since"]
    assert_refused(local("train", *given, "--resume", run), *needles)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("unfinished", [False, True], ids=["finished", "unfinished"])
def test_resume_with_more_epochs_makes_the_run_longer(
    finished: Path, tmp_path: Path, unfinished: bool
) -> None:
    run = copy_run(finished, tmp_path)
    if unfinished:
        (run / "summary.json").unlink()
    train("--resume", run, "--epochs", "5", "--quiet")
    longer = tmp_path / "longer"
    train("--epochs", "5", "--quiet", "--optimizer", "adam", "--out", longer)
    a, b = Trace.load(run), Trace.load(longer)
    assert a.manifest.config.epochs == 5 and a.manifest.total_steps == 5
    assert a.summary is not None and a.summary.status == "finished" and a.summary.steps == 5
    assert [r["W_after"] for r in a] == [r["W_after"] for r in b]  # as if trained so long


@pytest.mark.parametrize("epochs, done", [("2", False), ("3", True)], ids=["fewer", "same"])
def test_resume_with_fewer_or_the_same_epochs(finished: Path, epochs: str, done: bool) -> None:
    before = snapshot(finished)
    result = local("train", "--resume", finished, "--epochs", epochs)
    if done:
        assert result.returncode == 0 and "nothing to resume" in words(result.stdout)
    else:
        assert_refused(
            result,
            "--epochs: expected at least the run's 3 epochs with --resume (it can grow, not "
            "shrink), got 2",
        )
    assert snapshot(finished) == before


# --------------------------------------------------------------- 6. only regular files
def _fifo(where: Path, suffix: str) -> tuple[Path, str]:
    path = where / f"pipe{suffix}"
    os.mkfifo(path)
    return path, "a FIFO"


def _directory(where: Path, suffix: str) -> tuple[Path, str]:
    path = where / f"dir{suffix}"
    path.mkdir()
    return path, "a directory"


def _link(where: Path, suffix: str) -> tuple[Path, str]:
    (where / f"real{suffix}").write_text("mine")
    path = where / f"link{suffix}"
    path.symlink_to(where / f"real{suffix}")
    return path, "a symbolic link"


def _device(where: Path, suffix: str) -> tuple[Path, str]:
    return Path("/dev/null"), "a character device"


WRITERS = {
    "report": lambda run, path: ["report", run, "-o", path],
    "explain": lambda run, path: ["explain", run, "--step", "1", "--out", path],
    "plot": lambda run, path: ["plot", run, "--kind", "loss", "--out", path],
}
SUFFIX = {"report": ".html", "explain": ".md", "plot": ".png"}


@pytest.mark.parametrize(
    "command, target",
    [
        (c, t)
        for c in WRITERS
        for t in (_fifo, _directory, _link, _device)
        if (c, t) != ("plot", _device)
    ],
)
def test_writers_replace_nothing_but_a_regular_file(
    finished: Path, tmp_path: Path, command: str, target: Callable[[Path, str], tuple[Path, str]]
) -> None:
    path, kind = target(tmp_path, SUFFIX[command])
    before = snapshot(tmp_path)
    assert_refused(
        local(*WRITERS[command](finished, path)),
        f"--out: expected a regular file or a new file name to write, got '{path}', {kind} "
        "(only a regular file is ever replaced)",
    )
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", ["report", "explain"])
def test_a_dash_means_stdout(finished: Path, command: str) -> None:
    result = local(*WRITERS[command](finished, "-"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>" if command == "report" else "# Step 1")
    assert not Path("-").exists()


def test_the_library_writer_refuses_a_device_too() -> None:
    with pytest.raises(
        InputError,
        match=r"^path: expected a regular file or a new file name to write, got '/dev/null', "
        "a character device",
    ):
        write_text_atomic(Path("/dev/null"), "x")
