"""A sheet and its answer key as whole documents: Markdown, LaTeX (pdflatex) and HTML.

:func:`sheet_text` writes the student's sheet (:func:`.questions.sheet`), :func:`key_text`
its answer key (:func:`.questions.key`), :func:`combined_key` every variant's key in one
document for the instructor, each headed by its student.

The key's worked step is written by the explanation's own renderers: Markdown section by
section (:func:`~..explain.render_markdown.derivation`, a heading level down), LaTeX by
:func:`~..explain.render_latex.body` on the explanation kept to the asked stages, HTML by
:func:`~..explain.render_html.render`. LaTeX documents are
:func:`~..explain.render_latex.document`'s (its preamble: amsmath, ``\\fitline``, tabularx),
so they compile with pdflatex; HTML is one UTF-8 page with its stylesheet inside,
formulas as Unicode text with their TeX in ``data-tex`` (as the explanation writes them),
nothing fetched, and a print layout.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...errors import InputError
from ...exercises.solved import Solution
from ..escape import html as html_escape
from ..escape import latex as latex_escape
from ..explain import render_html, render_latex, render_markdown
from ..explain.mathtext import tex_numbers
from ..i18n import Words
from .questions import Key, Matrix, Question, Sheet, key, pairs, sheet

TEXT_FORMATS = ("markdown", "latex", "html")


def _check(fmt: str) -> str:
    if fmt not in TEXT_FORMATS:
        raise InputError("format", f"one of {', '.join(TEXT_FORMATS)}", repr(fmt))
    return fmt


# --- Markdown -------------------------------------------------------------------------------


def _md_display(lines: Sequence[str]) -> list[str]:
    return [f"$$\n{tex_numbers(line)}\n$$" for line in lines]


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _label(m: Matrix) -> str:
    """Prose: ``$X$ (3 × 2): inputs, one sample per row``."""
    return f"${m.symbol}$ ({m.shape}): {m.note}"


def sheet_markdown(s: Sheet) -> str:
    """The sheet as one Markdown document (``$…$`` and ``$$…$$`` math)."""
    md = render_markdown.prose
    say = Words(s.lang, "sheet")
    blocks = [f"# {md(s.title)}", md(s.instructions), f"## {md(s.headings['intro'])}"]
    for block in s.intro:
        blocks += [md(block.text), *_md_display(block.formulas)]
    blocks.append(f"## {md(s.headings['data'])}")
    blocks.append("\n".join(f"- {md(_label(m))}" for m in s.data))
    blocks += _md_display(pairs(s.data))
    blocks.append(f"## {md(s.headings['questions'])}")
    blocks += [question_markdown(q, say) for q in s.questions]
    return "\n\n".join(blocks) + "\n"


def question_markdown(q: Question, say: Words) -> str:
    """One question as a Markdown paragraph: its number, what to compute, how to give it."""
    md = render_markdown.prose
    return f"**{md(say('question', n=q.number))}.** {md(q.text)}  \n{md(q.answer)}"


def key_markdown(k: Key, top: int = 1) -> str:
    """The key as Markdown, its title a ``top``-level heading (the worked step a level below)."""
    md = render_markdown.prose
    h = "#" * top
    c = k.columns
    blocks = [f"{h} {md(k.title)}", md(k.intro), f"{h}# {md(k.final_title)}", md(k.final_note)]
    header = [md(c[key]) for key in ("question", "name", "symbol", "value")]
    rows = [[str(a.number), f"`{a.name}`", f"${a.symbol}$", f"`{a.value}`"] for a in k.answers]
    blocks.append(_md_table(header, rows))
    expl = k.explanation
    blocks += [f"{h}# {md(expl.title)}", *(md(line) for line in expl.summary)]
    for section in expl.sections:
        blocks.append(f"{h}## {md(section.title)}")
        for d in section.derivations:
            blocks += render_markdown.derivation(d, expl.words, level=top + 3)
    blocks += [md(line) for line in expl.closing]
    if k.training:
        blocks += [f"{h}# {md(k.training_title or '')}", md(k.training_note or "")]
        header = [md(c[key]) for key in ("step", "loss", "W", "B")]
        rows = [[str(r.step), f"`{r.loss}`", f"`{r.W}`", f"`{r.B}`"] for r in k.training]
        blocks.append(_md_table(header, rows))
    return "\n\n".join(blocks) + "\n"


# --- LaTeX ----------------------------------------------------------------------------------


def _tex_title(title: str) -> str:
    return f"{{\\LARGE\\bfseries {render_latex.prose(title)}\\par}}\\medskip"


def _tex_table(spec: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A small ``tabularx`` of the text's width: bold header, cells as given (TeX)."""
    lines = [" & ".join(f"\\textbf{{{h}}}" for h in header) + r" \\ \hline"]
    lines += [" & ".join(row) + r" \\" for row in rows]
    body = "\n".join(lines)
    return f"{{\\small\n\\begin{{tabularx}}{{\\linewidth}}{{{spec}}}\n{body}\n\\end{{tabularx}}}}"


def sheet_latex_body(s: Sheet) -> str:
    """The sheet as a LaTeX document body (the preamble of :func:`render_latex.document`)."""
    tex = render_latex.prose
    say = Words(s.lang, "sheet")
    blocks = [_tex_title(s.title), tex(s.instructions), f"\\section*{{{tex(s.headings['intro'])}}}"]
    for block in s.intro:
        text = tex(block.text)
        blocks.append(f"{text}\n{render_latex.gather(block.formulas)}" if block.formulas else text)
    blocks.append(f"\\section*{{{tex(s.headings['data'])}}}")
    labels = " \\\\\n".join(tex(_label(m)) for m in s.data)
    blocks.append(f"{labels}\n{render_latex.gather(tuple(pairs(s.data)))}")
    blocks.append(f"\\section*{{{tex(s.headings['questions'])}}}")
    for q in s.questions:
        title = latex_escape(say("question", n=q.number))
        blocks.append(f"\\textbf{{{title}.}} {tex(q.text)}\\\\\n{{\\small {tex(q.answer)}}}")
    return "\n\n".join(blocks) + "\n"


def key_latex_body(k: Key) -> str:
    """The key as a LaTeX document body: answers, the worked step, the training table."""
    tex, code = render_latex.prose, render_latex.code
    c = k.columns
    blocks = [_tex_title(k.title), tex(k.intro), f"\\section*{{{tex(k.final_title)}}}"]
    blocks.append(tex(k.final_note))
    header = [tex(c[key]) for key in ("question", "name", "symbol", "value")]
    rows = [
        [str(a.number), code(a.name), f"\\({tex_numbers(a.symbol)}\\)", code(a.value)]
        for a in k.answers
    ]
    blocks.append(_tex_table("@{}rllY@{}", header, rows))
    blocks.append(render_latex.body(k.explanation))
    if k.training:
        blocks += [f"\\section*{{{tex(k.training_title or '')}}}", tex(k.training_note or "")]
        header = [tex(c[key]) for key in ("step", "loss", "W", "B")]
        rows = [[str(r.step), code(r.loss), code(r.W), code(r.B)] for r in k.training]
        blocks.append(_tex_table("@{}rlYY@{}", header, rows))
    return "\n\n".join(blocks) + "\n"


# --- HTML -----------------------------------------------------------------------------------

STYLE = """
body { font-family: "DejaVu Serif", Georgia, serif; color: #111; line-height: 1.45;
  max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .4rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #999; margin-top: 1.6rem; }
h3 { font-size: 1.1rem; margin-top: 1.2rem; } h4 { font-size: 1rem; margin: .9rem 0 .3rem; }
.math { font-family: "DejaVu Sans", "Cambria Math", sans-serif; }
div.math { margin: .35rem 0 .35rem 1.5rem; overflow-x: auto; white-space: nowrap; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .92em; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #bbb; padding: .2rem .5rem; text-align: left; vertical-align: top; }
table.matrix { display: inline-table; vertical-align: middle; margin: 0 .3rem;
  border-collapse: separate; border-spacing: 0; border-radius: 12px / 45%;
  border-left: 1.5px solid #111; border-right: 1.5px solid #111; }  /* ( … ) */
table.matrix td { border: none; padding: .05rem .45rem; text-align: right; }
.data div.math { display: inline-block; vertical-align: middle; margin-right: 2.5rem; }
.question { margin: .9rem 0; } .answer { margin: .2rem 0 0 1.5rem; color: #333; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2, h3, h4 { break-after: avoid; }
  .question, table, div.math { break-inside: avoid; }
  article.variant + article.variant { break-before: page; }
}
"""


def page(title: str, lang: str, body: str) -> str:
    """A whole HTML page: UTF-8, its stylesheet inside, nothing fetched."""
    return (
        f'<!DOCTYPE html>\n<html lang="{html_escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html_escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"{body}</body>\n</html>\n"
    )


def _html_matrix(m: Matrix) -> str:
    """``X = `` and the numbers as a bracketed table, the TeX in ``data-tex``."""
    rows = "".join(
        "<tr>" + "".join(f"<td>{html_escape(v)}</td>" for v in row) + "</tr>" for row in m.rows
    )
    symbol = render_html.math(m.symbol)
    return (
        f'<div class="math" data-tex="{html_escape(tex_numbers(m.tex()))}">{symbol} = '
        f'<table class="matrix"><tbody>{rows}</tbody></table></div>'
    )


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def sheet_html_body(s: Sheet) -> str:
    """The sheet as the content of an HTML page's body."""
    h = render_html.prose
    say = Words(s.lang, "sheet")
    parts = [
        '<main class="sheet">',
        f"<h1>{h(s.title)}</h1>",
        f"<p>{h(s.instructions)}</p>",
        f"<h2>{h(s.headings['intro'])}</h2>",
    ]
    for block in s.intro:
        parts.append(f"<p>{h(block.text)}</p>")
        parts += [render_html.math(line, "div") for line in block.formulas]
    parts.append(f"<h2>{h(s.headings['data'])}</h2>")
    parts.append("<ul>" + "".join(f"<li>{h(_label(m))}</li>" for m in s.data) + "</ul>")
    for i in range(0, len(s.data), 2):
        parts.append(
            '<div class="data">' + "".join(_html_matrix(m) for m in s.data[i : i + 2]) + "</div>"
        )
    parts.append(f"<h2>{h(s.headings['questions'])}</h2>")
    for q in s.questions:
        title = html_escape(say("question", n=q.number))
        parts.append(
            f'<div class="question" id="{html_escape(q.name)}"><p><strong>{title}.</strong> '
            f'{h(q.text)}</p><p class="answer">{h(q.answer)}</p></div>'
        )
    parts.append("</main>")
    return "\n".join(parts) + "\n"


def key_html_body(k: Key, tag: str = "main") -> str:
    """The key as HTML in a ``tag`` element (``main``; ``article`` inside a combined key)."""
    h, c = render_html.prose, k.columns
    cls = "key" if tag == "main" else "variant"
    parts = [
        f'<{tag} class="{cls}">',
        f"<h1>{h(k.title)}</h1>",
        f"<p>{h(k.intro)}</p>",
        f"<h2>{h(k.final_title)}</h2>",
        f"<p>{h(k.final_note)}</p>",
    ]
    header = [h(c[key]) for key in ("question", "name", "symbol", "value")]
    rows = [
        [
            str(a.number),
            f"<code>{html_escape(a.name)}</code>",
            render_html.math(a.symbol),
            f"<code>{html_escape(a.value)}</code>",
        ]
        for a in k.answers
    ]
    parts += [_html_table(header, rows), render_html.render(k.explanation)]
    if k.training:
        parts += [f"<h2>{h(k.training_title or '')}</h2>", f"<p>{h(k.training_note or '')}</p>"]
        header = [h(c[key]) for key in ("step", "loss", "W", "B")]
        rows = [
            [str(r.step)] + [f"<code>{html_escape(v)}</code>" for v in (r.loss, r.W, r.B)]
            for r in k.training
        ]
        parts.append(_html_table(header, rows))
    parts.append(f"</{tag}>")
    return "\n".join(parts) + "\n"


# --- whole documents ------------------------------------------------------------------------


def sheet_text(solution: Solution, fmt: str = "markdown") -> str:
    """The student's sheet of ``solution`` as a whole document in ``fmt``."""
    s = sheet(solution)
    fmt = _check(fmt)
    if fmt == "latex":
        return render_latex.document([sheet_latex_body(s)])
    if fmt == "html":
        return page(s.title, s.lang, sheet_html_body(s))
    return sheet_markdown(s)


def key_text(solution: Solution, fmt: str = "markdown") -> str:
    """The answer key of ``solution`` as a whole document in ``fmt``."""
    k = key(solution)
    fmt = _check(fmt)
    if fmt == "latex":
        return render_latex.document([key_latex_body(k)])
    if fmt == "html":
        return page(k.title, k.lang, key_html_body(k))
    return key_markdown(k)


def combined_key(solutions: Sequence[Solution], fmt: str = "markdown") -> str:
    """Every variant's key in one document, each headed by its student, for the instructor.

    The words are the first variant's language; each key is in its own sheet's.
    """
    fmt = _check(fmt)
    if not solutions:
        raise InputError("solutions", "at least one value", "none")
    lang = solutions[0].exercise.lang
    say = Words(lang, "sheet")
    title = say("combined_title", count=len(solutions))
    keys = [key(s) for s in solutions]
    if fmt == "latex":
        first = f"{_tex_title(title)}\n\n{render_latex.prose(say('combined_intro'))}\n"
        bodies = [first] + ["\\clearpage\n" + key_latex_body(k) for k in keys]
        return render_latex.document(bodies)
    if fmt == "html":
        h = render_html.prose
        head = f"<header><h1>{h(title)}</h1><p>{h(say('combined_intro'))}</p></header>\n"
        return page(title, lang, head + "".join(key_html_body(k, "article") for k in keys))
    md = render_markdown.prose
    parts = [f"# {md(title)}\n\n{md(say('combined_intro'))}\n"]
    parts += [key_markdown(k, top=2) for k in keys]
    return "\n---\n\n".join(parts)
