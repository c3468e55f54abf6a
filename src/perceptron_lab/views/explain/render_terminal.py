"""An Explanation as rich renderables for the terminal: formulas as Unicode text."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from .mathtext import segments, to_unicode
from .solution import Derivation, Explanation, Quantity


def prose(text: str, indent: str = "", style: str = "") -> Text:
    """Prose with math in italics and code in green (never read as rich markup)."""
    out = Text(indent, style=style)
    for kind, piece in segments(text):
        if kind == "math":
            out.append(to_unicode(piece), style="italic")
        elif kind == "code":
            out.append(piece, style="green")
        else:
            out.append(piece)
    return out


def _table(results: tuple[Quantity, ...], words: dict[str, str]) -> Table:
    twin = any(q.torch is not None for q in results)
    table = Table(box=None, padding=(0, 2, 0, 4), header_style="bold")
    table.add_column(words["quantity"])
    table.add_column(words["by_hand"])
    if twin:
        table.add_column(words["by_torch"])
        table.add_column(words["gap"], justify="right")
    for q in results:
        cells = [Text(to_unicode(q.label)), Text(q.closed)]
        if twin:
            other = Text("—" if q.torch is None else q.torch)
            if q.via:
                other.append(f"  {q.via}", style="dim green")
            cells += [other, Text(q.gap or "—")]
        table.add_row(*cells)
    return table


def _derivation(d: Derivation, words: dict[str, str]) -> list[RenderableType]:
    parts: list[RenderableType] = [prose(d.title, "  ", "bold")]
    if d.formula:
        parts.append(Text(f"    {words['formula']}:", style="dim"))
        parts += [Text("      " + to_unicode(line), style="cyan") for line in d.formula]
    if d.shapes:
        parts.append(Text(f"    {words['shapes']}: {to_unicode(d.shapes)}"))
    if d.substitution:
        label = Text(f"    {words['numbers']}:", style="dim")
        if d.shown:
            label.append(" (").append_text(prose(d.shown)).append(")")
        parts.append(label)
        parts += [Text("      " + to_unicode(line)) for line in d.substitution]
    if d.results:
        parts.append(_table(d.results, words))
    parts += [prose(note, "    • ") for note in d.notes]
    parts.append(Text(""))
    return parts


def render(expl: Explanation) -> Group:
    """The explanation as one rich Group (print it with a rich Console)."""
    parts: list[RenderableType] = [prose(expl.title, style="bold underline")]
    parts += [prose(line) for line in expl.summary]
    for section in expl.sections:
        parts.append(Rule(prose(section.title), align="left"))
        for d in section.derivations:
            parts += _derivation(d, expl.words)
    parts += [prose(line, style="bold") for line in expl.closing]
    return Group(*parts)
