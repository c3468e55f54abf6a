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
from .batching import InMemoryBatches
from .run_data import is_watched, run_data
from .run_files import StepSchema
from .trace import Trace


def replay_step(trace: Trace, step: int) -> StepRecord:
    """The full :class:`StepRecord` of ``step`` (1-based) of a run read back from disk."""
    row = trace.step(step)
    cfg = trace.manifest.config
    data = run_data(trace)
    X, y = data.train_t.X, data.train_t.y
    if is_watched(trace):
        start, stop = row.get("sample_start"), row.get("sample_stop")
        if start is None or stop is None:
            raise InputError("step", "a step whose batch the watched loop stored", f"step {step}")
        idx = torch.arange(start, stop)
    elif data.batch_rows is not None:  # a streamed run: its windows' order
        idx = data.batch_rows(row["epoch"] - 1, row["batch"])
    else:
        source = InMemoryBatches(
            X, y, int(trace.manifest.batch_size or X.shape[0]), cfg.seed, cfg.shuffle
        )
        batch = next(source.batches(row["epoch"] - 1, row["batch"]))
        idx = batch.rows if batch.rows is not None else torch.arange(X.shape[0])
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
    """The optimizer state before ``step``: the previous row's state after (empty at step 1).

    A branch's first step starts from its parent's row (in the parent's run directory);
    a rule that starts afresh there (rule step 1: the branch changed the optimizer) has
    an empty state.
    """
    state: dict[str, dict[str, torch.Tensor]] = {"W": {}, "B": {}}
    if step > 1 and int(trace.step(step)["rule_step"]) > 1:
        parent = trace.manifest.parent
        first = int(trace.steps[0]["step"])
        if parent is not None and step - 1 < first and parent.step == step - 1:
            previous = Trace.load(parent.run).step(step - 1)
        else:
            previous = trace.step(step - 1)
        for key in rule.state_keys():
            for param, shape in (("W", (d, k)), ("B", (k,))):
                values = previous.get(StepSchema.state_column(param, key))
                if values is not None:
                    state[param][key] = torch.tensor(values, dtype=dtype).reshape(shape)
    return state
