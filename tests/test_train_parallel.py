"""``train --nproc 2``: data parallel on torch.distributed (gloo, loopback), as a user runs it.

The oracle is the one-process run of the same command: the ranks' all-reduced gradient
differs from it by the order of the additions only, so the runs agree within the dtype's
tolerance; each verified step checks the all-reduced gradient against PyTorch's gradient
of the whole batch in one process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from perceptron_lab.cli.train_cmd import _rank_argv

from .cli_run import cli

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="gloo on loopback: Linux")


def _summary(run: Path) -> dict:
    return json.loads((run / "summary.json").read_text())


@pytest.mark.parametrize(
    "flags",
    [
        ("--batch-size", "16", "--epochs", "3", "--optimizer", "adam", "--lr", "0.05"),
        ("--epochs", "5", "--lr", "0.5"),  # iris's default: the full batch
    ],
    ids=["batch 16", "full batch"],
)
def test_two_ranks_give_the_one_process_numbers(tmp_path: Path, flags: tuple[str, ...]) -> None:
    one = cli("train", "iris", *flags, "--out", tmp_path / "one", "--quiet", timeout=300)
    assert one.returncode == 0, one.stderr
    two = cli("train", "iris", *flags, "--nproc", "2", "--out", tmp_path / "two", timeout=300)
    assert two.returncode == 0, two.stderr
    assert "Traceback" not in two.stderr
    a, b = _summary(tmp_path / "one"), _summary(tmp_path / "two")
    assert a["steps"] == b["steps"] and a["verified_at"] == b["verified_at"]
    # float32: the reduction order's rounding (relative 1e-7 a step) carried over the steps
    np.testing.assert_allclose(b["W"], a["W"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b["B"], a["B"], rtol=1e-5, atol=1e-6)
    assert b["final"]["train_loss"] == pytest.approx(a["final"]["train_loss"], rel=1e-5)
    assert b["worst_disagreement"] <= b["tolerance"]
    assert "run written to" in two.stdout  # rank 0 prints; the other rank prints nothing
    assert two.stdout.count("run summary") == 1
    assert b["parallel"]["world"] == 2 and b["parallel"]["backend"] == "gloo"
    assert "all-reduced over 2 processes" in two.stdout
    # each rank's own gradient of each verified step: their sum is the step's gradient
    from perceptron_lab.engine.trace import Trace

    ranks = json.loads((tmp_path / "two" / "ranks.json").read_text())
    trace = Trace.load(tmp_path / "two")
    assert len(ranks["steps"]) == b["verified_steps"]
    for entry in ranks["steps"]:
        row = trace.step(entry["step"])
        summed = np.sum(entry["dW"], axis=0).reshape(-1)
        np.testing.assert_allclose(summed, row["dW"], rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(np.sum(entry["dB"], axis=0), row["dB"], rtol=1e-5, atol=1e-7)


def _rank_one(out: Path) -> int | None:
    """The pid of rank 1 of the run writing ``out`` (its environment says RANK=1)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
            env = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(out).encode() in cmd and b"RANK=1" in env and b"perceptron_lab" in b" ".join(cmd):
            return int(entry.name)
    return None


def test_a_rank_that_dies_stops_the_run_and_it_resumes(tmp_path: Path) -> None:
    out = tmp_path / "run"
    flags = ["linear", "--size", "20000", "--batch-size", "64", "--epochs", "12"]
    flags += ["--checkpoint-every", "200", "--quiet"]
    cmd = [sys.executable, "-m", "perceptron_lab", "train", *flags]
    proc = subprocess.Popen(
        [*cmd, "--nproc", "2", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any((out / "checkpoints").glob("*.json")):
        time.sleep(0.1)
    pid = _rank_one(out)
    assert pid is not None and proc.poll() is None, "the run ended before a rank could be killed"
    os.kill(pid, signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    lines = [ln for ln in err.strip().splitlines() if "processes a step costs" not in ln]
    assert lines == [lines[-1]] and "rank 1 stopped (killed by SIGKILL)" in lines[-1], err
    assert f"--resume {out} --nproc 2" in lines[-1]
    resumed = cli("train", "--resume", out, "--nproc", "2", "--quiet", timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    whole = cli("train", *flags, "--out", tmp_path / "one", timeout=300)
    assert whole.returncode == 0, whole.stderr
    a, b = _summary(tmp_path / "one"), _summary(out)
    assert b["status"] == "finished" and b["steps"] == a["steps"] == 12 * 313
    np.testing.assert_allclose(b["W"], a["W"], rtol=1e-4, atol=1e-5)
    assert b["worst_disagreement"] <= b["tolerance"]


def test_a_streamed_file_on_two_ranks(tmp_path: Path) -> None:
    """Each rank reads its own blocks of a Parquet file; the full-batch step is the same."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(3)
    X = rng.normal(size=(6_000, 3)) * [1.0, 50.0, 2000.0]
    y = (X @ [1.0, 0.02, 0.0005] + rng.normal(size=6_000) > 0).astype(int)
    path = tmp_path / "data.parquet"
    pq.write_table(
        pa.table({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "y": y}), path, row_group_size=500
    )
    flags = ["--target", "y", "--stream", "--batch-size", "6000", "--epochs", "4", "--lr", "1"]
    one = cli("train", path, *flags, "--out", tmp_path / "one", "--quiet", timeout=300)
    two = cli(
        "train", path, *flags, "--nproc", "2", "--out", tmp_path / "two", "--quiet", timeout=300
    )
    assert one.returncode == 0 and two.returncode == 0, (one.stderr, two.stderr)
    a, b = _summary(tmp_path / "one"), _summary(tmp_path / "two")
    np.testing.assert_allclose(b["W"], a["W"], rtol=1e-5, atol=1e-6)
    assert b["verified_steps"] == 4 and b["worst_disagreement"] <= b["tolerance"]


def test_each_rank_runs_the_command_without_the_launch_flags() -> None:
    argv = ["train", "iris", "--nproc", "2", "--nnodes=1", "--epochs", "3", "--node-rank", "0"]
    argv += ["--rdzv-endpoint", "10.0.0.1:29400", "--out", "r"]
    assert _rank_argv(argv) == ["train", "iris", "--epochs", "3", "--out", "r"]
