"""The parser in the user's language: every description, flag's help and argparse heading.

The commands write their help in English (``add_argument(help=...)``); :func:`localize`
walks the finished parser and puts each text through the help phrasebook
(:data:`perceptron_lab.views.i18n.help_es.HELP`, keyed by the English), argparse's own
headings ("positional arguments", "options", "show this help message and exit")
included. A text the phrasebook lacks stays English and is returned, so a test can name
it; translating a new flag's help is one line in that table. :class:`LocalParser` says
argparse's "usage:" and its usage errors ("the following arguments are required")
in the parser's language, the errors through the errors' phrasebook.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any, NoReturn

from ..views.i18n import Words
from ..views.i18n.phrasebook import Phrasebook, phrasebook
from .options import command_parsers


class LocalParser(argparse.ArgumentParser):
    """argparse in the parser's ``lang``; a usage error is one line: what was wrong, where to look."""

    lang = "en"  # set by localize

    def error(self, message: str) -> NoReturn:
        said = phrasebook("errors", self.lang).say(message)
        line = Words(self.lang, "errors")("usage", prog=self.prog, message=said)
        self.exit(2, line + "\n")

    def _get_formatter(self) -> argparse.HelpFormatter:
        """argparse's formatter, its "usage: " in the parser's language."""
        return LocalFormatter(self.prog, Words(self.lang, "errors")("usage_prefix") + " ")


class LocalFormatter(argparse.HelpFormatter):
    """argparse's help formatter, with the "usage: " it is given."""

    def __init__(self, prog: str, usage_prefix: str) -> None:
        super().__init__(prog)
        self.usage_prefix = usage_prefix

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[Any],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, self.usage_prefix if prefix is None else prefix)


def localize(parser: argparse.ArgumentParser, lang: str) -> list[str]:
    """Translate ``parser`` and its sub-parsers into ``lang`` in place; the English left over."""
    book = phrasebook("help", lang)
    missing: list[str] = []
    seen: set[int] = set()  # an action a parent lent to several commands, translated once
    for each in [parser, *command_parsers(parser)]:
        if isinstance(each, LocalParser):
            each.lang = lang
        each.description = _say(book, each.description, missing)
        for group in each._action_groups:
            group.title = _say(book, group.title, missing)
            group.description = _say(book, group.description, missing)
        for action in each._actions:
            subactions = getattr(action, "_choices_actions", [])
            for one in [action, *subactions]:
                if id(one) not in seen and one.help != argparse.SUPPRESS:
                    seen.add(id(one))
                    one.help = _say(book, one.help, missing)
    return missing


def _say(book: Phrasebook, text: str | None, missing: list[str]) -> str | None:
    if not text:
        return text
    found = book.translate(text)
    if found is None:
        missing.append(text)
        return text
    return found
