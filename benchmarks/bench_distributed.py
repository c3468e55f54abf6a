"""Benchmark: gloo's all-reduce on this machine, and what P ranks would make of a step.

A data-parallel step on P ranks costs about t(n/P) + a(d·k + k) (engine/distributed.py):
each rank steps its share of the batch, then all-reduces the d·k + k gradient numbers.
This script measures both terms on this one machine:

- ``allreduce``  a(m): the median seconds of a gloo all-reduce of m float32 on 2 and on 4
                 processes (spawned, 127.0.0.1, one torch thread each), for m = 102,
                 1,010, 10,100 and 1,000,100 (d·k + k of (d, k) = (101, 1), (100, 10),
                 (100, 100), (10⁴, 100)), measured by ``distributed.all_reduce_seconds``
                 itself (a warm-up, a barrier before each timed all-reduce, the slowest
                 rank's median), ``--repeats`` times, each repeat printed with the load;
                 the median of the repeats is taken. 4 processes on a 2-core machine
                 share cores: their numbers say so.
- ``model``      the baseline, in this process: a one-process batch-256 step of each
                 (d, k) (the bare PyTorch loop of ``harness.BareLoop``) on one torch
                 thread, as each rank runs (``--threads``), the best repeat of medians of
                 20 steps; the model's step on P ranks, t/P + a(m), as a ratio to it; the
                 one-process step above which P ranks pay off, a(m)·P/(P − 1); and the
                 latency-bound fit a(m) ≈ α·log₂P + β·m over the measurements of P ≤ the
                 cores (an oversubscribed P measures the scheduler), extrapolated to P
                 machines — on loopback: a network adds its own round trip to α.

``allreduce`` always runs (``model`` reads its numbers). The table of targets holds two:
the start-of-run measurement (``all_reduce_seconds`` of 102 floats, 30 repeats, on 2
ranks) takes at most 0.1 s of wall time, and an all-reduce of 102 floats on 2 gloo ranks
at most 1 ms (engine/distributed.py's docstring says ~400 µs).

    python benchmarks/bench_distributed.py              # full: about a minute
    python benchmarks/bench_distributed.py --quick      # 2 processes, 2 sizes: a smoke run
    python benchmarks/bench_distributed.py --section allreduce --repeats 7
"""

from __future__ import annotations

import json
import math
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import harness
from harness import Target

SECTIONS = ("allreduce", "model")
SHAPES = {102: (101, 1), 1010: (100, 10), 10_100: (100, 100), 1_000_100: (10_000, 100)}
QUICK_SIZES = (102, 10_100)
BATCH = 256
INNER = 30  # timed all-reduces per measurement (all_reduce_seconds' repeats)
START_TARGET_S = 0.1  # the start-of-run measurement's wall time, at most
SMALL_TARGET_US = 1000.0  # an all-reduce of 102 floats on 2 gloo ranks, at most
MACHINES = (2, 4, 8, 16, 64)


# --------------------------------------------------------------------------- the ranks
def _rank(
    rank: int, world: int, port: int, sizes: list[int], repeats: int, inner: int, out: str
) -> None:
    """One rank: join the gloo group on loopback, time each size ``repeats`` times."""
    import torch

    from perceptron_lab.engine import distributed

    os.environ.update(
        RANK=str(rank),
        WORLD_SIZE=str(world),
        LOCAL_RANK=str(rank),
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
    )
    torch.set_num_threads(1)
    distributed.start(torch.device("cpu"), timeout_s=60)
    try:
        began = time.perf_counter()  # what a run pays at its start for its measurement
        distributed.all_reduce_seconds(102, repeats=30)
        start_s = time.perf_counter() - began
        found: dict[int, list[float]] = {m: [] for m in sizes}
        for r in range(repeats):
            for m in sizes:
                found[m].append(distributed.all_reduce_seconds(m, repeats=inner))
            if rank == 0:
                shown = ", ".join(f"{m:,} floats {found[m][-1] * 1e6:.0f} µs" for m in sizes)
                print(f"  P={world} repeat {r + 1}: {shown}; load {harness.load()}", flush=True)
        if rank == 0:
            report = {"start_s": start_s, "seconds": {str(m): v for m, v in found.items()}}
            Path(out, f"world{world}.json").write_text(json.dumps(report))
    finally:
        distributed.stop()


def measure(world: int, sizes: list[int], repeats: int, inner: int, root: Path) -> dict[str, Any]:
    """``_rank`` on ``world`` spawned processes; rank 0's report."""
    import torch.multiprocessing as mp

    from perceptron_lab.engine import distributed

    began = time.perf_counter()
    mp.start_processes(
        _rank,
        args=(world, distributed.free_port(), sizes, repeats, inner, str(root)),
        nprocs=world,
        join=True,
        start_method="spawn",
    )
    report: dict[str, Any] = json.loads((root / f"world{world}.json").read_text())
    print(f"  P={world}: {time.perf_counter() - began:.1f} s with start-up", flush=True)
    return report


@dataclass
class Reduce:
    """a(m) on P processes: the median of the repeats, and their spread."""

    world: int
    numbers: int
    repeats: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.repeats)

    @property
    def steady(self) -> bool:
        return harness.steady(self.repeats)


def section_allreduce(
    worlds: list[int], sizes: list[int], repeats: int, root: Path
) -> tuple[dict[tuple[int, int], Reduce], dict[int, float]]:
    found: dict[tuple[int, int], Reduce] = {}
    start: dict[int, float] = {}
    cores = os.cpu_count() or 1
    for world in worlds:
        note = f" (on {cores} cores: oversubscribed)" if world > cores else ""
        print(f"gloo all-reduce, {world} processes on 127.0.0.1{note}", flush=True)
        report = measure(world, sizes, repeats, INNER, root)
        start[world] = report["start_s"]
        for m in sizes:
            found[world, m] = Reduce(world, m, report["seconds"][str(m)])
    print()
    head = f"{'floats':>10} {'(d, k)':>12}" + "".join(
        f" {f'P={w} median µs':>16} {'min-max':>15}" for w in worlds
    )
    print(head)
    print("-" * len(head))
    for m in sizes:
        line = f"{m:>10,} {SHAPES[m]!s:>12}"
        for w in worlds:
            r = found[w, m]
            spread = f"{min(r.repeats) * 1e6:.0f}-{max(r.repeats) * 1e6:.0f}"
            line += f" {r.median * 1e6:>15.0f}{'' if r.steady else '*'} {spread:>15}"
        print(line)
    return found, start


# --------------------------------------------------------------------------- the model
def step_seconds(d: int, k: int, steps: int) -> float:
    """The median seconds of a bare-loop batch-256 step of (d, k), in this process."""
    X, y = harness.make_data(BATCH, d, k)
    loop = harness.BareLoop(X, y, k=k)
    xb, yb = loop.X, loop.y
    for _ in range(3):
        loop.step(xb, yb)
    times = []
    for _ in range(steps):
        began = time.perf_counter()
        loop.step(xb, yb)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _stepper(m: int) -> Any:
    return lambda: step_seconds(*SHAPES[m], 20)


def fit(found: dict[tuple[int, int], Reduce]) -> tuple[float, float]:
    """α, β of a(m) ≈ α·log₂P + β·m by least squares over every (P, m) measured."""
    rows = [(math.log2(w), float(m)) for (w, m) in found]
    A = np.array(rows)
    b = np.array([r.median for r in found.values()])
    (alpha, beta), *_ = np.linalg.lstsq(A, b, rcond=None)
    return max(float(alpha), 0.0), max(float(beta), 0.0)


def section_model(
    found: dict[tuple[int, int], Reduce], worlds: list[int], sizes: list[int], repeats: int
) -> None:
    import torch

    from perceptron_lab.engine import distributed

    threads = torch.get_num_threads()
    print(
        f"\none-process batch-{BATCH} steps (the bare loop, {threads} torch thread(s); each "
        "rank has 1), in this process: the best repeat of medians of 20 steps"
    )
    sides = {str(m): _stepper(m) for m in sizes}
    times = harness.interleave("step", sides, repeats, budget_s=30.0)
    step = {m: min(times[str(m)]) for m in sizes}  # the best repeat (each a median of 20)
    print()
    head = f"{'(d, k)':>12} {'step µs':>9}" + "".join(
        f" {f'P={w}: t/P+a µs':>15} {'ratio':>7} {'pays above µs':>14}" for w in worlds
    )
    print(head)
    print("-" * len(head))
    for m in sizes:
        line = f"{SHAPES[m]!s:>12} {step[m] * 1e6:>9.0f}"
        for w in worlds:
            e = distributed.warning_numbers(step[m], found[w, m].median, w)
            mark = " slower" if e.slower else ""
            line += (
                f" {e.step_parallel_s * 1e6:>15.0f} {e.ratio:>6.2f}x {e.break_even_s * 1e6:>14.0f}"
                + mark
            )
        print(line)
    cores = os.cpu_count() or 1
    fitted = {key: r for key, r in found.items() if key[0] <= cores} or found
    alpha, beta = fit(fitted)
    used = sorted({w for w, _ in fitted})
    print(
        f"\nlatency-bound fit a(m) = α·log₂P + β·m over the {len(fitted)} measurements of "
        f"P = {', '.join(map(str, used))} (not oversubscribing the {cores} cores): "
        f"α = {alpha * 1e6:.0f} µs, β = {beta * 1e9:.2f} ns a float ({4 / max(beta, 1e-12) / 1e9:.2f} GB/s)"
    )
    print(
        "extrapolated to P machines (loopback's α: a network adds its own round trip per "
        "log₂P round, tens of µs or more):"
    )
    head = f"{'(d, k)':>12} {'step µs':>9}" + "".join(
        f" {f'P={w} a µs / ratio':>19}" for w in MACHINES
    )
    print(head)
    print("-" * len(head))
    for m in sizes:
        line = f"{SHAPES[m]!s:>12} {step[m] * 1e6:>9.0f}"
        for w in MACHINES:
            a = distributed.modelled_all_reduce(m, w, alpha_s=alpha, beta_s=beta)
            _, ratio = distributed.slower_than_one(step[m], a, w)
            line += f" {f'{a * 1e6:.0f} / {ratio:.2f}x':>19}"
        print(line)


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    p = harness.parser(__doc__.split("\n")[0], SECTIONS)
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads of the one-process step (default 1, as each rank runs)",
    )
    args = p.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    chosen = [n for n in SECTIONS if not args.section or n in args.section]
    sizes = list(QUICK_SIZES if args.quick else SHAPES)
    worlds = [2] if args.quick else [2, 4]
    repeats = args.repeats or (2 if args.quick else 5)
    began = harness.header(
        "perceptron-lab data-parallel benchmark" + (" (--quick: a smoke run)" if args.quick else "")
    )
    print(
        f"sizes {sizes} floats; processes {worlds}; repeats {repeats} of {INNER} timed "
        f"all-reduces each (median); sections {', '.join(chosen)}",
        flush=True,
    )
    root = Path(tempfile.mkdtemp(prefix="bench-distributed-"))
    targets: list[Target] = []
    try:
        print(f"\n== allreduce (load {harness.load()})", flush=True)
        found, start = section_allreduce(worlds, sizes, repeats, root)
        small = found[2, 102]
        targets.append(
            Target(
                "all_reduce_seconds(102), 2 ranks: wall",
                "(absolute, s)",
                float("nan"),
                start[2],
                START_TARGET_S,
                absolute=True,
            )
        )
        targets.append(
            Target(
                "gloo all-reduce of 102 floats, 2 ranks",
                "(absolute, µs)",
                float("nan"),
                small.median * 1e6,
                SMALL_TARGET_US,
                unit="µs",
                absolute=True,
                trusted=small.steady,
            )
        )
        if "model" in chosen:
            print(f"\n== model (load {harness.load()})", flush=True)
            section_model(found, worlds, sizes, repeats)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    harness.print_table(targets)
    harness.footer(began)
    return 0


if __name__ == "__main__":
    harness.main_guard(main)
