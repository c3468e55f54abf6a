"""The quantities a sheet asks for, by stage, with the names answer files use.

Names are plain ASCII so a student can type them in YAML, CSV or JSON: ``dL_dW`` is
dL/dW. Shapes follow the layer Z = XW + B with X (N, d), W (d, k), B (k,); with one
output (k = 1) a column is asked as a plain list of N (or d) numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from .exercise import Exercise


@dataclass(frozen=True)
class Asked:
    """One quantity of a sheet: its answer-file name, stage and TeX symbol."""

    name: str
    stage: str
    tex: str


QUANTITIES = (
    Asked("Z", "forward", "Z"),
    Asked("A", "activation", "A"),
    Asked("loss_per_sample", "loss", r"\ell_n"),
    Asked("L", "loss", "L"),
    Asked("dL_dZ", "gradient", r"\partial L / \partial Z"),
    Asked("dL_dW", "gradient", r"\partial L / \partial W"),
    Asked("dL_dB", "gradient", r"\partial L / \partial B"),
    Asked("W_new", "update", r"W'"),
    Asked("B_new", "update", r"B'"),
    Asked("L_steps", "training", r"L_1, \ldots, L_T"),
    Asked("W_final", "training", r"W_T"),
    Asked("B_final", "training", r"B_T"),
)
BY_NAME = {q.name: q for q in QUANTITIES}


def asked(ex: Exercise) -> tuple[Asked, ...]:
    """The quantities ``ex`` asks for, in the sheet's order."""
    return tuple(q for q in QUANTITIES if q.stage in ex.stages)
