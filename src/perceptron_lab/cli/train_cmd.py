"""``perceptron-lab train`` and ``show``: parse, call the trainer, render. Thin by design."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..engine import strict_json
from ..errors import InputError, PerceptronLabError
from ..losses import AUTO, loss_names
from ..optim import DEFAULT_OPTIMIZER
from ..views.i18n import Words
from ..views.i18n.phrasebook import phrasebook
from . import options

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
# a data file's defaults where not given: mini-batch SGD long enough to learn a
# spreadsheet (the built-in sets keep DEFAULTS, the notebook's own settings)
FILE_DEFAULTS: dict[str, Any] = {"lr": 0.1, "batch_size": 32, "epochs": 50}
DEFAULT_MEMORY = 2**30  # bytes of data a streamed run holds unless --memory says (1 GiB)
FILE_STEPS = 4000  # a large file's default epochs: about this many steps in all (at least 1)
# options a resumed run would ignore (it keeps its settings): given with --resume, refused
RESUME_FIXED = (
    *(name for name in OVERRIDABLE if name != "epochs"),
    "seed",
    "test_size",
    "standardize",
    "dtype",
    "capture_samples",
    "overwrite",
    "memory",
    "stream",
)
DATA_OPTIONS = (
    "target",
    "features",
    "size",
    "sep",
    "decimal",
    "encoding",
)  # with --resume: only beside DATASET


def add_train_parser(sub: Any) -> None:
    """The ``train`` sub-command."""
    p = sub.add_parser(
        "train",
        parents=[
            options.columns(),
            options.update_rule(
                (AUTO, *loss_names()),
                f"{AUTO}, from the target",
                default_lr="0.01; a data file: 0.1; lbfgs: 1",
            ),
            options.dtype("float32"),
            options.language(),
            options.text_or_json(),
            options.threads(),
            options.device(),
            options.parallel(),
        ],
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
        "--momentum",
        type=options.bounded("momentum"),
        help="momentum of sgd or rmsprop",
    )
    p.add_argument(
        "--weight-decay",
        type=options.bounded("weight_decay"),
        help="weight decay λ of the update rule",
    )
    p.add_argument(
        "--epochs",
        type=options.bounded("epochs"),
        help="epochs (default: 5; a data file: 50, fewer for a large one, about 4000 steps)",
    )
    p.add_argument(
        "--batch-size",
        type=options.bounded("batch_size"),
        help="samples per step (default: all, full batch; a data file: 32, "
        "but lbfgs: all; 1: online)",
    )
    p.add_argument(
        "--seed",
        type=options.bounded("seed"),
        default=0,
        help="seed of the weights, split and order (default: 0)",
    )
    p.add_argument(
        "--schedule",
        help="learning-rate schedule, e.g. step:step_size=10,gamma=0.5, "
        "exponential:gamma=0.95, cosine:T_max=100",
    )
    p.add_argument(
        "--verify-every",
        type=options.bounded("verify_every"),
        help="verify every K-th step against PyTorch "
        "(default: K such that checking costs about 10%% of the training time)",
    )
    p.add_argument(
        "--checkpoint-every",
        type=options.bounded("checkpoint_every"),
        help="checkpoint every K steps (default: at epoch ends, about once a second of "
        "training, at most about 50 times a run)",
    )
    p.add_argument(
        "--test-size",
        type=options.bounded("test_size"),
        default=0.0,
        help="fraction held out for testing (default: 0)",
    )
    p.add_argument(
        "--standardize",
        action=argparse.BooleanOptionalAction,
        help="scale features by the training set's mean and std (default: on for a data "
        "file whose feature scales differ more than 100×, else off)",
    )
    p.add_argument(
        "--capture-samples",
        action="store_true",
        help="also record each sample's Z, activation, loss and gradient",
    )
    p.add_argument(
        "--out",
        type=options.path,
        help="run directory to write (trace, checkpoints, summary): a new or empty directory "
        "(not a symbolic link); one holding another run only with --overwrite",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="--out may hold another run: its files are removed first (other files stay)",
    )
    p.add_argument(
        "--resume",
        type=options.path,
        metavar="RUN_DIR",
        help="continue a killed run from its last checkpoint, with its own settings and data "
        "(other options are refused); --epochs N more than the run's makes it longer",
    )
    p.add_argument(
        "--branch",
        type=options.path,
        metavar="RUN_DIR",
        help="start a new run from another run's step (into a new --out, never its own)",
    )
    p.add_argument(
        "--at-step",
        type=options.bounded("at_step"),
        help="with --branch: the recorded step to start from (any step)",
    )
    p.add_argument(
        "--tensorboard",
        type=Path,
        metavar="LOGDIR",
        help="also write TensorBoard event files (scalars and histograms) as it trains",
    )
    p.add_argument(
        "--tensorboard-every",
        type=options.bounded("every"),
        metavar="K",
        help="TensorBoard every K steps (default: every step up to 1000, else ~1000 steps)",
    )
    p.add_argument(
        "--memory",
        type=options.memory_size,
        metavar="SIZE",
        help="memory for the data, e.g. 256MB or 2GB (default: 1GiB): a file whose numbers "
        "would not fit is streamed in blocks instead of loaded",
    )
    p.add_argument(
        "--stream",
        action="store_true",
        help="stream the file in blocks even if it fits in --memory (a directory of Parquet "
        "files always streams)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    fixed = {name: p.get_default(name) for name in (*RESUME_FIXED, *DATA_OPTIONS)}
    p.set_defaults(run=run_train, unset=fixed)


def add_show_parser(sub: Any) -> None:
    """The ``show`` sub-command."""
    p = sub.add_parser(
        "show",
        parents=[
            options.run_and_step("the step to show (1-based)"),
            options.language(),
            options.full_vectors(),
            options.text_or_json(),
        ],
        help="a run's summary, or one step's numbers",
        description=(
            "Print a run directory's summary, or with --step N that step's numbers. Of a run "
            "whose step table or checkpoint is damaged it prints what it could read, and one "
            "warning line naming what it skipped (every other command refuses such a run)."
        ),
    )
    p.set_defaults(run=run_show)


def _config_from_args(args: argparse.Namespace, base: Any) -> Any:
    """The run's TrainConfig: the flags given over the defaults, or over ``base`` (a run's)."""
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
            standardize=bool(args.standardize),
            dtype=args.dtype,
            capture_samples=args.capture_samples,
            device=args.device,
        )
    cfg = base
    options = dict[str, Any](cfg.optimizer_options)
    if "optimizer" in given and given["optimizer"] != cfg.optimizer:
        options = {}
    for key in ("momentum", "weight_decay"):
        if key in given:
            options[key] = given.pop(key)
    return replace(cfg, **given, optimizer_options=options)


def _file_defaults(config: Any, args: argparse.Namespace, n: int) -> Any:
    """A data file's run: FILE_DEFAULTS for --lr, --batch-size and --epochs not given.

    Epochs E = min(50, max(1, ⌈FILE_STEPS / ⌈N / 32⌉⌉)) for N training rows, so a large
    file takes about FILE_STEPS steps rather than 50 passes.
    """
    given = {name for name in ("lr", "batch_size", "epochs") if getattr(args, name) is not None}
    batch = FILE_DEFAULTS["batch_size"] if "batch_size" not in given else config.batch_size
    per_epoch = math.ceil(n / batch) if batch else 1
    filled = {
        "lr": FILE_DEFAULTS["lr"],
        "batch_size": FILE_DEFAULTS["batch_size"] if n > FILE_DEFAULTS["batch_size"] else None,
        "epochs": min(FILE_DEFAULTS["epochs"], max(1, math.ceil(FILE_STEPS / per_epoch))),
    }
    return replace(config, **{k: v for k, v in filled.items() if k not in given})


def _rule_defaults(config: Any, args: argparse.Namespace) -> Any:
    """A joint rule's (L-BFGS's) defaults for --lr and --batch-size not given.

    Its γ (1 for L-BFGS, whose direction already has the Hessian's scale) and the full
    batch: its curvature pairs come from one function, the loss on the whole training
    set. A mini-batch it is told to take runs as torch runs it, with a note on stderr.
    """
    from ..optim import rule_class

    lr = options.joint_rule_lr(config.optimizer)
    if lr is None:
        return config
    if args.optimizer is not None:  # chosen now, not inherited from a branch's parent
        config = replace(config, **({"lr": lr} if args.lr is None else {}))
        if args.batch_size is None:
            config = replace(config, batch_size=None)
    if config.batch_size is not None:
        say = Words(args.lang, "cli")
        print(say("joint_mini_batch", rule=rule_class(config.optimizer).title), file=sys.stderr)
    return config


def _refuse_ignored(args: argparse.Namespace) -> None:
    """With --resume, refuse the options a resumed run would ignore, naming the first.

    A resumed run keeps its settings and its data (DATASET is checked against them); a
    run with other settings is a branch. --out may only name the run itself.
    """
    data_options = DATA_OPTIONS if args.dataset is None else ()
    for name in (*RESUME_FIXED, *data_options):
        value = getattr(args, name)
        if value != args.unset[name]:
            switch = {True: "--", False: "--no-"}.get(value) if isinstance(value, bool) else None
            raise InputError(
                name if switch is None else switch + name.replace("_", "-"),  # as typed
                "none with --resume (a resumed run keeps its settings; for others, "
                "--branch RUN_DIR --at-step N --out NEW)",
                "given" if value is True else repr(value),
            )
    if args.out is not None and args.out.resolve() != args.resume.resolve():
        raise InputError(
            "--out",
            f"none with --resume, or the run's own directory {str(args.resume)!r}",
            repr(str(args.out)),
        )


def _resumed_config(epochs: int | None, manifest: Any) -> Any:
    """The resumed run's TrainConfig: its own, made longer by --epochs N > its epochs.

    A longer run keeps its verify and checkpoint intervals (they would follow the new
    length otherwise); the manifest records the new epochs and total steps.
    """
    config = manifest.config
    if epochs is None or epochs == config.epochs:
        return config
    if epochs < config.epochs:
        raise InputError(
            "epochs",
            f"at least the run's {config.epochs} epochs with --resume (it can grow, not shrink)",
            str(epochs),
        )
    return replace(
        config,
        epochs=epochs,
        verify_every=manifest.verify_every,
        checkpoint_every=manifest.checkpoint_every,
    )


@contextlib.contextmanager
def _out_flag(args: argparse.Namespace) -> Iterator[None]:
    """Errors about the run directory written, named by the flag that gave it, fix in flags."""
    from ..engine.run_files import RunInTheWay

    try:
        yield
    except RunInTheWay as exc:
        d = exc.root
        raise InputError(
            "--out",
            exc.expected,
            exc.got,
            hint=f"continue it with --resume {d}, branch from it with --branch {d} --at-step N "
            "--out NEW, or replace it with --overwrite",
        ) from None
    except InputError as exc:
        if exc.argument == "out":
            raise exc.renamed("--resume" if args.resume else "--out") from None
        raise


def run_train(args: argparse.Namespace) -> int:
    """Train, resume or branch; a resumed run is read under its lock (``_reading``).

    ``--nproc``/``--nnodes`` above 1 launch this same command on that many ranks through
    torch's elastic launcher (``_launch``); a rank (torchrun sets WORLD_SIZE) joins the
    group and trains its share; rank 0 writes the run and prints."""
    from ..engine import distributed
    from ..engine.device import resolve_device

    device = resolve_device(args.device)  # refused at once, before anything starts
    ranks = distributed.Group.from_env(distributed.backend_for(device))
    if ranks is None and (args.nproc > 1 or args.nnodes > 1):
        return _launch(args)
    if ranks is not None:
        distributed.start(device)
    try:
        with _reading(args, ranks) as reading:
            return _train(args, reading, ranks)
    except RuntimeError as exc:  # a collective failed: a peer rank stopped (or its machine)
        if ranks is None:
            raise
        if LAUNCHED not in os.environ:  # else the launcher says which rank stopped, and how
            why = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
            print(Words(args.lang, "cli")("rank_left", rank=ranks.rank, why=why), file=sys.stderr)
        return 1
    finally:
        distributed.stop()


def _launch(args: argparse.Namespace) -> int:
    """This command on ``--nproc`` ranks (torch.distributed.run); one line if a rank stopped."""
    from ..engine import distributed

    say = Words(args.lang, "cli")
    result = distributed.launch(
        _rank_argv(args.argv),
        args.nproc,
        nnodes=args.nnodes,
        node_rank=args.node_rank,
        rdzv_endpoint=args.rdzv_endpoint,
        env={**os.environ, LAUNCHED: "1"},
    )
    if result.ok:
        return 0
    run = args.resume or args.out
    if run is not None and not any((run / "checkpoints").glob("*.json")):
        run = None  # nothing to resume from: the run starts again
    how = (
        say("rank_signal", signal=result.signal)
        if result.signal
        else say("rank_exit", code=result.exit_code)
        if result.exit_code is not None
        else say("rank_unknown")
    )
    rank = "?" if result.failed_rank is None else result.failed_rank
    again = say("rank_resume", run=run, nproc=args.nproc) if run is not None else say("rank_again")
    print(say("rank_stopped", rank=rank, how=how, again=again), file=sys.stderr)
    return 1 if result.returncode != 130 else 130


LAUNCHED = "PERCEPTRON_LAB_LAUNCHED"  # set for the ranks of a launch: it reports their end
LAUNCH_FLAGS = ("--nproc", "--nnodes", "--node-rank", "--rdzv-endpoint")


def _rank_argv(argv: Sequence[str]) -> list[str]:
    """The command each rank runs: ``argv`` without the launch's own flags (a rank learns
    its place from torchrun's environment; torchrun would also take them for its own)."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in LAUNCH_FLAGS:
            skip = True
        elif not arg.startswith(tuple(f + "=" for f in LAUNCH_FLAGS)):
            out.append(arg)
    return out


@contextlib.contextmanager
def _reading(args: argparse.Namespace, ranks: Any = None) -> Iterator[Any]:
    """The lock of the run ``--resume`` names, held while it is read: no other writer changes
    it meanwhile (a resume that finished in between would leave a checkpoint its rows lack).
    A refused command leaves no lock file it made; the trainer's writer takes the lock on.
    A data-parallel rank other than 0 only reads (rank 0 holds the lock)."""
    if not (args.resume and args.resume.is_dir()) or (ranks is not None and not ranks.main):
        yield None
        return
    from ..engine.run_lock import RunLock

    try:
        lock = RunLock(args.resume)  # refused, naming the writer, if one is at it
    except InputError as exc:
        raise exc.renamed("--resume") from None
    try:
        yield lock
    finally:  # no-op if the trainer took it on; else no lock file of ours is left behind
        lock.release(remove=True)


def _train(args: argparse.Namespace, reading: Any, ranks: Any = None) -> int:
    from rich.console import Console

    from ..data import Standardizer, standardize
    from ..data.builtin import builtin_name
    from ..engine.convergence import spread, spread_of
    from ..engine.datasource import data_spec, load_split
    from ..engine.run_data import same_data
    from ..engine.run_files import Parent, check_place, check_place_now, start_from_row
    from ..engine.trace import Trace
    from ..engine.train import Trainer
    from ..views.advice import advice_lines
    from ..views.run_summary import summary_table

    console = Console(highlight=False, stderr=False)
    say = Words(args.lang, "cli")
    if args.resume and args.branch:
        raise InputError("--resume", "either --resume or --branch, not both", "both")
    if args.at_step is not None and not args.branch:
        raise InputError("--at-step", "--branch RUN_DIR beside it", "--at-step alone")
    if args.resume:
        _refuse_ignored(args)
    if args.branch and args.out and args.out.resolve() == args.branch.resolve():
        raise InputError(
            "--out",
            "a new directory for the branch (a branch never writes into its parent run)",
            repr(str(args.out)),
        )
    parent_dir = args.resume or args.branch
    before = None
    if parent_dir is not None:
        try:
            before = Trace.load(parent_dir)
        except InputError as exc:  # the run directory is the flag's value
            raise exc.renamed("--resume" if args.resume else "--branch") from None
    out: Path | None = args.resume or args.out
    follower = ranks is not None and not ranks.main  # trains its share, writes nothing
    if out is not None and not follower:
        with _out_flag(args):  # before any data is loaded: refused at once, nothing written
            if args.resume:  # read under its lock already (_reading)
                check_place(out, resume=True)
            else:
                check_place_now(out, overwrite=args.overwrite)
    if args.resume and before is not None:
        config = _resumed_config(args.epochs, before.manifest)
    else:
        config = _config_from_args(args, before.manifest.config if before else None)
    if args.dataset is not None or before is None:
        spec = data_spec(
            args.dataset, data_seed=config.seed, crosses=args.crosses, **options.columns_of(args)
        )
    else:
        spec = dict(before.manifest.data.recipe)
    streamed = _streamed(args, spec, config, follower or args.quiet)
    if streamed is not None:
        train, test = streamed, None
    else:
        train, test = load_split(spec, test_size=config.test_size, seed=config.seed, scale=False)
    if before is None and builtin_name(spec["source"]) is None:
        if args.standardize is None:
            # a file's features on scales far apart: standardized by default (stored in config)
            far = (
                spread_of(streamed.facts.std, train.feature_names)
                if streamed is not None
                else spread(train.X, train.feature_names)
            )
            config = replace(config, standardize=far is not None)
        config = _file_defaults(config, args, train.n_samples)
    if not args.resume:
        config = _rule_defaults(config, args)
    scaler = Standardizer()
    if config.standardize and streamed is None:  # on the rows just loaded: read once
        train, test = standardize(train, test, scaler)
    scaling = None  # μ and σ, kept for predict
    if config.standardize:
        scaling = streamed.facts.scaling() if streamed is not None else scaler.state()
    trainer = Trainer(config, train, test, data_spec=spec, scaling=scaling, ranks=ranks)
    start = None
    parent = None
    if args.resume and before is not None:
        start = before.checkpoint()
        if args.dataset is None:
            same_data(before.manifest.data, train)  # the run's own file, changed since
        elif before.manifest.data.fingerprint != train.fingerprint:
            source = before.manifest.data.recipe.get("source")
            raise InputError(
                "dataset",
                f"the data the run was trained on ({source})",
                f"{args.dataset}, whose data differ from them (another fingerprint)",
            )
        trainer.check_start(start)
        done = before.summary
        longer = config.epochs > before.manifest.config.epochs
        if done is not None and done.status == "finished" and not longer:  # nothing to do
            if args.format == "json":
                print(strict_json.dumps(done.to_json()))
            else:
                console.print(
                    say("nothing_to_resume", run=args.resume, steps=done.steps), markup=False
                )
            return 0
    elif args.branch and before is not None:
        if args.at_step is None:
            raise InputError("--at-step", "the step to branch from, with --branch", "nothing")
        m = before.manifest
        if m.input_size is None or m.output_size is None or m.batches_per_epoch is None:
            raise InputError("--branch", "a trained run's directory", "a watched loop's")
        last = int(before.steps[-1]["step"]) if before.steps else 0
        if not 1 <= args.at_step <= last:
            raise InputError("--at-step", f"a step between 1 and {last}", str(args.at_step))
        row = before.step(args.at_step)
        keys = trainer.rule.state_keys()
        start = start_from_row(
            row, keys, m.input_size, m.output_size, m.batches_per_epoch, trainer.dtype
        )
        if config.optimizer != m.optimizer.name:
            start = start.fresh_rule()
        parent = Parent(str(args.branch.resolve()), args.at_step)
    if ranks is not None:
        _parallel_cost(trainer, ranks, args.lang)
    board = None
    if args.tensorboard is not None and not follower:
        from ..views.tensorboard import TensorBoardCallback, default_every

        every = args.tensorboard_every or default_every(trainer.total_steps)
        purge = start.position.step + 1 if args.resume is not None and start is not None else None
        board = TensorBoardCallback(args.tensorboard, every=every, purge_step=purge)
    try:
        with _out_flag(args):
            if reading is not None:  # the trainer's writer takes the lock now
                reading.release()
            result = _train_with_progress(
                trainer,
                out,
                start,
                before if args.resume else None,
                parent,
                console,
                quiet=args.quiet or args.format == "json" or follower,
                board=board,
                overwrite=args.overwrite,
                lang=args.lang,
            )
    except PerceptronLabError as exc:  # diverged or failed verification: its JSON too
        if args.format == "json" and exc.summary is not None:
            print(strict_json.dumps(exc.summary.to_json()))
        raise
    finally:
        if board is not None:
            board.close()
    if follower:
        return 0
    if args.format == "json":
        print(strict_json.dumps(result.summary.to_json()))
        for line in advice_lines(result.summary.advice, getattr(args, "lang", None)):
            print(line, file=sys.stderr)  # measured causes of a useless run, with the fix
    else:  # the table words the advice
        trace = result.trace or Trace.load(out)  # type: ignore[arg-type]
        console.print(summary_table(trace, args.lang))
        if out is not None:
            console.print(say("run_written", run=out), markup=False)
    return 1 if result.summary.status == "diverged" else 0


def _streamed(args: argparse.Namespace, spec: dict[str, Any], config: Any, quiet: bool) -> Any:
    """The file of ``spec`` as a stream (engine.streamed_data), or None to load it whole.

    A new run streams a directory of Parquet files, a file given ``--stream``, or one whose
    numbers (N·(d + 1) float64, about three copies while loading, standardizing and
    training) would not fit in ``--memory``; a resumed run streams as it did, with its
    recorded budget and windows (so its batches are the same)."""
    from ..data.builtin import builtin_name
    from ..data.stream import BLOCK_ROWS, open_stream, scan
    from ..engine.stream_batches import window_rows_for
    from ..engine.streamed_data import StreamedData

    recipe = spec.get("stream")
    if builtin_name(spec["source"]) is not None:
        if args.stream:
            raise InputError(
                "--stream", "a data file or a directory of Parquet files", spec["source"]
            )
        return None
    source = Path(spec["source"])
    memory = args.memory or DEFAULT_MEMORY
    if recipe is None and not (args.stream or source.is_dir()):
        on_disk = source.stat().st_size if source.is_file() else 0
        if source.suffix.lower() in (".csv", ".tsv") and 3 * on_disk <= memory:
            return None
        if source.suffix.lower() not in (".csv", ".tsv", ".parquet", ".npy"):
            return None
    if spec.get("crosses"):
        raise InputError("--cross", "no feature crosses for a streamed file", spec["crosses"])
    if recipe is not None:
        memory = recipe["memory"]
    reading = {
        "target": spec.get("target"),
        "features": spec.get("features"),
        "sep": spec.get("sep"),
        "decimal": spec.get("decimal"),
        "encoding": spec.get("encoding"),
        "detected": spec.get("detected", ()),
    }
    block_rows = recipe["block_rows"] if recipe else BLOCK_ROWS
    stream = open_stream(source, block_rows=block_rows, **reading)
    fits = 3 * 8 * stream.n_rows * (stream.n_features + 1) <= memory
    if recipe is None and not (args.stream or source.is_dir()) and fits:
        return None  # loaded whole, as any file
    if config.test_size:
        raise InputError(
            "--test-size",
            "0 for a streamed file (hold out a file of its own)",
            str(config.test_size),
        )
    window = window_rows_for(memory, stream.n_features, 0)  # C unknown yet: a quarter's room
    if recipe is None and max(stream.blocks) > window // 4:  # blocks a quarter of a window
        block_rows = max(256, window // 4)
        stream = open_stream(source, block_rows=block_rows, **reading)
    from rich.console import Console

    say = Words(args.lang, "cli")
    words = {
        "source": source.name,
        "rows": f"{stream.n_rows:,}",
        "memory": f"{memory / 2**20:,.0f}",
    }
    # while every row is checked (a minute for gigabytes): a line that goes when it is done
    with Console(stderr=True, quiet=quiet).status(say("streaming", **words)):
        facts = scan(stream, task=spec.get("task"))
    recorded = recipe.get("window_rows") if recipe else None
    spec["stream"] = {"memory": memory, "block_rows": block_rows, "window_rows": recorded}
    return StreamedData(stream, facts, memory, recorded)


def _parallel_cost(trainer: Any, ranks: Any, lang: str) -> None:
    """Measure the all-reduce a step pays (every rank takes part) and, on rank 0, warn with
    the numbers when the cost model says the ranks make each step slower than one process."""
    from ..engine import distributed
    from ..engine.train import step_cost

    d, k = trainer.train_data.n_features, trainer.k
    numbers = distributed.reduced_numbers(d, k)
    seconds = distributed.all_reduce_seconds(numbers)
    trainer.all_reduce_s = seconds  # summary.json keeps it
    if not ranks.main:
        return
    one = step_cost(trainer.batch_size * d * k)
    estimate = distributed.warning_numbers(one, seconds, ranks.world)
    if estimate.slower:
        print(
            Words(lang, "cli")(
                "parallel_slower",
                world=ranks.world,
                numbers=numbers,
                reduce=f"{seconds * 1e6:,.0f}",
                one=f"{one * 1e6:,.0f}",
                parallel=f"{estimate.step_parallel_s * 1e6:,.0f}",
                ratio=f"{estimate.ratio:.1f}",
                even=f"{estimate.break_even_s * 1e3:.2f}",
            ),
            file=sys.stderr,
        )


def _train_with_progress(
    trainer: Any,
    out: Path | None,
    start: Any,
    before: Any,
    parent: Any,
    console: Any,
    quiet: bool,
    board: Any = None,
    overwrite: bool = False,
    lang: str = "en",
) -> Any:
    """Run the trainer under a rich progress bar (refreshed at most ~10 times a second)."""
    hooks = {"on_step": board, "on_epoch": board.epoch if board is not None else None}
    given = {"start": start, "before": before, "parent": parent, "overwrite": overwrite, **hooks}
    if quiet:
        return trainer.run(out, **given)
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    say, scores = Words(lang, "cli"), Words(lang, "report")  # the report names the scores
    columns = (
        TextColumn(f"[bold]{say('training')}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(say("epoch", epoch="{task.fields[epoch]}")),
        TextColumn(say("loss", loss="{task.fields[loss]}")),
        TextColumn("{task.fields[score]}"),
        TextColumn(say("rate", rate="{task.fields[rate]}")),
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
                score=f"{scores.or_else(p.score_name, p.score_name)} {p.score:.3f}",
                rate=f"{rate:,.0f}",
            )

        return trainer.run(out, on_progress=update, **given)


def run_show(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..engine.trace import Trace
    from ..views.run_summary import step_row_table, summary_table

    trace = Trace.load(args.run_dir, partial=True)  # what it has, and a line on what it left out
    if trace.skipped:
        first, more = trace.skipped[0], len(trace.skipped) - 1
        say, phrase = Words(args.lang, "cli"), phrasebook("errors", args.lang).say
        key = "skipped_more" if more else "skipped"
        expected, got = phrase(first.expected), phrase(first.got)
        print(say(key, expected=expected, got=got, more=more), file=sys.stderr)
    if args.step is not None:
        row = trace.step(args.step)
        if args.format == "json":
            print(strict_json.dumps(dict(row)))
        else:
            Console(highlight=False).print(step_row_table(row, args.lang, full=args.full))
        return 0
    if args.format == "json":
        summary = trace.summary.to_json() if trace.summary else None
        print(strict_json.dumps({"config": trace.manifest.to_json(), "summary": summary}))
    else:
        Console(highlight=False).print(summary_table(trace, args.lang))
    return 0
