"""An Explanation as Markdown: ``$…$`` and ``$$…$$`` math (GitHub, Jupyter, MathJax, KaTeX)."""

from __future__ import annotations

from .mathtext import segments, tex_numbers
from .solution import Derivation, Explanation, Quantity


def prose(text: str) -> str:
    """Prose with its math and code kept as Markdown writes them."""
    out = []
    for kind, piece in segments(text):
        if kind == "math":
            out.append(f"${tex_numbers(piece)}$")
        elif kind == "code":
            out.append(f"`{piece}`")
        else:
            out.append(piece)
    return "".join(out)


def _display(lines: tuple[str, ...]) -> list[str]:
    return [f"$$\n{tex_numbers(line)}\n$$" for line in lines]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(results: tuple[Quantity, ...], words: dict[str, str]) -> list[str]:
    twin = any(q.torch is not None for q in results)
    header = [words["quantity"], words["by_hand"]] + (
        [words["by_torch"], words["gap"]] if twin else []
    )
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for q in results:
        cells = [f"${q.label}$", _cell(q.closed)]
        if twin:
            other = "—" if q.torch is None else _cell(q.torch) + (f" (`{q.via}`)" if q.via else "")
            cells += [other, q.gap or "—"]
        rows.append("| " + " | ".join(cells) + " |")
    return ["\n".join(rows)]


def derivation(d: Derivation, words: dict[str, str], level: int = 3) -> list[str]:
    """A derivation's blocks: its title (a ``level`` heading), formula, shapes, numbers, results, notes."""
    blocks = [f"{'#' * level} {prose(d.title)}"]
    if d.formula:
        blocks += [f"**{words['formula']}**", *_display(d.formula)]
    if d.shapes:
        blocks.append(f"**{words['shapes']}:** ${tex_numbers(d.shapes)}$")
    if d.substitution:
        shown = f" ({prose(d.shown)})" if d.shown else ""
        blocks += [f"**{words['numbers']}**{shown}", *_display(d.substitution)]
    if d.results:
        blocks += _table(d.results, words)
    blocks += [prose(note) for note in d.notes]
    return blocks


def render(expl: Explanation) -> str:
    """The whole explanation as one Markdown document."""
    blocks = [f"# {prose(expl.title)}", *(prose(line) for line in expl.summary)]
    for section in expl.sections:
        blocks.append(f"## {prose(section.title)}")
        for d in section.derivations:
            blocks += derivation(d, expl.words)
    blocks += [prose(line) for line in expl.closing]
    return "\n\n".join(blocks) + "\n"
