"""The benchmarks measure what they say: the bare loop is the textbook step, the
time-to-target loss is the log-loss, the device benchmark's step is autograd's, and each
script's --quick mode runs to its table."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import torch

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import bench_device  # noqa: E402
import bench_target  # noqa: E402
import harness  # noqa: E402


def test_bare_loop_full_batch_step_is_gradient_descent_on_bce() -> None:
    X, y = harness.make_data(64, 5)
    loop = harness.BareLoop(X, y, lr=0.1)
    W0 = loop.model.weight.detach().double().numpy().T.copy()  # (d, 1) = weight.T
    B0 = loop.model.bias.detach().double().numpy().copy()  # (1,)
    loop.epoch(None, 0)
    X64, y64 = X.astype(np.float64), y.astype(np.float64)[:, None]
    A = 1.0 / (1.0 + np.exp(-(X64 @ W0 + B0)))  # σ(Z), (N, 1)
    dZ = (A - y64) / len(X)  # dL/dZ of the mean BCE
    W1, B1 = W0 - 0.1 * X64.T @ dZ, B0 - 0.1 * dZ.sum(axis=0)
    np.testing.assert_allclose(loop.model.weight.detach().double().numpy().T, W1, rtol=1e-5)
    np.testing.assert_allclose(loop.model.bias.detach().double().numpy(), B1, rtol=1e-5)
    bce = -np.mean(y64 * np.log(A) + (1 - y64) * np.log(1 - A))
    assert loop.losses == pytest.approx([bce], rel=1e-5)


def test_bare_loop_minibatches_cover_every_row_once_per_epoch() -> None:
    X, y = harness.make_data(100, 3, k=4)
    loop = harness.BareLoop(X, y, k=4)
    seen: list[torch.Tensor] = []
    loop.step = lambda xb, yb: seen.append(xb)  # type: ignore[method-assign]
    assert loop.epoch(32, 0) == 4  # 32 + 32 + 32 + 4
    rows = torch.cat(seen)
    assert rows.shape == (100, 3)
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, X.tolist()))


def test_log_loss_and_its_gradient_match_sklearn_and_finite_differences() -> None:
    from sklearn.metrics import log_loss

    X, y = harness.make_data(200, 4)
    X64 = X.astype(np.float64)
    rng = np.random.default_rng(1)
    W, B = rng.standard_normal(4), 0.3
    P = 1.0 / (1.0 + np.exp(-(X64 @ W + B)))
    assert bench_target.log_loss(X64, y, W, B) == pytest.approx(log_loss(y, P), rel=1e-12)
    h = 1e-6
    fd = [
        (bench_target.log_loss(X64, y, W + h * e, B) - bench_target.log_loss(X64, y, W - h * e, B))
        / (2 * h)
        for e in np.eye(4)
    ]
    fd.append(
        (bench_target.log_loss(X64, y, W, B + h) - bench_target.log_loss(X64, y, W, B - h))
        / (2 * h)
    )
    assert bench_target.gradient_inf(X64, y, W, B) == pytest.approx(np.abs(fd).max(), rel=1e-6)


def test_interleave_repeats_until_both_sides_are_steady_then_stops() -> None:
    a, b = iter([1.0, 3.0, 1.1, 9.0]), iter([2.0, 2.1, 2.0, 9.0])
    calls: list[str] = []

    def side(name: str, values: Iterator[float]) -> Callable[[], float]:
        return lambda: calls.append(name) or next(values)

    times = harness.interleave("w", {"a": side("a", a), "b": side("b", b)}, 2, budget_s=60)
    assert times == {"a": [1.0, 3.0, 1.1], "b": [2.0, 2.1, 2.0]}  # a's best 1.0 confirmed by 1.1
    assert calls == ["a", "b"] * 3  # side after side, each repeat
    once = harness.interleave("w", {"a": lambda: 1.0}, 3, budget_s=0.0)
    assert once == {"a": [1.0]}  # the budget spent: no second repeat


def test_target_is_met_at_its_bound_and_missed_past_it() -> None:
    assert harness.Target("w", "b", 2.0, 0.7, 0.35).met
    assert not harness.Target("w", "b", 2.0, 0.71, 0.35).met
    assert harness.Target("w", "b", float("nan"), 16.0, 16.0, absolute=True).met
    assert not harness.Target("w", "b", 100.0, 16.5, 16.0, absolute=True).met


@pytest.mark.slow
@pytest.mark.parametrize(
    "script, sections",
    [
        ("bench_train.py", ["b256", "memory"]),
        ("bench_startup.py", ["startup"]),
        ("bench_target.py", ["lbfgs"]),
    ],
)
def test_quick_mode_prints_the_table_of_targets(script: str, sections: list[str]) -> None:
    cmd = [sys.executable, str(BENCH / script), "--quick"]
    for section in sections:
        cmd += ["--section", section]
    src = str(BENCH.parent / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "load average at start" in out and "load average at end" in out
    results = [
        line
        for line in out.splitlines()
        if line.rstrip().endswith(("met", "missed", "met*", "missed*"))
    ]
    if script == "bench_target.py" and "lbfgs: not available" in out:
        assert not results  # no ratio without the rule
    else:
        assert results, out[-3000:]


def test_device_benchmarks_step_is_the_closed_form_autograd_computes() -> None:
    X, y = harness.make_data(64, 5)
    X64 = torch.from_numpy(X).double()
    y64 = torch.from_numpy(y).double().unsqueeze(1)  # (N, 1)
    W = torch.linspace(-0.5, 0.5, 5, dtype=torch.float64).unsqueeze(1)  # (d, 1)
    B = torch.tensor([0.25], dtype=torch.float64)
    W1, B1, dW, dB = bench_device.closed_step(X64, y64, W, B, lr=0.1)
    aW, aB = bench_device.autograd_grads(X64, y64, W, B)
    torch.testing.assert_close(dW, aW, rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(dB, aB, rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(W1, W - 0.1 * aW, rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(B1, B - 0.1 * aB, rtol=1e-12, atol=1e-15)


def _bench_device(*args: str) -> subprocess.CompletedProcess[str]:
    src = str(BENCH.parent / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, str(BENCH / "bench_device.py"), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, check=False)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
def test_device_benchmark_without_a_gpu_says_so_in_one_line() -> None:
    done = _bench_device()
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("bench_device: no CUDA GPU on this machine (torch ")
    assert done.stdout.count("\n") == 1 and done.stderr == ""


@pytest.mark.slow
def test_device_benchmark_quick_mode_prints_every_section() -> None:
    """On a GPU the real one; without, the CPU stands in for it (--as-gpu cpu)."""
    done = _bench_device("--quick", *(() if torch.cuda.is_available() else ("--as-gpu", "cpu")))
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "load average at start" in out and "load average at end" in out
    for section in ("copy: X", "matmul: Z = X·W + B", "step: full batch", "step: batch 256"):
        assert section in out, out[-3000:]
    agreement = [line for line in out.splitlines() if line.startswith("agreement: ")]
    assert len(agreement) == 4 and all(line.endswith(": within") for line in agreement)
