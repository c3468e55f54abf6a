"""A streamed epoch of a Parquet file larger than the memory budget, against pyarrow alone.

The file: ``--rows`` × ``--features`` float32 features and a 0/1 label (a noisy linear
teacher, harness.make_data), written row group by row group (so writing it holds one
group). Each repeat measures, in this process, one after the other:

- floor: ``pyarrow.parquet.ParquetFile.iter_batches`` over every column, each batch
  turned into one float64 (rows, d) NumPy array and its labels — reading the file with
  pyarrow alone, what any reader of it pays;
- stream: one epoch of ``engine.stream_batches.StreamedBatches`` (batch 4096, shuffled
  in windows within ``--memory``, standardized): the data path of a streamed run, no
  training;
- train: ``perceptron-lab``'s Trainer on the stream, batch 4096, one epoch, written to a
  run directory (every step trained, the verify plan's steps checked against PyTorch,
  the epoch's loss over the whole file: a second pass);
- full batch: one full-batch step of the same (two passes: the gradient, the epoch's
  metrics).

Ratios are against the floor of the same repeat; peak RSS growth (VmHWM reset before
each part) against the budget. The target: a streamed epoch ≤ 1.3× the floor.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

import harness
import proc_status

BATCH = 4096
GROUP_ROWS = 65_536  # rows per Parquet row group (at most a block: each is read once)


def write_file(path: Path, rows: int, d: int) -> None:
    """The benchmark's Parquet file, written a row group at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [f"x{j}" for j in range(d)]
    teacher = np.random.default_rng(harness.SEED).standard_normal(d).astype(np.float32)
    schema = pa.schema([*(pa.field(n, pa.float32()) for n in names), pa.field("label", pa.int8())])
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, rows, GROUP_ROWS):
            n = min(GROUP_ROWS, rows - start)
            rng = np.random.default_rng(harness.SEED + 1 + start)  # one teacher for every group
            X = rng.standard_normal((n, d), dtype=np.float32)
            noise = rng.standard_normal(n, dtype=np.float32) * np.float32(0.5 * np.sqrt(d))
            y = (X @ teacher + noise > 0).astype(np.int64)
            columns = [pa.array(X[:, j]) for j in range(d)] + [pa.array(y.astype(np.int8))]
            writer.write_table(pa.Table.from_arrays(columns, schema=schema), row_group_size=n)


def floor(path: Path) -> int:
    """Read every row with pyarrow alone into float64 NumPy arrays; returns the rows read."""
    import pyarrow.parquet as pq

    rows = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=65_536):
        d = batch.num_columns - 1
        X = np.column_stack([batch.column(j).to_numpy() for j in range(d)]).astype(np.float64)
        y = batch.column(d).to_numpy().astype(np.float64)
        rows += min(len(X), len(y))
    return rows


def opened(path: Path, memory: int) -> Any:
    from perceptron_lab.data.stream import open_stream, scan
    from perceptron_lab.engine.streamed_data import StreamedData

    stream = open_stream(path, target="label")
    return StreamedData(stream, scan(stream), memory)


def stream_epoch(data: Any) -> int:
    """One shuffled epoch of mini-batches of the stream; returns the rows seen."""
    import torch

    from perceptron_lab.engine.stream_batches import StreamedBatches

    source = StreamedBatches(
        data.stream,
        data.facts,
        BATCH,
        harness.SEED,
        True,
        memory=data.memory,
        dtype=torch.float32,
        standardize=True,
    )
    rows, batches = 0, source.batches(0, 0)
    for _ in range(source.per_epoch):
        rows += next(batches).n
    return rows


def train(data: Any, batch_size: int | None, out: Path) -> Any:
    from perceptron_lab.engine.config import TrainConfig
    from perceptron_lab.engine.train import Trainer

    config = TrainConfig(
        lr=harness.LR, epochs=1, batch_size=batch_size, seed=harness.SEED, standardize=True
    )
    return Trainer(config, data).run(out, overwrite=True).summary


def measured(what: str, run: Any) -> tuple[float, int, Any]:
    """(seconds, peak RSS growth in kB, result) of ``run()``, the peak mark reset first."""
    rss = proc_status.status_kb("VmRSS")
    proc_status.reset_peak()
    began = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - began
    grew = proc_status.status_kb("VmHWM") - rss
    print(f"    {what}: {seconds:.2f} s, peak RSS +{grew / 1024:.0f} MiB; load {harness.load()}")
    return seconds, grew, result


def main() -> None:
    p = harness.parser(__doc__.splitlines()[0], ["epoch"])
    p.add_argument("--rows", type=int, default=None, help="rows of the file (default 8·10⁶)")
    p.add_argument("--features", type=int, default=30)
    p.add_argument("--memory", type=int, default=256, help="the budget in MiB (default 256)")
    p.add_argument("--file", type=Path, help="use (or write) this Parquet file")
    args = p.parse_args()
    rows = args.rows or (200_000 if args.quick else 8_000_000)
    repeats = args.repeats or (1 if args.quick else 2)
    memory = args.memory * 2**20
    began = harness.header(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or Path(tmp) / "stream.parquet"
        if not path.exists():
            write_file(path, rows, args.features)
        size = path.stat().st_size
        print(
            f"file: {rows:,} rows × {args.features} float32 features + label, "
            f"{size / 2**20:,.0f} MiB on disk, {rows * (args.features + 1) * 8 / 2**20:,.0f} MiB "
            f"as float64; budget {args.memory} MiB; batch {BATCH}; repeats {repeats}"
        )
        _, scan_kb, data = measured("scan (checks, μ, σ, labels)", lambda: opened(path, memory))
        best: dict[str, tuple[float, int]] = {}
        for r in range(repeats):
            print(f"  repeat {r + 1}:")
            parts = {
                "floor": lambda: floor(path),
                "stream": lambda: stream_epoch(data),
                "train": lambda: train(data, BATCH, Path(tmp) / "run"),
                "full batch": lambda: train(data, None, Path(tmp) / "full"),
            }
            for name, run in parts.items():
                seconds, grew, _ = measured(name, run)
                old = best.get(name)
                best[name] = (
                    min(seconds, old[0]) if old else seconds,
                    max(grew, old[1] if old else 0),
                )
        base = best["floor"][0]
        print(f"\nbest of {repeats} (ratio to pyarrow alone, {base:.2f} s):")
        for name, (seconds, grew) in best.items():
            print(
                f"  {name:>10}: {seconds:7.2f} s  {seconds / base:5.2f}×  peak RSS +{grew / 1024:,.0f} MiB"
            )
        print(f"  scan: peak RSS +{scan_kb / 1024:,.0f} MiB")
        verdict = "met" if best["stream"][0] <= 1.3 * base else "missed"
        print(
            f"target: a streamed epoch ≤ 1.3× pyarrow alone: {best['stream'][0] / base:.2f}× ({verdict})"
        )
    harness.footer(began)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
