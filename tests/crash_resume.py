"""SIGKILL ``train`` at random moments, ``--resume``, and compare with an uninterrupted run.

For each update rule a run is killed ``kills`` times at random moments (the first kill
hits ``train --out``, the later ones the ``--resume`` that follows), then resumed to its
end; its step table, final checkpoint, manifest and summary (less its timings) must be
bit-identical to the same run trained without a kill.

The runs are ``perceptron-lab train`` in child processes forked from a forkserver that
has imported torch and the package once, so a start costs milliseconds rather than the
seconds of an import, and a kill can land anywhere in the training itself. The test suite
runs it with 10 kills in all; the long form is a script::

    python -m tests.crash_resume --kills 20          # 20 kills per rule
    python -m tests.crash_resume --rules adam --seed 7
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

PRELOAD = [
    "perceptron_lab.cli.main",
    "perceptron_lab.cli.train_cmd",
    "perceptron_lab.engine.train",
    "perceptron_lab.engine.datasource",
    "perceptron_lab.views.run_summary",
    "perceptron_lab.data.builtin",
    "sklearn.datasets",
    "pyarrow.parquet",
    "safetensors.torch",
    "torch._dynamo",  # torch.optim imports it on a rule's first step: seconds, once
]
TOTAL_STEPS = 90  # of run_args: 120 samples in batches of 4, 3 epochs
TIMINGS = ("seconds", "steps_per_second")  # the summary's fields a kill may change
# each run has its own id, so the manifest's bytes (and their checksum) differ between an
# uninterrupted run and a resumed one; the rows and the checkpoint are compared whole
OWN = ("run_id",)


def run_args(rule: str) -> list[str]:
    """The run killed: 90 steps of batch 4 with checkpoints and verified steps in between."""
    return [
        "moons",
        "--size",
        "120",
        "--batch-size",
        "4",
        "--epochs",
        "3",
        "--optimizer",
        rule,
        "--lr",
        "0.05",
        "--checkpoint-every",
        "7",
        "--verify-every",
        "3",
        "--quiet",
        "--format",
        "json",
    ]


def cli_child(argv: list[str], err: str | None = None) -> None:
    """A forked child: ``perceptron-lab ARGV``, stdout discarded, stderr to the file ``err``
    (or discarded); exits with the CLI's code."""
    from perceptron_lab.cli.main import main

    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.dup2(os.open(err or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
    sys.exit(main(argv))


def context() -> ForkServerContext:
    """A forkserver that has imported what ``train`` needs (children start at once)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    warm = ctx.Process(target=_nothing)  # the server starts now, not inside a timed run
    warm.start()
    warm.join()
    return ctx


def _nothing() -> None:
    """A child that does nothing (it starts the forkserver)."""


def run(
    ctx: ForkServerContext,
    argv: list[str],
    kill_after: float | None = None,
    err: Path | None = None,
) -> int | None:
    """Run the CLI (its stderr to ``err``); SIGKILL it after ``kill_after`` seconds. Its exit
    code (None: killed)."""
    child = ctx.Process(target=cli_child, args=(argv, None if err is None else str(err)))
    child.start()
    child.join(kill_after if kill_after is not None else 300)
    if child.exitcode is None:
        if kill_after is None:
            child.kill()
            raise AssertionError(f"{argv} ran past 300 s")
        child.kill()  # SIGKILL
        child.join()
        return None
    return child.exitcode


def _checkpointed(root: Path) -> int:
    """The step of the run's latest checkpoint (0: none)."""
    steps = [int(p.stem.split("-")[1]) for p in (root / "checkpoints").glob("step-*.json")]
    return max(steps, default=0)


def state_of(root: Path) -> dict[str, Any]:
    """What must be bit-identical: step table, final checkpoint, manifest, summary."""
    from perceptron_lab.engine.trace import Trace

    from .cli_run import snapshot

    summary = json.loads((root / "summary.json").read_text())
    for key in (*TIMINGS, "files"):
        summary.pop(key)
    config = json.loads((root / "config.json").read_text())
    for key in OWN:
        config.pop(key)
    return {
        "steps": list(Trace.load(root).steps),
        "checkpoint": snapshot(root / "checkpoints"),
        "config": config,
        "summary": summary,
    }


def crash_and_resume(
    ctx: ForkServerContext, rule: str, kills: int, rng: random.Random, where: Path
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """(the killed run's state, the uninterrupted run's, the kills that landed)."""
    from perceptron_lab.engine.run_files import is_run

    whole, killed = where / f"{rule}-whole", where / f"{rule}-killed"
    began = time.monotonic()
    assert run(ctx, ["train", *run_args(rule), "--out", str(whole)]) == 0
    length = time.monotonic() - began
    landed = 0
    for _ in range(kills):
        if is_run(killed):
            argv = ["train", "--resume", str(killed), "--quiet", "--format", "json"]
        else:  # killed before config.json: nothing to resume, the run starts again
            argv = ["train", *run_args(rule), "--out", str(killed)]
        left = 1 - _checkpointed(killed) / TOTAL_STEPS  # a resume has only the rest to do
        code = run(ctx, argv, kill_after=rng.uniform(0.0, 0.9 * length * left))
        assert code in (None, 0), (argv, code)
        landed += code is None
    if is_run(killed):
        final = ["train", "--resume", str(killed), "--quiet", "--format", "json"]
    else:
        final = ["train", *run_args(rule), "--out", str(killed)]
    said = where / f"{rule}-final.err"
    code = run(ctx, final, err=said)
    assert code == 0, (final, code, said.read_text(errors="replace")[-2000:])
    return state_of(killed), state_of(whole), landed


def main(argv: Sequence[str] | None = None) -> int:
    """The long form: more kills per rule, a seed to repeat a failure."""
    from perceptron_lab.optim import rule_names

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20, help="kills per rule (default: 20)")
    parser.add_argument("--rules", nargs="*", default=rule_names(), help="default: all")
    parser.add_argument("--seed", type=int, default=None, help="seed of the kill moments")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rng, ctx, failed = random.Random(seed), context(), []
    where = Path(tempfile.mkdtemp(prefix="crash-resume-"))
    for rule in args.rules:
        mine, theirs, landed = crash_and_resume(ctx, rule, args.kills, rng, where)
        differ = [part for part in mine if mine[part] != theirs[part]]
        failed += [rule] if differ else []
        print(f"{rule}: {landed} kills, " + (f"differ: {differ}" if differ else "bit-identical"))
    if failed:
        print(f"seed {seed}: failed: {', '.join(failed)} (the runs are kept in {where})")
        return 1
    shutil.rmtree(where)
    print(f"seed {seed}: all bit-identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
