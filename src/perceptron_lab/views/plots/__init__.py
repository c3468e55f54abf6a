"""Plots of a run, each a ``matplotlib.figure.Figure`` built without pyplot.

Views only: they read the trace and draw what :mod:`perceptron_lab.views.analysis` computes.
Each takes ``lang`` ("en" or "es"): every title, label and legend comes from the catalog.
Importing this package imports matplotlib (the plots extra: a one-line error naming it
where it is missing); the CLI imports it only when asked to plot.
"""

from __future__ import annotations

from ...extras import require

require("plots", "plotting", "matplotlib")  # before the modules that import it

from .animation import boundary_animation
from .attribution import attribution
from .boundary import decision_boundary
from .gradients import gradient_norms
from .loss_curve import loss_curve
from .loss_overlay import loss_overlay
from .save import figure_bytes, save_figure
from .stability import loss_stability
from .surface import loss_surface

__all__ = [
    "attribution",
    "boundary_animation",
    "decision_boundary",
    "figure_bytes",
    "gradient_norms",
    "loss_curve",
    "loss_overlay",
    "loss_stability",
    "loss_surface",
    "save_figure",
]
