"""Binary cross-entropy three ways, over logits from −100 to 100: where they part ways."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ...errors import InputError
from ..analysis.bce_sweep import LABELS, METHODS, StabilityCurves, stability_curves
from .common import color

DTYPE_CHOICES = {"float32": ("float32",), "float64": ("float64",), "both": ("float32", "float64")}
TITLES = {
    "naive": "naive −[y·log σ(z) + (1−y)·log(1−σ(z))]",
    "probabilities": "nn.BCELoss(σ(z), y), log clamped at −100",
    "with_logits": "nn.BCEWithLogitsLoss(z, y)",
}
STYLES = {
    "naive": ("-", 4.0, 0.45),
    "probabilities": ("--", 1.6, 1.0),
    "with_logits": (":", 1.6, 1.0),
}
MARKS = {"inf": "red", "nan": "purple"}  # bars along the top where the naive formula fails
MARK_ROW = 0.97  # axes height of the bars


def _panel(ax: Axes, curves: StabilityCurves, dtype: str, label: int) -> None:
    z = curves.z
    for m, method in enumerate(METHODS):
        values = curves.curve(method, dtype, label)
        style, width, alpha = STYLES[method]
        ax.plot(
            z,
            np.where(np.isfinite(values) & (values > 0), values, np.nan),
            ls=style,
            lw=width,
            alpha=alpha,
            color=color(m),
            gid=f"{method}_{dtype}",
            label=TITLES[method],
        )
    naive = curves.curve("naive", dtype, label)
    for word, bad in (("inf", np.isinf(naive)), ("nan", np.isnan(naive))):
        if bad.any():
            ax.plot(
                z,
                np.where(bad, MARK_ROW, np.nan),
                lw=5,
                color=MARKS[word],
                transform=ax.get_xaxis_transform(),
                gid=f"naive_{word}_{dtype}",
                label=f"naive gives {word}",
            )
    ax.set_yscale("log")
    ax.set_xlabel("logit z")
    ax.set_ylabel("loss ℓ (log scale)")
    ax.set_title(f"{dtype}, y = {label}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="center left" if label == 1 else "center right")


def loss_stability(dtype: str = "both") -> Figure:
    """Naive BCE, nn.BCELoss and BCE with logits over z: a row per dtype, y = 1 and y = 0.

    ``dtype``: "float32", "float64" or "both". Losses of exactly 0 and non-finite ones
    leave gaps on the log scale; where the naive formula gives inf or nan is marked by a
    bar along the top of the panel.
    """
    if dtype not in DTYPE_CHOICES:
        raise InputError("dtype", "float32, float64 or both", repr(dtype))
    dtypes = DTYPE_CHOICES[dtype]
    curves = stability_curves(dtypes)
    fig = Figure(figsize=(12, 4.5 * len(dtypes)))
    axes = fig.subplots(len(dtypes), len(LABELS), squeeze=False)
    for row, name in zip(axes, dtypes, strict=True):
        for ax, label in zip(row, LABELS, strict=True):
            ax.set_gid(f"{name}_y{label}")
            _panel(ax, curves, name, label)
    fig.suptitle("Binary cross-entropy three ways: where rounding makes them part ways")
    fig.tight_layout()
    return fig
