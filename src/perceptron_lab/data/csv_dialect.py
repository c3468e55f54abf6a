"""How a CSV is written: its encoding, its separator and its decimal mark, given or sniffed.

Spreadsheets write CSVs in their locale: Excel in Spanish writes ``;`` separators,
decimal commas (``1,5``, ``1.234,56`` with ``.`` for thousands), CRLF line ends and
UTF-8 with a BOM or cp1252; LibreOffice writes UTF-16 with a BOM and tabs. What is not
given is sniffed, always the same way, so a file read twice reads the same:

- encoding: a BOM (UTF-8, UTF-16), else UTF-8 if the bytes are valid UTF-8, else
  cp1252 (Excel's Windows export), else latin-1 (which decodes any byte);
- separator: among ``SEPARATORS``, the one that splits the header into more than one
  field (outside quotes) and most of the first ``SAMPLE_ROWS`` rows into as many, the
  most such rows, then the most fields, winning; none: the file's own (``\\t`` for
  .tsv, else ``,``), and the first row that differs is the error;
- decimal mark: ``,`` when the separator is not ``,`` and a sampled cell is a number
  with a decimal comma (``1,5``, ``1.234,5``), else ``.``. A decimal comma under ``,``
  separation (a quoted ``"1,5"``) is ambiguous (``1,234`` may be a thousand): an error
  unless the decimal mark is given.

A trailing separator (an empty last field on every line) is not a column.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from perceptron_lab.errors import InputError

if TYPE_CHECKING:
    from _csv import Reader

SEPARATORS = (",", ";", "\t")
DECIMALS = (".", ",")
SAMPLE_ROWS = 100  # the rows the separator and the decimal mark are sniffed on

# a number written with a decimal comma, thousands grouped by '.' or not: 1,5  -2,25  1.234,56
_COMMA_DECIMAL = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+")
# any number as a decimal-comma locale writes it, 1.234 (a thousand) and 12 included
_COMMA_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Dialect:
    """A CSV's ``encoding``, ``sep`` and ``decimal``; ``detected``: those sniffed (not given)."""

    encoding: str
    sep: str
    decimal: str
    detected: frozenset[str] = frozenset()

    def how(self, name: str) -> str:
        """'given' or 'detected': how ``name`` (encoding, sep or decimal) was settled."""
        return "detected" if name in self.detected else "given"

    def describe(self, name: str) -> str:
        """E.g. "separator ';', detected": the words errors use."""
        value = getattr(self, name)
        word = {"sep": "separator", "decimal": "decimal mark", "encoding": "encoding"}[name]
        shown = "tab" if value == "\t" else repr(value)
        return f"{word} {shown}, {self.how(name)}"

    def recipe(self) -> dict[str, Any]:
        """What a run's data recipe records, so the file is read again the same way."""
        return {
            "sep": self.sep,
            "decimal": self.decimal,
            "encoding": self.encoding,
            "detected": sorted(self.detected),
        }


def check_choice(argument: str, value: str | None, choices: tuple[str, ...]) -> str | None:
    """``value`` if it is one of ``choices`` (``\\t``, 'tab' or 'TAB' name the tab), else an error."""
    if value is None:
        return None
    value = "\t" if value.lower() in ("tab", "\\t") else value
    if value not in choices:
        shown = ", ".join("tab" if c == "\t" else repr(c) for c in choices)
        raise InputError(argument, f"one of {shown}", repr(value))
    return value


def _encoding(raw: bytes, given: str | None) -> str:
    if given is not None:
        try:
            return codecs.lookup(given).name
        except LookupError:
            raise InputError(
                "encoding", "an encoding Python knows (utf-8, utf-16, cp1252, latin-1)", repr(given)
            ) from None
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    for name in ("utf-8", "cp1252"):
        try:
            raw.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    return "latin-1"


def bom_encoding(raw: bytes) -> str | None:
    """The encoding a leading BOM says (utf-8-sig, utf-16), else None: what a sniff starts from."""
    return next((name for bom, name in _BOMS if raw.startswith(bom)), None)


def decode(raw: bytes, encoding: str | None, source: str, how: str) -> tuple[str, str]:
    """(the text, its encoding): ``encoding`` if given, else sniffed; a leading BOM dropped."""
    name = _encoding(raw, encoding)
    try:
        text = raw.decode(name)
    except UnicodeDecodeError as error:
        raise InputError(
            source,
            f"a text file in {name} ({how})",
            f"undecodable bytes at position {error.start}",
            hint="choose another with --encoding (encoding= in Python)",
        ) from None
    return text.removeprefix("\ufeff"), name


def rows(text: str, sep: str) -> Reader:
    """The rows of ``text`` split at ``sep`` outside quotes (``""`` is a quote inside one)."""
    return csv.reader(io.StringIO(text, newline=""), delimiter=sep)


def _sample(text: str, sep: str) -> list[list[str]]:
    try:
        return [r for r in itertools.islice(rows(text, sep), SAMPLE_ROWS) if any(r)]
    except csv.Error:
        return []


def _separator(text: str, default: str) -> str:
    best, score = default, (0, 1)
    for sep in (default, *(s for s in SEPARATORS if s != default)):
        counts = [len(r) - (len(r) > 1 and not r[-1].strip()) for r in _sample(text, sep)]
        fit = (sum(n == counts[0] for n in counts), counts[0]) if counts else (0, 1)
        if fit[1] > 1 and 2 * fit[0] > len(counts) and fit > score:
            best, score = sep, fit
    return best


def sniff(
    text: str,
    source: str,
    *,
    encoding: str,
    sep: str | None = None,
    decimal: str | None = None,
    default_sep: str = ",",
) -> Dialect:
    """The dialect of decoded ``text``: ``sep`` and ``decimal`` if given, else sniffed."""
    chosen = sep if sep is not None else _separator(text, default_sep)
    if decimal is None:
        cells = (cell.strip() for r in _sample(text, chosen) for cell in r)
        comma = next((cell for cell in cells if _COMMA_DECIMAL.fullmatch(cell)), None)
        if comma is not None and chosen == ",":
            raise InputError(
                source,
                "numbers with a '.' decimal mark in a ','-separated file",
                f"{comma!r}: a decimal comma under ',' separation is ambiguous "
                "(a decimal or a thousands separator?)",
                hint="say which with --decimal , or --decimal . (decimal= in Python)",
            )
        decimal = "," if comma is not None else "."
    return Dialect(encoding=encoding, sep=chosen, decimal=decimal)


def read_dialect(
    raw: bytes,
    source: str,
    *,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    default_sep: str = ",",
    detected: Collection[str] = (),
) -> tuple[str, Dialect]:
    """(the text, its dialect) of a CSV's bytes: what is given kept, the rest sniffed.

    ``detected``: those of sep, decimal and encoding given because they were sniffed before
    (a run's recipe records them): errors say they were detected.
    """
    sep = check_choice("sep", sep, SEPARATORS)
    decimal = check_choice("decimal", decimal, DECIMALS)
    values = {"sep": sep, "decimal": decimal, "encoding": encoding}
    sniffed = frozenset(n for n, v in values.items() if v is None or n in detected)
    how = "detected" if "encoding" in sniffed else "given"
    text, name = decode(raw, encoding, source, how)
    dialect = sniff(text, source, encoding=name, sep=sep, decimal=decimal, default_sep=default_sep)
    return text, replace(dialect, detected=sniffed)


def plain_number(cell: str, decimal: str) -> str:
    """``cell`` as Python reads numbers: with ``decimal`` ',', '1.234,5' -> '1234.5' (text kept)."""
    if decimal == "," and _COMMA_NUMBER.fullmatch(cell.strip()):
        return cell.strip().replace(".", "").replace(",", ".")
    return cell
