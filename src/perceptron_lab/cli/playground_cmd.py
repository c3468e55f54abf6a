"""``perceptron-lab playground``: the page where one neuron trains step by step, served locally."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
from typing import Any

from ..errors import InputError
from ..views.i18n import Words
from . import options


def add_playground_parser(sub: Any) -> None:
    """The ``playground`` sub-command."""
    p = sub.add_parser(
        "playground",
        parents=[options.language(), options.threads(), options.device()],
        help="a page in the browser: press step, watch the boundary move, every number checked",
        description=(
            "Serve the playground on this machine and open it in the browser: a single "
            "neuron trained step by step on a 2-D data set by the real engine — play, "
            "step, back, branch with another setting, add points with a click, feature "
            "crosses, each step worked out beside PyTorch's numbers. Ctrl-C stops it."
        ),
    )
    p.add_argument(
        "dataset",
        nargs="?",
        default="moons",
        metavar="DATASET | FILE",
        help="a built-in 2-D set (seed, and, or, xor, moons, blobs, circles, spiral, iris) "
        "or a CSV file (default: moons)",
    )
    p.add_argument(
        "--target", help="target column of a CSV (default: target/y/label/class, else the last)"
    )
    p.add_argument(
        "--features",
        help="the two feature columns of a CSV, comma-separated (default: the first two numeric)",
    )
    p.add_argument(
        "--size", type=options.bounded("size"), help="samples of a synthetic set (default: 200)"
    )
    p.add_argument(
        "--crosses",
        metavar="CROSSES",
        help="feature crosses to start with, comma-separated: " + ", ".join(options.CROSS_NAMES),
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    p.add_argument(
        "--port",
        type=options.bounded("port"),
        default=8000,
        help="port (default: 8000; 0: any free port)",
    )
    p.add_argument(
        "--workers",
        type=options.bounded("workers"),
        default=1,
        help="server processes, each serving its tabs on a core of its own (default: 1; "
        "a class of 20 on 2 cores: 2)",
    )
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument(
        "--runs",
        type=options.path,
        help="where 'save as run' writes (default: a folder in the temp dir)",
    )
    p.set_defaults(run=run_playground)


def run_playground(args: argparse.Namespace) -> int:
    """Check the data, then serve until Ctrl-C, each step on the threads its size wants."""
    from ..engine.threads import threads_for
    from ..playground.lab import MAX_POINTS

    # a tab's step touches at most MAX_POINTS points × (2 features + the crosses) × a few
    # classes: small, so one thread each, no oversubscription (unless --threads, or the
    # environment, says otherwise)
    with threads_for(MAX_POINTS * (2 + len(options.CROSS_NAMES))):
        return _serve(args)


def _serve(args: argparse.Namespace) -> int:
    """Check the data, then serve until Ctrl-C."""
    from ..extras import require

    say = Words(args.lang, "cli")
    require("web", "the playground", "uvicorn", "starlette")  # checked before the data
    from ..playground.lab import Lab
    from ..playground.recipe import start_data
    from ..playground.server import listen, serve

    try:
        data, uploads = start_data(
            args.dataset,
            target=args.target,
            features=args.features,
            size=args.size,
            crosses=args.crosses,
        )
    except InputError as exc:  # the positional argument is the data
        raise exc.renamed("DATASET") if exc.argument == "data" else exc from None
    if args.workers > 1 and args.device != "cpu":
        raise InputError(
            "device",
            "cpu with more than one worker (CUDA does not survive the fork that starts each)",
            repr(args.device),
        )
    # refused now, not in the page
    Lab(data, lang=args.lang, runs=args.runs, uploads=uploads, device=args.device)
    # the imports' objects (torch's among them) out of every full collection: one over
    # them stalls every tab for a few hundred ms
    gc.collect()
    gc.freeze()

    def make() -> Lab:
        return Lab(data, lang=args.lang, runs=args.runs, uploads=uploads, device=args.device)

    if args.workers > 1 and not hasattr(os, "fork"):
        raise InputError(
            "workers", "1 on this system (it cannot fork processes)", str(args.workers)
        )
    try:
        listener = listen(args.host, args.port, args.workers)
    except OSError as exc:
        raise InputError(
            "port",
            f"a port free on {args.host}",
            f"{args.port} ({exc.strerror})",
            hint="try --port 0",
        ) from None
    port = listener.getsockname()[1]
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{shown}:{port}/"
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(say("open_to_all", host=args.host), file=sys.stderr)
    print(say("serving", url=url), flush=True)
    if not args.no_browser:
        import webbrowser  # 15 ms: not at every command's start

        threading.Timer(0.5, webbrowser.open, (url,)).start()
    serve(make, listener, workers=args.workers)
    print(say("stopped"), flush=True)
    return 0
