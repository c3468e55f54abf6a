"""The optional extras: a feature whose libraries are not installed says which extra to add.

The core install (``pip install perceptron-lab``) trains, steps, shows, explains and
watches; the rest comes in extras named for what they add (pyproject.toml):
``plots`` (matplotlib, pillow), ``report`` (jinja2 and the plots), ``sklearn``
(scikit-learn), ``tensorboard``, ``pandas`` (``Trace.to_pandas``), ``web`` (the playground)
and ``all``. A feature calls :func:`require` before it imports them:

>>> require("plots", "plotting", "a_module_nobody_installed")
Traceback (most recent call last):
  ...
perceptron_lab.extras.MissingExtra: plotting needs the plots extra: pip install 'perceptron-lab[plots]' (a_module_nobody_installed is missing)
"""

from __future__ import annotations

import importlib

from .errors import PerceptronLabError


class MissingExtra(PerceptronLabError, ImportError):
    """A feature's extra is not installed: one line with the pip command that installs it.

    An ImportError too, so ``except ImportError`` around an optional feature still works.
    """

    def __init__(self, extra: str, feature: str, module: str) -> None:
        self.extra = extra
        self.feature = feature
        super().__init__(
            f"{feature} needs the {extra} extra: pip install 'perceptron-lab[{extra}]' "
            f"({module} is missing)",
            name=module,
        )


def require(extra: str, feature: str, *modules: str) -> None:
    """Import ``modules``, or raise :class:`MissingExtra` naming ``extra`` and the one missing.

    ``feature`` is what the user asked for, as the sentence's subject ("the report").
    """
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise MissingExtra(extra, feature, exc.name or module) from None
