"""Contours of the loss over two parameters, with the path the optimizer took across them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, MaxNLocator

from ...engine.trace import Trace
from ...errors import InputError
from ..analysis.loss_grid import LossSurface, loss_surface_grid
from ..escape import mathtext
from .common import NAME_LENGTH, label, run_title, words
from .loss_curve import spans_decades

LEVELS = 20  # most contour levels on a linear scale
ROUND_STEPS = (1, 2, 5, 10)  # a linear scale's level spacing is 1, 2 or 5 times a power of ten
# a log scale's levels: these multiples of each power of ten, fewer as the decades grow
LOG_SUBS = ((4.0, (1.0, 2.0, 3.0, 5.0, 7.0)), (8.0, (1.0, 2.0, 5.0)), (np.inf, (1.0,)))


def contour_levels(values: np.ndarray, n: int = LEVELS) -> tuple[np.ndarray, bool]:
    """Round levels spanning the finite values of L, and whether they are on a log scale.

    Linear: evenly spaced, the spacing 1, 2 or 5 × 10ᵉ (MaxNLocator), so the colorbar
    reads 0.2, 0.4, 0.6 …. A positive L spanning more than two decades (the far corners
    of a surface climb fast) gets m × 10ᵉ on a log scale instead, m in 1, 2, 3, 5, 7
    (1, 2, 5 past four decades; 1 past eight), so the contours near the minimum are not
    all in the lowest level. A diverged run can overflow the
    loss at every point of the grid: nothing to draw.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise InputError(
            "trace",
            "a run whose loss is finite somewhere around its path",
            "a loss that overflows at every point of the surface (the run diverged)",
        )
    low, high = float(finite.min()), float(finite.max())
    if not high > low:  # a flat surface: one contour has nothing to separate
        return np.array([low, low + 1.0]), False
    log = spans_decades([low, high])
    if log:
        decades = np.log10(high / low)
        subs = next(subs for most, subs in LOG_SUBS if decades <= most)
        locator: LogLocator | MaxNLocator = LogLocator(subs=subs, numticks=10 * LEVELS)
    else:
        locator = MaxNLocator(nbins=n, steps=list(ROUND_STEPS))
    found = np.asarray(locator.tick_values(low, high), dtype=np.float64)
    # the levels inside [low, high], and the round level just outside at each end
    keep = np.flatnonzero((found >= low) & (found <= high))
    if keep.size == 0:
        return found, log
    first, last = max(int(keep[0]) - 1, 0), min(int(keep[-1]) + 1, len(found) - 1)
    return found[first : last + 1], log


def draw_surface(surface: LossSurface, title: str, lang: str = "en") -> Figure:
    """The figure of a computed :class:`LossSurface`."""
    w = words(lang)
    fig = Figure(figsize=(6.5, 5.2))
    ax = fig.add_subplot()
    levels, log = contour_levels(surface.loss)
    contours = ax.contour(
        surface.u,
        surface.v,
        surface.loss,
        levels=levels,
        cmap="viridis",
        norm=LogNorm(levels[0], levels[-1]) if log else None,
    )
    fig.colorbar(
        contours,
        ax=ax,
        label=w("surface_colorbar_log" if log else "surface_colorbar"),
        ticks=levels if log else None,  # a log axis labels only its powers of ten
        format="%g" if log else None,
    )
    if surface.parent_path is not None:
        ax.plot(
            *surface.parent_path.T,
            ls="--",
            marker=".",
            ms=3,
            color="gray",
            gid="parent_path",
            label=w("parent_run"),
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
                    label=w("branched_at", step=surface.branch_step),
                )
    ax.plot(*surface.path.T, marker=".", ms=4, lw=1.2, color="C3", gid="path", label=w("this_path"))
    ax.plot(*surface.path[0], marker="o", color="C3", ls="none", gid="start", label=w("start"))
    ax.plot(*surface.path[-1], marker="*", ms=12, color="C3", ls="none", gid="end", label=w("end"))
    ax.set_xlabel(label(surface.names[0], longest=NAME_LENGTH + 8))  # "W[1,1] (…)" around it
    ax.set_ylabel(label(surface.names[1], longest=NAME_LENGTH + 8))
    note = w("others_final")
    if surface.parent_missing:
        note += w("parent_missing", path=mathtext(surface.parent_missing))
    ax.set_title(w("surface_title", run=title) + f"\n{note}", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def loss_surface(
    trace: Trace,
    params: Sequence[int] = (0, 1),
    parent: Trace | Literal["auto"] | None = "auto",
    lang: str = "en",
) -> Figure:
    """L over a grid of θ[p], θ[q] (θ = [W flattened…, B…]) with the optimizer's path.

    A branched run (config "parent": {"run", "step"}) is drawn with its parent's path
    when ``parent="auto"``; pass a Trace to choose the parent, None to leave it out.
    """
    surface = loss_surface_grid(trace, params, parent)
    return draw_surface(surface, run_title(trace, lang), lang)
