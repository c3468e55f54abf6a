"""What every benchmark shares: the machine, the load, the data, the bare PyTorch loop,
timing by interleaved repeats, perceptron-lab's run, and the final table of targets.

Ratios are what the benchmarks report: both sides of one are measured in the same
process, one after the other and repeat by repeat (``interleave``), the best repeat of
each side taken, with the load average printed at each repeat: the machine is shared.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

SEED = 0
LR = 0.1
STEADY = 1.25  # a best repeat is trusted when the next best is within 25 % of it


# --------------------------------------------------------------------------- machine, load
def load() -> str:
    """The 1-, 5- and 15-minute load averages, as text."""
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


def machine() -> str:
    """One line: CPU, cores, the libraries' versions and torch's threads."""
    import torch

    try:
        from sklearn import __version__ as sklearn_version
    except ImportError:
        sklearn_version = "absent"
    return (
        f"{platform.machine()} {platform.processor() or ''}".rstrip()
        + f", os.cpu_count()={os.cpu_count()}, torch {torch.__version__}"
        f" (torch.get_num_threads()={torch.get_num_threads()}), numpy {np.__version__},"
        f" scikit-learn {sklearn_version}, python {platform.python_version()}"
    )


def git_commit() -> str:
    """The commit being measured (short), or '?' outside a git checkout."""
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent,
    )
    return done.stdout.strip() or "?"


def header(title: str) -> float:
    """Print the title, the machine and the load at the start; returns the start time."""
    print(title)
    print(f"machine: {machine()}; commit {git_commit()}")
    print(f"load average at start: {load()} (the machine is shared; see every repeat)", flush=True)
    return time.perf_counter()


def footer(began: float) -> None:
    print(f"total wall time {time.perf_counter() - began:.0f} s; load average at end: {load()}")


def parser(description: str, sections: Sequence[str]) -> argparse.ArgumentParser:
    """The flags every benchmark takes: --quick, --section (repeatable), --repeats."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="small sizes: a smoke run of seconds")
    p.add_argument(
        "--section",
        action="append",
        choices=list(sections),
        help="run only this part (repeatable; default: all)",
    )
    p.add_argument("--repeats", type=int, default=None, help="timing repeats, best taken")
    return p


# --------------------------------------------------------------------------- data
def make_data(rows: int, d: int, k: int = 1, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """X ~ N(0, 1) (rows, d) float32; labels of a noisy linear teacher, never separable.

    k = 1: y = 1[X·w + ε > 0] ∈ {0, 1}; k > 1: y = argmax(X·W + E) ∈ {0 … k−1},
    with ε, E ~ N(0, (0.5·√d)²) so that the optimum log-loss exists and is well above 0.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((rows, d), dtype=np.float32)  # (N, d)
    teacher = rng.standard_normal((d, k), dtype=np.float32)  # (d, k)
    noise = rng.standard_normal((rows, k), dtype=np.float32) * np.float32(0.5 * np.sqrt(d))
    Z = X @ teacher + noise  # (N, k)
    y = (Z[:, 0] > 0) if k == 1 else Z.argmax(axis=1)
    return X, y.astype(np.int64)


# --------------------------------------------------------------------------- the bare loop
class BareLoop:
    """The loop a tutorial writes: nn.Linear, BCEWithLogitsLoss (k = 1) or
    CrossEntropyLoss (k > 1), optim.SGD, zero_grad / backward / step, ``loss.item()``
    every step, and a new ``torch.randperm`` order each epoch (no DataLoader)."""

    def __init__(self, X: np.ndarray, y: np.ndarray, k: int = 1, lr: float = LR) -> None:
        import torch

        self.X = torch.from_numpy(X)  # (N, d), shares the NumPy buffer
        if k == 1:
            self.y = torch.from_numpy(y.astype(np.float32)).unsqueeze(1)  # (N, 1)
        else:
            self.y = torch.from_numpy(y)  # (N,) class indices
        self.n, self.d = self.X.shape
        self.k, self.lr = k, lr
        self.reset()

    def reset(self) -> None:
        import torch
        from torch import nn

        torch.manual_seed(SEED)
        self.model = nn.Linear(self.d, self.k)
        self.loss_fn: nn.Module = nn.BCEWithLogitsLoss() if self.k == 1 else nn.CrossEntropyLoss()
        self.opt = torch.optim.SGD(self.model.parameters(), lr=self.lr)
        self.losses: list[float] = []

    def step(self, xb: Any, yb: Any) -> None:
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(xb), yb)
        loss.backward()
        self.opt.step()
        self.losses.append(loss.item())  # a user logs the loss

    def epoch(self, batch_size: int | None, epoch: int, max_steps: int | None = None) -> int:
        """One pass (full batch: one step); returns the steps taken."""
        import torch

        if batch_size is None or batch_size >= self.n:
            self.step(self.X, self.y)
            return 1
        perm = torch.randperm(self.n, generator=torch.Generator().manual_seed(SEED + epoch))
        steps = 0
        for start in range(0, self.n, batch_size):
            idx = perm[start : start + batch_size]
            self.step(self.X[idx], self.y[idx])
            steps += 1
            if max_steps is not None and steps >= max_steps:
                break
        return steps

    def run(self, batch_size: int | None, epochs: int) -> float:
        """Seconds for ``epochs`` epochs from fresh weights (the set-up not timed)."""
        self.reset()
        gc.collect()
        began = time.perf_counter()
        for epoch in range(epochs):
            self.epoch(batch_size, epoch)
        return time.perf_counter() - began


# --------------------------------------------------------------------------- perceptron-lab
def pl_dataset(X: np.ndarray, y: np.ndarray, k: int = 1) -> Any:
    """perceptron-lab's Dataset of the arrays (float32 stays float32, shared)."""
    from perceptron_lab.data import from_arrays

    return from_arrays(X, y, task="binary" if k == 1 else "multiclass")


def pl_trainer(
    dataset: Any,
    *,
    epochs: int,
    batch_size: int | None,
    k: int = 1,
    optimizer: str = "sgd",
    lr: float = LR,
    dtype: str = "float32",
    **options: Any,
) -> Any:
    """A ``Trainer`` with the bare loop's settings; the verification policy its default."""
    from perceptron_lab.engine import config, train

    settings = config.TrainConfig(
        loss="bce" if k == 1 else "cross_entropy",
        optimizer=optimizer,
        lr=lr,
        epochs=epochs,
        batch_size=batch_size,
        seed=SEED,
        dtype=dtype,
        capture_samples=False,
        **options,
    )
    return train.Trainer(settings, dataset)


def run_pl(trainer: Any, out: Path) -> tuple[float, dict[str, Any]]:
    """Seconds for ``trainer.run(out)`` (every step traced to ``out``) and its summary.

    A run may choose its own thread count; torch's is put back after it, for the
    baseline that runs next.
    """
    import torch

    threads = torch.get_num_threads()
    gc.collect()
    began = time.perf_counter()
    result = trainer.run(out)
    seconds = time.perf_counter() - began
    if torch.get_num_threads() != threads:  # the bare loop keeps torch's own threads
        torch.set_num_threads(threads)
    summary: dict[str, Any] = result.summary.to_json()
    if summary["status"] != "finished":
        raise RuntimeError(f"perceptron-lab run ended {summary['status']!r}: {summary['error']}")
    return seconds, summary


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# --------------------------------------------------------------------------- timing
def steady(times: Sequence[float]) -> bool:
    """Whether the best time is confirmed by a second repeat within ``STEADY``."""
    best = sorted(times)
    return len(best) >= 2 and best[1] <= STEADY * best[0]


def interleave(
    label: str, sides: dict[str, Callable[[], float]], repeats: int, budget_s: float = 60.0
) -> dict[str, list[float]]:
    """Run each side once per repeat, side after side, and print every repeat.

    Each side returns its own seconds (what it times); after ``repeats`` it goes on, up
    to twice as many, while a side is not ``steady``, and stops after any repeat once
    the whole has taken ``budget_s``.
    """
    times: dict[str, list[float]] = {name: [] for name in sides}
    began = time.perf_counter()
    for r in range(2 * repeats):
        if r and time.perf_counter() - began > budget_s:
            break
        if r >= repeats and all(steady(t) for t in times.values()):
            break
        for name, side in sides.items():
            times[name].append(side())
        shown = ", ".join(f"{name} {times[name][-1]:.4g} s" for name in sides)
        print(f"  {label} repeat {r + 1}: {shown}; load {load()}", flush=True)
    return times


def best_wall(cmd: Sequence[str], repeats: int, timeout: float = 300.0) -> list[float]:
    """Wall seconds of a subprocess (output discarded), each repeat; fails if it fails."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        done = subprocess.run(
            list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout
        )
        times.append(time.perf_counter() - began)
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-2000:]!r}"
            )
    return times


# --------------------------------------------------------------------------- the table
@dataclass
class Target:
    """One line of the final table: perceptron-lab's value against a baseline's."""

    workload: str
    baseline: str  # what the value is compared with
    base: float
    ours: float
    target: float  # ratio at most, or (absolute) value at most
    unit: str = "s"
    absolute: bool = False  # the target bounds ``ours`` itself, not ours / base
    trusted: bool = True  # False: the repeats were not steady (marked *)
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.ours / self.base if self.base > 0 else float("inf")

    @property
    def met(self) -> bool:
        return (self.ours if self.absolute else self.ratio) <= self.target


def print_table(targets: Sequence[Target]) -> None:
    """workload / baseline / perceptron-lab / ratio / target / met-or-missed."""
    head = (
        f"{'workload':<44} {'baseline':<38} {'base':>10} {'p-lab':>10} {'ratio':>8} "
        f"{'target':>10}  result"
    )
    print()
    print(head)
    print("-" * len(head))
    for t in targets:
        bound = f"<= {t.target:g} {t.unit}" if t.absolute else f"<= {t.target:g}x"
        base = f"{t.base:.4g}" if t.base == t.base else "-"
        result = ("met" if t.met else "missed") + ("" if t.trusted else "*")
        print(
            f"{t.workload:<44} {t.baseline:<38} {base:>10} {t.ours:>10.4g} "
            f"{t.ratio:>7.2f}x {bound:>10}  {result}"
        )
        for note in t.notes:
            print(f"    {note}")
    if not all(t.trusted for t in targets):
        print(
            f"* not steady: the two best repeats of a side differ by more than {STEADY:.2f}x;"
            " the machine was busy, rerun"
        )


def main_guard(main: Callable[[list[str] | None], int]) -> None:
    """Run a benchmark's main; SIGTERM exits through ``finally`` (temporary folders go)."""
    import signal

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    sys.exit(main(None))
