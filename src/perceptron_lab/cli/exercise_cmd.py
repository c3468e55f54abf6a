"""``perceptron-lab exercise``: exercise sheets with answer keys, one variant per student.

Thin: it parses the recipe (:class:`~perceptron_lab.exercises.exercise.Exercise`), solves
each student's variant (checked against PyTorch), and writes the folder — whole, or not
at all — with the views of :mod:`perceptron_lab.views.sheet`:

    exercise.json          the recipe and the class (what ``check`` grades against)
    sheet.md, answers.yaml, key.md           one sheet (no --variants, no --class-list)
    sheets/ID.md, answers/ID.yaml, keys/ID.md, key-all.md   one per student
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..exercises.exercise import RULES, STAGES
from ..views.i18n import Words
from . import options

FORMATS = ("markdown", "latex", "html", "pdf", "ipynb")
SUFFIX = {"markdown": ".md", "latex": ".tex", "html": ".html", "pdf": ".pdf", "ipynb": ".ipynb"}
ANSWER_KINDS = ("yaml", "json", "csv")


def add_exercise_parser(sub: Any) -> None:
    """The ``exercise`` sub-command."""
    from ..losses import loss_names

    p = sub.add_parser(
        "exercise",
        parents=[options.language()],
        help="exercise sheets with worked answer keys, one variant per student",
        description=(
            "Write an exercise sheet on one training step of a neuron, with numbers small "
            "enough to work by hand, a blank answer file, and (--key) the worked answer key, "
            "every number checked against PyTorch. --variants N or --class-list FILE writes "
            "one sheet per student, each with its own numbers (the same id always gets the "
            "same sheet), their keys and one combined key. Grade the answers with "
            "perceptron-lab check. Example: perceptron-lab exercise --variants 30 --lang es "
            "--key --out tarea1"
        ),
    )
    p.add_argument(
        "--stages",
        help=f"what the sheet asks, a comma-separated subset of {','.join(STAGES)} "
        "(default: forward,activation,loss,gradient,update; mse has no activation)",
    )
    p.add_argument("--loss", choices=loss_names(), default="bce", help="the loss (default: bce)")
    p.add_argument(
        "--optimizer",
        choices=tuple(RULES),
        default="sgd",
        help="the update rule; momentum is SGD with momentum 0.9 (default: sgd)",
    )
    p.add_argument(
        "--lr", type=options.bounded("lr"), default=0.1, help="the learning rate (default: 0.1)"
    )
    p.add_argument(
        "--size",
        default="3,2",
        help="N,d: rows and features of X (N,d,k: k classes for cross_entropy); default: 3,2",
    )
    p.add_argument("--steps", type=int, default=3, help="steps of the training stage (default: 3)")
    p.add_argument(
        "--decimals", type=int, default=4, help="decimals the answers are asked to (default: 4)"
    )
    p.add_argument(
        "--seed", type=options.bounded("seed"), default=0, help="the sheet's seed (default: 0)"
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="markdown",
        help="markdown, latex, html, pdf (needs pdflatex) or ipynb (a notebook to fill, "
        "and a solved one as its key); default: markdown",
    )
    p.add_argument("--key", action="store_true", help="write the worked answer keys too")
    who = p.add_mutually_exclusive_group()
    who.add_argument(
        "--variants", type=int, help="N sheets, for students 01 … N, each with its own numbers"
    )
    who.add_argument(
        "--class-list",
        type=options.path,
        metavar="CSV",
        help="a class list (an id column, a name column): one sheet per student",
    )
    p.add_argument(
        "--answers",
        choices=ANSWER_KINDS,
        default="yaml",
        help="the blank answer file's kind: yaml, json or csv (default: yaml)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("exercise"),
        metavar="DIR",
        help="the folder to write, new or empty (default: exercise)",
    )
    p.set_defaults(run=run_exercise)


def _recipe(args: argparse.Namespace) -> Any:
    from ..errors import InputError
    from ..exercises.exercise import Exercise, size_of, stages_of

    N, d, k = size_of(args.size)
    if k is not None and args.loss != "cross_entropy":
        raise InputError("size", "N,d (k classes only with --loss cross_entropy)", args.size)
    stages = args.stages or ",".join(
        s for s in STAGES[:-1] if s != "activation" or args.loss != "mse"
    )
    return Exercise(
        stages=stages_of(stages),
        loss=args.loss,
        optimizer=args.optimizer,
        lr=args.lr,
        N=N,
        d=d,
        k=k,
        steps=args.steps,
        decimals=args.decimals,
        seed=args.seed,
        lang=args.lang,
    )


def _students(args: argparse.Namespace) -> tuple[Any, ...]:
    from ..errors import InputError
    from ..exercises.roster import numbered, read_class_list

    if args.class_list is not None:
        return read_class_list(args.class_list)
    if args.variants is not None:
        if not 1 <= args.variants <= 1000:
            raise InputError("variants", "a number of students from 1 to 1000", str(args.variants))
        return numbered(args.variants)
    return ()


def _write(folder: Path, name: str, content: str | bytes) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _documents(solution: Any, fmt: str, key: bool) -> tuple[str | bytes, str | bytes | None]:
    """The sheet and (with ``key``) its key, in ``fmt``."""
    from ..views import sheet

    if fmt == "ipynb":
        import json

        student = json.dumps(sheet.student_notebook(solution), indent=1, ensure_ascii=False)
        solved = json.dumps(sheet.solved_notebook(solution), indent=1, ensure_ascii=False)
        return student + "\n", (solved + "\n" if key else None)
    text = sheet.document(solution, "sheet", fmt)
    return text, sheet.document(solution, "key", fmt) if key else None


def worst_gap(solutions: list[Any]) -> float:
    """The largest disagreement between the closed form and PyTorch over every key."""
    return max((record.worst[1] for s in solutions for record in s.records), default=0.0)


def run_exercise(args: argparse.Namespace) -> int:
    """Solve every variant, then write the folder at once."""
    from ..engine.atomic import atomic_folder
    from ..exercises.answers import template
    from ..exercises.roster import COURSE_FILE, course_json
    from ..exercises.solved import solve
    from ..views import sheet
    from .lazy_dynamo import defer_dynamo

    defer_dynamo()
    recipe = _recipe(args)
    students = _students(args)
    ext, fmt = SUFFIX[args.format], args.format
    say = Words(args.lang, "cli")
    say_grades = Words(args.lang, "grades")
    solutions = [solve(recipe.for_student(s.id, s.name)) for s in students] or [solve(recipe)]
    with atomic_folder(args.out) as folder:
        _write(folder, COURSE_FILE, course_json(recipe, students))
        for i, solution in enumerate(solutions, start=1):
            text, key = _documents(solution, fmt, args.key)
            ident = solution.exercise.student
            if ident is None:
                _write(folder, f"sheet{ext}", text)
                if key is not None:
                    _write(folder, f"key{ext}", key)
            else:
                _write(folder, f"sheets/{ident}{ext}", text)
                if key is not None:
                    _write(folder, f"keys/{ident}{ext}", key)
            if fmt != "ipynb":
                name = "answers" if ident is None else f"answers/{ident}"
                note = say_grades("template_note", decimals=recipe.decimals)
                _write(folder, f"{name}.{args.answers}", template(solution, args.answers, note))
            if len(solutions) > 1 and sys.stderr.isatty():
                print(f"\r{i}/{len(solutions)}", end="", file=sys.stderr, flush=True)
        if len(solutions) > 1 and sys.stderr.isatty():
            print(file=sys.stderr)
        if args.key and students:
            combined_fmt = "markdown" if fmt == "ipynb" else fmt
            _write(
                folder,
                f"key-all{SUFFIX[combined_fmt]}",
                sheet.combined_document(solutions, combined_fmt),
            )
    print(
        say(
            "exercise_written",
            count=len(solutions),
            lang=args.lang,
            format=fmt,
            path=args.out,
            keys=say("with_keys") if args.key else "",
        )
    )
    if args.key:
        print(say("keys_verified", gap=f"{worst_gap(solutions):.1e}"))
    answers = args.out / ("answers" if students else f"answers.{args.answers}")
    if fmt == "ipynb":  # the notebook is the answer file
        answers = args.out / ("sheets" if students else "sheet.ipynb")
    print(say("grade_with", answers=answers, path=args.out))
    return 0
