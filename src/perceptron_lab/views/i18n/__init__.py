"""Every word the views and ``watch`` print, in English and Spanish: one catalog.

The tables are :mod:`.en` and :mod:`.es`, one section each for the demo, the
explanation, the report and the watch; both languages hold the same keys with the same
placeholders (a test checks it). A template's placeholders are ``<name>``, or
``<name:spec>`` with a format spec (``<gap:.1e>``) — angle brackets, not braces, so a
template can hold TeX such as ``$\\frac{1}{N}$`` as it is.

Words keyed by a loss's or a rule's name (``loss_bce``, ``rule_sgd``) live here beside
the others; a loss or rule registered from outside the package has none, and
:meth:`Words.or_else` falls back to the class's own English.
"""

from __future__ import annotations

import os
import re
from typing import Any

from ...errors import InputError
from .en import WORDS as EN
from .es import WORDS as ES

LANGUAGES = ("en", "es")
CATALOG: dict[str, dict[str, dict[str, str]]] = {"en": EN, "es": ES}
PLACEHOLDER = re.compile(r"<(\w+)(?::([^<>]*))?>")


_chosen: list[str] = []  # set_language's choice, if any: it outranks the locale


def set_language(lang: str | None) -> None:
    """Make ``lang`` the language of every display not told one (a notebook's tables, errors).

    None goes back to the locale's. ``perceptron_lab.set_language("es")`` in a notebook
    puts its StepRecord and Trace tables in Spanish.
    """
    chosen = None if lang is None else check_language(lang)
    _chosen[:] = [] if chosen is None else [chosen]


def default_language() -> str:
    """set_language's choice, else Spanish when the locale says so, else English.

    The locale says so when LC_ALL, LC_MESSAGES or LANG (the first set) starts with 'es'.
    """
    if _chosen:
        return _chosen[0]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "es" if value.lower().startswith("es") else "en"
    return "en"


def check_language(lang: str | None) -> str:
    """``lang``, or the locale's language when None; anything but en/es is an InputError."""
    lang = default_language() if lang is None else lang
    if lang not in LANGUAGES:
        raise InputError("lang", f"one of {', '.join(LANGUAGES)}", repr(lang))
    return lang


class Words:
    """One section of one language: ``words(key, **values)`` is the template, filled in.

    A placeholder without a value is left as written (``<name>``), so a template can be
    filled in two passes.
    """

    def __init__(self, lang: str | None, section: str) -> None:
        self.lang = check_language(lang)
        self.section = section
        self.table = CATALOG[self.lang][section]

    def __call__(self, key: str, **values: Any) -> str:
        def fill(m: re.Match[str]) -> str:
            name, spec = m.group(1), m.group(2)
            if name not in values:
                return m.group(0)
            return format(values[name], spec) if spec else str(values[name])

        return PLACEHOLDER.sub(fill, self.table[key])

    def __contains__(self, key: str) -> bool:
        return key in self.table

    def or_else(self, key: str, fallback: str, **values: Any) -> str:
        """The template ``key``, or ``fallback`` where the catalog has none (an outside loss)."""
        return self(key, **values) if key in self.table else fallback


def value_word(kind: str, value: str, lang: str = "en") -> str:
    """A recorded value in ``lang``: a status, a task or a quantity's name (``kind``).

    The run files keep them in English (``finished``, ``binary``, ``loss``); one the
    catalog has no word for (a watched model's ``state[W].exp_avg``) is shown as recorded.
    """
    return Words(lang, "documents").or_else(f"{kind}_{value.replace(' ', '_')}", value)
