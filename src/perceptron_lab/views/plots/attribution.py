"""Which samples moved the weights in one step: each sample's term of dL/dW.

A classifier of its two features draws the terms as arrows in their plane; any other
run (more features, crossed features, a regression) as bars, a group per sample.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ...engine.run_data import shape
from ...engine.trace import Trace
from ...errors import InputError
from ..analysis.contributions import Attribution, attribution_data
from ..analysis.plane import Plane, plane
from ..i18n import Words
from ..numbers import fmt, fmt_tensor
from .common import axis_labels, color, draw_classifier, feature_label, label, run_title, words

LONGEST = 0.12  # the longest arrow, as a share of the window's diagonal
MOST_SAMPLES = 40  # bar groups: the samples with the largest Σⱼ |cₙⱼ|
MOST_FEATURES = 8  # bars in a group: the features with the largest Σₙ |cₙⱼ|


def attribution(trace: Trace, step: int, output: int = 0, lang: str = "en") -> Figure:
    """Step ``step``'s batch, each sample n with its term cₙ = xₙᵀ·(dL/dZ)ₙ of dL/dW.

    cₙ is sample n's term of dL/dW = Xᵀ·dL/dZ (column ``output`` of W), so the terms add
    up to the step's dL/dW; W moves against that sum. With BCE, (dL/dZ)ₙ = (σ(zₙ) − yₙ)/N:
    a misclassified point pulls hard, a confidently right one barely at all.

    A classifier of two (uncrossed) features: each point of the plane with cₙ as an
    arrow, over the classifier before the step (the W the gradient was taken at); the
    arrows share one scale, the longest 12% of the window's diagonal. Any other run: a
    group of bars per sample, one bar per feature j of height cₙⱼ, for the 40 samples
    and the 8 features with the largest terms.
    """
    k = shape(trace)[1]  # refuses a watched model that is not one nn.Linear
    if not 0 <= output < k:
        raise InputError("output", f"a column of W in 0..{k - 1}", str(output))
    att = attribution_data(trace, step)  # refuses a step the run lacks
    try:
        points: Plane | None = plane(trace)
    except InputError:  # not 2 features with classes: bars
        points = None
    if points is not None and points.crossed:  # cₙ lives in the crossed features: bars
        points = None
    w = words(lang)
    fig = Figure(figsize=(6.5, 5.5) if points is not None else (9, 5.5))
    ax = fig.add_subplot()
    which = w("column", n=output + 1) if k > 1 else ""
    total = w("attribution_sum", dW=fmt_tensor(torch.as_tensor(att.dW[:, output])))
    if points is not None:
        _arrows(ax, points, att, output, w, lang)
        ax.set_title(w("arrows_title", step=step, column=which) + "\n" + total, fontsize=10)
    else:
        shown = _bars(ax, trace, att, output, w, lang)
        ax.set_title(
            w("bars_title", step=step, column=which) + "\n" + shown + "\n" + total, fontsize=10
        )
    fig.suptitle(w("attribution_title", run=run_title(trace, lang)), fontsize=10)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig


def _arrows(ax: Axes, points: Plane, att: Attribution, output: int, w: Words, lang: str) -> None:
    """The batch in the plane, cₙ an arrow at each of its points."""
    draw_classifier(ax, points, torch.as_tensor(att.W), torch.as_tensor(att.B))
    ax.scatter(
        points.X[:, 0],
        points.X[:, 1],
        s=8,
        color="lightgray",
        gid="all_points",
        label=w("training_set"),
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
            label=w("class", name=label(name)),
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
    axis_labels(ax, points, lang)


def _bars(ax: Axes, trace: Trace, att: Attribution, output: int, w: Words, lang: str) -> str:
    """cₙⱼ as bars, a group per sample (largest terms first); returns what was left out."""
    C = att.contributions[:, :, output]  # (n, d)
    n, d = C.shape
    samples = np.argsort(-np.abs(C).sum(axis=1), kind="stable")[:MOST_SAMPLES]
    features = np.sort(np.argsort(-np.abs(C).sum(axis=0), kind="stable")[:MOST_FEATURES])
    names = list(trace.manifest.data.feature_names)
    if len(names) != d:
        names = [f"x{j + 1}" for j in range(d)]
    standardized = trace.manifest.config.standardize
    width = 0.8 / len(features)
    at = np.arange(len(samples))
    for i, j in enumerate(features):
        ax.bar(
            at + (i - (len(features) - 1) / 2) * width,
            C[samples, j],
            width,
            color=color(i),
            gid=f"feature_{j}",
            label=w(
                "feature_total",
                name=feature_label(names[j], standardized, lang),
                total=fmt(float(att.dW[j, output])),
            ),
        )
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(at, [str(s + 1) for s in samples], fontsize=7, rotation=90)
    ax.set_xlabel(w("bars_samples"))
    ax.set_ylabel(w("bars_axis"))
    ax.grid(axis="y", alpha=0.3)
    if len(samples) == n and len(features) == d:
        return w("bars_all", n=n, d=d)
    return w("bars_shown", samples=len(samples), n=n, features=len(features), d=d)
