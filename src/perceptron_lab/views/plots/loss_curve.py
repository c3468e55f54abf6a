"""The loss as training goes: each step's batch loss, and each epoch's train/test loss."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ...engine.trace import Trace
from ...errors import InputError
from .common import integer_steps, run_title, words

DECADES = 2.0  # a positive loss spanning more than this many powers of ten is drawn on a log scale


def spans_decades(values: Iterable[float], decades: float = DECADES) -> bool:
    """Whether the finite values are all positive and log10(max/min) > ``decades``.

    An MSE loss that falls from 1e3 to 1e-2 is a flat line after its first steps on a
    linear scale; on a log scale every decade of progress gets the same room.
    """
    v = np.asarray(list(values), dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0 or v.min() <= 0:
        return False
    return bool(np.log10(v.max() / v.min()) > decades)


def loss_axes(ax: Axes, values: Iterable[float], loss_names: set[str], lang: str) -> None:
    """Label the axes of a loss plot: integer steps; a log scale if the loss spans decades."""
    w = words(lang)
    log = spans_decades(values)
    if log:
        ax.set_yscale("log")
    name = next(iter(loss_names)) if len(loss_names) == 1 else None
    key = ("loss_axis_log" if log else "loss_axis") if name else ("losses_log" if log else "losses")
    ax.set_ylabel(w(key, loss=name))
    ax.set_xlabel(w("step"))
    integer_steps(ax)
    ax.grid(alpha=0.3)


def loss_curve(trace: Trace, lang: str = "en") -> Figure:
    """Per-step training loss (the step's batch) and per-epoch loss over the whole train set.

    Epoch e is drawn at its last step, e·(batches per epoch); the test loss appears when
    the run held data out (``--test-size``). A watched loop has no epochs of its own: its
    rows' metrics are the loop's batch losses, the step curve itself, so only that is drawn.
    A positive loss spanning more than two decades (MSE often does) is drawn on a log scale.
    """
    if not trace.steps:
        raise InputError("trace", "a run with at least one step", "no steps")
    w = words(lang)
    fig = Figure(figsize=(7, 4))
    ax = fig.add_subplot()
    losses = list(trace.column("loss"))
    ax.plot(
        trace.column("step"),
        losses,
        lw=1,
        alpha=0.6,
        gid="step_loss",
        label=w("step_batch"),
    )
    history = [] if trace.manifest.is_watched else trace.history
    batches = trace.manifest.batches_per_epoch or 1
    ends = [int(h["epoch"]) * batches for h in history]
    test_drawn = False
    for split, marker in (("train", "o"), ("test", "s")):
        key = f"{split}_loss"
        if history and key in history[0]:
            values = [h[key] for h in history]
            losses += values
            test_drawn |= split == "test"
            ax.plot(ends, values, marker=marker, gid=key, label=w(f"epoch_{split}"))
    loss_axes(ax, losses, {trace.manifest.loss.name}, lang)
    ax.set_title(w("loss_title", run=run_title(trace, lang, test_drawn)))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
