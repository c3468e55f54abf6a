"""The explanation's words, by language: templates with ``<name>`` placeholders.

``<name>`` (not ``{name}``) leaves TeX's braces alone: a template may hold inline math
such as ``$\\frac{1}{N}$``. The table of each language is in ``text_en.py`` and
``text_es.py``; both have the same keys (a test checks it).
"""

from __future__ import annotations

import re
from typing import Any

from ...errors import InputError
from ..i18n import LANGUAGES, words
from .text_en import EN
from .text_es import ES

TABLES: dict[str, dict[str, str]] = {"en": EN, "es": ES}
_PLACEHOLDER = re.compile(r"<(\w+)>")


class Say:
    """``say(key, **values)``: the template ``key`` of one language, filled in."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise InputError("lang", f"one of {', '.join(LANGUAGES)}", repr(lang))
        self.lang = lang
        self.table = TABLES[lang]

    def __call__(self, key: str, **values: Any) -> str:
        def fill(m: re.Match[str]) -> str:
            name = m.group(1)
            return str(values[name]) if name in values else m.group(0)

        return _PLACEHOLDER.sub(fill, self.table[key])

    def or_else(self, key: str, fallback: str, **values: Any) -> str:
        """The template ``key``, or ``fallback`` where the tables have none (an outside loss)."""
        return self(key, **values) if key in self.table else fallback

    def labels(self) -> dict[str, str]:
        """The renderers' words: table columns (shared with the other views) and labels."""
        w = words(self.lang)
        table = {key: w[key] for key in ("quantity", "by_hand", "by_torch", "gap")}
        return {
            **table,
            **{key: self.table[f"word_{key}"] for key in ("formula", "shapes", "numbers")},
        }
