"""The losses, by name. Adding a loss is adding one :class:`Loss` subclass here."""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from .base import REDUCTIONS, Loss
from .bce import BCEWithLogits
from .cross_entropy import SoftmaxCrossEntropy
from .mse import MeanSquaredError
from .perceptron import PerceptronCriterion

LOSSES: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (BCEWithLogits, SoftmaxCrossEntropy, MeanSquaredError, PerceptronCriterion)
}


def get_loss(name: str, **options: Any) -> Loss:
    """Build a loss by name: ``get_loss("bce", reduction="sum", pos_weight=2.0)``."""
    if name not in LOSSES:
        raise InputError("loss", f"one of {', '.join(LOSSES)}", repr(name))
    try:
        return LOSSES[name](**options)
    except TypeError as exc:
        raise InputError("loss options", f"options of {name}", ", ".join(options)) from exc


__all__ = [
    "LOSSES",
    "REDUCTIONS",
    "BCEWithLogits",
    "Loss",
    "MeanSquaredError",
    "PerceptronCriterion",
    "SoftmaxCrossEntropy",
    "get_loss",
]
