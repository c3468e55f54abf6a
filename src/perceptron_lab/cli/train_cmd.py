"""``perceptron-lab train`` and ``show``: parse, call the trainer, render. Thin by design."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..losses import AUTO, loss_names
from ..optim import DEFAULT_OPTIMIZER, rule_names

# options a branch may change; their parser default is None, meaning "as the parent run"
OVERRIDABLE = (
    "loss",
    "optimizer",
    "lr",
    "epochs",
    "batch_size",
    "schedule",
    "verify_every",
    "checkpoint_every",
    "momentum",
    "weight_decay",
)
DEFAULTS: dict[str, Any] = {"loss": AUTO, "optimizer": DEFAULT_OPTIMIZER, "lr": 0.01, "epochs": 5}


def add_train_parser(sub: Any) -> None:
    """The ``train`` sub-command."""
    p = sub.add_parser(
        "train",
        help="train on the notebook's data, a built-in dataset or your file; record and verify",
        description=(
            "Train a single-layer network and record every step. DATASET is a built-in "
            "(seed, and, or, xor, iris, breast_cancer, wine, digits, diabetes, blobs, moons, "
            "linear) or a .csv/.parquet/.npy/.npz file. Without one it trains the notebook's "
            "Perceptron on the notebook's data."
        ),
    )
    p.add_argument("dataset", nargs="?", help="built-in dataset name or data file (default: seed)")
    p.add_argument(
        "--target", help="target column of a file (default: target/y/label/class, else the last)"
    )
    p.add_argument(
        "--features", help="feature columns of a file, comma-separated (default: all others)"
    )
    p.add_argument("--size", type=int, help="samples of a synthetic dataset (blobs, moons, linear)")
    p.add_argument(
        "--loss", choices=(AUTO, *loss_names()), help=f"loss (default: {AUTO}, from the target)"
    )
    p.add_argument(
        "--optimizer", choices=rule_names(), help=f"update rule (default: {DEFAULT_OPTIMIZER})"
    )
    p.add_argument("--lr", type=float, help="learning rate (default: 0.01)")
    p.add_argument("--momentum", type=float, help="momentum of sgd or rmsprop")
    p.add_argument("--weight-decay", type=float, help="weight decay λ of the update rule")
    p.add_argument("--epochs", type=int, help="epochs (default: 5)")
    p.add_argument(
        "--batch-size", type=int, help="samples per step (default: all, full batch; 1: online)"
    )
    p.add_argument(
        "--seed", type=int, default=0, help="seed of the weights, split and order (default: 0)"
    )
    p.add_argument(
        "--schedule",
        help="learning-rate schedule, e.g. step:step_size=10,gamma=0.5, "
        "exponential:gamma=0.95, cosine:T_max=100",
    )
    p.add_argument(
        "--verify-every",
        type=int,
        help="verify every K-th step against PyTorch "
        "(default: every step up to 2000 steps, else about 200 steps)",
    )
    p.add_argument(
        "--checkpoint-every", type=int, help="checkpoint every K steps (default: each epoch)"
    )
    p.add_argument(
        "--test-size", type=float, default=0.0, help="fraction held out for testing (default: 0)"
    )
    p.add_argument(
        "--standardize",
        action="store_true",
        help="scale features by the training set's mean and std",
    )
    p.add_argument(
        "--dtype", choices=("float32", "float64"), default="float32", help="default: float32"
    )
    p.add_argument(
        "--capture-samples",
        action="store_true",
        help="also record each sample's Z, activation, loss and gradient",
    )
    p.add_argument("--out", type=Path, help="run directory to write (trace, checkpoints, summary)")
    p.add_argument(
        "--resume",
        type=Path,
        metavar="RUN_DIR",
        help="continue a killed run from its last checkpoint",
    )
    p.add_argument(
        "--branch", type=Path, metavar="RUN_DIR", help="start a new run from another run's step"
    )
    p.add_argument("--at-step", type=int, help="with --branch: the checkpointed step to start from")
    p.add_argument(
        "--tensorboard",
        type=Path,
        metavar="LOGDIR",
        help="also write TensorBoard event files (scalars and histograms) as it trains",
    )
    p.add_argument(
        "--tensorboard-every",
        type=int,
        metavar="K",
        help="TensorBoard every K steps (default: every step up to 1000, else ~1000 steps)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="summary as text or JSON"
    )
    p.set_defaults(run=run_train)


def add_show_parser(sub: Any) -> None:
    """The ``show`` sub-command."""
    p = sub.add_parser(
        "show",
        help="a run's summary, or one step's numbers",
        description="Print a run directory's summary, or with --step N that step's numbers.",
    )
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    p.add_argument("--step", type=int, help="the step to show (1-based)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run_show)


def _config_from_args(args: argparse.Namespace, base: dict[str, Any] | None) -> Any:
    from ..engine.config import TrainConfig

    given = {name: getattr(args, name) for name in OVERRIDABLE if getattr(args, name) is not None}
    if base is None:
        options: dict[str, Any] = {
            k: given.pop(k) for k in ("momentum", "weight_decay") if k in given
        }
        settings = {**DEFAULTS, **given}
        return TrainConfig(
            **settings,
            optimizer_options=options,
            seed=args.seed,
            test_size=args.test_size,
            standardize=args.standardize,
            dtype=args.dtype,
            capture_samples=args.capture_samples,
        )
    cfg = TrainConfig.from_dict(base)
    options = dict[str, Any](cfg.optimizer_options)
    if "optimizer" in given and given["optimizer"] != cfg.optimizer:
        options = {}
    for key in ("momentum", "weight_decay"):
        if key in given:
            options[key] = given.pop(key)
    return replace(cfg, **given, optimizer_options=options)


def run_train(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..engine import checkpoint
    from ..engine.datasource import data_spec, load_split
    from ..engine.train import Trainer
    from ..views.run_summary import summary_table

    console = Console(highlight=False, stderr=False)
    if args.resume and args.branch:
        raise InputError("--resume", "either --resume or --branch, not both", "both")
    if args.at_step is not None and not args.branch:
        raise InputError("--at-step", "--branch RUN_DIR beside it", "--at-step alone")
    parent = args.resume or args.branch
    parent_config: dict[str, Any] | None = None
    if parent is not None:
        config_path = parent / "config.json"
        if not config_path.is_file():
            raise InputError(
                "--resume" if args.resume else "--branch",
                "a run directory with config.json",
                repr(str(parent)),
            )
        parent_config = json.loads(config_path.read_text())
    if args.resume and parent_config is not None:
        unchanged = argparse.Namespace(**dict.fromkeys(OVERRIDABLE))
        config = _config_from_args(unchanged, parent_config["config"])
        out: Path | None = args.resume
    else:
        config = _config_from_args(args, parent_config["config"] if parent_config else None)
        out = args.out
    if args.dataset is not None or parent_config is None:
        spec = data_spec(
            args.dataset,
            target=args.target,
            features=args.features,
            size=args.size,
            data_seed=config.seed,
        )
    else:
        spec = {
            k: v
            for k, v in parent_config["data"].items()
            if k in ("source", "target", "features", "size", "data_seed", "task")
        }
    train, test = load_split(
        spec, test_size=config.test_size, seed=config.seed, scale=config.standardize
    )
    trainer = Trainer(config, train, test, data_spec=spec)
    start = None
    extra: dict[str, Any] = {}
    if args.resume:
        start = checkpoint.latest(args.resume)
        if (
            parent_config
            and args.dataset is None
            and parent_config["data"]["fingerprint"] != train.fingerprint
        ):
            raise InputError(
                "data",
                f"the data the run was trained on ({parent_config['data']['source']})",
                "data with another fingerprint",
            )
    elif args.branch:
        if args.at_step is None:
            raise InputError("--at-step", "the step to branch from, with --branch", "nothing")
        start = checkpoint.latest(args.branch, at_step=args.at_step)
        if start is None:
            steps = checkpoint.steps_available(args.branch)
            raise InputError(
                "--at-step",
                f"a checkpointed step of {args.branch} ({', '.join(map(str, steps)) or 'none'})",
                str(args.at_step),
                hint="train with --checkpoint-every K to keep more",
            )
        if parent_config is not None and config.optimizer != parent_config["config"]["optimizer"]:
            start = replace(start, state={"W": {}, "B": {}})
        start = replace(start, history=[])  # the epochs before K belong to the parent run
        extra = {"parent": {"run": str(args.branch.resolve()), "step": args.at_step}}
    board = None
    if args.tensorboard is not None:
        from ..views.tensorboard import TensorBoardCallback, default_every

        every = args.tensorboard_every or default_every(trainer.total_steps)
        purge = start.position.step + 1 if args.resume is not None and start is not None else None
        board = TensorBoardCallback(args.tensorboard, every=every, purge_step=purge)
    try:
        result = _train_with_progress(
            trainer,
            out,
            start,
            extra,
            console,
            quiet=args.quiet or args.format == "json",
            board=board,
        )
    finally:
        if board is not None:
            board.close()
    if args.format == "json":
        print(json.dumps(result.summary, indent=1))
    else:
        console.print(summary_table(trainer._config_json(extra), result.summary))
        if out is not None:
            console.print(f"run written to {out} — see it with: perceptron-lab show {out}")
    return 0


def _train_with_progress(
    trainer: Any,
    out: Path | None,
    start: Any,
    extra: dict[str, Any],
    console: Any,
    quiet: bool,
    board: Any = None,
) -> Any:
    """Run the trainer under a rich progress bar (refreshed at most ~10 times a second)."""
    hooks = {"on_step": board, "on_epoch": board.epoch if board is not None else None}
    if quiet:
        return trainer.run(out, start=start, extra_config=extra, **hooks)
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("[bold]training"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("epoch {task.fields[epoch]}"),
        TextColumn("loss {task.fields[loss]}"),
        TextColumn("{task.fields[score]}"),
        TextColumn("{task.fields[rate]} steps/s"),
        TimeElapsedColumn(),
    )
    last = [0.0]
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(
            "train", total=trainer.total_steps, epoch="-", loss="-", score="", rate="-"
        )

        def update(p: Any) -> None:
            now = time.perf_counter()
            if now - last[0] < 0.1 and p.step != p.total_steps:
                return
            last[0] = now
            rate = p.step / p.elapsed if p.elapsed > 0 else 0.0
            bar.update(
                task,
                completed=p.step,
                epoch=f"{p.epoch}/{p.epochs}",
                loss=f"{p.loss:.4f}",
                score=f"{p.score_name} {p.score:.3f}",
                rate=f"{rate:,.0f}",
            )

        return trainer.run(out, start=start, extra_config=extra, on_progress=update, **hooks)


def run_show(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..engine.trace import Trace
    from ..views.run_summary import step_row_table, summary_table

    trace = Trace.load(args.run_dir)
    if args.step is not None:
        row = trace.step(args.step)
        if args.format == "json":
            print(json.dumps(dict(row), indent=1))
        else:
            Console(highlight=False).print(step_row_table(row))
        return 0
    if args.format == "json":
        print(json.dumps({"config": trace.config, "summary": trace.summary}, indent=1))
    else:
        Console(highlight=False).print(summary_table(trace.config, trace.summary))
    return 0
