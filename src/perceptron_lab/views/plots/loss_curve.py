"""The loss as training goes: each step's batch loss, and each epoch's train/test loss."""

from __future__ import annotations

from matplotlib.figure import Figure

from ...engine.trace import Trace
from ...errors import InputError
from .common import run_title


def loss_curve(trace: Trace) -> Figure:
    """Per-step training loss (the step's batch) and per-epoch loss over the whole train set.

    Epoch e is drawn at its last step, e·(batches per epoch); the test loss appears when
    the run held data out (``--test-size``). A watched loop has no epochs of its own: its
    rows' metrics are the loop's batch losses, the step curve itself, so only that is drawn.
    """
    if not trace.steps:
        raise InputError("trace", "a run with at least one step", "no steps")
    fig = Figure(figsize=(7, 4))
    ax = fig.add_subplot()
    ax.plot(
        trace.column("step"),
        trace.column("loss"),
        lw=1,
        alpha=0.6,
        gid="step_loss",
        label="step (its batch)",
    )
    history = [] if trace.manifest.is_watched else trace.history
    batches = trace.manifest.batches_per_epoch or 1
    ends = [int(h["epoch"]) * batches for h in history]
    for split, marker in (("train", "o"), ("test", "s")):
        key = f"{split}_loss"
        if history and key in history[0]:
            ax.plot(
                ends,
                [h[key] for h in history],
                marker=marker,
                gid=key,
                label=f"epoch end, whole {split} set",
            )
    ax.set_xlabel("step")
    ax.set_ylabel(f"loss ({trace.manifest.loss.name})")
    ax.set_title(f"Loss — {run_title(trace)}")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
