"""A playground's trajectories: lines (the first run and each branch) made of segments.

A *segment* is one session on one set of points from some step; a point added or
removed starts a new one (lab.py). A *line* is one trajectory on screen — the first run,
or a branch taken from the line before it — with its curve: after each step, the loss
over the whole training and test sets and the first two weights (the surface's path).
The current line's history is a chain of *pieces*, what "save as run" writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from ..engine.session import Session
from ..engine.train import Trainer
from . import frames
from .points import Points


@dataclass
class Segment:
    """A session on one set of points, from step ``start``."""

    start: int
    points: Points
    trainer: Trainer
    session: Session


@dataclass
class Line:
    """One trajectory: the first run or a branch, its segments and its curve."""

    id: int
    label: str
    parent: int | None
    from_step: int
    settings: dict[str, Any]
    segments: list[Segment]
    curve: dict[str, list[Any]] = field(
        default_factory=lambda: {"steps": [], "train": [], "test": [], "path": []}
    )

    @property
    def last(self) -> Segment:
        return self.segments[-1]

    @property
    def step(self) -> int:
        return self.last.session.steps_done

    def record(self, step: int, metrics: Mapping[str, float], W: torch.Tensor) -> None:
        self.curve["steps"].append(step)
        self.curve["train"].append(frames.finite(float(metrics["train_loss"])))
        self.curve["test"].append(
            frames.finite(float(metrics["test_loss"])) if "test_loss" in metrics else None
        )
        self.curve["path"].append(frames.numbers(W[:2, 0]))

    def cut(self, step: int) -> None:
        """Forget the curve after ``step``."""
        keep = sum(1 for s in self.curve["steps"] if s <= step)
        for values in self.curve.values():
            del values[keep:]


def pieces(lines: list[Line]) -> Iterator[tuple[Segment, int]]:
    """(segment, its last step) along the current line's history, in order; empty ones left out."""
    for i, line in enumerate(lines):
        end = lines[i + 1].from_step if i + 1 < len(lines) else line.step
        for j, seg in enumerate(line.segments):
            last = line.segments[j + 1].start if j + 1 < len(line.segments) else end
            if seg.start < last:
                yield seg, last
