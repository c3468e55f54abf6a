"""Pieces several plots share: a run's title, points by class, a classifier in the plane.

Every name from the user (data, features, classes) passes through :func:`label`:
shortened to what a plot has room for, and never read as matplotlib's ``$…$`` math.
Every other word a plot shows comes from the catalog's "plots" section (:func:`words`).

Figures are ``matplotlib.figure.Figure`` objects made directly, never through pyplot,
so no global state and no display is touched (saving renders with Agg).
"""

from __future__ import annotations

import re

import numpy as np
import torch
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from ...engine.trace import Trace
from ..analysis.plane import Plane, boundary_line, predicted_regions
from ..escape import mathtext
from ..i18n import Words

REGION_ALPHA = 0.15
NAME_LENGTH = 40  # characters of a name a plot shows: a longer one is cut and ends in "…"
UNIT = re.compile(r"\s*\([^()]*\)\s*$")  # a name's trailing unit: 'petal length (cm)'
TRAIN_SUFFIX = " (train)"  # what data.prepare.split appends to the training set's name


def words(lang: str) -> Words:
    """The catalog's "plots" section in ``lang``."""
    return Words(lang, "plots")


def color(i: int) -> str:
    """The i-th color of matplotlib's default cycle ('C0', 'C1', …)."""
    return f"C{i % 10}"


def label(text: str, longest: int = NAME_LENGTH) -> str:
    """A user's name as a plot's text: at most ``longest`` characters, drawn as typed.

    A 300-character column name would push the axes off the figure, so it is cut and
    ends in "…" (tables keep it whole); ``$`` and backslashes show literally.
    """
    short = text if len(text) <= longest else text[: longest - 1] + "…"
    return mathtext(short)


def data_name(trace: Trace, lang: str, test_drawn: bool = False) -> str:
    """The run's data by name, and which of its points the plot holds.

    A split run's data is named 'blobs (train)'; a plot that also draws the held-out
    points says 'blobs (train and test)', in the plot's language.
    """
    data = trace.manifest.data
    name = data.name
    if not (data.test_samples and name.endswith(TRAIN_SUFFIX)):
        return label(name)
    part = "train_and_test" if test_drawn else "train_only"
    return f"{label(name[: -len(TRAIN_SUFFIX)])} ({words(lang)(part)})"


def run_title(trace: Trace, lang: str, test_drawn: bool = False) -> str:
    """'blobs · bce · sgd (lr 0.01)': a run's data, loss and update rule."""
    m = trace.manifest
    return words(lang)(
        "run_title",
        data=data_name(trace, lang, test_drawn),
        loss=m.loss.name,
        rule=m.optimizer.name,
        lr=m.config.lr,
    )


def feature_label(name: str, standardized: bool, lang: str) -> str:
    """A feature's name as an axis says it: 'petal length (standardized)' once scaled.

    Standardized values x′ = (x − μ)/σ have no unit, so a trailing '(cm)' is replaced.
    """
    if not standardized:
        return label(name)
    return words(lang)("standardized", name=label(UNIT.sub("", name)))


def integer_steps(ax: Axes) -> None:
    """Ticks of the x axis (step numbers) on integers only."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def draw_points(ax: Axes, plane: Plane, lang: str) -> None:
    """Training points filled and held-out points hollow, one color per class.

    With held-out points, each class has two legend entries: its training points and
    its test points.
    """
    w = words(lang)
    held_out = plane.X_test is not None and plane.labels_test is not None
    for i, name in enumerate(plane.classes):
        mine = plane.labels == i
        ax.scatter(
            plane.X[mine][:, 0],
            plane.X[mine][:, 1],
            s=14,
            color=color(i),
            label=w("class_train" if held_out else "class", name=label(name)),
            gid=f"class_{i}",
        )
        if plane.X_test is not None and plane.labels_test is not None:
            held = plane.labels_test == i
            ax.scatter(
                plane.X_test[held][:, 0],
                plane.X_test[held][:, 1],
                s=14,
                facecolors="none",
                edgecolors=color(i),
                label=w("class_test", name=label(name)),
                gid=f"test_{i}",
            )
    ax.set_xlim(*plane.xlim)
    ax.set_ylim(*plane.ylim)
    axis_labels(ax, plane, lang)


def axis_labels(ax: Axes, plane: Plane, lang: str) -> None:
    """The plane's axes named by its two features."""
    ax.set_xlabel(feature_label(plane.features[0], plane.standardized, lang))
    ax.set_ylabel(feature_label(plane.features[1], plane.standardized, lang))


def draw_classifier(
    ax: Axes, plane: Plane, W: torch.Tensor, B: torch.Tensor, n: int = 200
) -> list[Artist]:
    """The predicted class as shaded regions and, for one output, the line z = 0.

    Returns the artists drawn (an animation removes them before the next frame).
    """
    x1s, x2s, regions, Z = predicted_regions(
        plane.data.loss, W, B, plane.xlim, plane.ylim, n, plane.inputs
    )
    k = max(len(plane.classes), 2)
    shades = ax.contourf(
        x1s,
        x2s,
        regions,
        levels=np.arange(k + 1) - 0.5,
        colors=[color(i) for i in range(k)],
        alpha=REGION_ALPHA,
    )
    drawn: list[Artist] = [shades]
    if plane.crossed and W.shape[1] == 1:  # z = φ(x)·W + b = 0: a curve in the plane
        curve = ax.contour(x1s, x2s, Z[:, :, 0], levels=[0.0], colors="black", linewidths=1.5)
        curve.set_gid("boundary")
        (key,) = ax.plot([], [], color="black", lw=1.5, label="z = 0")  # its legend entry
        drawn += [curve, key]
    segment = None
    if W.shape[1] == 1 and not plane.crossed:
        segment = boundary_line(W, B, plane.xlim, plane.ylim)
    if segment is not None:
        (line,) = ax.plot(*segment.T, color="black", lw=1.5, gid="boundary", label="z = 0")
        drawn.append(line)
    ax.set_xlim(*plane.xlim)
    ax.set_ylim(*plane.ylim)
    return drawn
