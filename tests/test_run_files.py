"""The run directory as a user meets it: resume of a finished run, show of an unfinished
one, the size of a long run, damaged or foreign files, and a branch from any step.

Every test drives the CLI (``main`` or a subprocess) and checks the files or the output
against the run's own step table (the oracle: what was written row by row).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from perceptron_lab.cli import main
from perceptron_lab.engine.run_lock import LOCK_FILE
from perceptron_lab.engine.trace import Trace
from perceptron_lab.errors import InputError

from .test_resume import kill_after_checkpoint

# Items 3 and 6 of issue 8: the typed run format and its writer (RunWriter) land with the
# lead's integration of the trainer; on this branch the trainer still writes the old files.


def run_cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perceptron_lab.cli", *argv],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "400"},  # a message is one line, however long its path
    )


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, with its bytes (not the writer's lock file:
    it holds the pid of whichever process read the run last)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != LOCK_FILE
    }


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``train moons --epochs 3``: a finished run, shared read-only (tests copy it to change it)."""
    out = tmp_path_factory.mktemp("runs") / "r1"
    assert main(["train", "moons", "--epochs", "3", "--quiet", "--out", str(out)]) == 0
    return out


def copy_of(run: Path, where: Path) -> Path:
    target = where / run.name
    for rel, data in files_of(run).items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_bytes(data)
    return target


def test_resume_of_a_finished_run_changes_nothing_and_says_so(
    finished: Path, tmp_path: Path
) -> None:
    run = copy_of(finished, tmp_path)
    before = files_of(run)
    done = run_cli("train", "--resume", str(run))
    assert done.returncode == 0, done.stderr
    assert files_of(run) == before  # byte for byte: the summary is not overwritten
    said = (done.stdout + done.stderr).strip().splitlines()
    assert len(said) == 1 and "finished" in said[0], said
    summary = json.loads((run / "summary.json").read_text())
    assert summary["verified_steps"] == 3 and summary["worst_step"] > 0


def test_show_of_an_unfinished_run_prints_what_it_has(finished: Path, tmp_path: Path) -> None:
    run = copy_of(finished, tmp_path)
    (run / "summary.json").unlink()  # as if killed after its last step was written
    last = list(Trace.load(finished))[-1]
    shown = run_cli("show", str(run))
    assert shown.returncode == 0, shown.stderr
    assert "Traceback" not in shown.stderr
    out = " ".join(shown.stdout.split())  # table cells may wrap
    assert "unfinished" in out and "--resume" in out
    assert "3 of 3" in out  # steps done of the run's total
    assert f"{last['loss']:.4f}" in out  # the loss of the last step written


@pytest.mark.slow
def test_a_thousand_epochs_of_the_notebook_data_stay_small(tmp_path: Path) -> None:
    run = tmp_path / "r"
    assert main(["train", "--epochs", "1000", "--quiet", "--out", str(run)]) == 0
    files = files_of(run)
    assert len(files) < 20, sorted(files)
    assert sum(len(b) for b in files.values()) < 1_000_000
    checkpoints = {Path(rel).stem for rel in files if rel.startswith("checkpoints")}
    assert len(checkpoints) == 1  # only the latest checkpoint is kept
    trace = Trace.load(run)
    assert [row["step"] for row in trace] == list(range(1, 1001))  # no row lost in merging


def damage(run: Path, which: str) -> Path:
    """Overwrite one file of the run with bytes no reader accepts; return its path."""
    if which == "parquet part":
        path = sorted((run / "steps").glob("part-*.parquet"))[0]
    else:
        path = run / which
    path.write_bytes(b"{not json, not parquet")
    return path


@pytest.mark.parametrize("which", ["config.json", "summary.json", "parquet part"])
def test_a_damaged_file_is_an_input_error_naming_it(
    finished: Path, tmp_path: Path, which: str
) -> None:
    run = copy_of(finished, tmp_path)
    path = damage(run, which)
    with pytest.raises(InputError, match=str(path)):
        Trace.load(run)
    shown = run_cli("show", str(run))
    # show works from the rest of a run whose step table is damaged, and says what it skipped
    assert shown.returncode == (0 if which == "parquet part" else 2)
    assert "Traceback" not in shown.stderr
    assert str(path) in shown.stderr and len(shown.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("version", [None, 1, 3, 99])  # None: unversioned; 3: every vector
def test_a_run_of_another_format_version_says_retrain(
    finished: Path, tmp_path: Path, version: int | None
) -> None:
    run = copy_of(finished, tmp_path)
    config = json.loads((run / "config.json").read_text())
    assert config["format_version"] == 4
    if version is None:
        del config["format_version"]
    else:
        config["format_version"] = version
    (run / "config.json").write_text(json.dumps(config))
    with pytest.raises(InputError, match="version") as raised:
        Trace.load(run)
    assert str(run / "config.json") in str(raised.value) and "train" in str(raised.value)


def test_branch_from_a_step_without_a_checkpoint_continues_the_parent(tmp_path: Path) -> None:
    """Unchanged, a branch at step K (read from the step table) repeats the parent's steps."""
    parent, child = tmp_path / "parent", tmp_path / "child"
    common = ["--optimizer", "adam", "--batch-size", "16", "--quiet"]
    assert main(["train", "blobs", "--epochs", "3", *common, "--out", str(parent)]) == 0
    k = 7  # inside an epoch; no checkpoint was written there
    assert not list((parent / "checkpoints").glob(f"step-{k:08d}.*"))
    args = ["train", "--branch", str(parent), "--at-step", str(k), "--quiet", "--out", str(child)]
    assert main(args) == 0
    p, c = list(Trace.load(parent)), list(Trace.load(child))
    assert c[0]["step"] == k + 1 and len(c) == len(p) - k
    assert c == p[k:]  # every column of every later step, value for value


@pytest.mark.slow
def test_after_a_kill_and_resume_the_summary_covers_the_whole_run(tmp_path: Path) -> None:
    """The verified count and the worst disagreement agree with the step table's rows."""
    run = tmp_path / "killed"
    argv = ["moons", "--size", "200", "--batch-size", "4", "--epochs", "4", "--verify-every", "7"]
    kill_after_checkpoint(["train", *argv, "--checkpoint-every", "20", "--out", str(run)], run, 60)
    shown = run_cli("show", str(run))
    assert shown.returncode == 0 and "unfinished" in shown.stdout, shown.stderr
    resumed = run_cli("train", "--resume", str(run), "--quiet")
    assert resumed.returncode == 0, resumed.stderr

    rows = list(Trace.load(run))
    assert [row["step"] for row in rows] == list(range(1, 201))
    verified = [row for row in rows if row["verified"]]
    worst = max(verified, key=lambda row: row["worst_disagreement"])
    summary = json.loads((run / "summary.json").read_text())
    assert summary["verified_steps"] == len(verified) > 0
    assert summary["worst_disagreement"] == worst["worst_disagreement"]
    assert (summary["worst_quantity"], summary["worst_step"]) == (
        worst["worst_quantity"],
        worst["step"],
    )


def test_watch_writes_the_same_format_as_the_trainer(finished: Path, tmp_path: Path) -> None:
    """One writer: a watched loop's config.json and summary.json have the trainer's fields."""
    import torch
    from torch import nn, optim

    from perceptron_lab.watch import watch

    X = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    y = torch.tensor([[1.0], [0.0], [1.0]])
    torch.manual_seed(0)
    model, loss = nn.Linear(2, 1), nn.BCEWithLogitsLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    watched = tmp_path / "watched"
    with watch(model, optimizer, loss, out=watched):
        for _ in range(3):
            optimizer.zero_grad()
            loss(model(X), y).backward()
            optimizer.step()
    for name in ("config.json", "summary.json"):
        ours, theirs = (json.loads((run / name).read_text()) for run in (watched, finished))
        assert sorted(ours) == sorted(theirs), name
    assert json.loads((watched / "config.json").read_text())["format_version"] == 4
    shown = run_cli("show", str(watched))
    assert shown.returncode == 0 and "finished" in shown.stdout, shown.stderr


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 5 epochs
def test_a_scikit_learn_fit_writes_no_run_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    """The estimator's trace is built in memory: no temporary directory is made."""
    import tempfile

    from sklearn.datasets import load_iris

    from perceptron_lab.sklearn import PerceptronClassifier

    def no_temporary_files(*args: object, **kwargs: object) -> None:
        raise AssertionError("fit wrote a temporary directory")

    monkeypatch.setattr(tempfile, "mkdtemp", no_temporary_files)
    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_temporary_files)
    X, y = load_iris(return_X_y=True)
    model = PerceptronClassifier(max_iter=5, random_state=0).fit(X, y)
    assert [row["step"] for row in model.trace_] == list(range(1, 6))
    assert model.score(X, y) == pytest.approx(float(model.trace_.steps[-1]["train_accuracy"]))
