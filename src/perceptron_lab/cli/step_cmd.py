"""``perceptron-lab step``: K full-batch steps from numbers typed in (X, y, W, B). Thin."""

from __future__ import annotations

import argparse
from typing import Any

from ..engine import strict_json
from ..losses import DEFAULT_LOSS
from ..optim import DEFAULT_OPTIMIZER
from . import options

# the rule's settings of the numbers mode (step, and explain with --X), None in the parser
DEFAULTS: dict[str, Any] = {
    "loss": DEFAULT_LOSS,
    "optimizer": DEFAULT_OPTIMIZER,
    "lr": 0.01,
    "steps": 1,
    "dtype": "float32",
}


def add_step_parser(sub: Any) -> None:
    """The ``step`` sub-command."""
    p = sub.add_parser(
        "step",
        parents=[
            options.numbers(required=True),
            options.language(),
            options.full_vectors(),
            options.text_or_json(),
            options.threads(),
        ],
        help="observe K training steps from numbers you give (X, y, W, B)",
        description=(
            "Run K full-batch steps from the numbers given and print every quantity by "
            "formula and by PyTorch. Matrices: columns split by ',', rows by ';'. "
            "Example: perceptron-lab step --X '1,2;3,4;5,6' --y '1,0,1' --W '0.5;-0.3' --B 0.1"
        ),
    )
    p.set_defaults(run=run_step)


def observe_numbers(args: argparse.Namespace) -> list[Any]:
    """The StepRecords of ``args.steps`` steps from ``args.X``, ``y``, ``W``, ``B``."""
    from ..data.checks import parse_labels, parse_matrix
    from ..observe import observe
    from .lazy_dynamo import defer_dynamo

    defer_dynamo()  # explain --X too: a view of a finished run (no --X) may not import torch

    settings = {
        name: default if getattr(args, name) is None else getattr(args, name)
        for name, default in DEFAULTS.items()
    }
    if args.lr is None:  # L-BFGS steps with its own γ = 1
        settings["lr"] = options.joint_rule_lr(settings["optimizer"]) or settings["lr"]
    return observe(
        parse_matrix("X", args.X),
        parse_labels("y", args.y),
        parse_matrix("W", args.W),
        parse_labels("B", args.B),
        **settings,
    )


def run_step(args: argparse.Namespace) -> int:
    """Observe the steps; print their tables or their JSON."""
    records = observe_numbers(args)
    if args.format == "json":
        from ..views.demo_tables import step_json

        print(strict_json.dumps([step_json(r) for r in records]))
        return 0
    from rich.console import Console

    from ..views.step_table import step_table

    console = Console(highlight=False)
    for record in records:
        console.print(step_table(record, args.lang, full=args.full))
    return 0
