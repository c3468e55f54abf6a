"""English phrases to Spanish, gettext-style: a template per phrase, matched at display time.

The library's messages stay English where they are written (``InputError(...)``,
``add_argument(help=...)``); a phrasebook translates each when it is shown. A key is
the English phrase with its variable parts numbered, as an f-string's replacement
fields are: ``f"an integer >= {low}"`` is ``"an integer >= <1>"``, and its Spanish
``"un entero >= <1>"`` may put the numbers in another order. A phrase matches a key
when it is the key with text in place of each ``<n>``; the most specific key (the most
fixed text) wins, and each part filled in is translated again (a phrase inside a
phrase: ``"labels for <1>: <2>"``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, partial

NUMBERED = re.compile(r"<(\d+)>")


class Phrasebook:
    """``book.translate(english)``: the phrase in the book's language, or None if it has none."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self.table = table
        patterns = []
        for key in table:
            parts = NUMBERED.split(key)  # text, number, text, number, ..., text
            fixed = sum(len(p) for p in parts[::2])
            if len(parts) == 1 or not fixed:  # no field, or nothing but fields: never a pattern
                continue
            regex = "".join(
                re.escape(p) if i % 2 == 0 else rf"(?P<p{p}>.+?)" for i, p in enumerate(parts)
            )
            patterns.append((fixed, re.compile(rf"{regex}\Z", re.DOTALL), key))
        self.patterns = sorted(patterns, key=lambda item: -item[0])

    def translate(self, text: str) -> str | None:
        """``text`` in the book's language; None when no key matches it."""
        if self.table is ENGLISH:  # the phrases' own language
            return text
        if text in self.table:
            return self.table[text]
        for _, pattern, key in self.patterns:
            m = pattern.match(text)
            if m:
                filled = {name[1:]: self.say(value) for name, value in m.groupdict().items()}
                return NUMBERED.sub(partial(_part, filled), self.table[key])
        return None

    def say(self, text: str) -> str:
        """``text`` translated, or as it came when the book has no key for it."""
        found = self.translate(text)
        return text if found is None else found


def _part(filled: Mapping[str, str], number: re.Match[str]) -> str:
    return filled[number.group(1)]


ENGLISH: Mapping[str, str] = {}  # the table of English: every phrase is already in it


def phrasebook(kind: str, lang: str | None) -> Phrasebook:
    """The ``kind`` phrasebook ("errors", "help" or "compare") of ``lang`` (None: the locale's)."""
    from . import check_language

    return _book(kind, check_language(lang))


@cache
def _book(kind: str, lang: str) -> Phrasebook:
    from .compare_es import COMPARE
    from .errors_es import ERRORS
    from .help_es import HELP

    spanish = {"errors": ERRORS, "help": HELP, "compare": COMPARE}[kind]
    return Phrasebook(spanish if lang == "es" else ENGLISH)
