"""Benchmark: how fast the CLI starts, and how fast the views of a long run answer.

Every time is the wall time of a fresh subprocess (``python -m perceptron_lab.cli …``,
its output discarded), the best of ``--repeats``, with the load average after each, and
for the start-up commands which of torch, torch._dynamo, pyarrow and matplotlib they
import (one more run under ``python -X importtime``, not timed):

- ``startup``  ``--help`` and ``show RUN`` of a short run (≤ 0.3 s each), and ``demo``
               against ``python -c "import torch"`` (≤ 1.3×); ``python -c pass`` beside,
               the interpreter's own start;
- ``views``    a run of 40,000 steps (d = 100, k = 1, batch 32), trained by the CLI's
               ``train`` on a CSV file of synthetic data: ``show RUN`` (≤ 0.5 s), ``explain RUN --step`` of its
               middle step (≤ 1 s), ``report RUN`` (≤ 3 s), and its trace's size: the
               bytes of ``steps/`` divided by the steps (≤ 1.3 KB a step).

    python benchmarks/bench_startup.py              # full: about a minute plus the run
    python benchmarks/bench_startup.py --quick      # a 1,000-step run, one repeat
    python benchmarks/bench_startup.py --section startup
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import harness
from harness import Target

SECTIONS = ("startup", "views")
CLI = [sys.executable, "-m", "perceptron_lab.cli"]
D, BATCH, ROWS = 100, 32, 3_200  # 100 steps an epoch
STEP_TABLE = "steps"  # the run directory's step table (engine.run_files.STEP_TABLE)


def train_run(root: Path, name: str, epochs: int) -> Path:
    """A traced run of ``epochs`` × 100 steps (d = 100, k = 1, batch 32), trained by the
    CLI on a CSV file (so that ``explain`` and ``report`` can load its data again)."""
    data = root / "data.csv"
    if not data.exists():
        X, y = harness.make_data(ROWS, D)
        header = ",".join([f"x{j + 1}" for j in range(D)] + ["target"])
        table = np.column_stack([X, y]).astype(np.float64)
        np.savetxt(data, table, delimiter=",", header=header, comments="", fmt="%.9g")
    out = root / name
    cmd = [
        *CLI,
        "train",
        str(data),
        "--target",
        "target",
        "--batch-size",
        str(BATCH),
        "--epochs",
        str(epochs),
        "--lr",
        str(harness.LR),
        "--no-standardize",
        "--dtype",
        "float32",
        "--out",
        str(out),
        "--quiet",
    ]
    seconds = harness.best_wall(cmd, 1)[0]
    summary = json.loads((out / "summary.json").read_text())
    print(
        f"trained {name}: train {summary['steps']:,} steps in {seconds:.1f} s wall "
        f"({summary.get('verified_steps', '?')} verified); load {harness.load()}",
        flush=True,
    )
    return out


HEAVY = ("torch", "torch._dynamo", "pyarrow", "matplotlib")  # what a start-up may avoid


def heavy_imports(cmd: list[str]) -> str:
    """Which of ``HEAVY`` the command imports, and their cumulative µs (``-X importtime``)."""
    done = subprocess.run(
        [cmd[0], "-X", "importtime", *cmd[1:]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    found = {}
    for line in done.stderr.splitlines():  # "import time: self | cumulative | name"
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip() in HEAVY:
            found[parts[2].strip()] = int(parts[1])
    return ", ".join(f"{name} {found[name] / 1e6:.2f} s" for name in HEAVY if name in found)


def timed(label: str, cmd: list[str], repeats: int, imports: bool = False) -> float:
    """Best wall time of ``cmd``; with ``imports``, also which heavy modules it loads."""
    times = harness.best_wall(cmd, repeats)
    heavy = f"; imports {heavy_imports(cmd) or 'none of ' + ', '.join(HEAVY)}" if imports else ""
    print(
        f"  {label}: best {min(times):.3f} s of {[round(t, 3) for t in times]}{heavy}; load "
        f"{harness.load()}",
        flush=True,
    )
    return min(times)


def section_startup(root: Path, repeats: int, quick: bool) -> list[Target]:
    run = train_run(root, "short", 1)
    timed("warm-up (the OS file cache)", [*CLI, "show", str(run)], 1)
    bare = timed("python -c pass", [sys.executable, "-c", "pass"], repeats)
    torch_s = timed('python -c "import torch"', [sys.executable, "-c", "import torch"], repeats)
    help_s = timed("--help", [*CLI, "--help"], repeats, imports=True)
    show_s = timed("show RUN (100 steps)", [*CLI, "show", str(run)], repeats, imports=True)
    demo_s = timed("demo", [*CLI, "demo", "--lang", "en"], repeats, imports=True)
    return [
        Target("--help, wall s", "python -c pass", bare, help_s, 0.3, absolute=True),
        Target("show RUN (100 steps), wall s", "python -c pass", bare, show_s, 0.3, absolute=True),
        Target("demo, wall s", 'python -c "import torch"', torch_s, demo_s, 1.3),
    ]


def section_views(root: Path, repeats: int, quick: bool) -> list[Target]:
    epochs = 10 if quick else 400  # 1,000 or 40,000 steps
    run = train_run(root, "long", epochs)
    steps = epochs * ROWS // BATCH
    table = run / STEP_TABLE
    per_step = harness.dir_bytes(table) / steps
    weights = (D + 1) * 4  # one float32 copy of W (d, 1) and B (1,)
    print(
        f"  trace: {harness.dir_bytes(table):,} bytes in {STEP_TABLE}/ for {steps:,} steps = "
        f"{per_step:,.0f} bytes a step ({per_step / weights:.1f}x one float32 W and B, "
        f"{weights} bytes); whole run directory {harness.dir_bytes(run):,} bytes",
        flush=True,
    )
    timed("warm-up (the OS file cache)", [*CLI, "show", str(run)], 1)
    bare = timed("python -c pass", [sys.executable, "-c", "pass"], repeats)
    show_s = timed(f"show RUN ({steps:,} steps)", [*CLI, "show", str(run)], repeats, True)
    middle = str(steps // 2)
    explain_s = timed(
        f"explain RUN --step {middle}", [*CLI, "explain", str(run), "--step", middle], repeats
    )
    report_s = timed(
        "report RUN", [*CLI, "report", str(run), "-o", str(root / "report.html")], repeats
    )
    name = f"{steps:,}-step run"
    return [
        Target(f"show RUN, {name}, wall s", "python -c pass", bare, show_s, 0.5, absolute=True),
        Target(
            f"explain --step, {name}, wall s", "python -c pass", bare, explain_s, 1.0, absolute=True
        ),
        Target(f"report, {name}, wall s", "python -c pass", bare, report_s, 3.0, absolute=True),
        Target(
            f"trace, d {D} k 1, bytes a step",
            "one float32 W and B",
            weights,
            per_step,
            1300,
            unit="B",
            absolute=True,
        ),
    ]


RUNS = {"startup": section_startup, "views": section_views}


def main(argv: list[str] | None = None) -> int:
    p = harness.parser(__doc__.split("\n")[0], SECTIONS)
    args = p.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    chosen = [n for n in SECTIONS if not args.section or n in args.section]  # in their order
    began = harness.header(
        "perceptron-lab start-up and views benchmark"
        + (" (--quick: a smoke run)" if args.quick else "")
    )
    print(f"subprocess wall times, best of {repeats}; sections {', '.join(chosen)}", flush=True)
    root = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    targets: list[Target] = []
    try:
        for name in chosen:
            print(f"\n== {name} (load {harness.load()})", flush=True)
            section_began = time.perf_counter()
            targets += RUNS[name](root, repeats, args.quick)
            print(f"  ({time.perf_counter() - section_began:.0f} s)", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    harness.print_table(targets)
    harness.footer(began)
    return 0


if __name__ == "__main__":
    harness.main_guard(main)
