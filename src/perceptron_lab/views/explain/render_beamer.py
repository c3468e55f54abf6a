"""An Explanation as a Beamer deck: one slide per quantity, for pdflatex.

The deck of one step is a title frame (the step's title and its setting), then one frame
per derivation — titled with its section, subtitled with its own title, holding the
formula, the shapes, the formula with the numbers put in, the results table (by formula,
by PyTorch, their disagreement) and the notes — and a closing frame with the
verification. Several steps make one deck, one after another. The words are the
Explanation's (its titles, its ``words``, and its ``lang``'s catalog for the closing
frame's title); the TeX is :mod:`.render_latex`'s (prose, code, the results table and
``\\fitline``), on Beamer's ``default`` theme, 16:9.

Every frame fits its slide, so pdflatex reports no overfull box and nothing runs off.
``\\fitframe`` sets a frame's content at 100% of the font size and, while it is taller
than the room under the frame's title, at 95%, 90%, … and then at each 1% above the first
that fits — each time on lines as much wider, so the prose takes fewer of them — and
scales the largest that fits to the slide's width; still too tall at 40%, it is scaled to
the room's height (narrower than the slide, never taller). A derivation's displayed lines
are ``\\fitcells``: one under another, or in as many columns as the width holds (each as
wide as its widest line, filled column by column: an Adam step's lines of W, one column
per weight) where that gains 10% of the size. A line wider than the slide is scaled down
to it (``\\fitline``); tables are ``tabularx`` of the slide's width. The log says each
frame's size, ``fitframe: N percent``. Beamer needs pgf (Debian's texlive-pictures).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..i18n import Words
from .mathtext import tex_numbers
from .render_latex import MACROS, derivation, prose
from .solution import Explanation

PREAMBLE = (
    r"""\documentclass[aspectratio=169,11pt]{beamer}
\usetheme{default}
\setbeamertemplate{navigation symbols}{}
\setbeamertemplate{footline}{\hfill\usebeamerfont{page number in head/foot}%
  \usebeamercolor[fg]{page number in head/foot}\insertframenumber\kern1em\vskip3pt}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{amsmath,amssymb,array,tabularx,graphicx}
\setlength{\emergencystretch}{3em}
"""
    + MACROS
    + r"""\makeatletter
\newbox\fit@box
\newdimen\fit@room
\newdimen\fit@w
\newdimen\fit@total
\newcount\fit@size
\newcount\fit@maxcols
\newcount\fit@cells
\newcount\fit@cols
\newcount\fit@rows
\newcount\fit@r
\newcount\fit@i
\newcount\fit@j
\newcount\fit@try
\newcount\fit@used
\newcount\fit@last
\newcount\fit@best
\newcount\fit@one
\newcount\fit@cap
\newif\iffit@again
\newif\iffit@fits
% a frame's content at the largest size that fits under its title, on lines as much wider
% than the slide (so the prose takes fewer of them), scaled to the slide's width: its
% displayed lines one under another, or in as many columns as fit where that gains 10% of
% the size; still too tall at 40%, the content is scaled to the room's height
\newcommand{\fitframe}[1]{%
  \ifx\beamer@frametitle\@empty\setbox\fit@box=\vbox{}\else
    \setbox\fit@box=\vbox{\vbox{}{\parskip0pt\usebeamertemplate***{frametitle}\vskip0.25em}}\fi
  \fit@room=\dimexpr\textheight-\ht\fit@box-\dp\fit@box-\beamer@frametopskip-4pt\relax
  \def\fit@content{#1}%
  \fit@maxcols=1 \fit@search
  \iffit@fits\ifnum\fit@size=100 \else\fit@againtrue\fi\else\fit@againtrue\fi
  \iffit@again
    \fit@one=\iffit@fits\fit@size\else0\fi
    \fit@maxcols=1000 \fit@search
    \ifnum\fit@size<\numexpr\fit@one+10\relax\ifnum\fit@one>0
      \fit@maxcols=1 \fit@size=\fit@one \fit@set\fi\fi
  \fi
  \typeout{fitframe: \the\fit@size\space percent\iffit@fits\else, scaled to the room\fi}%
  \noindent
  \iffit@fits
    \resizebox{\textwidth}{!}{\box\fit@box}%
  \else
    \resizebox*{!}{\fit@room}{\box\fit@box}%
  \fi}
% the largest size that fits: 100%, 95%, 90%, ... 40%, then each 1% above the one that fits
\def\fit@search{%
  \fit@size=100 \fit@set
  \loop
    \fit@againfalse
    \iffit@fits\else\ifnum\fit@size>40 \fit@againtrue\fi\fi
  \iffit@again \advance\fit@size by -5 \fit@set \repeat
  \iffit@fits\ifnum\fit@size<100
    \fit@best=\fit@size \fit@cap=\numexpr\fit@size+5\relax
    \loop
      \fit@againfalse
      \ifnum\numexpr\fit@size+1\relax<\fit@cap
        \advance\fit@size by 1 \fit@set
        \iffit@fits \fit@best=\fit@size \fit@againtrue\fi
      \fi
    \iffit@again\repeat
    \ifnum\fit@size=\fit@best\else \fit@size=\fit@best \fit@set\fi
  \fi\fi}
% the content set at \fit@size percent, on lines 100/\fit@size times the text's width
\def\fit@set{%
  \setbox\fit@box=\vbox{\hsize=\dimexpr\textwidth*100/\fit@size\relax
    \linewidth=\hsize\textwidth=\hsize\columnwidth=\hsize\parskip=0.5em plus 0.2em\relax
    \fit@content\par}%
  \ifdim\dimexpr(\ht\fit@box+\dp\fit@box)*\fit@size/100\relax>\fit@room
    \fit@fitsfalse\else\fit@fitstrue\fi}
% displayed lines, each \fitcell{...}: in as many columns as the line holds (at most
% \fit@maxcols), each as wide as its widest line, filled column by column
\newcommand{\fitcells}[1]{\par\begingroup
  \fit@cells=0
  \def\fitcell##1{\advance\fit@cells by 1
    \expandafter\def\csname fit@cell@\the\fit@cells\endcsname{##1}%
    \setbox0=\hbox{\(\displaystyle##1\)}%
    \ifdim\wd0>\linewidth \setbox0=\hbox to\linewidth{}\fi
    \expandafter\edef\csname fit@wd@\the\fit@cells\endcsname{\the\wd0}}%
  #1%
  \fit@cols=1 \fit@try=1
  \@whilenum\fit@try<\numexpr\ifnum\fit@maxcols<\fit@cells\fit@maxcols\else\fit@cells\fi+1\relax
  \do{\fit@layout\fit@try \ifdim\fit@total>\linewidth\else\fit@cols=\fit@try\fi
    \advance\fit@try by 1}%
  \fit@layout\fit@cols
  \baselineskip=0pt \lineskiplimit=0pt \lineskip=5pt
  \vskip2pt
  \fit@r=0
  \@whilenum\fit@r<\fit@rows\do{%
    \hbox to\linewidth{\hss
      \fit@j=0
      \@whilenum\fit@j<\fit@used\do{%
        \ifnum\fit@j>0 \hskip2em\fi
        \fit@i=\numexpr\fit@j*\fit@rows+\fit@r+1\relax
        \hbox to\csname fit@colwd@\the\fit@j\endcsname{%
          \ifnum\fit@i>\fit@cells\else
            \linewidth=\csname fit@colwd@\the\fit@j\endcsname\relax
            \fitline{\csname fit@cell@\the\fit@i\endcsname}\fi
          \hss}%
        \advance\fit@j by 1}%
      \hss}%
    \advance\fit@r by 1}%
  \vskip2pt
  \endgroup\par}
% the cells in #1 columns: \fit@rows rows, \fit@used columns used, each one's width
% (\fit@colwd@j) and theirs with the gaps (\fit@total)
\def\fit@layout#1{%
  \fit@rows=\numexpr(2*(\fit@cells+#1-1)-(#1))/(2*(#1))\relax
  \fit@used=\numexpr(2*(\fit@cells+\fit@rows-1)-\fit@rows)/(2*\fit@rows)\relax
  \fit@total=-2em
  \fit@j=0
  \@whilenum\fit@j<\fit@used\do{%
    \fit@w=0pt
    \fit@i=\numexpr\fit@j*\fit@rows+1\relax
    \fit@last=\numexpr(\fit@j+1)*\fit@rows\relax
    \ifnum\fit@last>\fit@cells \fit@last=\fit@cells\fi
    \@whilenum\fit@i<\numexpr\fit@last+1\relax\do{%
      \ifdim\csname fit@wd@\the\fit@i\endcsname>\fit@w
        \fit@w=\csname fit@wd@\the\fit@i\endcsname\relax\fi
      \advance\fit@i by 1}%
    \expandafter\edef\csname fit@colwd@\the\fit@j\endcsname{\the\fit@w}%
    \advance\fit@total by \dimexpr\fit@w+2em\relax
    \advance\fit@j by 1}}
\makeatother
"""
)


def cells(lines: tuple[str, ...]) -> str:
    """Displayed lines as ``\\fitcells``: one under another, or in columns where they fit."""
    body = "\n".join(f"\\fitcell{{{tex_numbers(line)}}}" for line in lines)
    return f"\\fitcells{{\n{body}}}"


def _frame(blocks: Sequence[str], title: str = "", subtitle: str = "", place: str = "t") -> str:
    """One frame: ``blocks`` (paragraphs of TeX) fitted under the title and subtitle.

    ``place``: the content at the top (``t``) or in the middle (``c``) of the slide.
    """
    head = f"\\begin{{frame}}[{place}]"
    if title:
        head += f"{{{title}}}" + (f"{{{subtitle}}}" if subtitle else "")
    body = "\n\n".join(blocks)
    return f"{head}\n\\fitframe{{%\n{body}\n}}\n\\end{{frame}}"


def frames(expl: Explanation) -> list[str]:
    """The explanation's frames: the title, one per derivation, the verification."""
    title = (
        "\\begin{center}{\\usebeamerfont{title}\\usebeamercolor[fg]{title}"
        f"{prose(expl.title)}\\par}}\\end{{center}}"
    )
    out = [_frame([title, *(prose(line) for line in expl.summary)], place="c")]
    for section in expl.sections:
        for d in section.derivations:
            blocks = derivation(d, expl.words, cells) or [prose(d.title)]
            out.append(_frame(blocks, prose(section.title), prose(d.title)))
    if expl.closing:
        verification = Words(expl.lang, "explain")("word_verification")
        closing = [prose(line) for line in expl.closing]
        out.append(_frame(closing, prose(verification), place="c"))
    return out


def document(expls: Sequence[Explanation]) -> str:
    """A whole Beamer document: the frames of ``expls``, one step after another."""
    joined = "\n\n".join(frame for expl in expls for frame in frames(expl))
    return f"{PREAMBLE}\\begin{{document}}\n\n{joined}\n\n\\end{{document}}\n"
