"""``perceptron-lab demo``: the seed notebook's five examples, each number by formula and torch."""

from __future__ import annotations

import argparse
from typing import Any

from ..bounds import KEPT_BYTES, record_bytes
from ..engine import strict_json
from . import options


def add_demo_parser(sub: Any) -> None:
    """The ``demo`` sub-command."""
    p = sub.add_parser(
        "demo",
        parents=[options.language(), options.text_or_json(), options.threads()],
        help="the seed notebook's five examples, each number beside its PyTorch twin",
        description=(
            "Reproduce the notebook 'Ejemplo completo de un Perceptron en Pytorch': the "
            "forward pass, the loss, the gradient, the update and a training loop, each "
            "number computed by formula and by PyTorch, with their disagreement."
        ),
    )
    p.add_argument(
        "--seed",
        type=options.bounded("seed"),
        default=0,
        help="seed of example 5's random start (default: 0)",
    )
    p.add_argument(
        "--epochs",
        type=options.bounded("epochs"),
        default=5,
        help="epochs of example 5, each kept in memory: "
        f"at most {KEPT_BYTES // record_bytes(3, 2, 1)} (default: 5)",
    )
    p.set_defaults(run=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    """Run the five examples; print their tables or their JSON."""
    from ..core.notebook import run_demo as notebook_demo

    demo = notebook_demo(seed=args.seed, epochs=args.epochs)
    if args.format == "json":
        from ..views.demo_tables import render_json

        print(strict_json.dumps(render_json(demo), indent=2))
        return 0
    from rich.console import Console

    from ..views.demo_tables import render_text

    render_text(demo, args.lang, Console(highlight=False))
    return 0
