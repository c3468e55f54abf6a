"""Data-parallel training on this machine: ``train --nproc P`` for P = 1, 2, 4.

The data: ``harness.make_data`` (``--rows`` × ``--features`` float32, binary) saved as a
.npy. Each P runs the command line as a user would, one torch thread a rank
(``--threads 1``), once for a full batch (``--full-epochs`` steps) and once for batch
4096 (``--epochs`` epochs), each repeat printed with the load average:

    python -m perceptron_lab train DATA.npy --batch-size B --nproc P --threads 1 --quiet --format json

What is reported, the best repeat of each: the training time the run's summary.json
records (its steps, not the launch: torchrun and the P interpreters start in about
``launch`` seconds, printed apart), the time a step, the speed-up over P = 1 and the
scaling efficiency T₁ / (P·T_P); and whether the P-rank run's final loss and weights are
the one-process run's (they differ by the order of the all-reduce's additions only).
Two cores cannot show more than 2× for P = 2; P = 4 shares them. The model of what P
machines would give is benchmarks/bench_distributed.py's (the all-reduce measured).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

import harness

PROCS = (1, 2, 4)
BATCH = 4096


def run(data: Path, out: Path, batch: int, epochs: int, nproc: int) -> dict[str, Any]:
    """One ``train`` run; its summary, with the wall time of the whole command."""
    cmd = [sys.executable, "-m", "perceptron_lab", "train", str(data), "--epochs", str(epochs)]
    cmd += ["--lr", "0.1", "--threads", "1", "--quiet", "--format", "json", "--out", str(out)]
    cmd += ["--overwrite", "--nproc", str(nproc), "--batch-size", str(batch)]
    began = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    summary = json.loads((out / "summary.json").read_text())
    summary["wall"] = wall
    summary["warning"] = next(
        (line for line in done.stderr.splitlines() if "processes a step costs" in line), ""
    )
    return summary


def main() -> None:
    p = harness.parser(__doc__.splitlines()[0], ["full", "batch"])
    p.add_argument("--rows", type=int, default=None, help="rows (default 200,000)")
    p.add_argument("--features", type=int, default=100)
    p.add_argument("--epochs", type=int, default=None, help="batch-4096 epochs (default 3)")
    p.add_argument("--full-epochs", type=int, default=None, help="full-batch steps (default 20)")
    args = p.parse_args()
    rows = args.rows or (20_000 if args.quick else 200_000)
    repeats = args.repeats or (1 if args.quick else 2)
    sections = args.section or ["full", "batch"]
    procs = (1, 2) if args.quick else PROCS
    began = harness.header(__doc__.splitlines()[0])
    settings = {  # (batch size, epochs): the full batch is every row
        "full": (rows, args.full_epochs or (3 if args.quick else 20)),
        "batch": (BATCH, args.epochs or (1 if args.quick else 3)),
    }
    with tempfile.TemporaryDirectory() as tmp:
        X, y = harness.make_data(rows, args.features)
        data = Path(tmp) / "data.npy"
        np.save(data, np.column_stack([X, y.astype(np.float32)]))
        print(f"data: {rows:,} × {args.features} float32, binary; repeats {repeats}")
        for name in sections:
            batch, epochs = settings[name]
            print(
                f"\n{name} ({'full batch' if batch == rows else f'batch {batch}'}, {epochs} epochs):"
            )
            best: dict[int, dict[str, Any]] = {}
            for r in range(repeats):
                for nproc in procs:
                    s = run(data, Path(tmp) / f"{name}-{nproc}", batch, epochs, nproc)
                    print(
                        f"  repeat {r + 1}, P = {nproc}: training {s['seconds']:.2f} s "
                        f"({s['steps']} steps), command {s['wall']:.2f} s; load {harness.load()}"
                    )
                    if s["warning"]:
                        print(f"    {s['warning']}")
                    if nproc not in best or s["seconds"] < best[nproc]["seconds"]:
                        best[nproc] = s
            one = best[1]
            print(f"  best of {repeats}:")
            print(
                "     P  training s   ms/step  speed-up  efficiency  launch s  max|ΔW| vs P=1  ΔL"
            )
            for nproc, s in best.items():
                steps = max(1, s["steps"])
                gap = float(np.abs(np.array(s["W"]) - np.array(one["W"])).max())
                dl = s["final"]["train_loss"] - one["final"]["train_loss"]
                speed = one["seconds"] / s["seconds"]
                print(
                    f"  {nproc:4d}  {s['seconds']:10.2f}  {1e3 * s['seconds'] / steps:8.2f}  "
                    f"{speed:8.2f}×  {speed / nproc:10.2f}  {s['wall'] - s['seconds']:8.2f}  "
                    f"{gap:14.2e}  {dl:+.1e}"
                )
    harness.footer(began)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
