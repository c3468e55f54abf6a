"""A worked step (views/explain's :class:`Explanation`) as JSON the page typesets with KaTeX.

The explanation is the one ``perceptron-lab explain`` prints; here its prose is split
into ``[kind, text]`` pieces ("text", "math" or "code") and every TeX line has its
scientific numbers written as TeX writes them (``-2.2352 \\times 10^{-8}``), so the page
does no parsing of its own.
"""

from __future__ import annotations

from typing import Any

from ..views.explain.mathtext import segments, tex_numbers
from ..views.explain.solution import Derivation, Explanation, Quantity


def prose(text: str | None) -> list[list[str]] | None:
    """Prose as pieces; math pieces KaTeX-ready."""
    if text is None:
        return None
    return [
        [kind, tex_numbers(piece) if kind == "math" else piece] for kind, piece in segments(text)
    ]


def _quantity(q: Quantity) -> dict[str, Any]:
    return {
        "label": tex_numbers(q.label),
        "closed": q.closed,
        "torch": q.torch,
        "gap": q.gap,
        "via": q.via,
    }


def _derivation(d: Derivation) -> dict[str, Any]:
    return {
        "title": prose(d.title),
        "formula": [tex_numbers(line) for line in d.formula],
        "shapes": None if d.shapes is None else tex_numbers(d.shapes),
        "substitution": [tex_numbers(line) for line in d.substitution],
        "shown": prose(d.shown),
        "results": [_quantity(q) for q in d.results],
        "notes": [prose(n) for n in d.notes],
    }


def worked_json(expl: Explanation) -> dict[str, Any]:
    """The explanation as the protocol's ``worked`` object."""
    return {
        "lang": expl.lang,
        "title": prose(expl.title),
        "summary": [prose(line) for line in expl.summary],
        "sections": [
            {"title": prose(s.title), "derivations": [_derivation(d) for d in s.derivations]}
            for s in expl.sections
        ],
        "closing": [prose(line) for line in expl.closing],
        "words": dict(expl.words),
    }
