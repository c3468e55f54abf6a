"""Contours of the loss over two parameters, with the path the optimizer took across them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from matplotlib.figure import Figure

from ...engine.trace import Trace
from ...errors import InputError
from ..analysis.loss_grid import LossSurface, loss_surface_grid
from ..escape import mathtext
from .common import NAME_LENGTH, label, run_title

LEVELS = 20


def contour_levels(values: np.ndarray, n: int = LEVELS) -> np.ndarray:
    """Levels at evenly spaced quantiles of L: dense where the grid's values are.

    A diverged run can overflow the loss at every point of the grid: nothing to draw.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise InputError(
            "trace",
            "a run whose loss is finite somewhere around its path",
            "a loss that overflows at every point of the surface (the run diverged)",
        )
    levels = np.unique(np.quantile(finite, np.linspace(0, 1, n)))
    return levels if len(levels) > 1 else np.array([finite.min(), finite.min() + 1])


def draw_surface(surface: LossSurface, title: str) -> Figure:
    """The figure of a computed :class:`LossSurface`."""
    fig = Figure(figsize=(6.5, 5.2))
    ax = fig.add_subplot()
    contours = ax.contour(
        surface.u, surface.v, surface.loss, levels=contour_levels(surface.loss), cmap="viridis"
    )
    fig.colorbar(contours, ax=ax, label="loss over the training set")
    if surface.parent_path is not None:
        ax.plot(
            *surface.parent_path.T,
            ls="--",
            marker=".",
            ms=3,
            color="gray",
            gid="parent_path",
            label="parent run",
        )
        if surface.branch_step is not None and surface.parent_steps is not None:
            at = np.flatnonzero(surface.parent_steps == surface.branch_step)
            if at.size:
                ax.plot(
                    *surface.parent_path[at[0]],
                    marker="D",
                    color="gray",
                    ls="none",
                    gid="branch",
                    label=f"branched at step {surface.branch_step}",
                )
    ax.plot(
        *surface.path.T, marker=".", ms=4, lw=1.2, color="C3", gid="path", label="this run's path"
    )
    ax.plot(*surface.path[0], marker="o", color="C3", ls="none", gid="start", label="start")
    ax.plot(*surface.path[-1], marker="*", ms=12, color="C3", ls="none", gid="end", label="end")
    ax.set_xlabel(label(surface.names[0], longest=NAME_LENGTH + 8))  # "W[1,1] (…)" around it
    ax.set_ylabel(label(surface.names[1], longest=NAME_LENGTH + 8))
    note = "other parameters at their final values"
    if surface.parent_missing:
        note += f"; parent run not found at {mathtext(surface.parent_missing)}"
    ax.set_title(f"Loss surface — {title}\n{note}", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def loss_surface(
    trace: Trace,
    params: Sequence[int] = (0, 1),
    parent: Trace | Literal["auto"] | None = "auto",
) -> Figure:
    """L over a grid of θ[p], θ[q] (θ = [W flattened…, B…]) with the optimizer's path.

    A branched run (config "parent": {"run", "step"}) is drawn with its parent's path
    when ``parent="auto"``; pass a Trace to choose the parent, None to leave it out.
    """
    surface = loss_surface_grid(trace, params, parent)
    return draw_surface(surface, run_title(trace))
