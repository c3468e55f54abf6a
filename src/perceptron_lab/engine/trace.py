"""The trace: a run's manifest, one row per step, per-sample rows and its summary.

Read back from a run directory by :meth:`Trace.load` (see :mod:`.run_files` for the
layout), or built in memory from a session's rows, with the same rows either way: every
view reads a Trace and cannot tell the two apart. Rows hold parameters (d·k + k numbers),
never samples, unless per-sample capture was asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .run_files import (
    SAMPLE_TABLE,
    STEP_TABLE,
    RunManifest,
    RunSummary,
    StepSchema,
    read_manifest,
    read_summary,
    read_table,
)


@dataclass
class Verification:
    """The verified steps so far, and the worst disagreement among them (and where)."""

    verified: int = 0
    worst: float = 0.0
    quantity: str = ""
    step: int = 0

    def add(self, step: int, quantity: str, gap: float) -> None:
        """Count one verified step whose worst quantity disagreed by ``gap``."""
        self.verified += 1
        if gap > self.worst or not self.quantity:
            self.worst, self.quantity, self.step = gap, quantity, step


@dataclass(frozen=True)
class Trace:
    """A run: its manifest, one mapping per step, per-sample rows, its summary (None: unfinished)."""

    path: Path | None
    manifest: RunManifest
    steps: Sequence[Mapping[str, Any]]
    samples: Sequence[Mapping[str, Any]] = ()
    summary: RunSummary | None = None

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
        """One column over all steps."""
        return [row[name] for row in self.steps]

    @property
    def history(self) -> list[dict[str, Any]]:
        """The per-epoch metrics: {"epoch", "train_loss", "train_<score>", "test_…"}.

        They are the metric columns of each epoch's last row (a watched loop: every row).
        """
        names = StepSchema.metric_columns(self.score_name, test=True)
        out = []
        for row in self.steps:
            if row.get("train_loss") is not None:
                metrics = {n: row[n] for n in names if row.get(n) is not None}
                out.append({"epoch": int(row["epoch"]), **metrics})
        return out

    def verification(self, upto: int | None = None) -> Verification:
        """How many of the rows (up to step ``upto``) were verified, and the worst among them."""
        seen = Verification()
        for row in self.steps:
            if upto is not None and row["step"] > upto:
                break
            if row["verified"]:
                seen.add(int(row["step"]), str(row["worst_quantity"]), row["worst_disagreement"])
        return seen

    def _repr_html_(self) -> str:
        """Jupyter's rich display: the run's summary and its first and last steps."""
        from ..views.html import trace_html

        return trace_html(self)

    def to_pandas(self) -> Any:
        """The step table as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(list(self.steps))

    @classmethod
    def load(cls, path: str | Path) -> Trace:
        """Read a run directory back (value for value what was written)."""
        root = Path(path)
        manifest = read_manifest(root)
        return cls(
            path=root,
            manifest=manifest,
            steps=read_table(root / STEP_TABLE),
            samples=read_table(root / SAMPLE_TABLE),
            summary=read_summary(root),
        )


def _score_of(steps: Sequence[Mapping[str, Any]]) -> str:
    """The score column of an unfinished run: r2 or accuracy, whichever the rows hold."""
    return "r2" if steps and "r2" in steps[0] else "accuracy"
