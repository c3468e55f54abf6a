"""Checkpoints: a run killed with SIGKILL resumes bit for bit; a branch starts from step K."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from perceptron_lab.cli import main
from perceptron_lab.engine.trace import Trace

RUN = [
    "moons",
    "--size",
    "600",
    "--batch-size",
    "4",
    "--epochs",
    "4",
    "--optimizer",
    "adam",
    "--lr",
    "0.01",
    "--checkpoint-every",
    "50",
    "--verify-every",
    "7",
    "--quiet",
    "--format",
    "json",
]


def cli(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "perceptron_lab.cli", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def checkpointed_step(run: Path) -> int:
    """The step of the latest checkpoint in ``run`` (0: none yet)."""
    steps = [int(p.stem.split("-")[1]) for p in (run / "checkpoints").glob("step-*.json")]
    return max(steps, default=0)


def kill_after_checkpoint(argv: list[str], run: Path, at_least: int) -> None:
    """Run the CLI and SIGKILL it once it has checkpointed step ``at_least`` or later."""
    proc = cli(*argv)
    deadline = time.monotonic() + 120
    while checkpointed_step(run) < at_least:
        assert proc.poll() is None, "finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert not (run / "summary.json").exists()
    # a kill in the middle of a write can leave its temporary (.NAME.*.tmp, which the
    # resume removes), never a half-written file under its real name: every part reads
    assert all(p.name.startswith(".") for p in list(run.rglob("*.tmp")))
    Trace.load(run)


@pytest.mark.slow
def test_sigkill_then_resume_is_bit_identical(tmp_path: Path) -> None:
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    kill_after_checkpoint(["train", *RUN, "--out", str(killed)], killed, 150)
    done_before = len(Trace.load(killed))
    assert 0 < done_before < 600

    resumed = cli("train", "--resume", str(killed), "--quiet", "--format", "json")
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert not list(killed.rglob("*.tmp"))  # the killed writer's temporaries are gone
    fresh = cli("train", *RUN, "--out", str(whole))
    out_whole, err = fresh.communicate(timeout=300)
    assert fresh.returncode == 0, err

    a, b = json.loads(out), json.loads(out_whole)
    assert a["W"] == b["W"] and a["B"] == b["B"]  # bit-identical final weights
    ta, tb = Trace.load(killed), Trace.load(whole)
    assert len(ta) == len(tb) == 600
    assert list(ta.steps) == list(tb.steps)  # the whole trace, value for value
    # every epoch's metrics, also those from before the kill, and the whole run's verification
    assert ta.history == tb.history and len(ta.history) == 4
    assert a["verified_steps"] == b["verified_steps"] == ta.verification().verified
    assert a["epochs_done"] == b["epochs_done"] == 4
    assert a["worst_disagreement"] == b["worst_disagreement"]


def test_branch_from_a_step_with_another_learning_rate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parent, child = tmp_path / "parent", tmp_path / "child"
    main(
        [
            "train",
            "blobs",
            "--epochs",
            "10",
            "--checkpoint-every",
            "2",
            "--quiet",
            "--out",
            str(parent),
        ]
    )
    main(
        [
            "train",
            "--branch",
            str(parent),
            "--at-step",
            "4",
            "--lr",
            "0.5",
            "--optimizer",
            "adam",
            "--quiet",
            "--format",
            "json",
            "--out",
            str(child),
        ]
    )
    capsys.readouterr()
    p, c = Trace.load(parent), Trace.load(child)
    assert c.manifest.parent.step == 4
    assert c.manifest.optimizer.name == "adam" and c.manifest.optimizer.options["lr"] == 0.5
    assert [r["step"] for r in c][:2] == [5, 6]
    assert c.step(5)["W_before"] == p.step(4)["W_after"]  # the exact state of step 4
    assert c.step(5)["lr"] == 0.5 and p.step(5)["lr"] == 0.01
    assert c.step(5)["W_after"] != p.step(5)["W_after"]


def test_branch_from_any_recorded_step(tmp_path: Path) -> None:
    """The step table keeps every step's state: a branch needs no checkpoint at its step."""
    parent = tmp_path / "parent"
    main(["train", "seed", "--epochs", "4", "--optimizer", "adam", "--quiet", "--out", str(parent)])
    assert sorted(p.name for p in (parent / "checkpoints").iterdir()) == [
        "step-00000004.json",
        "step-00000004.safetensors",
    ]
    child = tmp_path / "child"
    main(["train", "--branch", str(parent), "--at-step", "3", "--quiet", "--out", str(child)])
    p, c = Trace.load(parent), Trace.load(child)
    assert [r["step"] for r in c] == [4]  # the same settings: step 4 again, bit for bit
    assert c.step(4) == p.step(4)
    proc = cli("train", "--branch", str(parent), "--at-step", "9", "--out", str(tmp_path / "c"))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert "--at-step: expected a step between 1 and 4, got 9" in err
    assert not (tmp_path / "c").exists()
