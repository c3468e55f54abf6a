"""The command line: the parser, assembled from one module per command, and its errors.

Errors in the user's input print one line on stderr, naming the flag the user typed,
and exit with code 2; no traceback. A file the system will not write or read (a full
disk, a read-only folder, a name too long) is one line naming the file and the reason
in words, exit code 1. A closed pipe (``| head``) ends the command quietly, as Unix
tools do; a terminal that cannot show a character gets a replacement, not a crash.
Heavy imports happen per command.

Every line is in the user's language: ``--lang`` in the command line (every command
takes it), else the locale. The help is translated by :mod:`.localize`, the errors at
display time by :func:`perceptron_lab.views.error_text.error_text` (the exceptions
themselves stay English for the library's users).
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import InputError, PerceptronLabError
from ..views.error_text import error_text, os_reason
from ..views.i18n import Words
from ..views.i18n.phrasebook import phrasebook
from .localize import LocalParser, localize
from .options import (
    add_language,
    check_bounds,
    command_parser,
    command_parsers,
    flag,
    language_of,
    state_bounds,
)


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The ``perceptron-lab`` parser and its sub-commands, their help in ``lang``."""
    parser = english_parser()
    localize(parser, lang)
    say = phrasebook("errors", lang).say
    for command in command_parsers(parser):
        state_bounds(command, say)
    return parser


def english_parser() -> argparse.ArgumentParser:
    """The parser as the commands write it: every help in English, every command with --lang."""
    from .check_cmd import add_check_parser
    from .compare_cmd import add_compare_parser
    from .demo_cmd import add_demo_parser
    from .evaluate_cmd import add_evaluate_parser
    from .exercise_cmd import add_exercise_parser
    from .explain_cmd import add_explain_parser
    from .export_cmd import add_export_parser
    from .playground_cmd import add_playground_parser
    from .plot_cmd import add_plot_parser
    from .predict_cmd import add_predict_parser
    from .report_cmd import add_report_parser
    from .step_cmd import add_step_parser
    from .train_cmd import add_show_parser, add_train_parser

    parser = LocalParser(
        prog="perceptron-lab",
        description=(
            "Train single-layer neural networks and watch every number they learn from: "
            "each logit, probability, loss, gradient and update, computed by its formula "
            "and by PyTorch, and checked to agree."
        ),
    )
    parser.add_argument("--version", action="version", version=f"perceptron-lab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=LocalParser)
    for add in (
        add_demo_parser,
        add_step_parser,
        add_train_parser,
        add_show_parser,
        add_explain_parser,
        add_predict_parser,
        add_evaluate_parser,
        add_plot_parser,
        add_report_parser,
        add_export_parser,
        add_compare_parser,
        add_exercise_parser,
        add_check_parser,
        add_playground_parser,
    ):
        add(sub)
    for command in sub.choices.values():
        add_language(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``perceptron-lab`` script."""
    for stream in (sys.stdout, sys.stderr):  # e.g. PYTHONIOENCODING=ascii: '?' for 'γ'
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    argv = sys.argv[1:] if argv is None else list(argv)
    lang = language_of(argv)
    parser = build_parser(lang)
    args = parser.parse_args(argv)
    args.argv = argv  # what a data-parallel launch runs again on each rank
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    words = Words(args.lang, "errors")
    where = words("where", command=args.command)
    try:
        check_bounds(command_parser(parser, args.command), args)
        if getattr(args, "optimizes", False):
            prepare_training(getattr(args, "threads", None))
        code: int = args.run(args)
    except InputError as exc:
        shown = exc.renamed(flag(command_parser(parser, args.command), exc.argument))
        print(f"{where} {error_text(shown, args.lang)}", file=sys.stderr)
        return 2
    except PerceptronLabError as exc:
        print(f"{where} {error_text(exc, args.lang)}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader left (| head): no more output, no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # as a tool killed by SIGPIPE
    except OSError as exc:
        print(f"{where} {os_error(exc, args)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(words("interrupted"), file=sys.stderr)
        return 130
    return code


def prepare_training(threads: int | None) -> None:
    """Set up a process that runs torch.optim (train, demo, step, …): torch._dynamo deferred
    until something compiles (:mod:`.lazy_dynamo`), the user's --threads recorded."""
    from ..engine.threads import choose_threads
    from .lazy_dynamo import defer_dynamo

    defer_dynamo()
    choose_threads(threads)


def os_error(exc: OSError, args: argparse.Namespace) -> str:
    """The file and the reason in words: 'run/config.json: No space left on device (ENOSPC)'.

    A write through a file object (pyarrow, matplotlib) names no file: then the one the
    command was writing, its --out (or --resume, or RUN_DIR), stands for it. The reason
    is in the command's language (--lang, else the locale).
    """
    reason = os_reason(exc, getattr(args, "lang", None))
    if exc.errno is not None and exc.errno in errno.errorcode:
        reason += f" ({errno.errorcode[exc.errno]})"
    fallback = (getattr(args, name, None) for name in ("out", "resume", "run_dir"))
    where = exc.filename if exc.filename is not None else next(filter(None, fallback), None)
    return f"{where}: {reason}" if where is not None else reason
