"""The update rules, by name. Adding one is adding one :class:`UpdateRule` subclass here."""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .base import State, UpdateRule
from .rmsprop import RMSprop
from .sgd import SGD

OPTIMIZERS: dict[str, type[UpdateRule]] = {
    cls.name: cls for cls in (SGD, Adam, AdamW, RMSprop, Adagrad)
}


def get_optimizer(name: str, **options: Any) -> UpdateRule:
    """Build a rule by name: ``get_optimizer("sgd", lr=0.01, momentum=0.9)``."""
    if name not in OPTIMIZERS:
        raise InputError("optimizer", f"one of {', '.join(OPTIMIZERS)}", repr(name))
    try:
        return OPTIMIZERS[name](**options)
    except TypeError as exc:
        raise InputError("optimizer options", f"options of {name}", ", ".join(options)) from exc


__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "RMSprop",
    "State",
    "UpdateRule",
    "get_optimizer",
]
