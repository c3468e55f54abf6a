"""An Explanation as a plain HTML fragment: formulas as Unicode text and as TeX, nothing fetched.

No scripts, no styles: the fragment is meant to sit inside another page (the run
report). Each formula is a ``<span class="math">`` (inline) or ``<div class="math">``
(a displayed line) whose text is the Unicode form, readable as it is, and whose
``data-tex`` attribute holds the TeX that a page with KaTeX typesets in its place (the
report does, :mod:`perceptron_lab.views.katex`). Classes name the parts for that page's
stylesheet: ``formula``, ``substitution``, ``shapes``, ``shown``, ``results``, ``note``,
``math``.
"""

from __future__ import annotations

from ..escape import html as escape
from .mathtext import segments, tex_numbers, to_unicode
from .solution import Derivation, Explanation, Quantity


def math(tex: str, tag: str = "span") -> str:
    """One formula: its Unicode text, its TeX (numbers as TeX writes them) in ``data-tex``."""
    return (
        f'<{tag} class="math" data-tex="{escape(tex_numbers(tex))}">'
        f"{escape(to_unicode(tex))}</{tag}>"
    )


def prose(text: str) -> str:
    """Prose: text escaped, math as :func:`math`, code in ``<code>``."""
    out = []
    for kind, piece in segments(text):
        if kind == "math":
            out.append(math(piece))
        elif kind == "code":
            out.append(f"<code>{escape(piece)}</code>")
        else:
            out.append(escape(piece))
    return "".join(out)


def _lines(kind: str, lines: tuple[str, ...]) -> str:
    return f'<div class="{kind}">' + "\n".join(math(x, "div") for x in lines) + "</div>"


def _table(results: tuple[Quantity, ...], words: dict[str, str]) -> str:
    twin = any(q.torch is not None for q in results)
    header = [words["quantity"], words["by_hand"]] + (
        [words["by_torch"], words["gap"]] if twin else []
    )
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    rows = []
    for q in results:
        cells = [math(q.label), escape(q.closed)]
        if twin:
            other = "—" if q.torch is None else escape(q.torch)
            if q.via:
                other += f" <small>(<code>{escape(q.via)}</code>)</small>"
            cells += [other, escape(q.gap or "—")]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (
        f'<table class="results"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def derivation(d: Derivation, words: dict[str, str]) -> list[str]:
    """A derivation's elements: its ``<h4>`` title, formula, shapes, numbers, results, notes."""
    parts = [f"<h4>{prose(d.title)}</h4>"]
    if d.formula:
        parts.append(_lines("formula", d.formula))
    if d.shapes:
        parts.append(f'<p class="shapes">{escape(words["shapes"])}: {math(d.shapes)}</p>')
    if d.substitution:
        shown = f' <span class="shown">({prose(d.shown)})</span>' if d.shown else ""
        parts += [
            f"<p>{escape(words['numbers'])}{shown}</p>",
            _lines("substitution", d.substitution),
        ]
    if d.results:
        parts.append(_table(d.results, words))
    parts += [f'<p class="note">{prose(note)}</p>' for note in d.notes]
    return parts


def render(expl: Explanation) -> str:
    """The explanation as one ``<section>`` element."""
    parts = [
        f'<section class="perceptron-explanation" lang="{expl.lang}">',
        f"<h2>{prose(expl.title)}</h2>",
        *(f"<p>{prose(line)}</p>" for line in expl.summary),
    ]
    for section in expl.sections:
        parts += ["<section>", f"<h3>{prose(section.title)}</h3>"]
        for d in section.derivations:
            parts += derivation(d, expl.words)
        parts.append("</section>")
    parts += [f'<p class="closing">{prose(line)}</p>' for line in expl.closing]
    parts.append("</section>")
    return "\n".join(parts) + "\n"
