"""An Explanation as LaTeX: a document body, or a whole document for pdflatex.

The body needs amsmath, amssymb, array, tabularx and graphicx, and the ``\\fitline``
command (the preamble of :func:`document` has them). Prose is escaped; its only
characters beyond ASCII are Latin-1 letters, which ``inputenc`` (utf8) with T1 fonts
sets.

Everything fits the page's width, so pdflatex reports no overfull box: a displayed line
wider than the text is scaled down to it (``\\fitline``), result tables are
``tabularx`` of the text's width in a small font, code may break after ``.``, ``(``,
``,`` and ``=``, and paragraphs get emergency stretch. A step takes about two pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..escape import latex as escape
from .mathtext import segments, tex_numbers
from .solution import Derivation, Explanation, Quantity

# what a body needs beyond amsmath, amssymb, array, tabularx and graphicx (a deck too)
MACROS = r"""\newcolumntype{Y}{>{\raggedright\arraybackslash}X}
% a displayed line as it is, or scaled down to the text's width when wider
\newcommand{\fitline}[1]{\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{\(\displaystyle #1\)}}
"""
PREAMBLE = (
    r"""\documentclass[10pt]{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage[margin=1.5cm]{geometry}
\usepackage{amsmath,amssymb,array,tabularx,graphicx}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.4em}
\setlength{\emergencystretch}{3em}
\makeatletter  % tight displays and headings: a step takes about two pages
\g@addto@macro\normalsize{%
  \setlength\abovedisplayskip{3pt plus 2pt}\setlength\belowdisplayskip{3pt plus 2pt}%
  \setlength\abovedisplayshortskip{1pt plus 2pt}\setlength\belowdisplayshortskip{3pt plus 2pt}}
\renewcommand\subsection{\@startsection{subsection}{2}{\z@}{1.6ex plus .5ex}{.6ex}{\large\bfseries}}
\renewcommand\subsubsection{\@startsection{subsubsection}{3}{\z@}{1.2ex plus .4ex}{.3ex}{\normalsize\bfseries}}
\makeatother
"""
    + MACROS
)
# code may break after these, and after a dot before a name (nn.BCEWithLogitsLoss(...))
_BREAK = re.compile(r"(?<=[(,=;])|(?<=\.)(?=[A-Za-z_])")


def code(text: str) -> str:
    """Code in ``\\texttt``, escaped, a break allowed after ``( , = ;`` and a dot before a name."""
    return "\\texttt{" + "\\allowbreak{}".join(escape(p) for p in _BREAK.split(text)) + "}"


def prose(text: str) -> str:
    """Prose: text escaped, math as ``\\(…\\)``, code as ``\\texttt``."""
    out = []
    for kind, piece in segments(text):
        if kind == "math":
            out.append(f"\\({tex_numbers(piece)}\\)")
        elif kind == "code":
            out.append(code(piece))
        else:
            out.append(escape(piece))
    return "".join(out)


def gather(lines: tuple[str, ...]) -> str:
    """Displayed lines in ``gather*``, each as it is or scaled down to the width (``\\fitline``)."""
    body = " \\\\\n".join(f"\\fitline{{{tex_numbers(line)}}}" for line in lines)
    return f"\\begin{{gather*}}\n{body}\n\\end{{gather*}}"


def table(results: tuple[Quantity, ...], words: dict[str, str]) -> str:
    """The results: quantity, by formula (and by PyTorch, disagreement), a small ``tabularx``."""
    twin = any(q.torch is not None for q in results)
    spec = "@{}lYYl@{}" if twin else "@{}lY@{}"
    header = [words["quantity"], words["by_hand"]] + (
        [words["by_torch"], words["gap"]] if twin else []
    )
    rows = [" & ".join(f"\\textbf{{{escape(h)}}}" for h in header) + r" \\ \hline"]
    for q in results:
        cells = [f"\\({tex_numbers(q.label)}\\)", f"\\texttt{{{escape(q.closed)}}}"]
        if twin:
            other = "---" if q.torch is None else f"\\texttt{{{escape(q.torch)}}}"
            if q.via:
                other += f" {{\\footnotesize({code(q.via)})}}"
            cells += [other, escape(q.gap or "—")]
        rows.append(" & ".join(cells) + r" \\")
    body = "\n".join(rows)
    return f"{{\\small\n\\begin{{tabularx}}{{\\linewidth}}{{{spec}}}\n{body}\n\\end{{tabularx}}}}"


def derivation(
    d: Derivation, words: dict[str, str], display: Callable[[tuple[str, ...]], str] = gather
) -> list[str]:
    """A derivation's paragraphs but its title: formula, shapes, numbers, results, notes.

    ``display`` sets the formula's and the substitution's lines (:func:`gather`: one a line).
    """
    blocks: list[str] = []
    if d.formula:
        # the display goes on in its label's paragraph: no empty line before it
        blocks.append(f"\\textbf{{{escape(words['formula'])}}}\n{display(d.formula)}")
    if d.shapes:
        blocks.append(f"\\textbf{{{escape(words['shapes'])}:}} \\({tex_numbers(d.shapes)}\\)")
    if d.substitution:
        shown = f" ({prose(d.shown)})" if d.shown else ""
        blocks.append(f"\\textbf{{{escape(words['numbers'])}}}{shown}\n{display(d.substitution)}")
    if d.results:
        blocks.append(table(d.results, words))
    blocks += [prose(note) for note in d.notes]
    return blocks


def body(expl: Explanation) -> str:
    """The explanation as a LaTeX document body (sections, math, tables)."""
    blocks = [f"\\section*{{{prose(expl.title)}}}", *(prose(line) for line in expl.summary)]
    for section in expl.sections:
        blocks.append(f"\\subsection*{{{prose(section.title)}}}")
        for d in section.derivations:
            blocks.append(f"\\subsubsection*{{{prose(d.title)}}}")
            blocks += derivation(d, expl.words)
    blocks += [prose(line) for line in expl.closing]
    return "\n\n".join(blocks) + "\n"


def document(bodies: Sequence[str]) -> str:
    """A whole LaTeX document holding ``bodies``, one after another."""
    joined = "\n\\bigskip\\hrule\n".join(bodies)  # one step after another, no empty half pages
    return f"{PREAMBLE}\\begin{{document}}\n\n{joined}\n\\end{{document}}\n"
