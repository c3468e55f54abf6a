"""Benchmark: what a CUDA GPU changes for a single layer: copies, X·W, one step, agreement.

On a machine without a CUDA GPU it prints one line saying so and exits 0. On one with a
GPU, in this one process, both sides of each ratio measured repeat by repeat
(``harness.interleave``, best repeat taken, the load printed at every repeat):

- ``copy``      host → device bandwidth (GB/s) of X (N, d) float32 from pageable and from
                pinned host memory, and device → host of Z (N, 1);
- ``matmul``    Z = X·W + B (``torch.addmm``) with X, W, B resident on the device against
                the same on the CPU: the ratio CPU / GPU, and the GPU's GB/s of X read;
- ``step``      one training step of the closed form on each (Z = X·W + B, A = σ(Z),
                dL/dZ = (A − y)/N, dL/dW = Xᵀ·dL/dZ, dL/dB = Σₙ dL/dZ, W −= γ·dL/dW): full
                batch, and the mean of a batch-256 step over 200 (where a launch's latency,
                not the arithmetic, is the cost);
- ``agreement`` the full-batch step's dL/dW, dL/dB by the closed form against autograd
                through nn.Linear + BCEWithLogitsLoss, on the GPU, and the GPU's closed form
                against the CPU's: core/agreement's measure (relative to the size of the
                terms summed, |X|ᵀ·|dL/dZ|) in float32 tolerances (1e-5). Exit code 1 if one
                exceeds the tolerance: the GPU would need a looser one (engine/device.py).

float32 matmuls run in IEEE float32 (``engine.device.ieee_float32``: precision
"highest", TF32 off), as a run's do. Sizes: X (10⁶, 100) float32 (``--rows``, ``--d``);
``--quick`` 10⁵ × 100, one repeat.

    python benchmarks/bench_device.py                 # about a minute on a GPU machine
    python benchmarks/bench_device.py --quick         # a smoke run
    python benchmarks/bench_device.py --section copy --section agreement
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from typing import Any

import harness

SECTIONS = ("copy", "matmul", "step", "agreement")
LR = harness.LR
SMALL_BATCH = 256
SMALL_STEPS = 200


def no_gpu_line() -> str | None:
    """The one line for a machine without a CUDA GPU; None where there is one."""
    import torch

    if torch.cuda.is_available():
        return None
    build = "a CPU-only build" if torch.version.cuda is None else f"CUDA {torch.version.cuda}"
    return (
        f"bench_device: no CUDA GPU on this machine (torch {torch.__version__}, {build}: "
        "torch.cuda.is_available() is False); nothing to measure"
    )


def closed_step(X: Any, y: Any, W: Any, B: Any, lr: float = LR) -> tuple[Any, Any, Any, Any]:
    """One full-batch BCE step by its closed form: (W after, B after, dL/dW, dL/dB).

    Z = X·W + B (N, 1), dL/dZ = (σ(Z) − y)/N, dL/dW = Xᵀ·dL/dZ (d, 1), dL/dB = Σₙ dL/dZ (1,).
    """
    import torch

    Z = torch.addmm(B, X, W)  # (N, 1)
    G = (torch.sigmoid(Z) - y) / X.shape[0]  # dL/dZ of the mean BCE, (N, 1)
    dW = X.T @ G  # (d, 1)
    dB = G.sum(dim=0)  # (1,)
    return W - lr * dW, B - lr * dB, dW, dB


def autograd_grads(X: Any, y: Any, W: Any, B: Any) -> tuple[Any, Any]:
    """dL/dW (d, 1), dL/dB (1,) by autograd through nn.Linear and BCEWithLogitsLoss."""
    import torch
    from torch import nn

    layer = nn.Linear(X.shape[1], 1).to(dtype=X.dtype, device=X.device)
    with torch.no_grad():
        layer.weight.copy_(W.T)
        layer.bias.copy_(B)
    loss = nn.BCEWithLogitsLoss()(layer(X), y)
    loss.backward()
    assert layer.weight.grad is not None and layer.bias.grad is not None
    return layer.weight.grad.T, layer.bias.grad


def timed(fn: Callable[[], Any], cuda: bool) -> float:
    """Seconds of ``fn()``, the GPU's queue drained before and after it."""
    import torch

    if cuda:
        torch.cuda.synchronize()
    began = time.perf_counter()
    fn()
    if cuda:
        torch.cuda.synchronize()
    return time.perf_counter() - began


class Bench:
    """The data on both devices, and each section's measurements."""

    def __init__(self, rows: int, d: int, repeats: int, gpu: Any) -> None:
        import numpy as np
        import torch

        X, labels = harness.make_data(rows, d)
        self.X = torch.from_numpy(X)  # (N, d) float32, pageable host memory
        self.y = torch.from_numpy(labels.astype(np.float32)).unsqueeze(1)  # (N, 1)
        generator = torch.Generator().manual_seed(harness.SEED)
        self.W = torch.randn(d, 1, generator=generator) / d**0.5  # (d, 1)
        self.B = torch.zeros(1)
        self.gpu = gpu  # the device side: a GPU (the CPU itself only in the script's smoke test)
        self.cuda = gpu.type == "cuda"  # its queue drained around each timing
        self.Xg, self.yg = self.X.to(self.gpu), self.y.to(self.gpu)
        self.Wg, self.Bg = self.W.to(self.gpu), self.B.to(self.gpu)
        self.repeats = repeats
        self.lines: list[str] = []
        self.failed = False

    def best(self, label: str, sides: dict[str, Callable[[], float]]) -> dict[str, float]:
        for side in sides.values():  # warm-up: kernels loaded, pools allocated
            side()
        times = harness.interleave(label, sides, self.repeats, budget_s=30.0)
        return {name: min(t) for name, t in times.items()}

    def line(self, text: str) -> None:
        print(text, flush=True)
        self.lines.append(text)

    # ----------------------------------------------------------------- sections
    def copy(self) -> None:
        import torch

        nbytes = self.X.numel() * self.X.element_size()
        pinned = self.X.pin_memory() if self.cuda else self.X.clone()
        Z = torch.addmm(self.Bg, self.Xg, self.Wg)  # (N, 1) on the device
        best = self.best(
            "copy",
            {
                "pageable": lambda: timed(lambda: self.X.to(self.gpu, copy=True), self.cuda),
                "pinned": lambda: timed(
                    lambda: pinned.to(self.gpu, non_blocking=True, copy=True), self.cuda
                ),
                "Z to host": lambda: timed(lambda: Z.to("cpu", copy=True), self.cuda),
            },
        )
        pageable, fast = nbytes / best["pageable"] / 1e9, nbytes / best["pinned"] / 1e9
        back = Z.numel() * Z.element_size() / best["Z to host"] / 1e9
        self.line(
            f"copy: X ({nbytes / 1e6:.0f} MB) host → device {pageable:.1f} GB/s pageable, "
            f"{fast:.1f} GB/s pinned ({fast / pageable:.2f}x); Z ({Z.numel():,} floats) "
            f"device → host {back:.2f} GB/s"
        )

    def matmul(self) -> None:
        import torch

        nbytes = self.X.numel() * self.X.element_size()
        best = self.best(
            "matmul",
            {
                "cpu": lambda: timed(lambda: torch.addmm(self.B, self.X, self.W), False),
                "cuda": lambda: timed(lambda: torch.addmm(self.Bg, self.Xg, self.Wg), self.cuda),
            },
        )
        self.line(
            f"matmul: Z = X·W + B, X {tuple(self.X.shape)} float32: cpu "
            f"{best['cpu'] * 1e3:.3f} ms ({torch.get_num_threads()} threads), cuda "
            f"{best['cuda'] * 1e3:.3f} ms ({nbytes / best['cuda'] / 1e9:.0f} GB/s of X): "
            f"cpu / cuda {best['cpu'] / best['cuda']:.1f}x"
        )

    def step(self) -> None:
        import torch

        def full(X: Any, y: Any, W: Any, B: Any, cuda: bool) -> float:
            return timed(lambda: closed_step(X, y, W, B), cuda)

        def small(X: Any, y: Any, W: Any, B: Any, cuda: bool) -> float:
            n = X.shape[0]
            starts = torch.randint(0, max(1, n - SMALL_BATCH), (SMALL_STEPS,)).tolist()

            def run() -> None:
                w, b = W, B
                for s in starts:
                    w, b, _, _ = closed_step(X[s : s + SMALL_BATCH], y[s : s + SMALL_BATCH], w, b)

            return timed(run, cuda) / SMALL_STEPS

        cpu, gpu = (self.X, self.y, self.W, self.B), (self.Xg, self.yg, self.Wg, self.Bg)
        best = self.best(
            "full-batch step",
            {"cpu": lambda: full(*cpu, False), "cuda": lambda: full(*gpu, self.cuda)},
        )
        self.line(
            f"step: full batch N {self.X.shape[0]:,}: cpu {best['cpu'] * 1e3:.2f} ms, cuda "
            f"{best['cuda'] * 1e3:.3f} ms: cpu / cuda {best['cpu'] / best['cuda']:.1f}x"
        )
        best = self.best(
            "batch-256 step",
            {"cpu": lambda: small(*cpu, False), "cuda": lambda: small(*gpu, self.cuda)},
        )
        self.line(
            f"step: batch {SMALL_BATCH} (mean of {SMALL_STEPS}): cpu {best['cpu'] * 1e6:.1f} µs, "
            f"cuda {best['cuda'] * 1e6:.1f} µs: cpu / cuda {best['cpu'] / best['cuda']:.2f}x"
        )

    def agreement(self) -> None:
        import torch

        from perceptron_lab.core.agreement import disagreement, tolerance

        tol = tolerance(torch.float32)
        _, _, dW, dB = closed_step(self.Xg, self.yg, self.Wg, self.Bg)
        aW, aB = autograd_grads(self.Xg, self.yg, self.Wg, self.Bg)
        _, _, cW, cB = closed_step(self.X, self.y, self.W, self.B)
        G = (torch.sigmoid(torch.addmm(self.Bg, self.Xg, self.Wg)) - self.yg) / self.X.shape[0]
        scale_W = self.Xg.abs().T @ G.abs()  # |X|ᵀ·|dL/dZ|: the size of the terms summed
        scale_B = G.abs().sum(dim=0)
        pairs = {
            "cuda closed form vs cuda autograd": (dW, aW, dB, aB),
            "cuda closed form vs cpu closed form": (dW, cW.to(self.gpu), dB, cB.to(self.gpu)),
        }
        for name, (w1, w2, b1, b2) in pairs.items():
            gap_W = disagreement(w1, w2, scale_W)
            gap_B = disagreement(b1, b2, scale_B)
            worst = max(gap_W, gap_B)
            ok = worst <= tol
            self.failed |= not ok
            self.line(
                f"agreement: {name}, N {self.X.shape[0]:,}: dL/dW {gap_W:.2e}, dL/dB "
                f"{gap_B:.2e} = {worst / tol:.3f} tolerances of {tol:.0e}: "
                + ("within" if ok else "BEYOND the float32 tolerance")
            )


def main(argv: list[str] | None = None) -> int:
    p = harness.parser(__doc__.split("\n")[0], SECTIONS)
    p.add_argument("--rows", type=int, default=None, help="N (default 10⁶; --quick 10⁵)")
    p.add_argument("--d", type=int, default=100, help="features (default 100)")
    p.add_argument("--as-gpu", default=None, help=argparse.SUPPRESS)  # internal: smoke test
    args = p.parse_args(argv)
    line = None if args.as_gpu else no_gpu_line()
    if line is not None:
        print(line)
        return 0
    import torch

    from perceptron_lab.engine.device import device_name, float32_tolerance_note, ieee_float32

    rows = args.rows or (100_000 if args.quick else 1_000_000)
    repeats = args.repeats or (1 if args.quick else 5)
    chosen = [n for n in SECTIONS if not args.section or n in args.section]
    began = harness.header(
        "perceptron-lab device benchmark" + (" (--quick: a smoke run)" if args.quick else "")
    )
    # --as-gpu cpu: the CPU as the device side, to run every line of this script without one
    gpu = (
        torch.device(args.as_gpu)
        if args.as_gpu
        else torch.device("cuda", torch.cuda.current_device())
    )
    print(f"sizes: X ({rows:,}, {args.d}) float32; repeats {repeats}; sections {', '.join(chosen)}")
    with ieee_float32():
        print(
            f"device: {device_name(gpu)}, {torch.cuda.device_count()} GPU(s), CUDA "
            f"{torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}; "
            f"{float32_tolerance_note(gpu)}",
            flush=True,
        )
        bench = Bench(rows, args.d, repeats, gpu)
        for name in chosen:
            print(f"\n== {name} (load {harness.load()})", flush=True)
            getattr(bench, name)()
            gc.collect()
    print()
    for text in bench.lines:
        print(text)
    harness.footer(began)
    return 1 if bench.failed else 0


if __name__ == "__main__":
    harness.main_guard(main)
