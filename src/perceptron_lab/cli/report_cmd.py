"""``perceptron-lab report``: one self-contained HTML file of a run, in en or es."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from . import options


def add_report_parser(sub: Any) -> None:
    """The ``report`` sub-command."""
    p = sub.add_parser(
        "report",
        parents=[options.run_dir(what="the run to report"), options.language()],
        help="a run as one self-contained HTML file: settings, metrics, plots, worked steps",
        description=(
            "Write a run directory as one HTML file that needs nothing else (plots embedded, "
            "math typeset by the KaTeX inlined in it, no network): its settings and data, a "
            "branch's parent run and the settings it changed, metrics per epoch, the "
            "verification against PyTorch, the plots that apply, the worked solutions of the "
            "first and the last step, and every step's numbers."
        ),
    )
    p.add_argument(
        "-o",
        "--out",
        type=Path,
        metavar="FILE",
        help="the HTML file to write, a new one or a regular file to replace; - for stdout "
        "(default: RUN_DIR/report.html)",
    )
    p.set_defaults(run=run_report)


def run_report(args: argparse.Namespace) -> int:
    """Render the report, write it atomically and print its path (or print it: ``-o -``)."""
    from ..engine.atomic import check_replaceable
    from .lazy_dynamo import defer_dynamo

    defer_dynamo()  # its explained steps are replayed with torch.optim: no torch._dynamo

    out: Path = args.out if args.out is not None else args.run_dir / "report.html"
    if options.is_stdout(out):
        from ..views.report import render_report

        sys.stdout.write(render_report(args.run_dir, args.lang))
        return 0
    check_replaceable(out, "--out")  # before the work of rendering
    from ..views.report import write_report

    print(write_report(args.run_dir, out, args.lang))
    return 0
