"""A graded sheet in words, in the sheet's language: per quantity, per student, per class.

A grade made for the student (``reveal=False``: a notebook's check cell) shows each
answer and the mistake behind a wrong one, but not the key's value.

:func:`grade_lines` is what ``perceptron-lab check`` prints for one sheet (and a
notebook's check cell shows, as :func:`grade_html`): a heading with the score, then one
line per quantity — the answer, and for a wrong one the key and the mistake that
reproduces it. :func:`class_rows` is the grade table of a class (one row per sheet, one
column per quantity: its status or the mistake's short name) and :func:`class_lines`
the summary: mean score, full marks and the most common mistakes, each with how many
students made it and where.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape

import numpy as np

from ..exercises.grading import Grade, Mark
from .i18n import Words
from .sheet.questions import answer_text
from .sheet.questions import who as named


def mistake_sentence(mistake: str, grade: Grade, lang: str) -> str:
    """The mistake in a sentence of ``lang``, with the sheet's own N and activation."""
    ex = grade.exercise
    say = Words(lang, "grades")
    softmax = ex.loss == "cross_entropy"
    activation, f = ("softmax", "softmax") if softmax else (say("sigmoid"), "σ")
    return say(mistake, N=ex.N, activation=activation, f=f)


def who(grade: Grade, lang: str) -> str:
    """The student as the heading names them."""
    ex = grade.exercise
    if ex.student is None and not ex.name:
        return Words(lang, "grades")("who_none")
    if ex.name:
        return named(ex) or ""
    return Words(lang, "grades")("who_id", student=ex.student)


def heading(grade: Grade, lang: str) -> str:
    percent = 100.0 * grade.score / grade.total if grade.total else 0.0
    return Words(lang, "grades")(
        "heading",
        who=who(grade, lang),
        score=grade.score,
        total=grade.total,
        percent=percent,
        tol=f"{grade.tolerance:g}",
    )


def mark_lines(mark: Mark, grade: Grade, lang: str, before: str | None = None) -> list[str]:
    """One quantity's line, and the diagnosis below a wrong one (``before``: the mistake
    named on the line above, said again as carried forward)."""
    say = Words(lang, "grades")
    dec = grade.exercise.decimals
    given = "—" if mark.given is None else answer_text(mark.given, dec)
    expected = answer_text(mark.expected, dec)
    count = int(np.asarray(mark.expected).size)
    one = mark.status == "wrong" and count == 1
    key = "mark_wrong_one" if one else f"mark_{mark.status}"
    hidden = not grade.reveal and mark.status in ("wrong", "missing", "shape")
    line = say(
        f"{key}_hidden" if hidden else key,
        quantity=mark.name,
        given=given,
        expected=expected,
        off=mark.off,
        count=count,
        detail=mark.detail,
    )
    if mark.right or mark.status in ("missing", "unreadable"):
        return [line]
    if mark.status == "shape" and not mark.mistake:  # the shape says what is wrong
        return [line]
    if mark.follows is not None:
        return [line, say("follows", source=mark.follows)]
    if mark.mistake and mark.mistake == before:
        return [line, say("same_cause", mistake_name=say(f"name_{mark.mistake}"))]
    if mark.mistake:
        return [line, say("cause", mistake=mistake_sentence(mark.mistake, grade, lang))]
    return [line, say("no_cause")]


def _all_lines(grade: Grade, lang: str) -> list[list[str]]:
    """Each mark's lines, a mistake named in full once and then as carried forward."""
    out, before = [], None
    for mark in grade.marks:
        out.append(mark_lines(mark, grade, lang, before))
        before = mark.mistake if not mark.right else before
    return out


def grade_lines(grade: Grade, lang: str | None = None) -> list[str]:
    """The grade of one sheet as lines of text, in ``lang`` (default: the sheet's)."""
    lang = lang or grade.exercise.lang
    lines = [heading(grade, lang)]
    if grade.carried:
        lines.append(Words(lang, "grades")("carried_total", carried=grade.carried))
    return [*lines, *(line for lines in _all_lines(grade, lang) for line in lines)]


def grade_html(grade: Grade, lang: str | None = None) -> str:
    """The grade as an HTML fragment: the heading, then a list of the quantities' lines."""
    lang = lang or grade.exercise.lang
    items = []
    for mark, lines in zip(grade.marks, _all_lines(grade, lang), strict=True):
        color = "#1a7f37" if mark.right else "#b42318"
        detail = "".join(f"<br><em>{escape(x.strip())}</em>" for x in lines[1:])
        items.append(f'<li style="color:{color}">{escape(lines[0])}{detail}</li>')
    return f"<div><strong>{escape(heading(grade, lang))}</strong><ul>{''.join(items)}</ul></div>"


def class_rows(grades: Sequence[tuple[str, Grade]], lang: str) -> list[list[str]]:
    """The grade table: a header, then per sheet its file, student, name, score and per-quantity
    status (a wrong one's mistake by its short name). Spanish writes the percent with a
    decimal comma, as a Spanish spreadsheet reads it (:data:`CSV_SEPARATOR`)."""
    say = Words(lang, "grades")
    names = [m.name for m in grades[0][1].marks] if grades else []
    header = [say(f"col_{c}") for c in ("file", "student", "name", "score", "total", "percent")]
    rows = [[*header, *names, say("col_mistakes")]]
    for source, g in grades:
        cells = []
        for m in g.marks:
            if m.mistake and not m.right:
                cells.append(say(f"name_{m.mistake}"))
            else:
                cells.append(say("carried_short") if m.follows else say(m.status))
        percent = f"{100.0 * g.score / g.total:.1f}" if g.total else "0"
        percent = percent.replace(".", ",") if lang == "es" else percent  # as its spreadsheet reads
        mistakes = "; ".join(say(f"name_{x}") for x in g.mistakes)
        ex = g.exercise
        facts = [source, ex.student or "", ex.name or "", str(g.score), str(g.total), percent]
        rows.append([*facts, *cells, mistakes])
    return rows


# the grade table's separator per language: a Spanish spreadsheet splits at ';' (its ','
# is the decimal mark), an English one at ','
CSV_SEPARATOR = {"en": ",", "es": ";"}


def class_lines(grades: Sequence[Grade], lang: str) -> list[str]:
    """The class's summary: how many sheets, the mean score, and the most common mistakes."""
    say = Words(lang, "grades")
    if not grades:
        return []
    total = grades[0].total
    lines = [
        say(
            "class_heading",
            count=len(grades),
            mean=sum(g.score for g in grades) / len(grades),
            total=total,
            full=sum(g.score == g.total for g in grades),
        )
    ]
    students = Counter(m for g in grades for m in g.mistakes)
    if not students:
        return [*lines, say("common_none")]
    lines.append(say("common"))
    for mistake, count in students.most_common():
        where = Counter(m.name for g in grades for m in g.marks if m.mistake == mistake)
        example = next(g for g in grades if mistake in g.mistakes)
        lines.append(
            say(
                "common_line",
                mistake_name=say(f"name_{mistake}"),
                students=count,
                count=len(grades),
                quantities=", ".join(name for name, _ in where.most_common()),
                mistake=mistake_sentence(mistake, example, lang),
            )
        )
    return lines
