"""The losses, one module each: ``losses/<name>.py`` holds the loss called ``<name>``.

Adding a loss is adding one module whose :class:`Loss` subclass is decorated with
:func:`register_loss` (plus its words in the catalogs, optional: a loss without them is
explained under its own ``title`` and TeX forms). A loss defined outside the package
registers the same way. :func:`loss_names` lists the losses from the package's files
without importing torch (the CLI's ``--loss`` choices); :func:`get_loss` imports a loss's
module when it is first built. ``Loss`` and ``REDUCTIONS`` are read from :mod:`.loss`
on first access, so importing this package costs no torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .catalog import Catalog

if TYPE_CHECKING:
    from .loss import REDUCTIONS, Loss

DEFAULT_LOSS = "bce"  # the notebook's loss: `observe` and `explain` use it unless told
AUTO = "auto"  # the loss name that means "the natural loss of the dataset's task"

CATALOG: Catalog[Loss] = Catalog(__name__, __path__, ("activations", "catalog", "loss"), "loss")
register_loss = CATALOG.register
loss_class = CATALOG.get
loss_names = CATALOG.names


def get_loss(name: str, **options: Any) -> Loss:
    """Build a loss by name: ``get_loss("bce", reduction="sum", pos_weight=2.0)``."""
    return CATALOG.build(name, **options)


def losses_of(*tasks: str) -> tuple[str, ...]:
    """The losses whose own task (what they predict) is one of ``tasks``."""
    return tuple(n for n, cls in CATALOG.classes().items() if cls.task in tasks)


def auto_loss(task: str) -> str:
    """The natural loss of a dataset's task: the registered loss with ``auto_for == task``."""
    return next(n for n, cls in CATALOG.classes().items() if cls.auto_for == task)


def __getattr__(name: str) -> Any:
    if name in ("Loss", "REDUCTIONS"):
        from . import loss

        return getattr(loss, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AUTO",
    "CATALOG",
    "DEFAULT_LOSS",
    "REDUCTIONS",
    "Loss",
    "auto_loss",
    "get_loss",
    "loss_class",
    "loss_names",
    "losses_of",
    "register_loss",
]
