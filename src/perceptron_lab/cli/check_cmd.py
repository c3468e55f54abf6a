"""``perceptron-lab check``: grade answer files — one, or a whole class folder.

Thin: it reads each submission (:mod:`perceptron_lab.exercises.answers`), finds its
recipe (``--exercise``, else the file's own), solves the student's variant, grades it
(:mod:`perceptron_lab.exercises.grading`) and words the result in the sheet's language
(:mod:`perceptron_lab.views.grade_report`). A folder gives one line per sheet, the
class's most common mistakes, and a grade table (CSV) written whole or not at all.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from ..views.i18n import Words
from . import options

GRADES_FILE = "grades.csv"


def add_check_parser(sub: Any) -> None:
    """The ``check`` sub-command."""
    p = sub.add_parser(
        "check",
        parents=[options.language(), options.text_or_json()],
        help="grade a student's answers (or a class folder), naming the mistake behind each wrong one",
        description=(
            "Grade answer files written by perceptron-lab exercise (YAML, JSON, CSV, or the "
            "filled notebook) against each student's own key. A number is right within one "
            "unit of the last asked decimal. Each wrong answer is recomputed under the known "
            "mistakes (sum for mean, bias left out, sigmoid twice, log without the minus, "
            "update sign flipped, gradient not zeroed, σ(Z) for Z, W vs Wᵀ) and the one that "
            "reproduces it is named. A folder gives a grade table and the class's most "
            "common mistakes. Example: perceptron-lab check tarea1/answers --exercise "
            "tarea1/exercise.json"
        ),
    )
    p.add_argument(
        "answers",
        type=options.path,
        metavar="ANSWERS",
        help="an answer file (.yaml, .json, .csv, .ipynb) or a folder of them",
    )
    p.add_argument(
        "--exercise",
        type=options.path,
        metavar="JSON",
        help="the exercise.json the sheets were made with (default: the recipe each answer "
        "file carries)",
    )
    p.add_argument("--student", help="the student's id, when the answer file names none")
    p.add_argument(
        "--out",
        type=Path,
        metavar="CSV",
        help=f"where a folder's grade table goes (default: ANSWERS/{GRADES_FILE})",
    )
    p.set_defaults(run=run_check)


def _files(folder: Path) -> list[Path]:
    from ..exercises.answers import KINDS
    from ..exercises.roster import COURSE_FILE

    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in KINDS
        and p.name not in (GRADES_FILE, COURSE_FILE)
        and ".ipynb_checkpoints" not in p.parts
    )


def _grade(path: Path, course: Any, students: Any, student: str | None, lang: str | None) -> Any:
    from ..exercises.answers import read_answers
    from ..exercises.grading import grade_submission
    from ..exercises.quantities import QUANTITIES

    sub = read_answers(path, tuple(q.name for q in QUANTITIES))
    if sub.ran:  # a student's code ran on this machine: say so
        say = Words(lang or (course.lang if course is not None else None), "cli")
        print(say("ran_notebook", file=path), file=sys.stderr)
    return grade_submission(sub, course, students, student, lang)


def _json(grade: Any, source: str) -> dict[str, Any]:
    ex = grade.exercise
    return {
        "file": source,
        "student": ex.student,
        "name": ex.name,
        "score": grade.score,
        "total": grade.total,
        "tolerance": grade.tolerance,
        "marks": [
            {
                "quantity": m.name,
                "status": m.status,
                "mistake": m.mistake,
                "expected": m.expected.tolist(),
                "given": None if m.given is None else m.given.tolist(),
            }
            for m in grade.marks
        ],
    }


def run_check(args: argparse.Namespace) -> int:
    """Grade the file or folder; print the grade(s); write a folder's table."""
    from ..engine.atomic import check_replaceable, write_text_atomic
    from ..errors import InputError
    from ..exercises.roster import read_course
    from ..views.error_text import error_text
    from ..views.grade_report import CSV_SEPARATOR, class_lines, class_rows, grade_lines
    from .lazy_dynamo import defer_dynamo

    defer_dynamo()
    lang_given = "--lang" in args.argv or any(a.startswith("--lang=") for a in args.argv)
    lang = args.lang if lang_given else None
    course, students = read_course(args.exercise) if args.exercise is not None else (None, ())
    if not args.answers.exists():
        raise InputError(
            "answers", "an answer file or a folder of them", f"{str(args.answers)!r}: no such file"
        )
    if args.answers.is_file():
        grade = _grade(args.answers, course, students, args.student, lang)
        if args.format == "json":
            print(json.dumps(_json(grade, str(args.answers)), ensure_ascii=False, indent=2))
        else:
            print("\n".join(grade_lines(grade)))
        return 0
    out = args.out if args.out is not None else args.answers / GRADES_FILE
    check_replaceable(out, "--out")
    say_lang = lang or (course.lang if course is not None else args.lang)
    say = Words(say_lang, "cli")
    graded: list[tuple[str, Any]] = []
    for path in _files(args.answers):
        source = str(path.relative_to(args.answers))
        try:
            grade = _grade(path, course, students, args.student, lang)
        except InputError as exc:  # one bad file does not stop the class's grading
            print(say("skipped_file", file=source, reason=error_text(exc, say_lang)))
            continue
        graded.append((source, grade))
        if args.format == "text":
            names = Words(grade.exercise.lang, "grades")
            mistakes = "; ".join(names(f"name_{m}") for m in grade.mistakes)
            print(
                say(
                    "graded_one",
                    file=source,
                    score=grade.score,
                    total=grade.total,
                    mistakes=f" — {mistakes}" if mistakes else "",
                )
            )
    if not graded:
        raise InputError(
            "answers",
            "a folder with answer files (.yaml, .json, .csv, .ipynb)",
            f"{str(args.answers)!r}: none graded",
        )
    table = io.StringIO()
    writer = csv.writer(table, delimiter=CSV_SEPARATOR[say_lang], lineterminator="\r\n")
    writer.writerows(class_rows(graded, say_lang))
    # with a BOM, so a spreadsheet opens the UTF-8 of names (Pérez, Núñez) as UTF-8
    write_text_atomic(out, "\ufeff" + table.getvalue())
    if args.format == "json":
        print(json.dumps([_json(g, s) for s, g in graded], ensure_ascii=False, indent=2))
        return 0
    print("\n".join(class_lines([g for _, g in graded], say_lang)))
    print(Words(say_lang, "grades")("table_written", count=len(graded), path=out))
    return 0
