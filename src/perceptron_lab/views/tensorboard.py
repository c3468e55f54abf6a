"""A run's trace as TensorBoard events: per-step scalars, per-epoch metrics, histograms.

Tags (``step`` is the run's step t, ``epoch`` the 1-based epoch)::

    step/loss, step/accuracy | step/r2, step/lr, step/grad_norm      scalars at step t
    verification/worst_disagreement                                   every verified step
    epoch/train_loss, epoch/train_accuracy | r2, epoch/test_…         at each epoch's end
    weights/W_after, weights/B_after                                  histograms at step t
    gradients/dW, gradients/dB                                        (dL/dW, dL/dB)
    updates/update_W, updates/update_B                                (W_after − W_before)

A long run would make a huge event file, so the per-step entries are written on the
first step, every ``every``-th step (t mod every = 0) and the last step; the default
``every`` keeps about 1000 of them (:func:`default_every`). The verification scalar is
written on every verified step: there are few of them (see ``verify_every``).

TensorBoard stores a scalar as float32, so a read-back value is the trace's number
rounded to float32. Histograms have 30 equal-width bins between the vector's min and
max (:func:`bin_edges`; TensorBoard draws 30 bins anyway — the writer's default of
~1500 fixed bins costs ~9 kB a histogram and cannot hold values past 1e20). A histogram of a vector holding
NaN or Inf (the step a run diverged) is left out; the scalars show the divergence.
"""

from __future__ import annotations

import math
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from ..bounds import bounded
from ..engine.trace import Trace
from ..errors import InputError

MAX_LOGGED_STEPS = 1000  # the default ``every`` keeps about this many steps
HISTOGRAM_BINS = 30  # equal-width bins over [min, max]: ~0.5 kB a histogram
EVENT_FILES = "events.out.tfevents.*"

# trace column -> tag; scores: accuracy for classifying losses, r2 for mse
SCALARS = {
    "loss": "step/loss",
    "accuracy": "step/accuracy",
    "r2": "step/r2",
    "lr": "step/lr",
    "grad_norm": "step/grad_norm",
}
HISTOGRAMS = {
    "W_after": "weights/W_after",
    "B_after": "weights/B_after",
    "dW": "gradients/dW",
    "dB": "gradients/dB",
    "update_W": "updates/update_W",
    "update_B": "updates/update_B",
}
WORST_TAG = "verification/worst_disagreement"


def default_every(total_steps: int) -> int:
    """1 up to 1000 steps; else ⌈total_steps / 1000⌉, so at most ~1000 steps are written."""
    return max(1, math.ceil(total_steps / MAX_LOGGED_STEPS))


def bin_edges(lo: float, hi: float) -> Any:
    """Edges of 30 equal-width bins over [lo, hi], strictly increasing (numpy, (≤ 31,)).

    A constant vector (lo = hi) gets the range lo ± max(|lo|, 1)/2 instead; where
    lo < hi are so close that float64 cannot split them 30 ways, fewer bins remain.
    (numpy's own ``bins=30`` raises on both: on a constant past 2⁵³, lo ± 0.5 rounds to lo.)
    """
    import numpy as np

    if lo == hi:
        half = max(abs(lo), 1.0) / 2
        lo, hi = lo - half, hi + half
    return np.unique(np.linspace(lo, hi, HISTOGRAM_BINS + 1))


class TensorBoardCallback:
    """Writes trace rows to TensorBoard as they come: call it once per step, then close.

    ``row`` is a step's row as the trace holds it (``Trace.steps``): scalars, and vectors
    as sequences of numbers or tensors (any shape; flattened). ``epoch(metrics)`` writes
    one entry of ``Trace.history``. ``purge_step`` (a resumed run: its first new
    step) makes TensorBoard drop the events an earlier writer left at that step or later;
    without it ``logdir`` must hold no event files yet.
    """

    def __init__(
        self, logdir: str | Path, *, every: int = 1, purge_step: int | None = None
    ) -> None:
        bounded("every", every)
        root = Path(logdir)
        if purge_step is None and list(root.glob(EVENT_FILES)):  # list: the glob is closed
            raise InputError(
                "logdir",
                "a directory without TensorBoard event files",
                f"{str(root)!r}, which holds some",
                hint="pick a new directory per run, or delete the old events",
            )
        self.logdir = root
        self.every = every
        self._writer = _summary_writer()(log_dir=str(root), purge_step=purge_step, flush_secs=10)
        self._pending: Mapping[str, Any] | None = None  # the last row seen, if not written
        self._started = False

    def __call__(self, row: Mapping[str, Any]) -> None:
        """Record one step's row."""
        t = int(row["step"])
        gap = row.get("worst_disagreement")
        if row.get("verified") and gap is not None:
            self._writer.add_scalar(WORST_TAG, float(gap), t)
        if not self._started or t % self.every == 0:
            self._write(row)
            self._pending = None
        else:
            self._pending = row
        self._started = True

    def epoch(self, metrics: Mapping[str, Any]) -> None:
        """Record one epoch's metrics: {"epoch": e, "train_loss": …, "test_…": …}."""
        e = int(metrics["epoch"])
        for name, value in metrics.items():
            if name != "epoch" and value is not None:
                self._writer.add_scalar(f"epoch/{name}", float(value), e)

    def close(self) -> None:
        """Write the last step (if skipped so far) and close the event file."""
        if self._pending is not None:
            self._write(self._pending)
            self._pending = None
        self._writer.close()

    def __enter__(self) -> TensorBoardCallback:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _write(self, row: Mapping[str, Any]) -> None:
        import torch

        t = int(row["step"])
        for column, tag in SCALARS.items():
            if row.get(column) is not None:
                self._writer.add_scalar(tag, float(row[column]), t)
        for column, tag in HISTOGRAMS.items():
            if row.get(column) is None:
                continue
            values = torch.as_tensor(row[column], dtype=torch.float64).reshape(-1).cpu()
            lo, hi = float(values.min()), float(values.max())
            if math.isfinite(hi - lo):  # no NaN, no ±Inf
                self._writer.add_histogram(tag, values.numpy(), t, bins=bin_edges(lo, hi))


def export_tensorboard(trace: Trace, logdir: str | Path, *, every: int | None = None) -> Path:
    """Write ``trace`` as TensorBoard events in ``logdir``; the event file written.

    ``every``: write the per-step entries of every ``every``-th step (and the first and
    last); None: :func:`default_every` of the run's length.
    """
    chosen = default_every(len(trace)) if every is None else every
    with TensorBoardCallback(logdir, every=chosen) as board:
        for row in trace.steps:
            board(row)
        for metrics in trace.history:
            board.epoch(metrics)
    return sorted(Path(logdir).glob(EVENT_FILES))[0]


def export_run(
    trace: Trace,
    logdir: str | Path,
    *,
    name: str | None = None,
    every: int | None = None,
    overwrite: bool = False,
) -> Path:
    """Write ``trace`` as the run ``logdir/name`` of a TensorBoard logdir of runs; that folder.

    ``name`` (None: the run directory's name) is the run TensorBoard shows, so runs
    exported into one ``logdir`` sit side by side. The events are written to a hidden
    folder in ``logdir``, then renamed onto ``logdir/name``. A run of that name already
    there is refused, unless ``overwrite``: then it is renamed away, the new one renamed
    in and the old deleted (a crash in between leaves it under a hidden ``.name.*`` name,
    never half of one). Only a folder holding TensorBoard events alone is ever replaced.
    """
    _summary_writer()  # the tensorboard extra, checked before anything is written
    root = Path(logdir)
    run = _run_name(trace, name)
    target = root / run
    if target.exists() or target.is_symlink():
        _check_replaceable_run(target, overwrite)
    root.mkdir(parents=True, exist_ok=True)
    fresh = _hidden_folder(root, run, "tmp")
    try:
        export_tensorboard(trace, fresh, every=every)
        if not target.exists():
            fresh.rename(target)
            return target
        old = _hidden_folder(root, run, "old")
        target.rename(old / run)  # out of the way, still whole
        fresh.rename(target)
        shutil.rmtree(old)
        return target
    finally:
        shutil.rmtree(fresh, ignore_errors=True)  # left only by a failure


def _hidden_folder(root: Path, run: str, kind: str) -> Path:
    """A new folder ``root/.run.<random>.kind``, made with the umask's permissions."""
    folder = root / f".{run}.{uuid.uuid4().hex[:8]}.{kind}"
    folder.mkdir()
    return folder


def _run_name(trace: Trace, name: str | None) -> str:
    """``name``, else the run directory's; one plain folder name."""
    if name is None:
        if trace.path is None:
            raise InputError("name", "a run name for a trace held in memory", "None")
        # the folder as named ("." names the current one), a symbolic link not followed
        name = Path(os.path.abspath(trace.path)).name
    if not name or name.startswith(".") or any(sep and sep in name for sep in (os.sep, os.altsep)):
        raise InputError("name", "a folder name (no '/', not starting with '.')", repr(name))
    return name


def _check_replaceable_run(target: Path, overwrite: bool) -> None:
    """Refuse to replace ``target`` unless told to, and unless it holds events alone."""
    if not overwrite:
        raise InputError(
            "logdir",
            f"no run named {target.name!r} in it yet",
            f"{str(target.parent)!r}, which has one",
            hint="pick another name, or overwrite it",
        )
    if (
        target.is_symlink()
        or not target.is_dir()
        or not all(child.is_file() and child.match(EVENT_FILES) for child in target.iterdir())
    ):
        raise InputError(
            "logdir",
            f"a run {target.name!r} holding TensorBoard event files only, to replace",
            f"{str(target)!r}, which holds something else",
            hint="only an exported run is ever replaced",
        )


def _summary_writer() -> Any:
    """torch's SummaryWriter class; a one-line error where the tensorboard extra is missing."""
    from ..extras import require

    require("tensorboard", "TensorBoard export", "torch.utils.tensorboard")
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter
