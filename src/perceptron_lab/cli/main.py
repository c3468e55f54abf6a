"""The command line: the parser, assembled from one module per command, and its errors.

Errors in the user's input print one line on stderr, naming the flag the user typed,
and exit with code 2; no traceback. Heavy imports happen per command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from .. import __version__
from ..errors import InputError, PerceptronLabError
from .options import check_bounds, command_parser, flag, state_bounds


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line: what was wrong and where to look."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``perceptron-lab`` parser and its sub-commands."""
    from .compare_cmd import add_compare_parser
    from .demo_cmd import add_demo_parser
    from .explain_cmd import add_explain_parser
    from .export_cmd import add_export_parser
    from .plot_cmd import add_plot_parser
    from .report_cmd import add_report_parser
    from .step_cmd import add_step_parser
    from .train_cmd import add_show_parser, add_train_parser

    parser = _Parser(
        prog="perceptron-lab",
        description=(
            "Train single-layer neural networks and watch every number they learn from: "
            "each logit, probability, loss, gradient and update, computed by its formula "
            "and by PyTorch, and checked to agree."
        ),
    )
    parser.add_argument("--version", action="version", version=f"perceptron-lab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for add in (
        add_demo_parser,
        add_step_parser,
        add_train_parser,
        add_show_parser,
        add_explain_parser,
        add_plot_parser,
        add_report_parser,
        add_export_parser,
        add_compare_parser,
    ):
        add(sub)
    for command in sub.choices.values():
        state_bounds(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``perceptron-lab`` script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    where = f"perceptron-lab {args.command}: error:"
    try:
        check_bounds(command_parser(parser, args.command), args)
        code: int = args.run(args)
    except InputError as exc:
        shown = exc.renamed(flag(command_parser(parser, args.command), exc.argument))
        print(f"{where} {shown}", file=sys.stderr)
        return 2
    except PerceptronLabError as exc:
        print(f"{where} {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("perceptron-lab: interrupted", file=sys.stderr)
        return 130
    return code
