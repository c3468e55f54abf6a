"""A run's data read back: reloaded by its recipe, or a watched run's stored batches.

The step table keeps parameters, never samples. Whatever needs the samples — replaying a
step in full, a decision boundary, a loss surface — gets them here, as the trainer had
them: split, standardized, in the loss's label set.

A watched run (``perceptron_lab.watch``: the user's own loop, data.source = "watch")
has no recipe: it stores the distinct batches its loop fed in data.npz, and each step
row says which rows were its batch (``sample_start``, ``sample_stop``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import torch

from ..data import Dataset
from ..data.checks import dtype_from_name
from ..errors import InputError
from ..losses import Loss, get_loss
from .config import TrainConfig
from .datasource import load_split
from .inputs import Tensors, choose_loss, to_tensors
from .run_files import WATCH_DATA, DataInfo
from .trace import Trace

LOADED_MOST = 2**31  # bytes a streamed run's data may take when a view loads them whole
WATCH_SOURCE = "watch"  # data.source of a watched run; its batches are in WATCH_DATA


@dataclass(frozen=True)
class RunData:
    """The data a run trained on, as the trainer had it."""

    loss: Loss
    d: int  # input_size
    k: int  # output_size
    dtype: torch.dtype
    train: Dataset  # after the split and standardization
    test: Dataset | None
    train_t: Tensors  # X (N, d), targets in the loss's label set
    # (epoch, batch) → the batch's rows (0-based), for a run whose order is not the
    # in-memory one (a streamed run's windows); None: batching.InMemoryBatches's
    batch_rows: Callable[[int, int], torch.Tensor] | None = None


def shape(trace: Trace) -> tuple[int, int]:
    """(d, k) of the run's W."""
    m = trace.manifest
    if m.input_size is None or m.output_size is None:
        raise InputError(
            "trace",
            "a run of one nn.Linear layer",
            "a watched model of another kind",
            hint="show, report and plot --kind loss or gradients draw any watched run",
        )
    return m.input_size, m.output_size


def is_watched(trace: Trace) -> bool:
    """Whether the run recorded a user's own loop (no data recipe)."""
    return trace.manifest.is_watched


def run_data(trace: Trace) -> RunData:
    """The run's training (and test) data, with its loss and dtype; changed data is refused.

    A watched run's data.npz is vouched for by summary.json's checksums instead.
    """
    cfg = trace.manifest.config
    dtype = dtype_from_name(cfg.dtype)
    if is_watched(trace):
        return _watched(trace, cfg, dtype)
    train, test, streamed = _checked(trace)
    loss = choose_loss(train, cfg)
    d, k = shape(trace)
    tensors = to_tensors(train, loss, k, dtype)
    data = RunData(loss, d, k, dtype, train, test, tensors)
    if streamed is not None:  # the batches in the stream's order, not the loaded data's
        source = _streamed_batches(trace, streamed, loss, k, dtype)
        return replace(data, batch_rows=source.batch_rows)
    return data


def _checked(trace: Trace) -> tuple[Dataset, Dataset | None, Any]:
    """(train, test, the stream or None): the run's data loaded by its recipe, refused if
    they changed since the run (a streamed file: by the scan's fingerprint)."""
    if trace.manifest.data.recipe.get("stream") is None:
        train, test = _load(trace)
        same_data(trace.manifest.data, train)
        return train, test, None
    train, streamed = _load_streamed(trace)
    return train, None, streamed


def _load_streamed(trace: Trace) -> tuple[Dataset, Any]:
    """A streamed run's file read back whole (its views replay steps from it), scanned as
    the run scanned it; refused if it changed, or if it does not fit in LOADED_MOST."""
    import numpy as np

    from ..data.stream import open_stream, scan
    from .streamed_data import StreamedData

    info, cfg = trace.manifest.data, trace.manifest.config
    recipe = info.recipe
    streamed = recipe["stream"]
    reading = {k: recipe.get(k) for k in ("target", "features", "sep", "decimal", "encoding")}
    source = str(recipe["source"])
    stream = open_stream(
        source, block_rows=streamed["block_rows"], detected=recipe.get("detected", ()), **reading
    )
    need = 3 * 8 * stream.n_rows * (stream.n_features + 1)
    if need > LOADED_MOST:
        raise InputError(
            "run",
            f"a run whose data fit in {LOADED_MOST // 2**30} GiB to replay its steps",
            f"a run streamed from {stream.n_rows:,} rows ({need / 2**30:.1f} GiB to load)",
            hint="show prints its recorded steps",
        )
    facts = scan(stream, task=recipe.get("task"))
    if facts.fingerprint != info.fingerprint:
        raise InputError(
            "data",
            f"the data the run was trained on (fingerprint {info.fingerprint[:12]}…)",
            f"{source}, changed since the run (fingerprint {facts.fingerprint[:12]}…)",
            hint="restore the data, or train a new run on it",
        )
    blocks = [stream.read(i) for i in range(len(stream.blocks))]
    X = np.concatenate([X_b for X_b, _ in blocks])
    y = np.concatenate(
        [
            facts.encode(raw, first_row=first)
            for (_, raw), first in zip(blocks, stream.offsets, strict=True)
        ]
    )
    if cfg.standardize:  # the scan's μ and σ, as the stream standardized each block
        X = (X - facts.mean) / facts.std
    names = tuple(stream.feature_names)
    dataset = Dataset(info.name, X, y, names, stream.target_name, facts.task, facts.classes)
    return dataset, StreamedData(stream, facts, streamed["memory"], streamed["window_rows"])


def _streamed_batches(trace: Trace, streamed: Any, loss: Loss, k: int, dtype: torch.dtype) -> Any:
    """The run's batch source over its stream (for its batches' rows, in its order)."""
    from .stream_batches import StreamedBatches

    m, cfg = trace.manifest, trace.manifest.config
    return StreamedBatches(
        streamed.stream,
        streamed.facts,
        int(m.batch_size or streamed.n_samples),
        cfg.seed,
        cfg.shuffle,
        memory=streamed.memory,
        dtype=dtype,
        standardize=cfg.standardize,
        targets=lambda y: loss.targets(y, k),
        window_rows=streamed.window_rows,
    )


def _load(trace: Trace) -> tuple[Dataset, Dataset | None]:
    """(train, test) by the run's recipe: split and standardized as the trainer had them."""
    cfg = trace.manifest.config
    return load_split(
        trace.manifest.data.recipe, test_size=cfg.test_size, seed=cfg.seed, scale=cfg.standardize
    )


def same_data(info: DataInfo, train: Dataset) -> None:
    """Refuse training data whose fingerprint is not the run's: its numbers would not be."""
    if train.fingerprint != info.fingerprint:
        raise InputError(
            "data",
            f"the data the run was trained on (fingerprint {info.fingerprint[:12]}…)",
            f"{info.recipe.get('source')}, changed since the run "
            f"(fingerprint {train.fingerprint[:12]}…)",
            hint="restore the data, or train a new run on it",
        )


def check_data(trace: Trace) -> None:
    """Refuse a run whose data changed since it was trained, before a view draws from it.

    Data that cannot be loaded (a file moved) is left for the view to note where it
    needs the samples; data that loads but differs would make every replayed number wrong.
    """
    if is_watched(trace):
        return
    try:
        if trace.manifest.data.recipe.get("stream") is None:
            train, _ = _load(trace)
        else:
            _checked(trace)  # scanned: its fingerprint is the scan's
            return
    except InputError as exc:
        if exc.argument == "data" and "changed since the run" in exc.got:
            raise
        return
    same_data(trace.manifest.data, train)


def watched_data(trace: Trace) -> tuple[torch.Tensor, torch.Tensor]:
    """A watched run's stored batches: X (rows, d) and y, as the loop fed them."""
    import numpy as np

    if trace.path is None or not (trace.path / WATCH_DATA).is_file():
        where = "no run directory" if trace.path is None else str(trace.path / WATCH_DATA)
        raise InputError("trace", f"a watched run directory with {WATCH_DATA}", where)
    with np.load(trace.path / WATCH_DATA) as stored:
        return torch.from_numpy(stored["X"]), torch.from_numpy(stored["y"])


def _watched(trace: Trace, cfg: TrainConfig, dtype: torch.dtype) -> RunData:
    """A watched one-nn.Linear loop's batches as a Dataset (classes read off the targets)."""
    d, k = shape(trace)
    loss = get_loss(cfg.loss, **cfg.loss_options)
    X, y = watched_data(trace)
    X, y = X.to(dtype), (y.to(dtype) if y.is_floating_point() else y)
    names = tuple(f"x{i + 1}" for i in range(d))
    index = loss.class_index(y)  # t = ±1 → classes 0/1; None for regression
    if index is None:
        values = y[:, 0] if y.dim() == 2 and k == 1 else y
        y_np, task, classes = values.double().numpy(), "regression", None
    else:
        y_np, n_classes = index, max(2, int(index.max()) + 1)
        task = "binary" if n_classes == 2 else "multiclass"
        classes = tuple(range(n_classes))
    dataset = Dataset("watch", X.double().numpy(), y_np, names, "y", task, classes)  # type: ignore[arg-type]
    return RunData(loss, d, k, dtype, dataset, None, Tensors(X, y))
