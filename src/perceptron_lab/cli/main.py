"""The command line: parse, call the engine, render. Heavy imports happen per command.

Errors in the user's input print one line on stderr and exit with code 2; no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import NoReturn

from .. import __version__
from ..errors import InputError, PerceptronLabError


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line: what was wrong and where to look."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _demo(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..core.notebook import run_demo
    from ..views.demo_tables import render_json, render_text

    if args.epochs < 1:
        raise InputError("--epochs", "an integer >= 1", str(args.epochs))
    demo = run_demo(seed=args.seed, epochs=args.epochs)
    if args.format == "json":
        print(json.dumps(render_json(demo), indent=2))
    else:
        render_text(demo, args.lang, Console(highlight=False))
    return 0


def _step(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..data.checks import parse_labels, parse_matrix
    from ..observe import observe
    from ..views.demo_tables import step_json
    from ..views.step_table import step_table

    records = observe(
        parse_matrix("--X", args.X),
        parse_labels("--y", args.y),
        parse_matrix("--W", args.W),
        parse_labels("--B", args.B),
        loss=args.loss,
        optimizer=args.optimizer,
        lr=args.lr,
        steps=args.steps,
        dtype=args.dtype,
    )
    if args.format == "json":
        print(json.dumps([step_json(r) for r in records], indent=1))
    else:
        console = Console(highlight=False)
        for rec in records:
            console.print(step_table(rec))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``perceptron-lab`` parser and its sub-commands."""
    from ..views.i18n import LANGUAGES, default_language

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

    demo = sub.add_parser(
        "demo",
        help="the seed notebook's five examples, each number beside its PyTorch twin",
        description=(
            "Reproduce the notebook 'Ejemplo completo de un Perceptron en Pytorch': the "
            "forward pass, the loss, the gradient, the update and a training loop, each "
            "number computed by formula and by PyTorch, with their disagreement."
        ),
    )
    demo.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=default_language(),
        help="language of the text (default: from the locale, else en)",
    )
    demo.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text tables, or every number as JSON (default: text)",
    )
    demo.add_argument(
        "--seed", type=int, default=0, help="seed of example 5's random start (default: 0)"
    )
    demo.add_argument("--epochs", type=int, default=5, help="epochs of example 5 (default: 5)")
    demo.set_defaults(run=_demo)

    from ..losses import DEFAULT_LOSS, loss_names
    from ..optim import DEFAULT_OPTIMIZER, rule_names

    step = sub.add_parser(
        "step",
        help="observe K training steps from numbers you give (X, y, W, B)",
        description=(
            "Run K full-batch steps from the numbers given and print every quantity by "
            "formula and by PyTorch. Matrices: columns split by ',', rows by ';'. "
            "Example: perceptron-lab step --X '1,2;3,4;5,6' --y '1,0,1' --W '0.5;-0.3' --B 0.1"
        ),
    )
    step.add_argument("--X", required=True, help="inputs X (N, d), e.g. '1,2;3,4;5,6'")
    step.add_argument("--y", required=True, help="labels, e.g. '1,0,1' or '1;0;1'")
    step.add_argument("--W", required=True, help="weights W (d, k), e.g. '0.5;-0.3'")
    step.add_argument("--B", required=True, help="bias B (k,), e.g. '0.1'")
    step.add_argument(
        "--loss", choices=loss_names(), default=DEFAULT_LOSS, help=f"loss (default: {DEFAULT_LOSS})"
    )
    step.add_argument(
        "--optimizer",
        choices=rule_names(),
        default=DEFAULT_OPTIMIZER,
        help=f"update rule (default: {DEFAULT_OPTIMIZER})",
    )
    step.add_argument("--lr", type=float, default=0.01, help="learning rate (default: 0.01)")
    step.add_argument("--steps", type=int, default=1, help="how many steps (default: 1)")
    step.add_argument(
        "--dtype",
        choices=("float32", "float64"),
        default="float32",
        help="floating-point type (default: float32, as PyTorch)",
    )
    step.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text tables or JSON (default: text)",
    )
    step.set_defaults(run=_step)

    from .compare_cmd import add_compare_parser
    from .explain_cmd import add_explain_parser
    from .export_cmd import add_export_parser
    from .plot_cmd import add_plot_parser
    from .report_cmd import add_report_parser
    from .train_cmd import add_show_parser, add_train_parser

    add_train_parser(sub)
    add_show_parser(sub)
    add_explain_parser(sub)
    add_plot_parser(sub)
    add_report_parser(sub)
    add_export_parser(sub)
    add_compare_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``perceptron-lab`` script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    try:
        code: int = args.run(args)
    except InputError as exc:
        print(f"perceptron-lab {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except PerceptronLabError as exc:
        print(f"perceptron-lab {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("perceptron-lab: interrupted", file=sys.stderr)
        return 130
    return code
