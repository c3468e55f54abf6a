"""The trace: a run's manifest, one row per step, per-sample rows and its summary.

Read back from a run directory by :meth:`Trace.load` (see :mod:`.run_files` for the
layout), or built in memory from a session's rows, with the same rows either way: every
view reads a Trace and cannot tell the two apart. Rows hold parameters (d·k + k numbers),
never samples, unless per-sample capture was asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from . import checkpoint
from .run_files import (
    CONFIG_FILE,
    SAMPLE_TABLE,
    STEP_TABLE,
    Damage,
    RunManifest,
    RunSummary,
    StepSchema,
    check_files,
    read_manifest,
    read_steps,
    read_summary,
    read_table,
)
from .step_rows import StepRows, StepTable

if TYPE_CHECKING:
    from .checkpoint import Checkpoint


@dataclass
class Verification:
    """The verified steps so far, and the worst disagreement among them (and where).

    ``at`` says exactly which steps: runs of evenly spaced steps [first, last, every]
    ("1", "50 to 3900, every 50th", "3907": [[1, 1, 1], [50, 3900, 50], [3907, 3907, 1]]).
    """

    verified: int = 0
    worst: float = 0.0
    quantity: str = ""
    step: int = 0
    at: list[list[int]] = field(default_factory=list)

    def copy(self) -> Verification:
        """A copy to add to (its runs of steps its own)."""
        return Verification(
            self.verified, self.worst, self.quantity, self.step, [*map(list, self.at)]
        )

    def add(self, step: int, quantity: str, gap: float) -> None:
        """Count one verified step whose worst quantity disagreed by ``gap``."""
        self.verified += 1
        if gap > self.worst or not self.quantity:
            self.worst, self.quantity, self.step = gap, quantity, step
        last = self.at[-1] if self.at else None
        if last is not None and last[0] == last[1]:  # a single step: this one sets the spacing
            last[1:] = [step, step - last[0]]
        elif last is not None and step - last[1] == last[2]:
            last[1] = step
        else:
            self.at.append([step, step, 1])


@dataclass(frozen=True)
class Trace:
    """A run: its manifest, one mapping per step, per-sample rows, its summary (None: unfinished)."""

    path: Path | None
    manifest: RunManifest
    steps: Sequence[Mapping[str, Any]]
    samples: Sequence[Mapping[str, Any]] = ()
    summary: RunSummary | None = None
    skipped: tuple[InputError, ...] = ()  # what Trace.load(..., partial=True) found damaged

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return iter(self.steps)

    @property
    def finished(self) -> bool:
        return self.summary is not None and self.summary.status == "finished"

    @property
    def score_name(self) -> str:
        return self.summary.score_name if self.summary else _score_of(self.steps)

    def step(self, n: int) -> Mapping[str, Any]:
        """The row of step ``n`` (1-based)."""
        if isinstance(self.steps, StepRows):
            at = self.steps.position(n)
            if at is not None:
                return self.steps[at]
        first = int(self.steps[0]["step"]) if self.steps else 1
        if self.steps and 0 <= n - first < len(self.steps):
            row = self.steps[n - first]
            if row["step"] == n:
                return row
        for row in self.steps:
            if row["step"] == n:
                return row
        last = self.steps[-1]["step"] if self.steps else 0
        raise InputError("step", f"a step between {first} and {last}", str(n))

    def column(self, name: str) -> list[Any]:
        """One column over all steps (read alone from the step table of a loaded run)."""
        if isinstance(self.steps, StepRows):
            return self.steps.values(name)
        return [row[name] for row in self.steps]

    def array(self, name: str) -> Any:
        """One column over all steps as a numpy array: (n,) or (n, width); NaN where null."""
        if isinstance(self.steps, StepRows):
            return self.steps.array(name)
        import numpy as np

        values = [row[name] for row in self.steps]
        if values and isinstance(values[0], (list, tuple)):
            width = len(values[0])
            nan = [float("nan")] * width
            return np.asarray([nan if v is None else v for v in values], dtype=np.float64)
        return np.asarray(values)

    def scalars(self, names: Sequence[str], where: str | None = None) -> list[dict[str, Any]]:
        """Some scalar columns of the rows (those with ``where`` true or not null, if given)."""
        if isinstance(self.steps, StepRows):
            return self.steps.scalars(names, where)
        return [
            {n: row[n] for n in names if n in row}
            for row in self.steps
            if where is None or row.get(where) not in (None, False)
        ]

    @property
    def history(self) -> list[dict[str, Any]]:
        """The per-epoch metrics: {"epoch", "train_loss", "train_<score>", "test_…"}.

        They are the metric columns of each epoch's last row (a watched loop: every row).
        """
        names = StepSchema.metric_columns(self.score_name, test=True)
        out = []
        for row in self.scalars(("epoch", *names), where="train_loss"):
            metrics = {n: row[n] for n in names if row.get(n) is not None}
            out.append({"epoch": int(row["epoch"]), **metrics})
        return out

    def verification(self, upto: int | None = None) -> Verification:
        """How many of the rows (up to step ``upto``) were verified, and the worst among them.

        A finished run's, all of them: its summary's, which counted the same rows as they
        were written (no step is read).
        """
        s = self.summary
        if upto is None and s is not None and self.finished and s.verified_at is not None:
            at = [list(run) for run in s.verified_at]
            return Verification(
                s.verified_steps, s.worst_disagreement, s.worst_quantity, s.worst_step, at
            )
        seen = Verification()
        names = ("step", "worst_quantity", "worst_disagreement")
        for row in self.scalars(names, where="verified"):
            if upto is not None and row["step"] > upto:
                break
            seen.add(int(row["step"]), str(row["worst_quantity"]), row["worst_disagreement"])
        return seen

    def _repr_html_(self) -> str:
        """Jupyter's rich display: the run's summary and its first and last steps."""
        from ..views.html import trace_html

        return trace_html(self)

    def to_pandas(self) -> Any:
        """The step table as a pandas DataFrame (the pandas extra)."""
        from ..extras import require

        require("pandas", "Trace.to_pandas", "pandas")
        import pandas as pd

        return pd.DataFrame(list(self.steps))

    @classmethod
    def load(cls, path: str | Path, *, partial: bool = False) -> Trace:
        """Read a run directory back (value for value what was written), checked.

        The steps are a :class:`~.step_rows.StepRows`: Arrow columns, turned into rows
        (derived vectors put back) only where a view asks.

        A damaged file is an InputError naming it. With ``partial``, damage to the step
        table, the per-sample table or the checkpoint is kept in ``skipped`` instead: the
        rows before the first damaged part are read, the later ones left out (config.json
        and summary.json must still be whole). A run whose summary vouches for every step
        part (their SHA-256) opens them only when a view first needs a step: what is wrong
        then (a part of another run, a gap) is raised there.
        """
        root = Path(path)
        damage = Damage(keep=partial)
        manifest = read_manifest(root)
        summary = read_summary(root)
        vouched = check_files(root, summary, damage)
        samples = read_table(root / SAMPLE_TABLE, damage)
        parts = sorted((root / STEP_TABLE).glob("part-*.parquet"))
        if summary is not None and all(p in vouched for p in parts):
            # every part's bytes are the writer's: opened when a view first needs a step
            def opened() -> list[Any]:
                found = read_steps(root, manifest, Damage(), vouched)
                _check_checkpoint_step(root, manifest, StepRows(StepTable(found)))
                return found

            later = StepRows(StepTable(opened))
            return cls(root, manifest, later, samples, summary, tuple(damage.found))
        found = read_steps(root, manifest, damage, vouched)
        steps: Sequence[Mapping[str, Any]] = StepRows(StepTable(found)) if found else []
        try:
            _check_checkpoint_step(root, manifest, steps)
        except InputError as exc:
            damage.add(exc)
        return cls(root, manifest, steps, samples, summary, tuple(damage.found))

    def checkpoint(self) -> Checkpoint | None:
        """The run directory's latest checkpoint, checked against the manifest and the trace.

        W and B must have the manifest's shapes and equal the step table's W_after and
        B_after of the checkpoint's step: a checkpoint edited or taken from another run is
        an InputError naming it, not a run resumed from numbers it never had.
        """
        import torch

        if self.path is None:
            return None
        ckpt = checkpoint.latest(self.path)
        every = self.manifest.checkpoint_every
        # rows are written before the checkpoint that counts them: rows short of the first
        # checkpoint's step are a run killed before it (resumed from the start); rows past it
        # without one are a checkpoint lost
        if ckpt is None and self.steps and (every is None or self.steps[-1]["step"] >= every):
            raise InputError(
                "path",
                f"the checkpoint of a step the step table holds (up to {self.steps[-1]['step']})",
                f"none in {self.path / checkpoint.FOLDER}",
                hint="train the run again",
            )
        if ckpt is None:
            return None
        t = ckpt.position.step
        where = self.path / checkpoint.FOLDER / f"step-{t:08d}.safetensors"
        m = self.manifest
        shapes = ((m.input_size, m.output_size), (m.output_size,))
        if (tuple(ckpt.W.shape), tuple(ckpt.B.shape)) != shapes:
            raise InputError(
                "path",
                f"W of shape {shapes[0]} and B of shape {shapes[1]}, as {CONFIG_FILE} says",
                f"{tuple(ckpt.W.shape)} and {tuple(ckpt.B.shape)} in {where}",
            )
        row = self.step(t)
        for name, value in (("W", ckpt.W), ("B", ckpt.B)):
            recorded = torch.tensor(row[f"{name}_after"], dtype=torch.float64)
            if not torch.equal(value.double().reshape(-1), recorded):
                raise InputError(
                    "path",
                    f"the {name} the step table holds after step {t}",
                    f"other values in {where}",
                )
        return ckpt


def _score_of(steps: Sequence[Mapping[str, Any]]) -> str:
    """The score column of an unfinished run: r2 or accuracy, whichever the rows hold."""
    return "r2" if steps and "r2" in steps[0] else "accuracy"


def _check_checkpoint_step(
    root: Path, manifest: RunManifest, steps: Sequence[Mapping[str, Any]]
) -> None:
    """The checkpoint's step is a step of the run that the step table holds."""
    found = checkpoint.newest(root)
    if found is None:
        return
    meta, position = found
    if isinstance(steps, StepRows):
        numbers = steps.values("step") if steps else []
    else:
        numbers = [row["step"] for row in steps]
    first = int(numbers[0]) if numbers else 1
    last = int(numbers[-1]) if numbers else 0
    if not first <= position.step <= min(last, manifest.total_steps):
        held = f"steps {first}..{last}" if steps else "no steps"
        raise InputError(
            "path",
            f"a checkpoint of a step the run holds ({held} of {manifest.total_steps})",
            f"step {position.step} in {meta}",
        )
