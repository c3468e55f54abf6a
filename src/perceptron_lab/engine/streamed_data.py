"""A data file trained on as a stream: what a Dataset tells the trainer, without its X.

The file is read in blocks (data.stream) and scanned once before training: every row
checked, the labels encoded, μ and σ per feature, the fingerprint. Training reads it
again, batch by batch (engine.stream_batches), so memory stays within the ``memory``
budget whatever the file's size. A run's recipe records ``stream``: the budget, the
block and window sizes that fix the shuffled order, so a resumed run reads the same
batches in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..data.dataset import Task
from ..data.stream import StreamFacts, StreamFile

SAMPLE_ROWS = 20_000  # rows the run's diagnosis measures the data on (spread over the file)


@dataclass(frozen=True, eq=False)
class StreamedData:
    """A streamed file's facts, in a Dataset's terms (``X`` and ``y`` are never loaded)."""

    stream: StreamFile
    facts: StreamFacts
    memory: int  # bytes of data the run may hold
    window_rows: int | None = None  # a resumed run's window (None: from the budget)

    @property
    def name(self) -> str:
        return Path(self.stream.path).stem

    @property
    def n_samples(self) -> int:
        return int(self.facts.n_rows)

    @property
    def n_features(self) -> int:
        return int(self.facts.n_features)

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(self.stream.feature_names)

    @property
    def target_name(self) -> str:
        return self.stream.target_name

    @property
    def task(self) -> Task:
        return self.facts.task

    @property
    def classes(self) -> tuple[Any, ...] | None:
        return self.facts.classes

    @property
    def n_classes(self) -> int:
        return 0 if self.facts.classes is None else len(self.facts.classes)

    @property
    def fingerprint(self) -> str:
        return str(self.facts.fingerprint)

    def sample(self, standardize: bool, rows: int = SAMPLE_ROWS) -> tuple[np.ndarray, np.ndarray]:
        """About ``rows`` rows (X, encoded y) from blocks spread evenly over the file: what
        the diagnosis of a finished run measures (feature scales, class shares)."""
        blocks = self.stream.blocks
        every = max(1, round(len(blocks) * np.mean(blocks) / rows)) if blocks else 1
        xs, ys, taken = [], [], 0
        for i in range(0, len(blocks), every):
            X, raw = self.stream.read(i)
            xs.append(X)
            ys.append(self.facts.encode(raw))
            taken += len(X)
            if taken >= rows:
                break
        X = np.concatenate(xs)[:rows]
        if standardize:
            X = (X - self.facts.mean) / self.facts.std
        return X, np.concatenate(ys)[:rows]
