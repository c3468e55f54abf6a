"""Any step of a run, replayed in full: the batch, Z, activations, per-sample loss, both sides.

The step table keeps parameters and gradients, never samples. To show step N in full,
the engine reloads the run's data by its recipe (config.json), takes the batch from
(seed, epoch, batch), and runs that step again from the recorded W, B and optimizer
state — giving the same numbers the trainer had, as a verified StepRecord.
"""

from __future__ import annotations

import torch

from ..step import StepRecord, observe_step
from ..tensors import dtype_from_name
from .batching import epoch_order
from .config import TrainConfig
from .datasource import load_split
from .prepare import choose_loss, output_size, to_tensors
from .trace import Trace


def replay_step(trace: Trace, step: int) -> StepRecord:
    """The full :class:`StepRecord` of ``step`` (1-based) of a run read back from disk."""
    row = trace.step(step)
    cfg = TrainConfig.from_dict(dict(trace.config["config"]))
    spec = dict(trace.config["data"])
    train, _ = load_split(spec, test_size=cfg.test_size, seed=cfg.seed, scale=cfg.standardize)
    dtype = dtype_from_name(cfg.dtype)
    loss = choose_loss(train, cfg)
    k = output_size(train, loss)
    data = to_tensors(train, loss, k, dtype)
    from ..optim import get_optimizer

    rule = get_optimizer(cfg.optimizer, lr=cfg.lr, **cfg.optimizer_options)
    n, d = data.X.shape
    batch_size = int(trace.config["batch_size"])
    full = batch_size == n
    order = epoch_order(n, cfg.seed, row["epoch"] - 1, cfg.shuffle and not full)
    idx = order[row["batch"] * batch_size : (row["batch"] + 1) * batch_size]
    W = torch.tensor(row["W_before"], dtype=dtype).reshape(d, k)
    B = torch.tensor(row["B_before"], dtype=dtype)
    state: dict[str, dict[str, torch.Tensor]] = {"W": {}, "B": {}}
    if step > 1:
        previous = trace.step(step - 1)
        for key in rule.state_keys():
            for param, shape in (("W", (d, k)), ("B", (k,))):
                values = previous.get(f"state_{param}_{key}")
                if values is not None:
                    state[param][key] = torch.tensor(values, dtype=dtype).reshape(shape)
    return observe_step(
        data.X[idx],
        data.y[idx],
        W,
        B,
        loss,
        rule,
        state=state,
        step=step,
        rule_step=int(row["rule_step"]),
        lr=float(row["lr"]),
        decay_bias=cfg.decay_bias,
    )
