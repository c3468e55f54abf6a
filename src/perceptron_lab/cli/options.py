"""The options several commands share, as argparse parents, and the map to their flags.

A parent is a parser without ``--help`` that a command takes with
``sub.add_parser(..., parents=[...])``. The library names a bad argument as its Python
parameter (``batch_size``); :func:`flag` names it as the user typed it (``--batch-size``),
read off the command's own parser, so the map cannot drift from the options.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

FORMATS = ("text", "json")
DTYPES = ("float32", "float64")
# data.crosses.CROSSES' names, written out: the data package imports numpy, and help must
# not (tests/test_crosses.py holds the two to each other)
CROSS_NAMES = ("x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")

# library parameters fed by an option of another name: the option's dest
FED_BY = {
    "path": "run_dir",  # Trace.load(path)
    "trace": "run_dir",  # a view of Trace.load(RUN_DIR)
    "epoch": "epochs",  # epoch_end(trace, epoch), for each of plot --epochs
    "fmt": "format",  # explain_steps(..., fmt)
    "logdir": "tensorboard",  # TensorBoardCallback(logdir) and export_tensorboard
    "every": "tensorboard_every",  # TensorBoardCallback(every=) in train
}


def flag(parser: argparse.ArgumentParser, argument: str) -> str:
    """How ``parser``'s user writes the library's ``argument``: its flag, or itself.

    >>> p = argparse.ArgumentParser()
    >>> _ = p.add_argument("--batch-size", type=int)
    >>> flag(p, "batch_size"), flag(p, "data")
    ('--batch-size', 'data')
    """
    shown = {a.dest: _shown(a) for a in parser._actions}
    dest = argument if argument in shown else FED_BY.get(argument, argument)
    return shown.get(dest, argument)


def _shown(action: argparse.Action) -> str:
    """'--out' for ('-o', '--out'); RUN_DIR for a positional of that metavar."""
    if action.option_strings:
        return max(action.option_strings, key=len)
    return str(action.metavar or action.dest.upper())


class bounded(str):
    """An argparse ``type`` for the library's number ``name`` (BOUNDS): the number, if it is one.

    Text that is not a number in the bounds stays text, for :func:`check_bounds` to refuse as an
    InputError naming the parameter, which the CLI prints as every other error (one line,
    naming the flag): ``--epochs: expected an integer in [1, 1000000], got '1e23'``.
    """

    def __call__(self, text: str) -> Any:
        from ..bounds import parse_bounded
        from ..errors import InputError

        try:
            return parse_bounded(str(self), text)
        except InputError:
            return text


def check_bounds(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse a bounded option of ``parser`` left as text: an InputError naming the parameter."""
    from ..bounds import parse_bounded

    for action in parser._actions:
        value = getattr(args, action.dest, None)
        if isinstance(action.type, bounded) and isinstance(value, str):
            parse_bounded(str(action.type), value)  # raises: the text is out of bounds


def state_bounds(parser: argparse.ArgumentParser, say: Callable[[str], str] = str) -> None:
    """Append each bounded option's bounds to its help: 'epochs (default: 5); an integer in …'.

    ``say`` puts the bounds in the help's language (the errors' phrasebook).
    """
    from ..bounds import BOUNDS

    for action in parser._actions:
        if isinstance(action.type, bounded):
            action.help = f"{action.help}; {say(BOUNDS[str(action.type)].describe())}"


def command_parser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    """The sub-parser of ``command``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[command]
            return found
    raise KeyError(command)


def command_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every command's sub-parser."""
    return [
        sub
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for sub in action.choices.values()
    ]


def _parent(*parents: argparse.ArgumentParser) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(add_help=False, parents=list(parents))


def language() -> argparse.ArgumentParser:
    """--lang: the language of the text, en or es."""
    p = _parent()
    add_language(p)
    return p


def add_language(parser: argparse.ArgumentParser) -> None:
    """Give ``parser`` --lang, unless it has it: every command speaks the user's language."""
    from ..views.i18n import LANGUAGES, default_language

    if any(action.dest == "lang" for action in parser._actions):
        return
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=default_language(),
        help="language of the text (default: from the locale, else en)",
    )


def threads() -> argparse.ArgumentParser:
    """--threads N: torch's thread count while training; marks a command that runs torch.optim.

    ``optimizes`` tells :func:`perceptron_lab.cli.main.main` to set the process up for it
    (:mod:`.lazy_dynamo`, :func:`perceptron_lab.engine.threads.choose_threads`).
    """
    p = _parent()
    p.add_argument(
        "--threads",
        type=bounded("threads"),
        default=None,
        metavar="N",
        help="CPU threads PyTorch trains with (default: one for small steps, PyTorch's own "
        "count for large ones, unless OMP_NUM_THREADS or MKL_NUM_THREADS is set)",
    )
    p.set_defaults(optimizes=True)
    return p


def language_of(argv: Sequence[str]) -> str:
    """The language a command line asks for: its --lang, else the locale's.

    Read before parsing, so that --help and argparse's own errors speak it too.

    >>> language_of(["train", "--lang", "es"]), language_of(["demo", "--lang=en"])
    ('es', 'en')
    """
    from ..views.i18n import LANGUAGES, default_language

    for i, word in enumerate(argv):
        value = word.partition("=")[2] if word.startswith("--lang=") else None
        if word == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        if value in LANGUAGES:
            return value
    return default_language()


def full_vectors() -> argparse.ArgumentParser:
    """--full: every entry of every vector (else those of more than 6 entries are summarized)."""
    p = _parent()
    p.add_argument(
        "--full",
        action="store_true",
        help="print every entry of every vector (default: a vector of more than 6 entries "
        "shows its first 3, its last 2 and its norm)",
    )
    return p


def columns() -> argparse.ArgumentParser:
    """--target, --features, --size, --sep, --decimal, --encoding: which columns of a file
    and how it is written, how big a synthetic set."""
    p = _parent()
    p.add_argument(
        "--target", help="target column of a file (default: target/y/label/class, else the last)"
    )
    p.add_argument(
        "--features", help="feature columns of a file, comma-separated (default: all others)"
    )
    p.add_argument(
        "--size",
        type=bounded("size"),
        help="samples of a synthetic dataset (blobs, moons, circles, spiral, linear)",
    )
    p.add_argument(
        "--crosses",
        metavar="CROSSES",
        help="feature crosses of 2 features, comma-separated: "
        + ", ".join(CROSS_NAMES)
        + " (e.g. x1*x2: one neuron learns xor)",
    )
    p.add_argument(
        "--sep",
        metavar="SEP",
        help="a CSV's separator: ',' ';' or tab (default: detected from its first lines)",
    )
    p.add_argument(
        "--decimal",
        metavar="MARK",
        help="a CSV's decimal mark: '.' or ',' as in 1,5 (default: detected)",
    )
    p.add_argument(
        "--encoding",
        metavar="NAME",
        help="a CSV's text encoding, e.g. utf-8, utf-16, cp1252, latin-1 "
        "(default: from its BOM, else utf-8, else cp1252)",
    )
    return p


def columns_of(args: argparse.Namespace) -> dict[str, Any]:
    """The values of columns()'s flags but --crosses, as data.load and data_spec take them."""
    names = ("target", "features", "size", "sep", "decimal", "encoding")
    return {name: getattr(args, name) for name in names}


def text_or_json() -> argparse.ArgumentParser:
    """--format text|json."""
    p = _parent()
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text tables, or every number as JSON (default: text)",
    )
    return p


def device() -> argparse.ArgumentParser:
    """--device cpu|cuda|cuda:N|auto: where the data, the weights and PyTorch's twin live."""
    p = _parent()
    p.add_argument(
        "--device",
        default="cpu",
        metavar="DEVICE",
        help="where the data, the weights and PyTorch's check live: cpu, cuda (cuda:N) or "
        "auto (cuda when there is one) (default: cpu)",
    )
    return p


def parallel() -> argparse.ArgumentParser:
    """--nproc N and the multi-machine flags: data-parallel training on torch.distributed."""
    p = _parent()
    p.add_argument(
        "--nproc",
        type=bounded("nproc"),
        default=1,
        metavar="N",
        help="data-parallel processes on this machine, launched by torch's elastic launcher "
        "(gloo on cpu, nccl on cuda); each takes its share of every batch (default: 1)",
    )
    p.add_argument(
        "--nnodes",
        type=bounded("nnodes"),
        default=1,
        metavar="N",
        help="machines taking part, each running this same command with its --node-rank "
        "(default: 1)",
    )
    p.add_argument(
        "--node-rank",
        type=bounded("node_rank"),
        default=0,
        metavar="R",
        help="this machine's index, 0 … nnodes − 1 (0 writes the run) (default: 0)",
    )
    p.add_argument(
        "--rdzv-endpoint",
        metavar="HOST:PORT",
        help="where the machines meet: node 0's address and a free port (default with one "
        "machine: 127.0.0.1 and any free port)",
    )
    return p


def memory_size(text: str) -> int:
    """A memory budget in bytes from "256MB", "2GiB", "512M" or a number of bytes."""
    units = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}
    units |= {"ki": 2**10, "mi": 2**20, "gi": 2**30, "ti": 2**40}
    body = text.strip().lower().removesuffix("b").strip()
    digits = body.rstrip("kmgti")
    unit = body[len(digits) :]
    try:
        value = float(digits) * units[unit]
    except (KeyError, ValueError):
        raise argparse.ArgumentTypeError(
            f"expected a size such as 256MB, 2GB or 1GiB, got {text!r}"
        ) from None
    if not 16e6 <= value <= 2**50:
        raise argparse.ArgumentTypeError(f"expected a size from 16MB, got {text!r}")
    return int(value)


def dtype(default: str | None, prefix: str = "") -> argparse.ArgumentParser:
    """--dtype float32|float64; a ``default`` of None lets the command fill it in."""
    p = _parent()
    p.add_argument(
        "--dtype",
        choices=DTYPES,
        default=default,
        help=f"{prefix}floating-point type (default: float32, as PyTorch)",
    )
    return p


def update_rule(
    losses: tuple[str, ...], default_loss: str, prefix: str = "", default_lr: str = "0.01"
) -> argparse.ArgumentParser:
    """--loss, --optimizer, --lr. Their defaults are None: the command fills them in."""
    from ..optim import DEFAULT_OPTIMIZER, rule_names

    p = _parent()
    p.add_argument("--loss", choices=losses, help=f"{prefix}the loss (default: {default_loss})")
    p.add_argument(
        "--optimizer",
        choices=rule_names(),
        help=f"{prefix}the update rule (default: {DEFAULT_OPTIMIZER})",
    )
    p.add_argument(
        "--lr",
        type=bounded("lr"),
        help=f"{prefix}the learning rate (default: {default_lr})",
    )
    return p


def joint_rule_lr(optimizer: str) -> float | None:
    """A joint rule's (L-BFGS's) own γ, --lr's default with it; None for the other rules."""
    import inspect

    from ..optim import rule_class

    rule = rule_class(optimizer)
    return inspect.signature(rule).parameters["lr"].default if rule.joint else None


def numbers(required: bool, prefix: str = "") -> argparse.ArgumentParser:
    """--X --y --W --B, the rule, --steps and --dtype: K steps from numbers typed in."""
    from ..losses import DEFAULT_LOSS, loss_names

    given = _parent()
    given.add_argument("--X", required=required, help="inputs X (N, d), e.g. '1,2;3,4;5,6'")
    given.add_argument("--y", required=required, help="labels, e.g. '1,0,1' or '1;0;1'")
    given.add_argument("--W", required=required, help="weights W (d, k), e.g. '0.5;-0.3'")
    given.add_argument("--B", required=required, help="bias B (k,), e.g. '0.1'")
    steps = _parent()
    steps.add_argument(
        "--steps",
        type=bounded("steps"),
        help=f"{prefix}how many steps (default: 1)",
    )
    return _parent(
        given,
        update_rule(loss_names(), DEFAULT_LOSS, prefix, default_lr="0.01; lbfgs: 1"),
        steps,
        dtype(None, prefix),
    )


def run_dir(
    optional: bool = False, what: str = "a run directory (train --out)"
) -> argparse.ArgumentParser:
    """RUN_DIR, the positional of the commands that read a run."""
    p = _parent()
    nargs = "?" if optional else None
    p.add_argument("run_dir", nargs=nargs, type=Path, metavar="RUN_DIR", help=what)
    return p


def run_and_step(step_help: str, optional: bool = False) -> argparse.ArgumentParser:
    """RUN_DIR --step N: one step of a run."""
    p = _parent(run_dir(optional))
    p.add_argument("--step", type=bounded("step"), help=step_help)
    return p


STDOUT = "-"  # as a file option's value: standard output, where the command supports it


def is_stdout(path: Path | None) -> bool:
    """Whether a file option says ``-``: write to standard output."""
    return path is not None and str(path) == STDOUT


def path(text: str) -> Path:
    """A path option's value: '' is refused (it would mean the current directory)."""
    if not text:
        raise argparse.ArgumentTypeError("expected a path, got '' (the current directory)")
    return Path(text)
