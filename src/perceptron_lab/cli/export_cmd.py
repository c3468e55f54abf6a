"""``perceptron-lab export``: write a recorded run for another tool (TensorBoard). Thin."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..views.i18n import Words
from . import options


def add_export_parser(sub: Any) -> None:
    """The ``export`` sub-command."""
    p = sub.add_parser(
        "export",
        parents=[options.run_dir(), options.language()],
        help="write a run's trace as TensorBoard events",
        description=(
            "Write a run directory's steps as TensorBoard events: per-step loss, accuracy "
            "or R², learning rate, gradient norm and worst verified disagreement; per-epoch "
            "train/test metrics; histograms of W, B, dL/dW, dL/dB and the updates. "
            "The run goes into LOGDIR/NAME (NAME: the run directory's name), so runs exported "
            "into one LOGDIR sit side by side. View them with: tensorboard --logdir LOGDIR"
        ),
    )
    p.add_argument(
        "--tensorboard",
        type=Path,
        metavar="LOGDIR",
        required=True,
        help="TensorBoard's logdir of runs: the run is written to LOGDIR/NAME",
    )
    p.add_argument(
        "--name",
        help="the run's name in LOGDIR (default: the run directory's name)",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a run of that name already exported into LOGDIR",
    )
    p.add_argument(
        "--every",
        type=options.bounded("every"),
        metavar="K",
        help="write every K-th step, the first and the last "
        "(default: every step up to 1000 steps, else about 1000 evenly spaced steps)",
    )
    p.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    from ..engine.trace import Trace
    from ..views.tensorboard import default_every, export_run

    trace = Trace.load(args.run_dir)
    every = default_every(len(trace)) if args.every is None else args.every
    folder = export_run(
        trace, args.tensorboard, name=args.name, every=every, overwrite=args.overwrite
    )
    say = Words(args.lang, "cli")
    print(say("events_written", count=len(trace), every=every, path=folder))
    print(say("see_events", path=args.tensorboard))
    return 0
