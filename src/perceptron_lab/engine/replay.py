"""Any step of a run, replayed in full: the batch, Z, activations, per-sample loss, both sides.

The step table keeps parameters and gradients, never samples. To show step N in full,
the engine reloads the run's data by its recipe (config.json), takes the batch from
(seed, epoch, batch), and runs that step again from the recorded W, B and optimizer
state — giving the same numbers the trainer had, as a verified StepRecord.

A watched run (``perceptron_lab.watch``: the user's own loop, data.source = "watch")
has no recipe: it stores the distinct batches its loop fed in data.npz, and each step
row says which rows were its batch (``sample_start``, ``sample_stop``).
"""

from __future__ import annotations

import torch

from ..errors import InputError
from ..losses import get_loss
from ..optim import UpdateRule, get_optimizer
from ..step import StepRecord, observe_step
from ..tensors import dtype_from_name
from .batching import epoch_order
from .config import TrainConfig
from .datasource import load_split
from .prepare import choose_loss, output_size, to_tensors
from .trace import Trace

WATCH_SOURCE = "watch"  # data.source of a watched run
WATCH_DATA = "data.npz"  # its batches: arrays X (rows, d) and y (targets in the loss's label set)


def replay_step(trace: Trace, step: int) -> StepRecord:
    """The full :class:`StepRecord` of ``step`` (1-based) of a run read back from disk."""
    row = trace.step(step)
    cfg = TrainConfig.from_dict(dict(trace.config["config"]))
    if trace.config["data"].get("source") == WATCH_SOURCE:
        return _replay_watched(trace, step, cfg)
    spec = dict(trace.config["data"])
    train, _ = load_split(spec, test_size=cfg.test_size, seed=cfg.seed, scale=cfg.standardize)
    dtype = dtype_from_name(cfg.dtype)
    loss = choose_loss(train, cfg)
    k = output_size(train, loss)
    data = to_tensors(train, loss, k, dtype)

    rule = get_optimizer(cfg.optimizer, lr=cfg.lr, **cfg.optimizer_options)
    n, d = data.X.shape
    batch_size = int(trace.config["batch_size"])
    full = batch_size == n
    order = epoch_order(n, cfg.seed, row["epoch"] - 1, cfg.shuffle and not full)
    idx = order[row["batch"] * batch_size : (row["batch"] + 1) * batch_size]
    W = torch.tensor(row["W_before"], dtype=dtype).reshape(d, k)
    B = torch.tensor(row["B_before"], dtype=dtype)
    return observe_step(
        data.X[idx],
        data.y[idx],
        W,
        B,
        loss,
        rule,
        state=_state_before(trace, rule, step, d, k, dtype),
        step=step,
        rule_step=int(row["rule_step"]),
        lr=float(row["lr"]),
        decay_bias=cfg.decay_bias,
    )


def _state_before(
    trace: Trace, rule: UpdateRule, step: int, d: int, k: int, dtype: torch.dtype
) -> dict[str, dict[str, torch.Tensor]]:
    """The optimizer state before ``step``: the previous row's state after (empty at step 1)."""
    state: dict[str, dict[str, torch.Tensor]] = {"W": {}, "B": {}}
    if step > 1:
        previous = trace.step(step - 1)
        for key in rule.state_keys():
            for param, shape in (("W", (d, k)), ("B", (k,))):
                values = previous.get(f"state_{param}_{key}")
                if values is not None:
                    state[param][key] = torch.tensor(values, dtype=dtype).reshape(shape)
    return state


def watched_data(trace: Trace) -> tuple[torch.Tensor, torch.Tensor]:
    """A watched run's stored batches: X (rows, d) and y, as the loop fed them."""
    import numpy as np

    if trace.path is None or not (trace.path / WATCH_DATA).is_file():
        where = "no run directory" if trace.path is None else str(trace.path / WATCH_DATA)
        raise InputError("RUN_DIR", f"a watched run directory with {WATCH_DATA}", where)
    with np.load(trace.path / WATCH_DATA) as stored:
        return torch.from_numpy(stored["X"]), torch.from_numpy(stored["y"])


def _replay_watched(trace: Trace, step: int, cfg: TrainConfig) -> StepRecord:
    """A step of a watched run of one nn.Linear, from its batch in data.npz."""
    row = trace.step(step)
    model = trace.config["model"]
    start, stop = int(row.get("sample_start", -1)), int(row.get("sample_stop", -1))
    if model.get("input_size") is None or start < 0:
        raise InputError(
            "--step",
            "a step of a watched one-nn.Linear loop whose batch was stored",
            f"step {step} ({trace.config.get('watch', {}).get('model', 'another model')})",
        )
    d, k = int(model["input_size"]), int(model["output_size"])
    dtype = dtype_from_name(cfg.dtype)
    loss = get_loss(cfg.loss, **cfg.loss_options)
    rule = get_optimizer(cfg.optimizer, lr=cfg.lr, **cfg.optimizer_options)
    X, y = watched_data(trace)
    y = y[start:stop]
    return observe_step(
        X[start:stop].to(dtype),
        y.to(dtype) if y.is_floating_point() else y,
        torch.tensor(row["W_before"], dtype=dtype).reshape(d, k),
        torch.tensor(row["B_before"], dtype=dtype),
        loss,
        rule,
        state=_state_before(trace, rule, step, d, k, dtype),
        step=step,
        rule_step=int(row["rule_step"]),
        lr=float(row["lr"]),
        decay_bias=cfg.decay_bias,
    )
