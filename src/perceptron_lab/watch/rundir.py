"""A watched run on disk, in the trainer's layout, plus the data the loop fed.

::

    config.json              as a trained run's (config, data, loss, optimizer, model, …)
                             with data.source = "watch" and a "watch" section
    steps/part-NNNNN.parquet the step table (engine.columns.ColumnTable)
    data.npz                 X and y: the distinct batches the loop fed, one after another
    summary.json             as a trained run's, with a "watch" section

Each step row has ``sample_start`` and ``sample_stop``: its batch is rows
[sample_start, sample_stop) of data.npz, with y already in the loss's label set, so
``engine.replay.replay_step`` rebuilds any step. A batch the loop feeds again (the
notebook's full batch, every epoch) is stored once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch

from ..engine.atomic import write_atomic
from ..engine.run_data import WATCH_SOURCE as SOURCE
from ..engine.run_files import WATCH_DATA as DATA_FILE
from ..engine.run_files import DataInfo
from ..losses import Loss


class DataStore:
    """The distinct batches (X (n, d), y) seen, concatenated in order of first use."""

    def __init__(self) -> None:
        self.X: list[torch.Tensor] = []
        self.y: list[torch.Tensor] = []
        self.known: dict[bytes, tuple[int, int, int]] = {}  # digest → (batch, start, stop)
        self.rows = 0
        self.digest = hashlib.blake2b(digest_size=16)

    def add(self, X: torch.Tensor, y: torch.Tensor) -> tuple[int, int, int]:
        """(batch number, first row, one past the last row) of this batch in the store."""
        h = hashlib.blake2b(digest_size=16)
        for t in (X, y):
            h.update(repr((tuple(t.shape), t.dtype)).encode())
            h.update(t.detach().cpu().contiguous().numpy().tobytes())
        key = h.digest()
        if key not in self.known:
            n = X.shape[0]
            self.known[key] = (len(self.X), self.rows, self.rows + n)
            self.X.append(X.detach().cpu())
            self.y.append(y.detach().cpu())
            self.rows += n
            self.digest.update(key)
        return self.known[key]

    def tensors(self) -> tuple[torch.Tensor, torch.Tensor]:
        """All stored rows: X (rows, d), y."""
        return torch.cat(self.X), torch.cat(self.y)

    def save(self, path: Path) -> None:
        """data.npz with arrays X and y, written atomically."""
        import numpy as np

        X, y = self.tensors()

        def write(tmp: Path) -> None:
            with open(tmp, "wb") as fh:
                np.savez(fh, X=X.numpy(), y=y.numpy())

        write_atomic(path, write)


def data_info(store: DataStore, loss: Loss | None, d: int | None, k: int | None) -> DataInfo:
    """The manifest's data of a watched run: the batches the loop fed, stored in data.npz."""
    task = loss.task if loss is not None else None
    classes: tuple[str, ...] | None = None
    if task == "binary":
        classes = ("0", "1")
    elif task == "multiclass" and k:
        classes = tuple(str(c) for c in range(k))
    return DataInfo(
        recipe={"source": SOURCE, "file": DATA_FILE},
        name="watched loop",
        fingerprint=store.digest.hexdigest(),
        n_samples=store.rows,
        n_features=d,
        feature_names=tuple(f"x{i + 1}" for i in range(d or 0)),
        target_name="y",
        task=task,
        classes=classes,
    )
