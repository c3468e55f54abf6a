"""Any step of a run, replayed in full: the batch, Z, activations, per-sample loss, both sides.

The step table keeps parameters and gradients, never samples. To show step N in full,
the engine gets the run's data back (rundata.py), takes the batch from (seed, epoch,
batch) — or, for a watched run, from the rows ``sample_start:sample_stop`` of its
stored batches — and runs that step again from the recorded W, B and optimizer state,
giving the same numbers the trainer had, as a verified StepRecord.
"""

from __future__ import annotations

import torch

from ..core.observed_step import StepRecord, observe_step
from ..errors import InputError
from ..optim import UpdateRule, get_optimizer
from .batching import epoch_order
from .config import TrainConfig
from .run_data import is_watched, run_data
from .trace import Trace


def replay_step(trace: Trace, step: int) -> StepRecord:
    """The full :class:`StepRecord` of ``step`` (1-based) of a run read back from disk."""
    row = trace.step(step)
    cfg = TrainConfig.from_dict(dict(trace.config["config"]))
    data = run_data(trace)
    X, y = data.train_t.X, data.train_t.y
    if is_watched(trace):
        start, stop = int(row.get("sample_start", -1)), int(row.get("sample_stop", -1))
        if start < 0:
            raise InputError("step", "a step whose batch the watched loop stored", f"step {step}")
        idx = torch.arange(start, stop)
    else:
        n = X.shape[0]
        batch_size = int(trace.config["batch_size"])
        order = epoch_order(n, cfg.seed, row["epoch"] - 1, cfg.shuffle and batch_size < n)
        idx = order[row["batch"] * batch_size : (row["batch"] + 1) * batch_size]
    rule = get_optimizer(cfg.optimizer, lr=cfg.lr, **cfg.optimizer_options)
    d, k, dtype = data.d, data.k, data.dtype
    return observe_step(
        X[idx],
        y[idx],
        torch.tensor(row["W_before"], dtype=dtype).reshape(d, k),
        torch.tensor(row["B_before"], dtype=dtype),
        data.loss,
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
