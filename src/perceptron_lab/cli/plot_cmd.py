"""``perceptron-lab plot``: draw a run (or the BCE stability sweep) to PNG, SVG or GIF."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import options

KINDS = ("loss", "boundary", "surface", "gradients", "attribution", "animation", "stability")
# the options that only some kinds take
OPTION_KINDS = {
    "epochs": ("boundary",),
    "step": ("attribution",),
    "params": ("surface",),
    "dtype": ("stability",),
}


def add_plot_parser(sub: Any) -> None:
    """The ``plot`` sub-command."""
    p = sub.add_parser(
        "plot",
        parents=[options.language()],
        help="plot a run: loss, decision boundary, loss surface, gradients, attribution, GIF",
        description=(
            "Draw a run directory as a PNG or SVG (by --out's extension; a GIF for "
            "--kind animation). Kinds: loss (per step and per epoch; several RUN_DIRs: "
            "their losses on one plot, labelled by the settings that differ), boundary "
            "(2-feature classifiers, at chosen epochs), surface (the loss over two "
            "parameters with the optimizer's path, and a branched run's parent), gradients "
            "(gradient norm and verification disagreement per step), attribution (each "
            "sample's term of dL/dW in one step: arrows in the plane of 2 features, else "
            "bars per sample and feature), animation (the boundary over training), stability "
            "(binary cross-entropy three ways over logits from -100 to 100; needs no run). "
            "Titles, labels and legends are in --lang."
        ),
    )
    p.add_argument(
        "run_dir",
        nargs="*",
        type=Path,
        metavar="RUN_DIR",
        help="a run directory (train --out); several with --kind loss, to compare them",
    )
    p.add_argument(
        "--step",
        type=options.bounded("step"),
        help="attribution: the step (default: the run's first)",
    )
    p.add_argument("--kind", required=True, metavar="KIND", help="one of: " + ", ".join(KINDS))
    p.add_argument(
        "-o",
        "--out",
        type=Path,
        help="file to write, .png or .svg (.gif for animation) "
        "(default: RUN_DIR/plots/KIND.png, or .gif; needed to compare several runs)",
    )
    p.add_argument(
        "--epochs", help="boundary: epochs to show, e.g. 1,5,10 (default: first, middle, last)"
    )
    p.add_argument(
        "--params",
        help="surface: two parameter indices into [W flattened row-major, B] (default: 0,1)",
    )
    p.add_argument(
        "--dtype",
        choices=("float32", "float64", "both"),
        help="stability: the floating-point types to compare (default: both)",
    )
    p.set_defaults(run=run_plot)


def parse_ints(argument: str, text: str) -> list[int]:
    """'1,5,10' -> [1, 5, 10], or an InputError naming ``argument``."""
    try:
        return [int(part) for part in text.split(",")]
    except ValueError as exc:
        raise InputError(argument, "integers separated by commas, e.g. 1,5,10", repr(text)) from exc


def _output(args: argparse.Namespace) -> Path:
    """Check the kind and its options; the file to write."""
    from ..engine.atomic import check_replaceable
    from ..views.plots.save import FORMATS, image_format

    if args.kind not in KINDS:
        raise InputError("--kind", "one of " + ", ".join(KINDS), repr(args.kind))
    for option, kinds in OPTION_KINDS.items():
        if getattr(args, option) is not None and args.kind not in kinds:
            raise InputError(
                f"--{option}", f"--kind {' or '.join(kinds)} with it", f"--kind {args.kind}"
            )
    runs: list[Path] = args.run_dir
    if not runs and args.kind != "stability":
        raise InputError("RUN_DIR", f"a run directory to plot --kind {args.kind}", "none")
    if len(runs) > 1 and args.kind != "loss":
        raise InputError(
            "RUN_DIR",
            f"one run directory for --kind {args.kind} (several only with --kind loss)",
            f"{len(runs)} run directories",
        )
    out: Path | None = args.out
    if out is None:
        if len(runs) != 1:
            what = "the comparison" if runs else "the plot"
            raise InputError("--out", f"a file to write {what} to (.png or .svg)", "none")
        suffix = "gif" if args.kind == "animation" else "png"
        out = runs[0] / "plots" / f"{args.kind}.{suffix}"
    try:
        image_format(out, ("gif",) if args.kind == "animation" else FORMATS)
    except InputError as exc:  # the path it checked is the one --out gives
        raise exc.renamed("out") from None
    check_replaceable(out, "--out")  # before the work of drawing
    return out


def run_plot(args: argparse.Namespace) -> int:
    """Check the arguments, draw, write the file and print its path."""
    out = _output(args)
    from ..views import plots

    lang = args.lang
    if args.kind == "stability":
        plots.save_figure(plots.loss_stability(args.dtype or "both", lang), out)
        print(out)
        return 0
    from ..engine.trace import Trace

    traces = [Trace.load(run) for run in args.run_dir]
    trace = traces[0]
    if args.kind == "animation":
        plots.boundary_animation(trace, out, lang=lang)
        print(out)
        return 0
    if args.kind == "loss":
        fig = plots.loss_overlay(traces, lang) if len(traces) > 1 else plots.loss_curve(trace, lang)
    elif args.kind == "boundary":
        epochs = parse_ints("--epochs", args.epochs) if args.epochs is not None else None
        fig = plots.decision_boundary(trace, epochs, lang)
    elif args.kind == "surface":
        params = parse_ints("--params", args.params) if args.params is not None else [0, 1]
        fig = plots.loss_surface(trace, params, lang=lang)
    elif args.kind == "gradients":
        fig = plots.gradient_norms(trace, lang)
    else:
        step = args.step if args.step is not None else min(trace.column("step"), default=1)
        fig = plots.attribution(trace, step, lang=lang)
    plots.save_figure(fig, out)
    print(out)
    return 0
