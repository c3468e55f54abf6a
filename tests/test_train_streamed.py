"""Training from a file read in blocks (``train --stream`` / ``--memory``), as a user runs it.

The oracles: the same file loaded whole (the in-memory trainer, itself checked against
PyTorch step by step), the run's own uninterrupted twin for resume (bit for bit), and the
process's own peak RSS for the memory budget.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from perceptron_lab.data import load
from perceptron_lab.data.stream import open_stream, scan
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.streamed_data import StreamedData
from perceptron_lab.engine.train import Trainer

from .cli_run import assert_refused, cli


def _parquet(path: Path, rows: int, seed: int = 0, row_group: int = 2_000) -> Path:
    """Features on scales 10⁰ … 10³, text labels, as a spreadsheet or a database exports."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 4)) * np.array([1.0, 10.0, 100.0, 1000.0])
    w = np.array([1.0, -0.1, 0.01, 0.001])
    y = np.where(X @ w + rng.normal(size=rows) > 0, "yes", "no")
    names = ["age", "visits", "spend", "income"]
    table = pa.table({**{n: X[:, j] for j, n in enumerate(names)}, "bought": y})
    pq.write_table(table, path, row_group_size=row_group)
    return path


def _summary(run: Path) -> dict:
    return json.loads((run / "summary.json").read_text())


def test_a_streamed_full_batch_is_the_loaded_full_batch(tmp_path: Path) -> None:
    """Gradients accumulated over blocks = the whole-batch gradient, to float64 rounding."""
    path = _parquet(tmp_path / "shop.parquet", 9_000)
    config = TrainConfig(lr=0.5, epochs=4, batch_size=None, standardize=True, dtype="float64")
    stream = open_stream(path, target="bought", block_rows=1_000)
    streamed = Trainer(config, StreamedData(stream, scan(stream), 2**24)).run()
    dataset = load(str(path), target="bought")
    facts = scan(stream)
    X = (dataset.X - facts.mean) / facts.std  # the scan's μ and σ: the same inputs
    from dataclasses import replace

    loaded = Trainer(replace(config, standardize=False), replace(dataset, X=X)).run()
    assert torch.allclose(streamed.W, loaded.W, rtol=0, atol=1e-12)
    assert torch.allclose(streamed.B, loaded.B, rtol=0, atol=1e-12)
    s, m = streamed.summary, loaded.summary
    assert s.final["train_loss"] == pytest.approx(m.final["train_loss"], rel=1e-12)
    assert s.final["train_accuracy"] == m.final["train_accuracy"]
    assert s.verified_steps == 4 and s.worst_disagreement <= s.tolerance


def test_streamed_minibatches_in_file_order_are_the_loaded_ones(tmp_path: Path) -> None:
    """Without shuffling, block-by-block batches are the loaded file's batches."""
    path = _parquet(tmp_path / "shop.parquet", 5_000)
    config = TrainConfig(
        lr=0.1, epochs=2, batch_size=128, shuffle=False, dtype="float64", optimizer="adam"
    )
    stream = open_stream(path, target="bought", block_rows=700)
    streamed = Trainer(config, StreamedData(stream, scan(stream), 2**24)).run()
    loaded = Trainer(config, load(str(path), target="bought")).run()
    assert torch.allclose(streamed.W, loaded.W, rtol=0, atol=1e-10)
    assert streamed.summary.steps == loaded.summary.steps == 2 * 40


def test_resume_of_a_streamed_run_is_bit_identical(tmp_path: Path) -> None:
    path = _parquet(tmp_path / "shop.parquet", 6_000)
    common = ["--target", "bought", "--stream", "--memory", "16MB", "--batch-size", "64"]
    whole = cli("train", path, *common, "--epochs", "3", "--out", tmp_path / "whole", "--quiet")
    assert whole.returncode == 0, whole.stderr
    part = cli("train", path, *common, "--epochs", "1", "--out", tmp_path / "part", "--quiet")
    assert part.returncode == 0, part.stderr
    config = json.loads((tmp_path / "part" / "config.json").read_text())
    assert config["data"]["recipe"]["stream"]["window_rows"] > 0  # the order's record
    more = cli("train", "--resume", tmp_path / "part", "--epochs", "3", "--quiet")
    assert more.returncode == 0, more.stderr
    a, b = _summary(tmp_path / "whole"), _summary(tmp_path / "part")
    assert (a["W"], a["B"], a["final"]) == (b["W"], b["B"], b["final"])
    from perceptron_lab.engine.trace import Trace

    rows_a = list(Trace.load(tmp_path / "whole").steps)
    rows_b = list(Trace.load(tmp_path / "part").steps)
    assert len(rows_a) == len(rows_b) == 3 * 94
    for ra, rb in zip(rows_a, rows_b, strict=True):
        assert (ra["step"], ra["loss"], ra["W_after"], ra["dW"]) == (
            rb["step"], rb["loss"], rb["W_after"], rb["dW"],
        )  # fmt: skip


def test_a_bad_cell_deep_in_the_stream_is_named_by_its_row(tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    rows = ["age;income;bought"] + [
        f"{i % 70};{1000 + i},5;{'yes' if i % 3 else 'no'}" for i in range(5000)
    ]
    rows[4001] = "33;;yes"  # the 4001st data row: an empty cell
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    result = cli("train", path, "--target", "bought", "--stream", "--out", tmp_path / "run")
    line = assert_refused(result, "4001", "income")
    assert "Traceback" not in result.stderr and line
    assert not (tmp_path / "run").exists() or not any((tmp_path / "run").iterdir())


def test_a_directory_of_parquet_files_streams(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    for i in range(3):
        _parquet(folder / f"part-{i}.parquet", 2_000, seed=i)
    result = cli("train", folder, "--target", "bought", "--epochs", "2", "--out", tmp_path / "r")
    assert result.returncode == 0, result.stderr
    s = _summary(tmp_path / "r")
    assert s["status"] == "finished" and s["worst_disagreement"] <= s["tolerance"]
    config = json.loads((tmp_path / "r" / "config.json").read_text())
    assert config["data"]["n_samples"] == 6_000 and config["config"]["standardize"] is True
    assert config["data"]["recipe"]["stream"]["memory"] == 2**30  # streamed, by default


@pytest.mark.slow
def test_memory_stays_within_the_budget_on_a_file_several_times_larger(tmp_path: Path) -> None:
    """A Parquet file of ~10× the budget as float64: the run's peak RSS grows by about the
    budget, not by the file (VmHWM, reset once torch and the package are imported)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows, d, budget = 2_000_000, 20, 32 * 2**20
    path = tmp_path / "big.parquet"
    names = [f"x{j}" for j in range(d)]
    schema = pa.schema([*(pa.field(n, pa.float32()) for n in names), pa.field("y", pa.int8())])
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, rows, 50_000):
            rng = np.random.default_rng(start)
            X = rng.standard_normal((50_000, d), dtype=np.float32)
            y = (X[:, 0] + rng.standard_normal(50_000, dtype=np.float32) > 0).astype(np.int8)
            writer.write_table(pa.table({**{n: X[:, j] for j, n in enumerate(names)}, "y": y}))
    as_float64 = rows * (d + 1) * 8
    assert as_float64 > 10 * budget
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).resolve().parent.parent / "benchmarks")!r})
        import proc_status
        import torch, pyarrow.parquet
        from perceptron_lab.cli.main import main
        import perceptron_lab.engine.train, perceptron_lab.cli.train_cmd
        rss = proc_status.status_kb("VmRSS")
        proc_status.reset_peak()
        code = main(["train", {str(path)!r}, "--target", "y", "--memory", "{budget}",
                     "--batch-size", "4096", "--epochs", "1", "--quiet", "--format", "json",
                     "--out", {str(tmp_path / "run")!r}])
        print("GREW", proc_status.status_kb("VmHWM") - rss, code)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=600, check=False
    )
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("GREW"))
    grew_kb, code = map(int, line.split()[1:])
    assert code == 0, done.stderr[-2000:]
    assert grew_kb * 1024 < 3 * budget + 48 * 2**20, f"grew {grew_kb / 1024:.0f} MiB"
    s = _summary(tmp_path / "run")
    assert s["status"] == "finished" and s["steps"] == -(-rows // 4096)
    assert s["worst_disagreement"] <= s["tolerance"]


def test_a_streamed_run_replays_its_recorded_steps(tmp_path: Path) -> None:
    """explain's replay takes each batch in the stream's own order: the recorded numbers."""
    from perceptron_lab.engine.replay import replay_step
    from perceptron_lab.engine.trace import Trace

    path = _parquet(tmp_path / "shop.parquet", 4_000)
    flags = ["--target", "bought", "--stream", "--memory", "16MB", "--epochs", "2"]
    assert cli("train", path, *flags, "--out", tmp_path / "r", "--quiet").returncode == 0
    trace = Trace.load(tmp_path / "r")
    for step in (1, 77, 250):
        record, row = replay_step(trace, step), trace.step(step)
        assert record.W_after.closed.reshape(-1).tolist() == row["W_after"]
        assert float(record.loss.closed) == row["loss"]
    explained = cli("explain", tmp_path / "r", "--step", "77")
    assert explained.returncode == 0, explained.stderr
    assert "agree" in explained.stdout
