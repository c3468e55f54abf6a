"""Which points moved the boundary in one step: each sample's term of dL/dW as an arrow."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

from ...engine.trace import Trace
from ...errors import InputError
from ..analysis.contributions import attribution_data
from ..analysis.plane import plane
from ..numbers import fmt_tensor
from .common import axis_labels, color, draw_classifier, label, run_title

LONGEST = 0.12  # the longest arrow, as a share of the window's diagonal


def attribution(trace: Trace, step: int, output: int = 0) -> Figure:
    """Step ``step``'s batch on the plane, each point with the arrow cₙ = xₙ·(dL/dZ)ₙ.

    cₙ is sample n's term of dL/dW = Xᵀ·dL/dZ (column ``output`` of W), so the arrows add
    up to the step's dL/dW; W moves against that sum. With BCE, (dL/dZ)ₙ = (σ(zₙ) − yₙ)/N:
    a misclassified point pulls hard, a confidently right one barely at all. The
    background shows the classifier before the step (the W the gradient was taken at).
    Arrows share one scale, chosen so the longest is 12% of the window's diagonal.
    """
    points = plane(trace)  # refuses data that is not 2 features with classes
    if points.crossed:
        raise InputError(
            "trace",
            "a run on its two features (each sample's xₙ·∂ℓ/∂zₙ is an arrow in their plane)",
            "a run on crossed features",
            hint="plot --kind boundary draws its curved boundary",
        )
    k = points.data.k
    if not 0 <= output < k:
        raise InputError("output", f"a column of W in 0..{k - 1}", str(output))
    att = attribution_data(trace, step)
    fig = Figure(figsize=(6.5, 5.5))
    ax = fig.add_subplot()
    draw_classifier(ax, points, torch.as_tensor(att.W), torch.as_tensor(att.B))
    ax.scatter(
        points.X[:, 0],
        points.X[:, 1],
        s=8,
        color="lightgray",
        gid="all_points",
        label="training set",
    )
    labels = att.labels if att.labels is not None else np.zeros(len(att.X), dtype=np.int64)
    for i, name in enumerate(points.classes):
        mine = labels == i
        ax.scatter(
            att.X[mine][:, 0],
            att.X[mine][:, 1],
            s=18,
            color=color(i),
            gid=f"batch_{i}",
            label=f"class {label(name)}",
        )
    U, V = att.contributions[:, 0, output], att.contributions[:, 1, output]  # (n,) each
    longest = float(np.hypot(U, V).max()) if len(U) else 0.0
    diagonal = float(np.hypot(np.ptp(points.xlim), np.ptp(points.ylim)))
    scale = longest / (LONGEST * diagonal) if longest > 0 else 1.0
    ax.quiver(
        att.X[:, 0],
        att.X[:, 1],
        U,
        V,
        angles="xy",
        scale_units="xy",
        scale=scale,
        width=0.004,
        gid="contributions",
    )
    which = f", column {output + 1}" if k > 1 else ""
    ax.set_title(
        f"Step {step}: each sample's term xₙ·∂L/∂zₙ of dL/dW{which}\n"
        f"Σ arrows = dL/dW = {fmt_tensor(torch.as_tensor(att.dW[:, output]))}; "
        "W moves against it",
        fontsize=10,
    )
    axis_labels(ax, points)
    fig.suptitle(f"Attribution — {run_title(trace)}", fontsize=10)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig
