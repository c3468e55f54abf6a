"""The update rules, one module each: ``optim/<name>.py`` holds the rule called ``<name>``.

Adding a rule is adding one module whose :class:`UpdateRule` subclass is decorated with
:func:`register_rule` (a rule defined outside the package registers the same way).
:func:`rule_names` lists the rules from the package's files without importing torch (the
CLI's ``--optimizer`` choices); :func:`get_optimizer` imports a rule's module when it is
first built. ``UpdateRule`` and ``State`` are read from :mod:`.rule` on first access, so
importing this package costs no torch. (``schedules`` holds the learning-rate schedules,
``worked`` the pieces a rule writes its worked update with.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..losses.catalog import Catalog

if TYPE_CHECKING:
    from .rule import State, UpdateRule

DEFAULT_OPTIMIZER = "sgd"

CATALOG: Catalog[UpdateRule] = Catalog(
    __name__, __path__, ("rule", "schedules", "worked"), "optimizer"
)
register_rule = CATALOG.register
rule_class = CATALOG.get
rule_names = CATALOG.names


def get_optimizer(name: str, **options: Any) -> UpdateRule:
    """Build a rule by name: ``get_optimizer("sgd", lr=0.01, momentum=0.9)``."""
    return CATALOG.build(name, **options)


def __getattr__(name: str) -> Any:
    if name in ("State", "UpdateRule"):
        from . import rule

        return getattr(rule, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CATALOG",
    "DEFAULT_OPTIMIZER",
    "State",
    "UpdateRule",
    "get_optimizer",
    "register_rule",
    "rule_class",
    "rule_names",
]
