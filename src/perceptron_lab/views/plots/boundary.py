"""The decision boundary of a 2-feature classifier at chosen epochs, over its points."""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.figure import Figure

from ...engine.trace import Trace
from ...errors import InputError
from ..analysis.parameters import epoch_end, weights
from ..analysis.plane import plane
from ..numbers import fmt
from .common import draw_classifier, draw_points, run_title, words

COLUMNS = 3  # panels per row


def default_epochs(trace: Trace) -> list[int]:
    """The run's first, middle and last epochs (fewer if it has fewer)."""
    have = sorted(set(trace.array("epoch").tolist())) if trace.steps else []
    if not have:
        return []
    return sorted({have[0], have[len(have) // 2], have[-1]})


def decision_boundary(
    trace: Trace, epochs: Sequence[int] | None = None, lang: str = "en"
) -> Figure:
    """One panel per epoch: the points by class, the predicted regions and the boundary.

    W at an epoch's end is W_after of the epoch's last step. For one output (bce,
    perceptron) the boundary is the line w1·x1 + w2·x2 + b = 0; for softmax the regions
    are where each class has the largest logit. Needs 2 features and class labels.
    A panel's loss is the epoch's loss over the whole training set.
    """
    w = words(lang)
    points = plane(trace)  # refuses data that is not 2 features with classes
    shown = list(epochs) if epochs is not None else default_epochs(trace)
    if not shown:
        raise InputError("epochs", "at least one epoch of the run", "none")
    rows = [epoch_end(trace, e) for e in shown]  # refuses epochs the run lacks
    d, k = points.data.d, points.data.k
    history = {int(h["epoch"]): h for h in trace.history}
    ncols = min(COLUMNS, max(1, len(rows)))
    nrows = math.ceil(len(rows) / ncols)
    fig = Figure(figsize=(4.2 * ncols, 4 * nrows))
    for i, (epoch, row) in enumerate(zip(shown, rows, strict=True)):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        ax.set_gid(f"epoch_{epoch}")
        W, B = weights(row, "after", d, k)
        draw_classifier(ax, points, W, B)
        draw_points(ax, points, lang)
        title = w("epoch_panel", epoch=epoch, step=row["step"])
        if epoch in history and "train_loss" in history[epoch]:
            title += w("panel_loss", loss=fmt(float(history[epoch]["train_loss"])))
        ax.set_title(title, fontsize=10)
        if i == 0:
            ax.legend(fontsize=8, loc="best")
    test_drawn = points.X_test is not None
    fig.suptitle(w("boundary_title", run=run_title(trace, lang, test_drawn)))
    fig.tight_layout()
    return fig
