"""Several runs' losses on one axes, each curve labelled by what differs in its settings."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from ...engine.trace import Trace
from ...errors import InputError
from ..analysis.run_differences import differing_settings, run_labels
from .common import color, label, words
from .loss_curve import loss_axes


def loss_overlay(traces: Sequence[Trace], lang: str = "en") -> Figure:
    """Each run's per-step loss (its batch's), one curve per run on shared axes.

    A curve's label is the settings that differ between the runs ('lr=0.1' against
    'lr=0.01'); runs alike in every setting are labelled by their directories' names.
    A branched run starts at its branch step + 1, where its parent's curve left off.
    """
    if len(traces) < 2:
        raise InputError("traces", "at least two runs to compare", str(len(traces)))
    for trace in traces:
        if not trace.steps:
            raise InputError("trace", "a run with at least one step", f"no steps in {trace.path}")
    w = words(lang)
    fig = Figure(figsize=(7.5, 4.5))
    ax = fig.add_subplot()
    values: list[float] = []
    for i, (trace, text) in enumerate(zip(traces, run_labels(traces), strict=True)):
        losses = list(trace.column("loss"))
        values += losses
        ax.plot(
            trace.column("step"),
            losses,
            lw=1.2,
            color=color(i),
            gid=f"run_{i}",
            label=label(text, 60),
        )
    loss_axes(ax, values, {t.manifest.loss.name for t in traces}, lang)
    differing = differing_settings(traces)
    ax.set_title(
        w("overlay_title", n=len(traces))
        + "\n"
        + (w("overlay_differ", names=", ".join(differing)) if differing else w("overlay_same")),
        fontsize=10,
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
