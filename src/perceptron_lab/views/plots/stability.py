"""Binary cross-entropy three ways, over logits from −100 to 100: where they part ways."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ...data.checks import dtype_from_name
from ...errors import InputError
from ..analysis.bce_sweep import LABELS, METHODS, StabilityCurves, stability_curves
from ..i18n import Words
from .common import color, words

DTYPE_CHOICES = {"float32": ("float32",), "float64": ("float64",), "both": ("float32", "float64")}
STYLES = {
    "naive": ("-", 4.0, 0.45),
    "probabilities": ("--", 1.6, 1.0),
    "with_logits": (":", 1.6, 1.0),
}
MARKS = {"inf": "red", "nan": "purple"}  # bars along the top where the naive formula fails
MARK_ROW = 0.97  # axes height of the bars


def smallest_normal(dtype: str) -> float:
    """The dtype's smallest normal number (float32 1.2e-38): below it only subnormals, few digits."""
    return float(torch.finfo(dtype_from_name(dtype)).tiny)


def drawn_values(values: np.ndarray, dtype: str) -> np.ndarray:
    """ℓ where a log scale can show it faithfully: finite and ≥ the dtype's smallest normal.

    exp(−100) ≈ 3.7e-44 is below float32's smallest normal number: the float32 value is a
    subnormal with a digit or two left, and would stretch the axis to 10⁻⁴⁵.
    """
    return np.where(np.isfinite(values) & (values >= smallest_normal(dtype)), values, np.nan)


def _panel(ax: Axes, curves: StabilityCurves, dtype: str, label: int, w: Words) -> None:
    z = curves.z
    drawn = []
    for m, method in enumerate(METHODS):
        values = drawn_values(curves.curve(method, dtype, label), dtype)
        drawn.append(values)
        style, width, alpha = STYLES[method]
        ax.plot(
            z,
            values,
            ls=style,
            lw=width,
            alpha=alpha,
            color=color(m),
            gid=f"{method}_{dtype}",
            label=w(f"bce_{method}"),
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
                label=w("naive_gives", value=word),
            )
    ax.set_yscale("log")
    shown = np.concatenate(drawn)
    shown = shown[np.isfinite(shown)]
    if shown.size:  # from the decade below the smallest value drawn; room for the bars on top
        low, high = np.floor(np.log10(shown.min())), np.floor(np.log10(shown.max())) + 3
        ax.set_ylim(10**low, 10**high)
    ax.set_xlabel(w("logit"))
    ax.set_ylabel(w("bce_axis"))
    ax.set_title(f"{dtype}, y = {label}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="center left" if label == 1 else "center right")


def loss_stability(dtype: str = "both", lang: str = "en") -> Figure:
    """Naive BCE, nn.BCELoss and BCE with logits over z: a row per dtype, y = 1 and y = 0.

    ``dtype``: "float32", "float64" or "both". Losses of exactly 0 and non-finite ones
    leave gaps on the log scale; where the naive formula gives inf or nan is marked by a
    bar along the top of the panel. Values below the dtype's smallest normal number
    are subnormal and left out, so the axis ends a decade below the smallest value drawn.
    """
    if dtype not in DTYPE_CHOICES:
        raise InputError("dtype", "float32, float64 or both", repr(dtype))
    w = words(lang)
    dtypes = DTYPE_CHOICES[dtype]
    curves = stability_curves(dtypes)
    fig = Figure(figsize=(12, 4.5 * len(dtypes)))
    axes = fig.subplots(len(dtypes), len(LABELS), squeeze=False)
    for row, name in zip(axes, dtypes, strict=True):
        for ax, label in zip(row, LABELS, strict=True):
            ax.set_gid(f"{name}_y{label}")
            _panel(ax, curves, name, label, w)
    tiny = ", ".join(f"{name} {smallest_normal(name):.1e}" for name in dtypes)
    fig.suptitle(w("stability_title") + "\n" + w("subnormal_note", tiny=tiny))
    fig.tight_layout()
    return fig
