"""Text written into an output that gives characters a meaning, escaped so it shows as typed.

Feature, class and target names, the data's name and paths come from a user's file (its
header, its cells, its name), so they may hold any character: ``$`` starts math for
matplotlib, which fails on ``$\\undefinedmacro$``; ``\\ % & _ { }`` are commands to LaTeX;
``<script>`` runs in HTML. Each output has one function here, and every view that puts
such text into that output calls it. (The terminal needs none: a rich ``Text`` is never
read as markup.)
"""

from __future__ import annotations

from html import escape as _html_escape

_LATEX = {  # TeX's special characters, then the few beyond Latin-1 that prose uses
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
    "…": r"\ldots{}",
    "—": "---",
    "–": "--",
    "×": r"$\times$",
    "·": r"$\cdot$",
    "→": r"$\to$",
}


def mathtext(text: str) -> str:
    """Text for a matplotlib label or title, never read as ``$…$`` math.

    Every ``$`` becomes ``\\$``: matplotlib then counts no unescaped dollar, draws the
    text as plain text (where a backslash is an ordinary character) and shows each
    ``\\$`` as ``$``.
    """
    return text.replace("$", r"\$")


def latex(text: str) -> str:
    """Text for LaTeX's text mode: its special characters as commands that print them."""
    return "".join(_LATEX.get(ch, ch) for ch in text)


def html(text: str) -> str:
    """Text for HTML, in an element or in a quoted attribute: ``& < > " '`` as entities."""
    return _html_escape(text, quote=True)
