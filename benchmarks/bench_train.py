"""Benchmark: perceptron-lab's Trainer against a hand-written PyTorch loop.

Synthetic binary data (default 1,000,000 x 100 float32), BCE loss, plain SGD (lr 0.1).
Everything that is timed runs in this one process, one workload after another, so the
ratios are fair on a noisy machine:

1. the bare PyTorch loop a user would write (nn.Linear, BCEWithLogitsLoss, optim.SGD,
   a seeded randperm per epoch, ``loss.item()`` every step);
2. perceptron-lab's ``Trainer`` with the same settings, trace on (a run directory is
   written), sampled verification (auto ``verify_every``), no per-sample capture;

for a full-batch epoch and a batch-256 epoch. Peak memory of a long batch-256 run
(default 10 epochs) is measured in one fresh subprocess per side (this script with
``--child``). scikit-learn's SGDClassifier and LogisticRegression are timed for reference.

    python benchmarks/bench_train.py            # full size, a few minutes
    python benchmarks/bench_train.py --quick    # 100,000 rows, a smoke run (~30 s)
    python benchmarks/bench_train.py --rows 200000
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from perceptron_lab.data import Dataset, from_arrays
from perceptron_lab.engine.column_table import ColumnTable
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.train import Trainer
from proc_status import reset_peak, status_kb

D = 100  # features
LR = 0.1
BATCH = 256
SEED = 0
FULL_ROWS = 1_000_000
QUICK_ROWS = 100_000
WARMUP_ROWS = 5_000  # 20 warm-up steps of batch 256
TARGETS = {"full": 1.0, "b256": 0.5, "memory": 1.1}  # perceptron-lab / bare, at most


# --------------------------------------------------------------------------- data
def make_data(rows: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """X ~ N(0, 1) (rows, D) float32; y = (X·w_true + noise > 0) as 0/1 int64."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((rows, D), dtype=np.float32)
    w_true = rng.standard_normal(D, dtype=np.float32)
    noise = rng.standard_normal(rows, dtype=np.float32) * np.float32(0.5 * np.sqrt(D))
    y = (X @ w_true + noise > 0).astype(np.int64)
    return X, y


# --------------------------------------------------------------------------- the two sides
class BareLoop:
    """The loop a user hand-writes: nn.Linear, BCEWithLogitsLoss, optim.SGD."""

    def __init__(self, X: np.ndarray, y: np.ndarray, seed: int = SEED) -> None:
        self.X = torch.from_numpy(X)  # (N, D) float32, shares the NumPy buffer
        self.y = torch.from_numpy(y.astype(np.float32)).unsqueeze(1)  # (N, 1)
        self.n = self.X.shape[0]
        self.seed = seed
        self.reset()

    def reset(self) -> None:
        torch.manual_seed(self.seed)
        self.model = nn.Linear(D, 1)
        self.loss_fn = nn.BCEWithLogitsLoss()
        self.opt = torch.optim.SGD(self.model.parameters(), lr=LR)
        self.losses: list[float] = []

    def step(self, xb: torch.Tensor, yb: torch.Tensor) -> None:
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(xb), yb)
        loss.backward()
        self.opt.step()
        self.losses.append(loss.item())  # a user logs the loss

    def epoch(self, batch_size: int | None, epoch: int, max_steps: int | None = None) -> int:
        """One pass (full batch: one step). Returns the steps taken."""
        if batch_size is None:
            self.step(self.X, self.y)
            return 1
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
        perm = torch.randperm(self.n, generator=generator)
        steps = 0
        for start in range(0, self.n, batch_size):
            idx = perm[start : start + batch_size]
            self.step(self.X[idx], self.y[idx])
            steps += 1
            if max_steps is not None and steps >= max_steps:
                break
        return steps

    def accuracy(self) -> float:
        with torch.no_grad():
            predicted = (self.model(self.X) > 0).to(torch.float32)
            return float((predicted == self.y).to(torch.float32).mean())


def pl_config(epochs: int, batch_size: int | None) -> TrainConfig:
    return TrainConfig(
        loss="bce",
        optimizer="sgd",
        lr=LR,
        epochs=epochs,
        batch_size=batch_size,
        seed=SEED,
        dtype="float32",
        capture_samples=False,
    )


def run_pl(trainer: Trainer, out: Path) -> tuple[float, dict[str, Any]]:
    """Seconds for ``trainer.run(out)`` (trace on) and its summary."""
    gc.collect()
    began = time.perf_counter()
    result = trainer.run(out)
    seconds = time.perf_counter() - began
    if result.summary.status != "finished":
        raise RuntimeError(f"perceptron-lab run ended {result.summary.status!r}")
    return seconds, result.summary.to_json()


def time_bare(loop: BareLoop, batch_size: int | None, epochs: int) -> float:
    loop.reset()
    gc.collect()
    began = time.perf_counter()
    for epoch in range(epochs):
        loop.epoch(batch_size, epoch)
    return time.perf_counter() - began


def warm_bare(loop: BareLoop) -> None:
    """A few batch-256 steps and one full-batch step, then fresh weights."""
    loop.epoch(BATCH, 99, max_steps=20)
    loop.epoch(None, 99)
    loop.reset()


def warm_pl(X: np.ndarray, y: np.ndarray, root: Path) -> None:
    """Short traced runs (batch 256 and full batch) on a small slice of the data."""
    small = from_arrays(X[:WARMUP_ROWS], y[:WARMUP_ROWS], task="binary")
    Trainer(pl_config(1, BATCH), small).run(root / "warm-b256")
    Trainer(pl_config(2, None), small).run(root / "warm-full")


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# --------------------------------------------------------------------------- memory


class TimeLimit(KeyboardInterrupt):
    """Raised from ``on_progress`` to stop a run at its time limit (Trainer.run stops
    cleanly on KeyboardInterrupt: it flushes the trace and writes summary.json)."""


def child(kind: str, rows: int, epochs: int, limit_s: float) -> None:
    """One memory workload in a fresh process; prints one JSON line.

    RSS is taken right after data creation (the NumPy arrays, plus the bare loop's
    tensors or perceptron-lab's Dataset) and a warm-up of that side (a few steps on a
    small slice, so one-time imports and allocator pools do not count as training
    memory); the peak mark is reset there, so data-creation transients do not count.
    Set-up (model or Trainer) and training follow; training stops at the first step
    after ``limit_s`` seconds (the report says how many steps were done).
    """
    X, y = make_data(rows)
    loop: BareLoop | None = None
    data: Dataset | None = None
    if kind == "bare":
        loop = BareLoop(X, y)
    else:
        data = from_arrays(X, y, task="binary")
    gc.collect()
    rss_before_warmup = status_kb("VmRSS")
    warm_root = Path(tempfile.mkdtemp(prefix="bench-train-warm-"))
    try:
        if loop is not None:
            warm_bare(loop)
        else:
            warm_pl(X, y, warm_root)
    finally:
        shutil.rmtree(warm_root, ignore_errors=True)
    gc.collect()
    rss_data = status_kb("VmRSS")
    can_reset = reset_peak()
    report: dict[str, Any] = {"kind": kind, "rows": rows, "epochs": epochs}
    began = time.perf_counter()
    if loop is not None:
        loop.reset()
        rss_setup = status_kb("VmRSS")
        peak_setup = status_kb("VmHWM")
        reset_peak()
        train_began = time.perf_counter()
        steps = 0
        for epoch in range(epochs):
            steps += loop.epoch(BATCH, epoch)
            if time.perf_counter() - train_began > limit_s and epoch + 1 < epochs:
                report["stopped_early"] = True
                break
        report["train_seconds"] = time.perf_counter() - train_began
        report["steps"] = steps
        report["accuracy"] = loop.accuracy()
    else:
        assert data is not None
        trainer = Trainer(pl_config(epochs, BATCH), data)
        rss_setup = status_kb("VmRSS")
        peak_setup = status_kb("VmHWM")
        reset_peak()
        root = Path(tempfile.mkdtemp(prefix="bench-train-mem-"))
        try:
            out = root / "run"
            train_began = time.perf_counter()

            def on_progress(progress: Any) -> None:
                if time.perf_counter() - train_began > limit_s:
                    raise TimeLimit

            try:
                trainer.run(out, on_progress=on_progress)
            except TimeLimit:
                report["stopped_early"] = True
            report["train_seconds"] = time.perf_counter() - train_began
            summary = json.loads((out / "summary.json").read_text())
            report["steps"] = summary["steps"]
            report["status"] = summary["status"]
            report["accuracy"] = summary["final"].get("train_accuracy")
            report["verified_steps"] = summary["verified_steps"]
            report["verify_every"] = summary["verify_every"]
            report["run_dir_bytes"] = dir_bytes(out)
            report["run_dir_files"] = sum(1 for f in out.rglob("*") if f.is_file())
            # the trace's buffer by design: capacity rows of the vector columns
            capacity = inspect.signature(ColumnTable).parameters["capacity"].default
            widths = trainer.schema().vectors
            report["trace_buffer_bytes"] = int(capacity) * sum(widths.values()) * 8
            report["trace_buffer_rows"] = int(capacity)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    peak_train = status_kb("VmHWM")
    report |= {
        "seconds": time.perf_counter() - began,
        "rss_before_warmup_kb": rss_before_warmup,
        "rss_after_data_kb": rss_data,
        "rss_after_setup_kb": rss_setup,
        "peak_setup_kb": peak_setup,
        "peak_train_kb": peak_train,
        "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "peak_reset": can_reset,
    }
    print(json.dumps(report), flush=True)


def run_child(kind: str, rows: int, epochs: int, limit_s: float) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind]
    cmd += ["--rows", str(rows), "--mem-epochs", str(epochs), "--limit-s", f"{limit_s:.1f}"]
    cmd += ["--threads", str(torch.get_num_threads())]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} memory run failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def growth_kb(r: dict[str, Any]) -> int:
    """Peak RSS over the workload minus RSS right after data creation."""
    if r["peak_reset"]:
        return max(r["peak_setup_kb"], r["peak_train_kb"]) - r["rss_after_data_kb"]
    return r["ru_maxrss_kb"] - r["rss_after_data_kb"]


# --------------------------------------------------------------------------- reference
def bench_sklearn(X: np.ndarray, y: np.ndarray) -> dict[str, float]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression, SGDClassifier

    found: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sgd = SGDClassifier(
            loss="log_loss",
            max_iter=1,
            tol=None,
            learning_rate="constant",
            eta0=LR,
            alpha=0,
            random_state=SEED,
        )
        sgd.fit(X[:1000], y[:1000])  # warm-up
        gc.collect()
        began = time.perf_counter()
        sgd.fit(X, y)
        found["sgd_seconds"] = time.perf_counter() - began
        found["sgd_accuracy"] = float(sgd.score(X, y))
        logistic = LogisticRegression(max_iter=100)
        gc.collect()
        began = time.perf_counter()
        logistic.fit(X, y)
        found["logistic_seconds"] = time.perf_counter() - began
        found["logistic_accuracy"] = float(logistic.score(X, y))
    return found


# --------------------------------------------------------------------------- report
def load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


def mb(kb: float) -> str:
    return f"{kb / 1024:.1f} MB"


STEADY = 1.25  # the best repeat is trusted when the next best is within 25 % of it


def steady(times: list[float]) -> bool:
    """Whether the best time is confirmed by a second repeat within ``STEADY``."""
    best = sorted(times)
    return len(best) >= 2 and best[1] <= STEADY * best[0]


def more_repeats(
    r: int, args: argparse.Namespace, began: float, bare: list[float], pl: list[float]
) -> bool:
    """True to stop: after ``--repeats`` once both sides are steady (up to twice as many
    while not), and after the first whenever the section has used ``--section-budget``."""
    if r == 0:
        return False
    if time.perf_counter() - began > args.section_budget:
        return True
    return r >= args.repeats and steady(bare) and steady(pl)


def verdict(ratio: float, target: float, trusted: bool = True) -> str:
    return ("PASS" if ratio <= target else "MISS") + ("" if trusted else "*")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows, fewer epochs")
    parser.add_argument("--rows", type=int, default=None, help=f"rows (default {FULL_ROWS:,})")
    parser.add_argument("--full-epochs", type=int, default=3, help="epochs per full-batch run")
    parser.add_argument(
        "--repeats", type=int, default=3, help="timing repeats, best taken (3; --quick 2)"
    )
    parser.add_argument(
        "--mem-epochs", type=int, default=None, help="memory-run epochs (10; --quick 1)"
    )
    parser.add_argument(
        "--mem-budget", type=float, default=200.0, help="seconds allowed for the memory runs"
    )
    parser.add_argument(
        "--section-budget",
        type=float,
        default=45.0,
        help="no further timing repeats once a section has taken this many seconds",
    )
    parser.add_argument("--no-sklearn", action="store_true", help="skip the reference timings")
    parser.add_argument(
        "--threads", type=int, default=None, help="torch.set_num_threads (default: torch's own)"
    )
    parser.add_argument("--child", choices=["bare", "pl"], help=argparse.SUPPRESS)
    parser.add_argument("--limit-s", type=float, default=600.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # SIGTERM -> SystemExit, so the temporary run directories are removed on the way out
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if args.threads:
        torch.set_num_threads(args.threads)

    rows = args.rows or (QUICK_ROWS if args.quick else FULL_ROWS)
    if args.child:
        child(args.child, rows, args.mem_epochs or 10, args.limit_s)
        return 0
    mem_epochs = args.mem_epochs or (1 if args.quick else 10)
    full_epochs = 2 if args.quick and args.full_epochs == 3 else args.full_epochs
    if args.quick and args.repeats == 3:
        args.repeats = 2

    began_all = time.perf_counter()
    print("perceptron-lab training benchmark")
    print(
        f"machine: {platform.machine()} {platform.processor() or ''}".rstrip()
        + f", os.cpu_count()={os.cpu_count()}, torch {torch.__version__},"
        f" torch.get_num_threads()={torch.get_num_threads()}, numpy {np.__version__},"
        f" python {platform.python_version()}"
    )
    print(f"data: {rows:,} x {D} float32, binary; BCE + SGD lr {LR}; batch {BATCH}")
    print(f"load average at start: {load()} (the machine is shared; see the repeats)", flush=True)

    # ----------------------------------------------------------------- data, once
    t0 = time.perf_counter()
    X, y = make_data(rows)
    t_data = time.perf_counter() - t0
    t0 = time.perf_counter()
    dataset = from_arrays(X, y, task="binary")
    t_dataset = time.perf_counter() - t0
    t0 = time.perf_counter()
    _ = dataset.fingerprint  # the run's config.json names it; cached per Dataset
    t_fingerprint = time.perf_counter() - t0
    print(
        f"setup (not timed below): data {t_data:.2f} s, from_arrays {t_dataset:.2f} s, "
        f"Dataset.fingerprint {t_fingerprint:.2f} s",
        flush=True,
    )
    loop = BareLoop(X, y)

    # ----------------------------------------------------------------- warm-up
    root = Path(tempfile.mkdtemp(prefix="bench-train-"))
    try:
        t0 = time.perf_counter()
        warm_bare(loop)
        warm_pl(X, y, root)
        print(f"warm-up: {time.perf_counter() - t0:.2f} s", flush=True)

        # ------------------------------------------------------------- full batch
        t0 = time.perf_counter()
        trainer = Trainer(pl_config(full_epochs, None), dataset)
        t_trainer = time.perf_counter() - t0
        bare_full, pl_full = [], []
        section = time.perf_counter()
        for r in range(2 * args.repeats):
            if more_repeats(r, args, section, bare_full, pl_full):
                break
            bare_full.append(time_bare(loop, None, full_epochs) / full_epochs)
            seconds, full_summary = run_pl(trainer, root / f"full-{r}")
            pl_full.append(seconds / full_epochs)
        bare_full_acc = loop.accuracy()
        del trainer
        gc.collect()
        print(
            f"full batch ({full_epochs} epochs, best of {len(pl_full)}): "
            f"bare {min(bare_full):.3f} s/epoch {[round(s, 3) for s in bare_full]}, "
            f"perceptron-lab {min(pl_full):.3f} s/epoch {[round(s, 3) for s in pl_full]} "
            f"(Trainer() set-up {t_trainer:.2f} s, not timed; "
            f"verify_every {full_summary['verify_every']}, "
            f"{full_summary['verified_steps']} verified)",
            flush=True,
        )

        # ------------------------------------------------------------- batch 256
        trainer = Trainer(pl_config(1, BATCH), dataset)
        bare_b, pl_b = [], []
        section = time.perf_counter()
        for r in range(2 * args.repeats):
            if more_repeats(r, args, section, bare_b, pl_b):
                break
            bare_b.append(time_bare(loop, BATCH, 1))
            seconds, b_summary = run_pl(trainer, root / f"b256-{r}")
            pl_b.append(seconds)
        bare_b_acc = loop.accuracy()
        steps = b_summary["steps"]
        b_dir = dir_bytes(root / "b256-0")
        del trainer
        gc.collect()
        print(
            f"batch {BATCH} (1 epoch = {steps:,} steps, best of {len(pl_b)}): "
            f"bare {min(bare_b):.3f} s {[round(s, 3) for s in bare_b]} "
            f"({min(bare_b) / steps * 1e6:.0f} us/step), "
            f"perceptron-lab {min(pl_b):.3f} s {[round(s, 3) for s in pl_b]} "
            f"({min(pl_b) / steps * 1e6:.0f} us/step; "
            f"verify_every {b_summary['verify_every']}, {b_summary['verified_steps']} verified; "
            f"run dir {b_dir / 1e6:.2f} MB)",
            flush=True,
        )
        print(
            f"accuracy (train): full batch bare {bare_full_acc:.4f} / perceptron-lab "
            f"{full_summary['final']['train_accuracy']:.4f}; batch {BATCH} bare "
            f"{bare_b_acc:.4f} / perceptron-lab {b_summary['final']['train_accuracy']:.4f}",
            flush=True,
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)

    # ----------------------------------------------------------------- scikit-learn
    ref: dict[str, float] = {}
    if not args.no_sklearn:
        ref = bench_sklearn(X, y)
        print(
            f"scikit-learn: SGDClassifier 1 epoch {ref['sgd_seconds']:.2f} s "
            f"(acc {ref['sgd_accuracy']:.4f}), LogisticRegression fit "
            f"{ref['logistic_seconds']:.2f} s (acc {ref['logistic_accuracy']:.4f})",
            flush=True,
        )

    # ----------------------------------------------------------------- memory
    del loop, dataset, X, y
    gc.collect()
    overhead = t_data + t_dataset + 8  # per child: imports, data, Dataset, warm-up
    train_budget = max(args.mem_budget - 2 * overhead, 20.0)
    bare_e, pl_e = min(bare_b), min(pl_b)
    requested = mem_epochs
    if mem_epochs * (bare_e + pl_e) * 1.2 > train_budget and mem_epochs > 2:
        mem_epochs = 2
    estimate = mem_epochs * (bare_e + pl_e) * 1.2 + 2 * overhead
    print(
        f"memory: {mem_epochs} epochs of batch {BATCH} per side in fresh subprocesses "
        f"(estimated {estimate:.0f} s, limit {args.mem_budget:.0f} s)"
        + (
            f"; {requested} epochs would exceed --mem-budget {args.mem_budget:.0f} s"
            if mem_epochs != requested
            else ""
        ),
        flush=True,
    )
    # Hard limits: on a shared machine a busy spell must not blow the time budget.
    mem_began = time.perf_counter()
    limit_bare = max(train_budget * bare_e / (bare_e + pl_e), 10.0)
    mem_bare = run_child("bare", rows, mem_epochs, limit_bare)
    limit_pl = max(args.mem_budget - (time.perf_counter() - mem_began) - overhead, 10.0)
    mem_pl = run_child("pl", rows, mem_epochs, limit_pl)
    for r in (mem_bare, mem_pl):
        name = "bare" if r["kind"] == "bare" else "perceptron-lab"
        print(
            f"  {name}: RSS after data {mb(r['rss_before_warmup_kb'])}, after warm-up "
            f"{mb(r['rss_after_data_kb'])} (the baseline), after set-up "
            f"{mb(r['rss_after_setup_kb'])}, peak during set-up {mb(r['peak_setup_kb'])}, "
            f"peak during training {mb(r['peak_train_kb'])}; growth {mb(growth_kb(r))} "
            f"(training only {mb(r['peak_train_kb'] - r['rss_after_setup_kb'])}); "
            f"ru_maxrss {mb(r['ru_maxrss_kb'])}*; {r['train_seconds']:.1f} s training "
            f"({r['train_seconds'] / r['steps'] * steps:.2f} s/epoch), {r['steps']:,} steps, "
            f"acc {r['accuracy']:.4f}",
            flush=True,
        )
        if r.get("stopped_early"):
            print(
                f"  ! {name} stopped at its time limit after {r['steps']:,} of "
                f"{mem_epochs * steps:,} steps (the machine is busy; peaks are for those steps)",
                flush=True,
            )
    run_dir = mem_pl.get("run_dir_bytes", 0)
    print(
        f"  traced run directory: {run_dir:,} bytes ({run_dir / 1e6:.2f} MB) in "
        f"{mem_pl.get('run_dir_files', '?')} files; verify_every {mem_pl.get('verify_every')}, "
        f"{mem_pl.get('verified_steps')} verified steps",
        flush=True,
    )
    if "trace_buffer_bytes" in mem_pl:
        print(
            f"  by design the step table buffers at most {mem_pl['trace_buffer_rows']} rows "
            f"({mem_pl['trace_buffer_bytes'] / 1e6:.1f} MB of float64 vectors) before writing "
            "a Parquet part, so training memory does not grow with the number of epochs",
            flush=True,
        )
    print(
        "  * ru_maxrss is not used: Linux carries the parent's peak into a child at exec, and "
        "it keeps data-creation transients; growth = VmHWM (reset after the baseline) - baseline",
        flush=True,
    )
    if not mem_bare["peak_reset"]:
        print(
            "  (peak-RSS reset unavailable: growth uses ru_maxrss, which includes "
            "data-creation transients)"
        )

    # ----------------------------------------------------------------- table
    g_bare, g_pl = growth_kb(mem_bare), growth_kb(mem_pl)
    lines = [
        (
            f"full batch, s/epoch (best of {len(pl_full)})",
            f"{min(bare_full):.3f}",
            f"{min(pl_full):.3f}",
            min(pl_full) / min(bare_full),
            TARGETS["full"],
            steady(bare_full) and steady(pl_full),
        ),
        (
            f"batch {BATCH}, s/epoch ({steps:,} steps)",
            f"{min(bare_b):.3f}",
            f"{min(pl_b):.3f}",
            min(pl_b) / min(bare_b),
            TARGETS["b256"],
            steady(bare_b) and steady(pl_b),
        ),
        (
            f"peak RSS growth, {mem_epochs} ep b{BATCH} (MB)",
            f"{g_bare / 1024:.1f}",
            f"{g_pl / 1024:.1f}",
            g_pl / max(g_bare, 1),
            TARGETS["memory"],
            not (mem_bare.get("stopped_early") or mem_pl.get("stopped_early")),
        ),
    ]
    t_bare = mem_bare["peak_train_kb"] - mem_bare["rss_after_setup_kb"]
    t_pl = mem_pl["peak_train_kb"] - mem_pl["rss_after_setup_kb"]
    p_bare = max(mem_bare["peak_setup_kb"], mem_bare["peak_train_kb"])
    p_pl = max(mem_pl["peak_setup_kb"], mem_pl["peak_train_kb"])
    info = [
        ("  (info) growth in training only (MB)", t_bare, t_pl),
        ("  (info) process peak RSS, data incl. (MB)", p_bare, p_pl),
    ]
    header = f"{'workload':<38} {'bare':>9} {'p-lab':>9} {'ratio':>8} {'target':>8}  result"
    print()
    print(header)
    print("-" * len(header))
    for name, bare_s, pl_s, ratio, target, trusted in lines:
        print(
            f"{name:<38} {bare_s:>9} {pl_s:>9} {ratio:>7.2f}x {f'<= {target:.1f}x':>8}  "
            f"{verdict(ratio, target, trusted)}"
        )
    for name, bare_kb, pl_kb in info:
        print(
            f"{name:<38} {bare_kb / 1024:>9.1f} {pl_kb / 1024:>9.1f} "
            f"{pl_kb / max(bare_kb, 1):>7.2f}x"
        )
    if not all(line[-1] for line in lines):
        print(
            f"* not steady: the two best repeats of a side differ by more than "
            f"{STEADY:.2f}x (or a memory run hit its time limit); the machine was busy, rerun"
        )
    if ref:
        base = min(bare_b)
        print(f"reference (ratio to the bare batch-{BATCH} epoch, {base:.3f} s):")
        print(
            f"  {'sklearn SGDClassifier, 1 epoch':<36} {ref['sgd_seconds']:>9.3f} s "
            f"{ref['sgd_seconds'] / base:>7.2f}x"
        )
        print(
            f"  {'sklearn LogisticRegression fit':<36} {ref['logistic_seconds']:>9.3f} s "
            f"{ref['logistic_seconds'] / base:>7.2f}x"
        )
    print(f"total wall time {time.perf_counter() - began_all:.0f} s; load average at end: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
