""" "Save as run": the playground's trajectory as run directories the other commands read.

The current line's history is a chain of pieces — the first run's segments up to the
step the next branch left it, then that branch's, and so on (lab.py). Each piece is
written as one run directory with the trainer's own writer: ``run-1`` from step 0, and
each later one a branch of the one before at the step it started from, so ``explain``,
``plot``, ``report`` and ``train --resume`` work on them. A piece's training points are
written beside its run as ``data-N.csv`` (the plane's two features and the target), and
its recipe names that file, so the run's data load back exactly; the test points stay
in the page (a saved run has no test set).
"""

from __future__ import annotations

import csv
import math
import secrets
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from ..engine.datasource import data_spec, load_split
from ..engine.run_files import Parent, RunWriter
from ..engine.train import Trainer
from ..errors import InputError
from .lines import Line, Segment, pieces


def _write_points(seg: Segment, path: Path) -> None:
    """The piece's training points as a CSV: the two features and the target, full precision."""
    p = seg.points
    base = p.base
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow([*base.feature_names, base.target_name])
        for (x1, x2), y in zip(p.train_u.tolist(), p.train_y.tolist(), strict=True):
            label = y if base.classes is None else base.classes[int(y)]
            out.writerow([repr(x1), repr(x2), label])


def save_run(lines: list[Line], runs: Path | None) -> Path:
    """Write the current line's pieces under ``runs`` (default: the temp dir); their folder."""
    chain = list(pieces(lines))
    if not chain:
        raise InputError(
            "save", "a trajectory with at least one step", "step 0", hint="take a step first"
        )
    root = (runs or Path(tempfile.gettempdir()) / "perceptron-lab-playground").resolve()
    folder = root / f"playground-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"
    folder.mkdir(parents=True)
    parent = None
    for n, (seg, last) in enumerate(chain, start=1):
        csv_path = folder / f"data-{n}.csv"
        _write_points(seg, csv_path)
        p = seg.points
        spec = data_spec(
            str(csv_path), target=p.base.target_name, crosses=",".join(p.crosses) or None
        )
        session = seg.session
        done = session.rows.row(last).after.position
        config = replace(
            seg.trainer.config,
            epochs=max(1, math.ceil(done.step / seg.trainer.batches)),
            standardize=p.scaler is not None,
            test_size=0.0,
        )
        train, _ = load_split(spec, test_size=0.0, seed=config.seed, scale=config.standardize)
        trainer = Trainer(config, train, None, data_spec=spec)
        out = folder / f"run-{n}"
        schema = trainer.schema()
        writer = RunWriter(out, trainer.manifest(parent=parent), schema, start_step=seg.start)
        for t in range(seg.start + 1, last + 1):
            row = session.rows.row(t)
            scalars = {k: v for k, v in row.scalars.items() if k in schema.scalars}
            writer.put(scalars, dict(row.vectors))
        end = session.rows.row(last)
        writer.checkpoint(end.after)
        finished = done.step >= trainer.total_steps and end.batch.last_of_epoch
        status = "finished" if finished else "interrupted"
        metrics = trainer.epoch_metrics(end.after.W, end.after.B)
        writer.finish(
            trainer.summary(session, status, None, done.epoch, metrics, 0.0, t0=seg.start)
        )
        parent = Parent(str(out), last)
    return folder
