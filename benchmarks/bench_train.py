"""Benchmark: perceptron-lab's training against the bare PyTorch loop, scikit-learn's
SGDClassifier and the one-read memory-bandwidth floor, as ratios and scaling tables.

Every workload is synthetic data from ``harness.make_data`` (float32, a noisy linear
teacher), SGD lr 0.1, BCE (k = 1) or cross-entropy (k > 1). Each ratio is measured in
this one process, both sides repeat by repeat (``harness.interleave``), the best taken:

- ``b256``    a batch-256 epoch, every step traced to a run directory, the default
              verification policy: N = 10⁶ (target ≤ 0.35× the bare loop), N = 10⁴ and
              10⁵, softmax k = 10 and 100 (≤ 1.0×);
- ``full``    a full-batch epoch of 10⁶ × 100 against the floor: one read of X, the best
              of ``X.sum()`` with torch's threads (≤ 1.5×); the bare full-batch step beside;
- ``online``  a batch-1 epoch against scikit-learn's SGDClassifier epoch (≤ 1.5×), and
              SGDClassifier's time per sample;
- ``scaling`` tables of seconds an epoch over N, d, k, the batch size (1, 32, 256, full)
              and the steps of a run (epochs);
- ``memory``  the peak-RSS growth of a batch-256 run beyond the data, in a fresh
              subprocess per run (this script with ``--child``), for two numbers of
              epochs (≤ 16 MB, whatever the epochs); the bare loop's beside.

    python benchmarks/bench_train.py                     # full: a few minutes
    python benchmarks/bench_train.py --quick             # small sizes: a smoke run
    python benchmarks/bench_train.py --section b256 --section full
    python benchmarks/bench_train.py --profile b256      # where a target's time goes
"""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import harness
from harness import BareLoop, Target
from proc_status import reset_peak, status_kb

SECTIONS = ("b256", "full", "online", "scaling", "memory")
MEMORY_TARGET_MB = 16.0


@dataclass(frozen=True)
class Work:
    """One training workload: N rows, d features, k outputs, the batch, the epochs."""

    n: int
    d: int = 100
    k: int = 1
    batch: int | None = 256  # None: full batch
    epochs: int = 1

    def name(self) -> str:
        batch = "full" if self.batch is None else str(self.batch)
        return f"N {self.n:,} d {self.d} k {self.k} b {batch} x{self.epochs}"


@dataclass
class Cell:
    """A workload measured: seconds of each repeat, per side, and the run's summary."""

    work: Work
    bare: list[float]
    ours: list[float]
    summary: dict[str, Any]
    others: dict[str, list[float]]  # more baselines' seconds, repeat by repeat

    @property
    def steps(self) -> int:
        return int(self.summary["steps"])

    def per_epoch(self, side: list[float]) -> float:
        return min(side) / self.work.epochs

    @property
    def ratio(self) -> float:
        return min(self.ours) / min(self.bare)

    @property
    def trusted(self) -> bool:
        return harness.steady(self.bare) and harness.steady(self.ours)

    def verified(self) -> str:
        return f"{self.summary.get('verified_steps', '?')}/{self.steps:,} steps verified"

    def target(self, target: float, label: str = "") -> Target:
        return Target(
            label or f"{self.work.name()}, s/epoch",
            "bare PyTorch loop",
            self.per_epoch(self.bare),
            self.per_epoch(self.ours),
            target,
            trusted=self.trusted,
            notes=[self.verified()],
        )


class Bench:
    """The data (made once per shape, sliced for smaller N) and the cells measured."""

    def __init__(self, repeats: int, budget_s: float, root: Path) -> None:
        self.repeats, self.budget_s, self.root = repeats, budget_s, root
        self.arrays: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self.cells: dict[Work, Cell] = {}
        self.warm: set[tuple[int, int]] = set()

    def data(self, n: int, d: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        have = self.arrays.get((d, k))
        if have is None or have[0].shape[0] < n:
            self.arrays[(d, k)] = have = harness.make_data(n, d, k)
        return have[0][:n], have[1][:n]

    def warm_up(self, X: np.ndarray, y: np.ndarray, k: int) -> None:
        """A short run of each side per shape: one-time imports and allocations."""
        key = (X.shape[1], k)
        if key in self.warm:
            return
        self.warm.add(key)
        rows = min(len(X), 2_048)
        BareLoop(X[:rows], y[:rows], k).run(256, 1)
        trainer = harness.pl_trainer(
            harness.pl_dataset(X[:rows], y[:rows], k), epochs=1, batch_size=256, k=k
        )
        harness.run_pl(trainer, self.root / "warm")
        shutil.rmtree(self.root / "warm")

    def measure(self, work: Work, others: dict[str, Callable[[], float]] | None = None) -> Cell:
        """Both sides of a workload, and ``others`` (more baselines), interleaved.

        Cached: a table reuses a target's cell (its ``others`` are kept in ``Cell.others``).
        """
        if work in self.cells:
            return self.cells[work]
        X, y = self.data(work.n, work.d, work.k)
        self.warm_up(X, y, work.k)
        loop = BareLoop(X, y, work.k)
        trainer = harness.pl_trainer(
            harness.pl_dataset(X, y, work.k), epochs=work.epochs, batch_size=work.batch, k=work.k
        )
        summaries: list[dict[str, Any]] = []

        def ours() -> float:
            out = self.root / "run"
            seconds, summary = harness.run_pl(trainer, out)
            shutil.rmtree(out)
            summaries.append(summary)
            return seconds

        sides = {"bare": lambda: loop.run(work.batch, work.epochs), "perceptron-lab": ours}
        times = harness.interleave(work.name(), sides | (others or {}), self.repeats, self.budget_s)
        cell = Cell(work, times.pop("bare"), times.pop("perceptron-lab"), summaries[-1], times)
        print(
            f"{work.name()}: bare {cell.per_epoch(cell.bare):.4g} s/epoch, perceptron-lab "
            f"{cell.per_epoch(cell.ours):.4g} s/epoch ({cell.ratio:.2f}x; {cell.verified()}, "
            f"{min(cell.ours) / cell.steps * 1e6:.0f} us/step)",
            flush=True,
        )
        self.cells[work] = cell
        return cell


# --------------------------------------------------------------------------- sizes
@dataclass(frozen=True)
class Sizes:
    big: int  # the N of the batch-256 and full-batch targets
    mid: int  # N of the d and k tables (and of the 10⁵ target)
    small: int  # N of the 10⁴ target and the steps table
    online: int  # N of the batch-1 epoch and the batch-size table
    mid_epochs: int
    small_epochs: int
    full_epochs: int
    steps_epochs: tuple[int, ...]


FULL = Sizes(1_000_000, 100_000, 10_000, 20_000, 5, 20, 3, (1, 5, 20, 100))
QUICK = Sizes(10_000, 3_000, 1_000, 500, 1, 1, 2, (1, 2))


# --------------------------------------------------------------------------- sections
def section_b256(bench: Bench, s: Sizes) -> list[Target]:
    big = bench.measure(Work(s.big))
    found = [big.target(0.35, f"batch 256, N {s.big:,}, s/epoch (traced)")]
    for n, epochs in ((s.small, s.small_epochs), (s.mid, s.mid_epochs)):
        cell = bench.measure(Work(n, epochs=epochs))
        found.append(cell.target(1.0, f"batch 256, N {n:,}, default verify, s/epoch"))
    for k in (10, 100):
        cell = bench.measure(Work(s.mid, k=k, epochs=s.mid_epochs))
        found.append(cell.target(1.0, f"softmax k {k}, batch 256, N {s.mid:,}, s/epoch"))
    return found


def floor_seconds(X: np.ndarray, repeats: int = 20) -> tuple[float, list[float]]:
    """One read of X: the best of ``X.sum()`` with torch's threads (and every repeat)."""
    import torch

    Xt = torch.from_numpy(X)
    Xt.sum()  # warm
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        Xt.sum()
        times.append(time.perf_counter() - began)
    return min(times), times


def section_full(bench: Bench, s: Sizes) -> list[Target]:
    import torch

    cell = bench.measure(Work(s.big, batch=None, epochs=s.full_epochs))
    X, _ = bench.data(s.big, 100, 1)
    floor, reads = floor_seconds(X)
    gbps = X.nbytes / floor / 1e9
    print(
        f"floor: one read of X ({X.nbytes / 1e6:.0f} MB) by X.sum() with "
        f"{torch.get_num_threads()} threads: best {floor * 1e3:.2f} ms of {len(reads)} "
        f"(median {sorted(reads)[len(reads) // 2] * 1e3:.2f} ms) = {gbps:.1f} GB/s; load "
        f"{harness.load()}",
        flush=True,
    )
    ours = cell.per_epoch(cell.ours)
    bare = cell.per_epoch(cell.bare)
    return [
        Target(
            f"full batch, N {s.big:,} d 100, s/epoch",
            f"one read of X, {gbps:.1f} GB/s",
            floor,
            ours,
            1.5,
            notes=[
                cell.verified(),
                f"the bare full-batch step: {bare:.4g} s, "
                f"{bare / floor:.2f}x the floor; perceptron-lab {ours / bare:.2f}x the bare step",
            ],
            trusted=harness.steady(cell.ours),
        )
    ]


def sgd_classifier_epoch(X: np.ndarray, y: np.ndarray) -> float:
    """Seconds of one epoch of scikit-learn's SGDClassifier (log-loss, constant lr)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDClassifier

    model = SGDClassifier(
        loss="log_loss",
        max_iter=1,
        tol=None,
        learning_rate="constant",
        eta0=harness.LR,
        alpha=0.0,
        random_state=harness.SEED,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gc.collect()
        began = time.perf_counter()
        model.fit(X, y)
        return time.perf_counter() - began


def section_online(bench: Bench, s: Sizes) -> list[Target]:
    work = Work(s.online, batch=1)
    X, y = bench.data(work.n, work.d, work.k)
    X64 = X.astype(np.float64)  # scikit-learn's own dtype: its copy is not timed
    sgd_classifier_epoch(X64[:1000], y[:1000])  # warm
    cell = bench.measure(work, {"SGDClassifier": lambda: sgd_classifier_epoch(X64, y)})
    sk_times = cell.others["SGDClassifier"]
    sk, pl = min(sk_times), min(cell.ours)
    print(
        f"SGDClassifier: {sk:.4g} s an epoch of {work.n:,} samples = {sk / work.n * 1e6:.2f} us "
        f"a sample; perceptron-lab {pl / work.n * 1e6:.2f} us a step; bare loop "
        f"{min(cell.bare) / work.n * 1e6:.2f} us a step",
        flush=True,
    )
    return [
        Target(
            f"batch 1 (online), N {work.n:,} d 100, s/epoch",
            "sklearn SGDClassifier",
            sk,
            pl,
            1.5,
            trusted=harness.steady(sk_times) and cell.trusted,
            notes=[cell.verified(), f"against the bare loop: {pl / min(cell.bare):.2f}x"],
        )
    ]


def table(bench: Bench, title: str, column: str, works: list[tuple[str, Work]]) -> None:
    """One scaling table: a row per value of ``column``."""
    cells = [(value, bench.measure(w)) for value, w in works]
    print(f"\n{title}")
    head = (
        f"{column:>8} {'epochs':>6} {'steps':>8} {'bare s/ep':>10} {'p-lab s/ep':>10} "
        f"{'ratio':>7} {'bare us/st':>10} {'p-lab us/st':>11}  verified"
    )
    print(head)
    print("-" * len(head))
    for value, c in cells:
        print(
            f"{value:>8} {c.work.epochs:>6} {c.steps:>8,} {c.per_epoch(c.bare):>10.4g} "
            f"{c.per_epoch(c.ours):>10.4g} {c.ratio:>6.2f}x {min(c.bare) / c.steps * 1e6:>10.0f} "
            f"{min(c.ours) / c.steps * 1e6:>11.0f}  {c.summary.get('verified_steps', '?')}"
            + ("" if c.trusted else " *")
        )


def section_scaling(bench: Bench, s: Sizes) -> list[Target]:
    ns = ((s.small, s.small_epochs), (s.mid, s.mid_epochs), (s.big, 1))
    tables = [
        ("by N (d 100, k 1, batch 256)", "N", [(f"{n:,}", Work(n, epochs=e)) for n, e in ns]),
        (
            f"by d (N {s.mid:,}, k 1, batch 256)",
            "d",
            [(str(d), Work(s.mid, d=d, epochs=s.mid_epochs)) for d in (10, 100, 1000)],
        ),
        (
            f"by k (N {s.mid:,}, d 100, batch 256; k > 1 softmax)",
            "k",
            [(str(k), Work(s.mid, k=k, epochs=s.mid_epochs)) for k in (1, 10, 100)],
        ),
        (
            f"by batch size (N {s.online:,}, d 100, k 1)",
            "batch",
            [
                ("1", Work(s.online, batch=1)),
                ("32", Work(s.online, batch=32)),
                ("256", Work(s.online, batch=256)),
                ("full", Work(s.online, batch=None, epochs=10)),
            ],
        ),
        (
            f"by steps (N {s.small:,}, d 100, k 1, batch 256)",
            "epochs",
            [(str(e), Work(s.small, epochs=e)) for e in s.steps_epochs],
        ),
    ]
    for title, column, works in tables:
        table(bench, title, column, works)
    print("(* not steady: rerun; s/ep: seconds an epoch, best repeat; us/st: per step)")
    return []


# --------------------------------------------------------------------------- memory
class TimeLimit(KeyboardInterrupt):
    """Raised from ``on_progress`` at the time limit (Trainer.run stops cleanly on it)."""


def child(kind: str, rows: int, epochs: int, limit_s: float) -> None:
    """One memory workload in this fresh process; prints one JSON line.

    The baseline is the RSS after the data (NumPy arrays, plus the bare loop's tensors
    or perceptron-lab's Dataset) and a warm-up of that side (a few steps on a slice:
    one-time imports and allocator pools are not training memory); the peak mark
    (VmHWM) is reset there. Growth = the peak over set-up and training − the baseline.
    Training stops at the first step after ``limit_s`` seconds.
    """
    X, y = harness.make_data(rows, 100)
    loop = BareLoop(X, y) if kind == "bare" else None
    data = harness.pl_dataset(X, y) if kind == "pl" else None
    root = Path(tempfile.mkdtemp(prefix="bench-train-mem-"))
    report: dict[str, Any] = {"kind": kind, "rows": rows, "epochs": epochs}
    try:
        if loop is not None:
            loop.epoch(256, 99, max_steps=20)
        else:
            warm = harness.pl_trainer(
                harness.pl_dataset(X[:5000], y[:5000]), epochs=1, batch_size=256
            )
            harness.run_pl(warm, root / "warm")
            del warm
        gc.collect()
        report["baseline_kb"] = status_kb("VmRSS")
        report["peak_reset"] = reset_peak()
        began = time.perf_counter()
        if loop is not None:
            loop.reset()
            steps = 0
            for epoch in range(epochs):
                steps += loop.epoch(256, epoch)
                if time.perf_counter() - began > limit_s:
                    report["stopped_early"] = epoch + 1 < epochs
                    break
            report["steps"] = steps
        else:
            trainer = harness.pl_trainer(data, epochs=epochs, batch_size=256)

            def on_progress(progress: Any) -> None:
                if time.perf_counter() - began > limit_s:
                    raise TimeLimit

            try:
                trainer.run(root / "run", on_progress=on_progress)
            except TimeLimit:
                report["stopped_early"] = True
            summary = json.loads((root / "run" / "summary.json").read_text())
            report["steps"] = summary["steps"]
            report["run_dir_bytes"] = harness.dir_bytes(root / "run")
        report["train_seconds"] = time.perf_counter() - began
        report["peak_kb"] = status_kb("VmHWM")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(report), flush=True)


def run_child(kind: str, rows: int, epochs: int, limit_s: float) -> dict[str, Any]:
    import torch

    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--rows", str(rows)]
    cmd += ["--mem-epochs", str(epochs), "--limit-s", f"{limit_s:.1f}"]
    cmd += ["--threads", str(torch.get_num_threads())]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} memory run failed:\n{done.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def section_memory(bench: Bench, s: Sizes, limit_s: float) -> list[Target]:
    found = []
    epochs_runs = (1, 2) if s is QUICK else (1, 4)
    bare = run_child("bare", s.big, epochs_runs[-1], limit_s)
    bare_mb = (bare["peak_kb"] - bare["baseline_kb"]) / 1024
    print(
        f"memory, bare loop {epochs_runs[-1]} epochs: growth {bare_mb:.1f} MB "
        f"({bare['steps']:,} steps, {bare['train_seconds']:.1f} s)",
        flush=True,
    )
    for epochs in epochs_runs:
        r = run_child("pl", s.big, epochs, limit_s)
        grown = (r["peak_kb"] - r["baseline_kb"]) / 1024
        print(
            f"memory, perceptron-lab {epochs} epoch(s) of batch 256, N {s.big:,} d 100: baseline "
            f"{r['baseline_kb'] / 1024:.1f} MB, peak {r['peak_kb'] / 1024:.1f} MB, growth "
            f"{grown:.1f} MB ({r['steps']:,} steps, {r['train_seconds']:.1f} s; run dir "
            f"{r['run_dir_bytes'] / 1e6:.2f} MB)"
            + (" STOPPED at the time limit" if r.get("stopped_early") else ""),
            flush=True,
        )
        found.append(
            Target(
                f"memory growth, {epochs} epoch(s) b256 N {s.big:,}",
                "bare loop's growth (MB)",
                bare_mb,
                grown,
                MEMORY_TARGET_MB,
                unit="MB",
                absolute=True,
                trusted=not r.get("stopped_early") and r["peak_reset"],
            )
        )
    first, last = found[0].ours, found[-1].ours
    found[-1].notes.append(
        f"{last - first:+.1f} MB from {epochs_runs[0]} to {epochs_runs[-1]} epochs: "
        "growth with the epochs would break the target on a longer run"
    )
    return found


# --------------------------------------------------------------------------- profile
def profile_works(s: Sizes) -> dict[str, Work]:
    """The target workloads ``--profile`` can name."""
    return {
        "b256": Work(s.big),
        "b256-small": Work(s.small, epochs=s.small_epochs),
        "softmax": Work(s.mid, k=10, epochs=s.mid_epochs),
        "full": Work(s.big, batch=None, epochs=s.full_epochs),
        "online": Work(s.online, batch=1),
    }


def profile(bench: Bench, work: Work, top: int = 25) -> None:
    """cProfile of one perceptron-lab run of ``work`` (after a warm-up), the top functions."""
    import cProfile
    import pstats

    X, y = bench.data(work.n, work.d, work.k)
    bench.warm_up(X, y, work.k)
    trainer = harness.pl_trainer(
        harness.pl_dataset(X, y, work.k), epochs=work.epochs, batch_size=work.batch, k=work.k
    )
    profiler = cProfile.Profile()
    profiler.enable()
    seconds, summary = harness.run_pl(trainer, bench.root / "run")
    profiler.disable()
    print(f"profile of {work.name()}: {seconds:.3f} s under cProfile, {summary['steps']:,} steps")
    for key in ("cumulative", "tottime"):
        pstats.Stats(profiler).strip_dirs().sort_stats(key).print_stats(top)


# --------------------------------------------------------------------------- main
RUNS = {
    "b256": section_b256,
    "full": section_full,
    "online": section_online,
    "scaling": section_scaling,
}


def main(argv: list[str] | None = None) -> int:
    p = harness.parser(__doc__.split("\n")[0], SECTIONS)
    p.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    p.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds after which a workload takes no further repeats",
    )
    p.add_argument("--mem-limit", type=float, default=120.0, help="seconds a memory run may train")
    p.add_argument(
        "--profile",
        choices=list(profile_works(FULL)),
        help="cProfile one perceptron-lab run of this target's workload (top 25), then stop",
    )
    p.add_argument("--child", choices=["bare", "pl"], help="internal: one memory run")
    p.add_argument("--rows", type=int, default=0, help="internal: the memory run's rows")
    p.add_argument("--mem-epochs", type=int, default=1, help="internal: the memory run's epochs")
    p.add_argument("--limit-s", type=float, default=120.0, help="internal: its time limit")
    args = p.parse_args(argv)
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    if args.child:
        child(args.child, args.rows, args.mem_epochs, args.limit_s)
        return 0
    sizes = QUICK if args.quick else FULL
    repeats = args.repeats or (1 if args.quick else 3)
    budget = args.budget if args.budget is not None else (0.0 if args.quick else 40.0)
    chosen = [] if args.profile else [n for n in SECTIONS if not args.section or n in args.section]
    began = harness.header(
        "perceptron-lab training benchmark" + (" (--quick: a smoke run)" if args.quick else "")
    )
    print(
        f"sizes: {sizes}; repeats {repeats} (up to {2 * repeats} while not steady, none "
        f"after {budget:g} s a workload); sections {', '.join(chosen) or 'none: --profile ' + args.profile}",
        flush=True,
    )
    root = Path(tempfile.mkdtemp(prefix="bench-train-"))
    targets: list[Target] = []
    try:
        bench = Bench(repeats, budget, root)
        if args.profile:
            profile(bench, profile_works(sizes)[args.profile])
        for name in chosen:
            print(f"\n== {name} (load {harness.load()})", flush=True)
            if name == "memory":
                targets += section_memory(bench, sizes, args.mem_limit)
            else:
                targets += RUNS[name](bench, sizes)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    harness.print_table(targets)
    harness.footer(began)
    return 0


if __name__ == "__main__":
    harness.main_guard(main)
