"""The trace: one row per step, streamed to disk as Parquet parts, read back as columns.

A run directory holds::

    config.json            the run's settings, seed, package versions, data fingerprint
    steps/part-NNNNN.parquet   the step table, in parts written atomically as it grows
    samples/part-NNNNN.parquet per-sample rows (only with per-sample capture)
    checkpoints/           weights and optimizer state (see checkpoint.py)
    summary.json           the result, written at the end (or when training stops)

Memory stays bounded: the writer buffers at most ``flush_every`` rows. Every part is a
complete Parquet file, so pandas, polars and duckdb read ``steps/`` as it is, and a
crash never leaves a half-written part. Rows hold parameters (d·k + k numbers), never
samples, unless per-sample capture is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .atomic import atomic_path

STEP_TABLE = "steps"
SAMPLE_TABLE = "samples"


def truncate_table(folder: Path, last_step: int) -> None:
    """Drop every row after ``last_step`` (used when a run resumes from a checkpoint)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    for part in sorted(folder.glob("part-*.parquet")):
        table = pq.read_table(part)
        if table.num_rows == 0 or pc.max(table["step"]).as_py() <= last_step:
            continue
        kept = table.filter(pc.less_equal(table["step"], last_step))
        if kept.num_rows == 0:
            part.unlink()
        else:
            with atomic_path(part) as tmp:
                pq.write_table(kept, tmp)
    for i, part in enumerate(sorted(folder.glob("part-*.parquet"))):
        part.rename(folder / f"part-{i:05d}.parquet")


def read_table(folder: Path) -> list[dict[str, Any]]:
    """All rows of a table folder, in step order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = sorted(folder.glob("part-*.parquet"))
    if not parts:
        return []
    rows: list[dict[str, Any]] = pa.concat_tables([pq.read_table(p) for p in parts]).to_pylist()
    return rows


@dataclass(frozen=True)
class Trace:
    """A run read back: its config, one dict per step, per-sample rows, its summary."""

    path: Path | None
    config: Mapping[str, Any]
    steps: Sequence[Mapping[str, Any]]
    samples: Sequence[Mapping[str, Any]]
    summary: Mapping[str, Any]

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return iter(self.steps)

    def step(self, n: int) -> Mapping[str, Any]:
        """The row of step ``n`` (1-based)."""
        for row in self.steps:
            if row["step"] == n:
                return row
        from ..errors import InputError

        last = self.steps[-1]["step"] if self.steps else 0
        raise InputError("step", f"a step between 1 and {last}", str(n))

    def column(self, name: str) -> list[Any]:
        """One column over all steps."""
        return [row[name] for row in self.steps]

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
        from ..errors import InputError

        root = Path(path)
        config_path = root / "config.json"
        if not config_path.is_file():
            raise InputError("path", "a run directory with config.json", repr(str(path)))
        summary_path = root / "summary.json"
        summary = json.loads(summary_path.read_text()) if summary_path.is_file() else {}
        return cls(
            path=root,
            config=json.loads(config_path.read_text()),
            steps=read_table(root / STEP_TABLE),
            samples=read_table(root / SAMPLE_TABLE),
            summary=summary,
        )
