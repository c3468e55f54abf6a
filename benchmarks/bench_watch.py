"""Benchmark: the cost of ``perceptron_lab.watch`` around a user's own training loop.

Seven single-layer loops written the way tutorials and books write them (not reduced to
the bare optimizer steps):

1. ``logreg``    logistic regression: nn.Linear(d, 1) + BCEWithLogitsLoss, full batch, SGD;
2. ``softmax``   MNIST-shaped softmax regression: 784-feature images (N, 1, 28, 28) flattened
                 in the loop, 10 classes, DataLoader(TensorDataset, 64, shuffle=True),
                 CrossEntropyLoss, SGD momentum 0.9, running loss and accuracy;
3. ``linreg``    linear regression from two nn.Parameter tensors (w, b) in a small
                 nn.Module, MSELoss, SGD 0.1, features of different scale standardized;
4. ``sigmoid``   nn.Sequential(nn.Linear, nn.Sigmoid) + BCELoss + Adam, shuffled mini-batches;
5. ``nll``       nn.Linear + log_softmax + NLLLoss, SGD nesterov, and a per-epoch
                 evaluation on a test set under torch.no_grad();
6. ``rmsprop64`` float64 linear regression, RMSprop (momentum 0.9) + CyclicLR stepped per
                 batch (cycle_momentum on: it cycles RMSprop's momentum);
7. ``clip``      linear regression with clip_grad_norm_ between backward() and step().

For each loop, in this one process: a warm-up, then the loop unwatched and watched
(``with perceptron_lab.watch(model, opt, loss_fn, on_mistake="record") as run:``)
alternately, ``--repeats`` times each, the median taken; every run rebuilds the model and
optimizer from the same seed, so each is the same computation. Memory: the RSS growth of
one watched run (RSS before the model is built vs after the block, the run kept alive)
against the bytes of the trace's own data (the recorded step rows: their vectors in the
model's dtype, their scalars at 8 bytes); the run directory of one watched run with ``out=`` (a
temporary directory, removed) against parameters x steps x the model's dtype size.

    python benchmarks/bench_watch.py                 # full: a few minutes (under 10)
    python benchmarks/bench_watch.py --quick         # smaller loops (under 3 minutes)
    python benchmarks/bench_watch.py --only softmax,clip --repeats 3
    python benchmarks/bench_watch.py --profile softmax   # cProfile of one watched run
    python benchmarks/bench_watch.py --allowance 0       # the steady state of a long loop

The watch verifies every step until it has spent its allowance (2 s) of checks, then
``budget`` (0.25) of the loop's own time: these loops are short, so by default they are
verified whole — the cost a notebook's loop pays. ``--allowance 0`` shows what a long loop
pays per step once past it; ``--budget none`` verifies every step.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import ctypes
import gc
import os
import platform
import pstats
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import perceptron_lab
from proc_status import reset_peak, status_kb

SEED = 0
TARGETS = {"ratio": 1.5, "memory": 2.0, "run_dir": 2.0}  # at most
WATCH_OPTIONS: dict[str, Any] = {}  # extra watch(...) options (--max-fd-entries)
SCALAR_BYTES = 8  # a row's scalars (step, loss, flags …) count 8 bytes each
RSS_RESOLUTION = 1_000_000  # below this trace size RSS cannot tell: tracemalloc is used


# --------------------------------------------------------------------------- the loops
@dataclass
class Parts:
    """What a loop's set-up builds: the watch needs model, optimizer and loss_fn."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    loss_fn: nn.Module
    extra: dict[str, Any] = field(default_factory=dict)  # loader, scheduler, ...


@dataclass
class Loop:
    name: str
    title: str
    make_data: Callable[[bool], dict[str, Any]]  # quick -> the loop's data and sizes
    build: Callable[[dict[str, Any]], Parts]  # seeded: two builds are identical
    train: Callable[[Parts, dict[str, Any]], list[float]]  # the loop; returns its loss log


def _generator() -> torch.Generator:
    return torch.Generator().manual_seed(SEED)


# 1. logistic regression, full batch ----------------------------------------------------
def data_logreg(quick: bool) -> dict[str, Any]:
    g = _generator()
    n, d = 1000, 20
    X = torch.randn(n, d, generator=g)
    w_true = torch.randn(d, generator=g)
    y = (X @ w_true + 0.5 * torch.randn(n, generator=g) > 0).float().unsqueeze(1)
    return {"X": X, "y": y, "epochs": 60 if quick else 200}


def build_logreg(data: dict[str, Any]) -> Parts:
    torch.manual_seed(SEED)
    model = nn.Linear(data["X"].shape[1], 1)
    criterion = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    return Parts(model, optimizer, criterion)


def train_logreg(p: Parts, data: dict[str, Any]) -> list[float]:
    model, optimizer, criterion = p.model, p.optimizer, p.loss_fn
    X, y = data["X"], data["y"]
    history = []
    for epoch in range(data["epochs"]):
        optimizer.zero_grad()
        logits = model(X)
        loss = criterion(logits, y)
        loss.backward()
        optimizer.step()
        if (epoch + 1) % 10 == 0:
            with torch.no_grad():
                acc = ((logits > 0).float() == y).float().mean().item()
            history.append(loss.item())
            _ = f"epoch {epoch + 1}: loss {loss.item():.4f}, accuracy {acc:.3f}"
    return history


# 2. MNIST-shaped softmax regression ------------------------------------------------------
def data_softmax(quick: bool) -> dict[str, Any]:
    g = _generator()
    n = 1500 if quick else 6000
    images = torch.rand(n, 1, 28, 28, generator=g)
    teacher = torch.randn(784, 10, generator=g)
    labels = (images.view(n, -1) @ teacher + torch.randn(n, 10, generator=g)).argmax(1)
    return {"dataset": TensorDataset(images, labels), "epochs": 1}


def build_softmax(data: dict[str, Any]) -> Parts:
    torch.manual_seed(SEED)
    model = nn.Linear(28 * 28, 10)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    train_loader = DataLoader(data["dataset"], batch_size=64, shuffle=True)
    return Parts(model, optimizer, criterion, {"loader": train_loader})


def train_softmax(p: Parts, data: dict[str, Any]) -> list[float]:
    model, optimizer, criterion = p.model, p.optimizer, p.loss_fn
    history = []
    for _epoch in range(data["epochs"]):
        running_loss, correct, total = 0.0, 0, 0
        for images, labels in p.extra["loader"]:
            images = images.view(-1, 28 * 28)
            outputs = model(images)
            loss = criterion(outputs, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running_loss += loss.item() * images.size(0)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
        history.append(running_loss / total)
    return history


# 3. linear regression from nn.Parameter tensors --------------------------------------------
class LinearRegression(nn.Module):
    def __init__(self, n_features: int) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.zeros(n_features, 1))
        self.b = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.w + self.b


def data_linreg(quick: bool) -> dict[str, Any]:
    g = _generator()
    n = 500
    scales = torch.tensor([1.0, 100.0, 0.01, 1000.0])  # e.g. rooms, m², km, price
    X_raw = torch.randn(n, 4, generator=g) * scales + torch.tensor([3.0, 120.0, 0.5, 5e3])
    y = X_raw @ torch.tensor([[2.0], [0.05], [-30.0], [0.001]]) + torch.randn(n, 1, generator=g)
    mean, std = X_raw.mean(0), X_raw.std(0)
    X = (X_raw - mean) / std  # standardize: SGD 0.1 diverges on the raw scales
    return {"X": X, "y": y, "epochs": 60 if quick else 200}


def build_linreg(data: dict[str, Any]) -> Parts:
    torch.manual_seed(SEED)
    model = LinearRegression(data["X"].shape[1])
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    return Parts(model, optimizer, loss_fn)


def train_linreg(p: Parts, data: dict[str, Any]) -> list[float]:
    model, optimizer, loss_fn = p.model, p.optimizer, p.loss_fn
    X, y = data["X"], data["y"]
    history = []
    for _epoch in range(data["epochs"]):
        y_pred = model(X)
        loss = loss_fn(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history


# 4. nn.Sequential(Linear, Sigmoid) + BCELoss + Adam ----------------------------------------
def data_sigmoid(quick: bool) -> dict[str, Any]:
    g = _generator()
    n, d = 2000, 8
    X = torch.randn(n, d, generator=g)
    y = ((X[:, 0] - 2 * X[:, 1] + 0.5 * X[:, 2]) > 0).float().view(-1, 1)
    return {"X": X, "y": y, "epochs": 2 if quick else 5, "batch_size": 32}


def build_sigmoid(data: dict[str, Any]) -> Parts:
    torch.manual_seed(SEED)
    model = nn.Sequential(nn.Linear(data["X"].shape[1], 1), nn.Sigmoid())
    loss_fn = nn.BCELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    return Parts(model, optimizer, loss_fn)


def train_sigmoid(p: Parts, data: dict[str, Any]) -> list[float]:
    model, optimizer, loss_fn = p.model, p.optimizer, p.loss_fn
    X, y, batch_size = data["X"], data["y"], data["batch_size"]
    history = []
    for _epoch in range(data["epochs"]):
        permutation = torch.randperm(X.size(0))
        epoch_loss = 0.0
        for i in range(0, X.size(0), batch_size):
            indices = permutation[i : i + batch_size]
            batch_x, batch_y = X[indices], y[indices]
            optimizer.zero_grad()
            y_pred = model(batch_x)
            loss = loss_fn(y_pred, batch_y)
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item()
        history.append(epoch_loss)
    return history


# 5. nn.Linear + log_softmax + NLLLoss, nesterov, per-epoch evaluation ----------------------
class SoftmaxClassifier(nn.Module):
    def __init__(self, n_features: int, n_classes: int) -> None:
        super().__init__()
        self.fc = nn.Linear(n_features, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.log_softmax(self.fc(x), dim=1)


def data_nll(quick: bool) -> dict[str, Any]:
    g = _generator()
    n, d, k = 1500, 4, 3  # iris-like
    centers = torch.randn(k, d, generator=g) * 2
    target = torch.randint(0, k, (n,), generator=g)
    X = centers[target] + torch.randn(n, d, generator=g)
    train = TensorDataset(X[:1200], target[:1200])
    test = TensorDataset(X[1200:], target[1200:])
    return {"train": train, "test": test, "epochs": 2 if quick else 5}


def build_nll(data: dict[str, Any]) -> Parts:
    torch.manual_seed(SEED)
    model = SoftmaxClassifier(4, 3)
    criterion = nn.NLLLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    train_loader = DataLoader(data["train"], batch_size=32, shuffle=True)
    test_loader = DataLoader(data["test"], batch_size=100)
    return Parts(model, optimizer, criterion, {"train": train_loader, "test": test_loader})


def train_nll(p: Parts, data: dict[str, Any]) -> list[float]:
    model, optimizer, criterion = p.model, p.optimizer, p.loss_fn
    history = []
    for _epoch in range(data["epochs"]):
        model.train()
        for inputs, target in p.extra["train"]:
            optimizer.zero_grad()
            output = model(inputs)
            loss = criterion(output, target)
            loss.backward()
            optimizer.step()
        model.eval()
        test_loss, correct = 0.0, 0
        with torch.no_grad():
            for inputs, target in p.extra["test"]:
                output = model(inputs)
                test_loss += criterion(output, target).item() * len(target)
                pred = output.argmax(dim=1, keepdim=True)
                correct += pred.eq(target.view_as(pred)).sum().item()
        history.append(test_loss / len(p.extra["test"].dataset))
    return history


# 6. float64 linear regression, RMSprop + CyclicLR --------------------------------------------
def data_rmsprop64(quick: bool) -> dict[str, Any]:
    g = _generator()
    n, d = 1000, 10
    X = torch.randn(n, d, generator=g, dtype=torch.float64)
    w_true = torch.randn(d, 1, generator=g, dtype=torch.float64)
    y = X @ w_true + 0.1 * torch.randn(n, 1, generator=g, dtype=torch.float64)
    return {"dataset": TensorDataset(X, y), "epochs": 2 if quick else 5}


def build_rmsprop64(data: dict[str, Any]) -> Parts:
    torch.manual_seed(SEED)
    model = nn.Linear(10, 1).double()
    criterion = nn.MSELoss()
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.01, momentum=0.9)
    # cycle_momentum=True (the default) cycles the optimizer's momentum, which RMSprop has
    scheduler = torch.optim.lr_scheduler.CyclicLR(
        optimizer, base_lr=0.001, max_lr=0.01, step_size_up=20
    )
    loader = DataLoader(data["dataset"], batch_size=50, shuffle=True)
    return Parts(model, optimizer, criterion, {"loader": loader, "scheduler": scheduler})


def train_rmsprop64(p: Parts, data: dict[str, Any]) -> list[float]:
    model, optimizer, criterion = p.model, p.optimizer, p.loss_fn
    scheduler = p.extra["scheduler"]
    history = []
    for _epoch in range(data["epochs"]):
        for xb, yb in p.extra["loader"]:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            scheduler.step()  # CyclicLR steps per batch
            history.append(loss.item())
    return history


# 7. gradient clipping ------------------------------------------------------------------------
def data_clip(quick: bool) -> dict[str, Any]:
    g = _generator()
    n, d = 1000, 10
    X = torch.randn(n, d, generator=g)
    y = X @ (10 * torch.randn(d, 1, generator=g)) + 5  # large targets: the clip engages
    return {"dataset": TensorDataset(X, y), "epochs": 2 if quick else 5}


def build_clip(data: dict[str, Any]) -> Parts:
    torch.manual_seed(SEED)
    model = nn.Linear(10, 1)
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    loader = DataLoader(data["dataset"], batch_size=32, shuffle=True)
    return Parts(model, optimizer, criterion, {"loader": loader})


def train_clip(p: Parts, data: dict[str, Any]) -> list[float]:
    model, optimizer, criterion = p.model, p.optimizer, p.loss_fn
    history = []
    for _epoch in range(data["epochs"]):
        for xb, yb in p.extra["loader"]:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            history.append(loss.item())
    return history


LOOPS = [
    Loop(
        "logreg", "Linear+BCEWithLogits, full batch, SGD", data_logreg, build_logreg, train_logreg
    ),
    Loop(
        "softmax", "784->10 CE, DataLoader 64, SGD mom.", data_softmax, build_softmax, train_softmax
    ),
    Loop("linreg", "Parameter w,b + MSE, standardized", data_linreg, build_linreg, train_linreg),
    Loop(
        "sigmoid", "Seq(Linear,Sigmoid)+BCELoss, Adam", data_sigmoid, build_sigmoid, train_sigmoid
    ),
    Loop("nll", "log_softmax+NLL, nesterov, eval", data_nll, build_nll, train_nll),
    Loop(
        "rmsprop64",
        "float64 MSE, RMSprop+CyclicLR",
        data_rmsprop64,
        build_rmsprop64,
        train_rmsprop64,
    ),
    Loop("clip", "MSE + clip_grad_norm_, SGD", data_clip, build_clip, train_clip),
]


# --------------------------------------------------------------------------- measuring


def trim() -> None:
    """Collect garbage and hand freed heap back to the OS, for a steadier RSS baseline."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def param_bytes(model: nn.Module) -> int:
    return next(model.parameters()).element_size()


def trace_bytes(rows: Any, vector_bytes: int) -> tuple[int, int]:
    """(bytes, vector numbers per row): the rows' vectors in the run's dtype, scalars at 8."""
    total, per_row = 0, 0
    for row in rows:
        numbers = 0
        vector = 0
        for value in row.values():
            if isinstance(value, list):
                vector += len(value)
            elif isinstance(value, (int, float)):  # bool is an int
                numbers += 1
        per_row = max(per_row, vector)
        total += numbers * SCALAR_BYTES + vector * vector_bytes
    return total, per_row


def final_state(model: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.parameters()]


def run_unwatched(loop: Loop, data: dict[str, Any]) -> tuple[float, list[torch.Tensor]]:
    parts = loop.build(data)
    gc.collect()
    began = time.perf_counter()
    loop.train(parts, data)
    seconds = time.perf_counter() - began
    return seconds, final_state(parts.model)


def run_watched(
    loop: Loop, data: dict[str, Any], out: Path | None = None
) -> tuple[float, Any, list[torch.Tensor]]:
    """Seconds of the watched loop, set-up of the watch (hooks, copies) and its exit included."""
    parts = loop.build(data)
    gc.collect()
    began = time.perf_counter()
    with perceptron_lab.watch(
        parts.model, parts.optimizer, parts.loss_fn, out=out, on_mistake="record", **WATCH_OPTIONS
    ) as run:
        loop.train(parts, data)
    seconds = time.perf_counter() - began
    return seconds, run, final_state(parts.model)


def same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return len(a) == len(b) and all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


@dataclass
class Result:
    loop: Loop
    params: int
    steps: int
    dtype_bytes: int
    bare: list[float]
    watched: list[float]
    rss_growth_kb: int
    peak_growth_kb: int
    trace_bytes: int
    vector_per_row: int
    dir_bytes: int
    data_npz_bytes: int
    verified: int
    ways: dict[str, int]
    diagnoses: list[str]
    notes: list[str]
    identical: bool
    traced_bytes: int  # tracemalloc growth of a watched run (0: not measured)

    @property
    def ratio(self) -> float:
        return statistics.median(self.watched) / statistics.median(self.bare)

    @property
    def mem_bytes(self) -> int:
        """RSS growth, or the traced Python-heap growth where the trace is below RSS_RESOLUTION."""
        return self.traced_bytes if self.traced_bytes else self.rss_growth_kb * 1024

    @property
    def mem_ratio(self) -> float:
        return self.mem_bytes / max(self.trace_bytes, 1)

    @property
    def dir_budget(self) -> int:
        return self.params * self.steps * self.dtype_bytes

    @property
    def dir_ratio(self) -> float:
        return self.dir_bytes / max(self.dir_budget, 1)


def bench_loop(loop: Loop, quick: bool, repeats: int, root: Path) -> Result:
    data = loop.make_data(quick)
    run_unwatched(loop, data)  # warm-up (first-call costs of the loop itself)

    # memory: one watched run, the run kept alive; RSS before the build vs after the block
    trim()
    rss0 = status_kb("VmRSS")
    peak_ok = reset_peak()
    _, run, watched_state = run_watched(loop, data)
    gc.collect()
    rss_growth = status_kb("VmRSS") - rss0
    peak_growth = status_kb("VmHWM") - rss0 if peak_ok else 0
    rows = run.trace.steps
    model = loop.build(data).model
    params, dtype_bytes = n_params(model), param_bytes(model)
    t_bytes, per_row = trace_bytes(rows, dtype_bytes)
    summary = run.summary
    steps, verified = summary.steps, summary.verified_steps
    ways = dict(summary.watch["verified"])
    diagnoses = [f"step {d.step}: {d.cause} ({d.quantity})" for d in run.diagnoses]
    notes = run.notes
    del run, rows
    traced = 0
    if t_bytes < RSS_RESOLUTION:  # too small for RSS pages: the Python heap, traced
        trim()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        _, run, _ = run_watched(loop, data)
        gc.collect()
        traced = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        del run
    trim()

    # run directory
    out = root / loop.name
    _, run_out, _ = run_watched(loop, data, out)
    d_bytes = dir_bytes(out)
    npz = sum(f.stat().st_size for f in out.glob("*.npz"))
    diagnoses += [f"(out= run) step {d.step}: {d.cause}" for d in run_out.diagnoses]
    del run_out
    shutil.rmtree(out, ignore_errors=True)

    # timing: alternate, bare first
    bare, watched = [], []
    _, bare_state = run_unwatched(loop, data)
    for _ in range(repeats):
        seconds, _ = run_unwatched(loop, data)
        bare.append(seconds)
        seconds, run, _ = run_watched(loop, data)
        watched.append(seconds)
        del run
    return Result(
        loop,
        params,
        steps,
        dtype_bytes,
        bare,
        watched,
        rss_growth,
        peak_growth,
        t_bytes,
        per_row,
        d_bytes,
        npz,
        verified,
        ways,
        diagnoses,
        notes,
        same(bare_state, watched_state),
        traced,
    )


# --------------------------------------------------------------------------- reporting
def load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unavailable"


def verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else "MISS"


def report(results: list[Result]) -> None:
    header = (
        f"{'loop':<10} {'params':>6} {'steps':>5} {'bare s':>7} {'watch s':>8} {'ratio':>8} "
        f"{'mem MB':>7} {'trace MB':>8} {'mem/tr':>6} {'dir MB':>7} {'p*s*b MB':>8} "
        f"{'dir/psb':>7} {'verified':>9} {'diag':>4}"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.loop.name:<10} {r.params:>6} {r.steps:>5} "
            f"{statistics.median(r.bare):>7.3f} {statistics.median(r.watched):>8.3f} "
            f"{r.ratio:>7.1f}x {r.mem_bytes / 1e6:>6.2f}{'~' if r.traced_bytes else ' '} "
            f"{r.trace_bytes / 1e6:>8.3f} {r.mem_ratio:>5.1f}x {r.dir_bytes / 1e6:>7.2f} {r.dir_budget / 1e6:>8.3f} "
            f"{r.dir_ratio:>6.1f}x {f'{r.verified}/{r.steps}':>9} {len(r.diagnoses):>4}"
        )
    print(
        f"targets: ratio <= {TARGETS['ratio']}x, mem/trace <= {TARGETS['memory']}x, "
        f"dir/(params*steps*dtype bytes) <= {TARGETS['run_dir']}x"
    )
    print()
    print(
        f"{'loop':<10} {'ratio':>6} {'memory':>6} {'run dir':>7}  identical  per-step (bare / watched)"
    )
    for r in results:
        print(
            f"{r.loop.name:<10} {verdict(r.ratio, TARGETS['ratio']):>6} "
            f"{verdict(r.mem_ratio, TARGETS['memory']):>6} "
            f"{verdict(r.dir_ratio, TARGETS['run_dir']):>7}  {'yes' if r.identical else 'NO':>9}  "
            f"{statistics.median(r.bare) / r.steps * 1e3:.3f} / "
            f"{statistics.median(r.watched) / r.steps * 1e3:.2f} ms"
        )


def profile(loop: Loop, quick: bool, top: int = 25) -> None:
    data = loop.make_data(quick)
    run_unwatched(loop, data)
    run_watched(loop, data)  # warm-up: the watch's own first-call costs
    parts = loop.build(data)
    profiler = cProfile.Profile()
    profiler.enable()
    with perceptron_lab.watch(
        parts.model, parts.optimizer, parts.loss_fn, on_mistake="record", **WATCH_OPTIONS
    ) as run:
        loop.train(parts, data)
    profiler.disable()
    print(
        f"profile of the watched {loop.name} loop ({loop.title}): {run.summary.steps} steps, "
        f"{run.summary.verified_steps} verified, {len(run.diagnoses)} diagnoses"
    )
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    names = [loop.name for loop in LOOPS]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller loops (under 3 minutes)")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs a side (3 quick, 5)")
    parser.add_argument("--only", default=None, help=f"comma-separated loops: {','.join(names)}")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (1)")
    parser.add_argument("--profile", metavar="NAME", choices=names, default=None)
    parser.add_argument(
        "--budget",
        default=None,
        help="watch(budget=...): share of the loop's time for full checks, or 'none' (every step)",
    )
    parser.add_argument(
        "--allowance",
        type=float,
        default=None,
        help="seconds of full checks every loop gets (default: the watch's; 0: the steady state)",
    )
    parser.add_argument(
        "--max-fd-entries",
        type=int,
        default=None,
        help="watch(max_fd_entries=...): finite-difference entries a step (default: the watch's)",
    )
    args = parser.parse_args(argv)
    if args.max_fd_entries is not None:
        WATCH_OPTIONS["max_fd_entries"] = args.max_fd_entries
    if args.budget is not None:
        WATCH_OPTIONS["budget"] = None if args.budget == "none" else float(args.budget)
    if args.allowance is not None:  # the seconds of checks any loop gets, whatever its length
        from perceptron_lab.watch import budget

        budget.ALLOWANCE = args.allowance
    torch.set_num_threads(args.threads)
    repeats = args.repeats or (3 if args.quick else 5)
    if args.profile:
        profile(next(loop for loop in LOOPS if loop.name == args.profile), args.quick)
        return 0
    chosen = LOOPS
    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - set(names)
        if unknown:
            parser.error(f"unknown loops {sorted(unknown)}; choose from {names}")
        chosen = [loop for loop in LOOPS if loop.name in wanted]

    began_all = time.perf_counter()
    print("perceptron-lab watch benchmark" + (" (--quick)" if args.quick else ""))
    print(
        f"machine: {platform.machine()}, os.cpu_count()={os.cpu_count()}, torch {torch.__version__}, "
        f"python {platform.python_version()}"
    )
    print(
        f"torch.set_num_threads({args.threads}) for these small problems: "
        f"torch.get_num_threads()={torch.get_num_threads()}"
    )
    print(
        f"repeats: {repeats} a side, alternating unwatched/watched, median taken "
        "(after a warm-up, a memory run and an out= run)"
    )
    print(f"watch options: on_mistake='record' {WATCH_OPTIONS or '(defaults otherwise)'}")
    print(f"load average at start: {load()} (the machine is shared; see the repeats)", flush=True)
    results = []
    root = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    try:
        t0 = time.perf_counter()
        warm = data_logreg(True) | {"epochs": 3}  # the watch's lazy imports, once
        run_watched(LOOPS[0], warm, root / "warm-up")
        shutil.rmtree(root / "warm-up", ignore_errors=True)
        print(f"warm-up (a 3-step watched run, out= included): {time.perf_counter() - t0:.2f} s")
        for loop in chosen:
            t0 = time.perf_counter()
            r = bench_loop(loop, args.quick, repeats, root)
            results.append(r)
            print(
                f"{loop.name} ({loop.title}): {r.params} params x {r.steps} steps, "
                f"bare {[round(s, 4) for s in r.bare]}, watched {[round(s, 3) for s in r.watched]}; "
                f"RSS growth {r.rss_growth_kb * 1024 / 1e6:.1f} MB (peak {r.peak_growth_kb * 1024 / 1e6:.1f} MB)"
                + (f", traced heap {r.traced_bytes / 1e6:.3f} MB, " if r.traced_bytes else ", ")
                + f"trace {r.trace_bytes / 1e6:.2f} MB ({r.vector_per_row / r.params:.0f} vector "
                f"columns a row); run dir {r.dir_bytes / 1e6:.2f} MB (data npz "
                f"{r.data_npz_bytes / 1e6:.2f} MB); verified {r.verified}/{r.steps} {r.ways}; "
                f"diagnoses {r.diagnoses or 'none'}; final parameters watched == unwatched: "
                f"{r.identical}; {time.perf_counter() - t0:.1f} s, load {load()}",
                flush=True,
            )
            for note in r.notes:
                print(f"  note: {note}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    report(results)
    fired = [(r.loop.name, d) for r in results for d in r.diagnoses]
    if fired:
        print("DIAGNOSES ON CORRECT LOOPS (false alarms of the watch):")
        for name, d in fired:
            print(f"  {name}: {d}")
    else:
        print("no diagnosis fired on any loop (all are correct loops)")
    print(
        "trace MB: the recorded rows' vectors in the model's dtype, their scalars at 8 bytes; "
        "p*s*b: parameters x steps x the model's dtype bytes; mem: VmRSS after the watched "
        "block (run alive) minus before the build (MB = 1e6 bytes; ~: the trace is under 1 MB, "
        "below what RSS resolves, so the tracemalloc growth of another watched run is used)"
    )
    print(f"total wall time {time.perf_counter() - began_all:.0f} s; load average at end: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
