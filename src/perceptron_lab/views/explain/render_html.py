"""An Explanation as a plain HTML fragment: formulas as Unicode text, nothing fetched.

No MathJax, no scripts, no styles: the fragment is meant to sit inside another page (the
run report). Classes name the parts for that page's stylesheet: ``formula``,
``substitution``, ``shapes``, ``shown``, ``results``, ``note``, ``math``.
"""

from __future__ import annotations

from ..escape import html as escape
from .mathtext import segments, to_unicode
from .solution import Derivation, Explanation, Quantity


def prose(text: str) -> str:
    """Prose: text escaped, math as Unicode in ``<code class="math">``, code in ``<code>``."""
    out = []
    for kind, piece in segments(text):
        if kind == "math":
            out.append(f'<code class="math">{escape(to_unicode(piece))}</code>')
        elif kind == "code":
            out.append(f"<code>{escape(piece)}</code>")
        else:
            out.append(escape(piece))
    return "".join(out)


def _pre(kind: str, lines: tuple[str, ...]) -> str:
    return f'<pre class="{kind}">' + "\n".join(escape(to_unicode(x)) for x in lines) + "</pre>"


def _table(results: tuple[Quantity, ...], words: dict[str, str]) -> str:
    twin = any(q.torch is not None for q in results)
    header = [words["quantity"], words["by_hand"]] + (
        [words["by_torch"], words["gap"]] if twin else []
    )
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    rows = []
    for q in results:
        cells = [f'<code class="math">{escape(to_unicode(q.label))}</code>', escape(q.closed)]
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


def _derivation(d: Derivation, words: dict[str, str]) -> list[str]:
    parts = [f"<h4>{prose(d.title)}</h4>"]
    if d.formula:
        parts.append(_pre("formula", d.formula))
    if d.shapes:
        parts.append(
            f'<p class="shapes">{escape(words["shapes"])}: '
            f'<code class="math">{escape(to_unicode(d.shapes))}</code></p>'
        )
    if d.substitution:
        shown = f' <span class="shown">({prose(d.shown)})</span>' if d.shown else ""
        parts += [f"<p>{escape(words['numbers'])}{shown}</p>", _pre("substitution", d.substitution)]
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
            parts += _derivation(d, expl.words)
        parts.append("</section>")
    parts += [f'<p class="closing">{prose(line)}</p>' for line in expl.closing]
    parts.append("</section>")
    return "\n".join(parts) + "\n"
