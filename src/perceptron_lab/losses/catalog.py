"""A catalog of named classes, one module each in a package, listed without importing them.

The losses and the update rules are both kept this way. A package's module ``<name>.py``
(other than its support modules) holds the class called ``<name>``, which registers
itself with the package's :meth:`Catalog.register` when the module runs. :meth:`names`
reads the module names off the package's files with :func:`pkgutil.iter_modules`, so a
name list (the CLI's ``choices``) costs no torch; :meth:`get` imports the module the
first time its class is asked for. A class defined anywhere else (a test, a user's
file) joins by calling :meth:`register` itself.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from ..errors import InputError

T = TypeVar("T")


class Catalog(Generic[T]):
    """Classes by name: the package's own modules, then those registered from outside."""

    def __init__(self, package: str, path: Iterable[str], support: Iterable[str], kind: str):
        self.package = package
        self.path = list(path)
        self.support = frozenset(support)
        self.kind = kind  # the library argument that names one: "loss", "optimizer"
        self.registered: dict[str, type[T]] = {}

    def register(self, cls: type[T]) -> type[T]:
        """Add ``cls`` under its ``name`` (a class decorator); the same name replaces it."""
        name: Any = getattr(cls, "name", None)
        if not isinstance(name, str) or not name.isidentifier():
            raise InputError(self.kind, "a class with a ``name`` that is an identifier", repr(cls))
        self.registered[name] = cls
        return cls

    def builtin(self) -> tuple[str, ...]:
        """The package's own names, from its module files (nothing imported)."""
        found = pkgutil.iter_modules(self.path)
        return tuple(m.name for m in found if m.name not in self.support and not m.ispkg)

    def names(self) -> tuple[str, ...]:
        """Every name: the package's modules, then the registered classes."""
        own = self.builtin()
        return own + tuple(n for n in self.registered if n not in own)

    def get(self, name: str) -> type[T]:
        """The class called ``name`` (its module imported on first use)."""
        if name not in self.registered and name in self.builtin():
            importlib.import_module(f"{self.package}.{name}")
        if name not in self.registered:
            raise InputError(self.kind, f"one of {', '.join(self.names())}", repr(name))
        return self.registered[name]

    def build(self, name: str, **options: Any) -> T:
        """An instance of ``name`` with ``options``; unknown options name the class."""
        cls = self.get(name)
        takes = inspect.signature(cls).parameters
        unknown = [k for k in options if k not in takes]
        if unknown and not any(p.kind is p.VAR_KEYWORD for p in takes.values()):
            raise InputError(
                f"{self.kind} options",
                f"options of {name} ({', '.join(takes)})",
                ", ".join(unknown),
            )
        return cls(**options)

    def classes(self) -> dict[str, type[T]]:
        """Every class by name (imports every module)."""
        return {name: self.get(name) for name in self.names()}
