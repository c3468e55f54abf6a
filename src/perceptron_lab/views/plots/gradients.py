"""The gradient's size per step, and how far PyTorch and the closed form were apart."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ...core.agreement import tolerance
from ...data.checks import dtype_from_name
from ...engine.trace import Trace
from ...errors import InputError
from .common import integer_steps, run_title, words
from .loss_curve import spans_decades


def gradient_norms(trace: Trace, lang: str = "en") -> Figure:
    """Top: ‖(dL/dW, dL/dB)‖ per step. Bottom: the worst disagreement of each verified step.

    The bottom on a log scale; the top too when the norm spans more than two decades
    (within one, a log axis labels its ticks 5.335×10⁻¹). The disagreement is max|closed − torch| / max|torch| over every
    quantity of the step; the dashed line is the dtype's tolerance (float32 1e-5,
    float64 1e-10). A disagreement of exactly 0 has no place on a log scale: the
    count of such steps is the lower panel's title, clear of its legend.
    """
    if not trace.steps:
        raise InputError("trace", "a run with at least one step", "no steps")
    w = words(lang)
    fig = Figure(figsize=(7, 5.5))
    top, bottom = fig.subplots(2, 1, sharex=True)
    steps = np.asarray(trace.column("step"))
    norms = np.asarray(trace.column("grad_norm"), dtype=np.float64)
    log = spans_decades(norms[norms > 0])
    top.plot(steps, np.where(norms > 0, norms, np.nan) if log else norms, lw=1, gid="grad_norm")
    if log:
        top.set_yscale("log")
    top.set_ylabel(w("gradient_norm"))
    top.set_title(w("gradients_title", run=run_title(trace, lang)))
    top.grid(alpha=0.3)

    verified = trace.scalars(("step", "worst_disagreement"), where="verified")
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
        label=w("worst_disagreement"),
    )
    dtype = trace.manifest.config.dtype
    tol = tolerance(dtype_from_name(dtype))
    bottom.axhline(
        tol, color="red", ls="--", gid="tolerance", label=w("tolerance", tol=tol, dtype=dtype)
    )
    exact = int((~positive).sum())
    if exact:  # above the panel: the legend inside it can never cover it
        note = bottom.set_title(w("exact_steps", n=exact), fontsize=8, loc="left")
        note.set_gid("exact_note")
    bottom.set_yscale("log")
    bottom.set_xlabel(w("step"))
    bottom.set_ylabel(w("disagreement"))
    integer_steps(bottom)
    bottom.legend(fontsize=8)
    bottom.grid(alpha=0.3)
    fig.tight_layout()
    return fig
