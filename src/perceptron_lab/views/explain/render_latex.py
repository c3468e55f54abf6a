"""An Explanation as LaTeX: a document body, or a whole document for pdflatex.

The body needs amsmath, amssymb and array (the preamble of :func:`document` loads
them). Prose is escaped; its only characters beyond ASCII are Latin-1 letters, which
``inputenc`` (utf8) with T1 fonts sets.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..escape import latex as escape
from .mathtext import segments, tex_numbers
from .solution import Derivation, Explanation, Quantity

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb,array}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5em}
"""


def prose(text: str) -> str:
    """Prose: text escaped, math as ``\\(…\\)``, code as ``\\texttt``."""
    out = []
    for kind, piece in segments(text):
        if kind == "math":
            out.append(f"\\({tex_numbers(piece)}\\)")
        elif kind == "code":
            out.append(f"\\texttt{{{escape(piece)}}}")
        else:
            out.append(escape(piece))
    return "".join(out)


def _gather(lines: tuple[str, ...]) -> str:
    body = " \\\\\n".join(tex_numbers(line) for line in lines)
    return f"\\begin{{gather*}}\n{body}\n\\end{{gather*}}"


def _table(results: tuple[Quantity, ...], words: dict[str, str]) -> str:
    twin = any(q.torch is not None for q in results)
    col = r">{\raggedright\arraybackslash}p{%s\linewidth}"
    spec = col % "0.14" + col % "0.32" + col % "0.36" + "l" if twin else col % "0.14" + col % "0.8"
    header = [words["quantity"], words["by_hand"]] + (
        [words["by_torch"], words["gap"]] if twin else []
    )
    rows = [" & ".join(f"\\textbf{{{escape(h)}}}" for h in header) + r" \\ \hline"]
    for q in results:
        cells = [f"\\({tex_numbers(q.label)}\\)", f"\\texttt{{{escape(q.closed)}}}"]
        if twin:
            other = "---" if q.torch is None else f"\\texttt{{{escape(q.torch)}}}"
            if q.via:
                other += f" {{\\footnotesize(\\texttt{{{escape(q.via)}}})}}"
            cells += [other, escape(q.gap or "—")]
        rows.append(" & ".join(cells) + r" \\")
    body = "\n".join(rows)
    return f"\\begin{{tabular}}{{@{{}}{spec}@{{}}}}\n{body}\n\\end{{tabular}}"


def _derivation(d: Derivation, words: dict[str, str]) -> list[str]:
    blocks = [f"\\subsubsection*{{{prose(d.title)}}}"]
    if d.formula:
        blocks += [f"\\textbf{{{escape(words['formula'])}}}", _gather(d.formula)]
    if d.shapes:
        blocks.append(f"\\textbf{{{escape(words['shapes'])}:}} \\({tex_numbers(d.shapes)}\\)")
    if d.substitution:
        shown = f" ({prose(d.shown)})" if d.shown else ""
        blocks += [f"\\textbf{{{escape(words['numbers'])}}}{shown}", _gather(d.substitution)]
    if d.results:
        blocks.append(_table(d.results, words))
    blocks += [prose(note) for note in d.notes]
    return blocks


def body(expl: Explanation) -> str:
    """The explanation as a LaTeX document body (sections, math, tables)."""
    blocks = [f"\\section*{{{prose(expl.title)}}}", *(prose(line) for line in expl.summary)]
    for section in expl.sections:
        blocks.append(f"\\subsection*{{{prose(section.title)}}}")
        for d in section.derivations:
            blocks += _derivation(d, expl.words)
    blocks += [prose(line) for line in expl.closing]
    return "\n\n".join(blocks) + "\n"


def document(bodies: Sequence[str]) -> str:
    """A whole LaTeX document holding ``bodies``, one after another."""
    joined = "\n\\clearpage\n".join(bodies)
    return f"{PREAMBLE}\\begin{{document}}\n\n{joined}\n\\end{{document}}\n"
