"""The decision boundary over training, as an animated GIF."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from ...engine.atomic import write_atomic
from ...engine.trace import Trace
from ..analysis.parameters import split_theta, theta_path
from ..analysis.plane import plane
from .common import draw_classifier, draw_points, run_title, words
from .save import image_format

FRAMES = 60  # most frames
FPS = 8
GRID = 120  # region grid points per axis in each frame


def frame_indices(states: int, frames: int = FRAMES) -> np.ndarray:
    """Up to ``frames`` indices spread evenly over 0..states−1, the first and last among them."""
    return np.unique(np.linspace(0, states - 1, min(frames, states)).round().astype(np.int64))


def boundary_animation(
    trace: Trace, path: str | Path, frames: int = FRAMES, fps: int = FPS, lang: str = "en"
) -> Path:
    """Write an animated GIF of the classifier from before the first step to after the last.

    At most ``frames`` frames, sampled evenly across the steps; each shows the points,
    the predicted regions and (one output) the line w1·x1 + w2·x2 + b = 0. Written
    atomically: a temporary name in the same folder, then a rename.
    """
    w = words(lang)
    target = Path(path)
    image_format(target, ("gif",))
    points = plane(trace)  # refuses data that is not 2 features with classes
    d, k = points.data.d, points.data.k
    steps, thetas = theta_path(trace)  # (T+1,), (T+1, d·k + k)
    chosen = frame_indices(len(steps), frames)
    fig = Figure(figsize=(5.5, 5))
    ax = fig.add_subplot()
    draw_points(ax, points, lang)
    ax.legend(fontsize=8, loc="upper left")
    drawn: list[Artist] = []

    def show(i: int) -> list[Artist]:
        for artist in drawn:
            artist.remove()
        W, B = split_theta(thetas[i], d, k)
        drawn[:] = draw_classifier(ax, points, W, B, n=GRID)
        when = w("after_step", step=steps[i]) if i else w("start_at", step=steps[0])
        title = run_title(trace, lang, points.X_test is not None)
        ax.set_title(f"{title}\n{when}", fontsize=10)
        return drawn

    movie = FuncAnimation(fig, show, frames=[int(i) for i in chosen], blit=False)

    def write(tmp: Path) -> None:
        gif = tmp.with_suffix(".gif")  # Pillow picks the format by the extension
        try:
            movie.save(gif, writer=PillowWriter(fps=fps))
            os.replace(gif, tmp)
        finally:
            gif.unlink(missing_ok=True)

    write_atomic(target, write)
    return target
