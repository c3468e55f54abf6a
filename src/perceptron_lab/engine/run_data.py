"""A run's data read back: reloaded by its recipe, or a watched run's stored batches.

The step table keeps parameters, never samples. Whatever needs the samples — replaying a
step in full, a decision boundary, a loss surface — gets them here, as the trainer had
them: split, standardized, in the loss's label set.

A watched run (``perceptron_lab.watch``: the user's own loop, data.source = "watch")
has no recipe: it stores the distinct batches its loop fed in data.npz, and each step
row says which rows were its batch (``sample_start``, ``sample_stop``).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    train, test = _load(trace)
    same_data(trace.manifest.data, train)
    loss = choose_loss(train, cfg)
    d, k = shape(trace)
    return RunData(loss, d, k, dtype, train, test, to_tensors(train, loss, k, dtype))


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
        train, _ = _load(trace)
    except InputError:
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
