"""A regression model's residuals r = y − ŷ against its predictions ŷ, on a new file's rows.

A good fit scatters evenly around r = 0; a curve or a funnel shows what a line misses.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from ...engine.model_metrics import RegressionMetrics
from ..i18n import Words
from .common import label
from .save import save_figure


def residual_plot(
    metrics: RegressionMetrics, run: str, file: str, target: str, lang: str = "en"
) -> Figure:
    """r = y − ŷ (N,) over ŷ (N,), with the line r = 0."""
    w = Words(lang, "evaluate")
    fig = Figure(figsize=(7, 4))
    ax = fig.add_subplot()
    ax.scatter(metrics.predicted, metrics.residuals, s=14, alpha=0.7, gid="residuals")
    ax.axhline(0.0, color="black", lw=1, gid="zero")
    ax.set_xlabel(w("predicted_axis", target=label(target)))
    ax.set_ylabel(w("residual_axis"))
    ax.set_title(w("residuals_title", run=label(run), file=label(file)))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def save_residual_plot(
    metrics: RegressionMetrics, path: str | Path, run: str, file: str, target: str, lang: str = "en"
) -> Path:
    """Draw :func:`residual_plot` and write it to ``path`` (.png or .svg), atomically."""
    return save_figure(residual_plot(metrics, run, file, target, lang), path)
