"""``perceptron-lab explain``: the worked solution of a step, from a run or from numbers.

Thin: it parses, gets StepRecords (a run's step replayed, or ``observe`` on the numbers
given) and renders them with :mod:`perceptron_lab.views.explain`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..engine.atomic import check_replaceable, write_text_atomic
from ..errors import InputError
from ..views.i18n import Words
from . import options
from .step_cmd import DEFAULTS, observe_numbers

FORMATS = ("terminal", "markdown", "latex", "beamer", "slides", "html")
ALIASES = {"slides": "beamer"}  # --format slides is --format beamer
SUFFIXES = {".tex": "latex", ".html": "html", ".htm": "html"}  # --out FILE's format by suffix
# options of the numbers mode only; a run directory brings its own
NUMBERS_ONLY = ("y", "W", "B", *DEFAULTS)


def add_explain_parser(sub: Any) -> None:
    """The ``explain`` sub-command."""
    p = sub.add_parser(
        "explain",
        parents=[
            options.run_and_step("with RUN_DIR: the step to explain (1-based)", optional=True),
            options.numbers(required=False, prefix="with --X: "),
            options.language(),
        ],
        help="the worked solution of a step: every formula with its numbers, in en or es",
        description=(
            "Explain a step as a teacher would at the board: each formula, the same formula "
            "with the numbers put in, the result and PyTorch's value beside it. Either a "
            "step of a run (RUN_DIR --step N) or K steps from numbers you give "
            "(--X '1,2;3,4;5,6' --y '1,0,1' --W '0.5;-0.3' --B 0.1)."
        ),
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="terminal, markdown ($…$ math), latex (a whole document), beamer or slides (a "
        "Beamer deck for pdflatex, one slide per quantity) or html (a fragment); default: "
        "terminal, or with --out the file's kind (.md, .tex, .html; .tex is latex)",
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="write the explanation to FILE (a new one or a regular file to replace); "
        "- for stdout in --format (default: markdown)",
    )
    p.set_defaults(run=run_explain)


def _format(args: argparse.Namespace) -> str:
    fmt: str | None = ALIASES.get(args.format, args.format)
    if args.out is not None:
        if not options.is_stdout(args.out):
            check_replaceable(args.out, "--out")
        if fmt == "terminal":
            raise InputError("--format", "markdown, latex, html or beamer with --out", "terminal")
        return fmt or SUFFIXES.get(args.out.suffix.lower(), "markdown")
    return fmt or "terminal"


def _from_run(args: argparse.Namespace) -> tuple[list[Any], list[Any]]:
    from ..views.explain import load_run_step
    from .lazy_dynamo import defer_dynamo

    defer_dynamo()  # the replayed step builds a torch.optim rule: no torch._dynamo for it

    for name in NUMBERS_ONLY:
        if getattr(args, name) is not None:
            raise InputError(
                f"--{name}", f"no --{name} with RUN_DIR (the run's own settings are used)", "one"
            )
    if args.step is None:
        raise InputError("--step", "the step to explain (1-based) beside RUN_DIR", "nothing")
    record, context = load_run_step(args.run_dir, args.step)
    return [record], [context]


def _from_numbers(args: argparse.Namespace) -> tuple[list[Any], list[Any]]:
    from ..views.explain import StepContext

    if args.step is not None:
        raise InputError(
            "--step", "--steps K with --X (--step N picks a step of RUN_DIR)", "--step"
        )
    for name in ("y", "W", "B"):
        if getattr(args, name) is None:
            raise InputError(f"--{name}", f"--{name} beside --X", "nothing")
    records = observe_numbers(args)
    # the numbers given are the whole data set, one batch: each step is one epoch
    return records, [StepContext(epoch=r.step, batch=1, batches=1) for r in records]


def run_explain(args: argparse.Namespace) -> int:
    """Explain the step(s) asked for; write them to stdout or to --out."""
    if args.run_dir is not None and args.X is not None:
        raise InputError("RUN_DIR", "either RUN_DIR or --X, not both", "both")
    if args.run_dir is None and args.X is None:
        raise InputError("RUN_DIR", "a run directory, or --X with --y, --W and --B", "neither")
    fmt = _format(args)
    records, contexts = _from_run(args) if args.run_dir is not None else _from_numbers(args)
    if fmt == "terminal":
        from rich.console import Console

        from ..views.explain import explain_terminal

        console = Console(highlight=False)
        for record, context in zip(records, contexts, strict=True):
            console.print(explain_terminal(record, args.lang, context=context))
        return 0
    from ..views.explain import explain_steps

    text = explain_steps(records, args.lang, fmt, contexts)
    if args.out is None or options.is_stdout(args.out):
        sys.stdout.write(text)
        return 0
    write_text_atomic(args.out, text)
    print(Words(args.lang, "cli")("explanation_written", path=args.out))
    return 0
