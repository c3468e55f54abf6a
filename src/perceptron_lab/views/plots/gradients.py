"""The gradient's size per step, and how far PyTorch and the closed form were apart."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ...core.agreement import tolerance
from ...data.checks import dtype_from_name
from ...engine.trace import Trace
from ...errors import InputError
from .common import run_title


def gradient_norms(trace: Trace) -> Figure:
    """Top: ‖(dL/dW, dL/dB)‖ per step. Bottom: the worst disagreement of each verified step.

    Both on a log scale. The disagreement is max|closed − torch| / max|torch| over every
    quantity of the step; the dashed line is the dtype's tolerance (float32 1e-5,
    float64 1e-10). A disagreement of exactly 0 has no place on a log scale: the
    count of such steps is written on the panel.
    """
    if not trace.steps:
        raise InputError("trace", "a run with at least one step", "no steps")
    fig = Figure(figsize=(7, 5.5))
    top, bottom = fig.subplots(2, 1, sharex=True)
    steps = np.asarray(trace.column("step"))
    norms = np.asarray(trace.column("grad_norm"), dtype=np.float64)
    top.plot(steps, np.where(norms > 0, norms, np.nan), lw=1, gid="grad_norm")
    top.set_yscale("log")
    top.set_ylabel("‖dL/dW, dL/dB‖")
    top.set_title(f"Gradients and verification — {run_title(trace)}")
    top.grid(alpha=0.3)

    verified = [row for row in trace.steps if row["verified"]]
    gaps = np.asarray([row["worst_disagreement"] for row in verified], dtype=np.float64)
    at = np.asarray([row["step"] for row in verified])
    positive = gaps > 0
    bottom.plot(
        at[positive],
        gaps[positive],
        marker="o",
        ms=3,
        lw=0.8,
        gid="disagreement",
        label="worst disagreement (verified steps)",
    )
    dtype = trace.manifest.config.dtype
    tol = tolerance(dtype_from_name(dtype))
    bottom.axhline(
        tol, color="red", ls="--", gid="tolerance", label=f"tolerance {tol:.0e} ({dtype})"
    )
    exact = int((~positive).sum())
    if exact:
        bottom.text(
            0.01,
            0.03,
            f"{exact} verified step(s) agreed exactly (0, not shown on a log scale)",
            transform=bottom.transAxes,
            fontsize=8,
        )
    bottom.set_yscale("log")
    bottom.set_xlabel("step")
    bottom.set_ylabel("max |closed − torch| / |torch|")
    bottom.legend(fontsize=8)
    bottom.grid(alpha=0.3)
    fig.tight_layout()
    return fig
