"""A run's parameters read back from its trace, in the notebook's shapes.

The data itself comes from :func:`perceptron_lab.engine.run_data.run_data`. Parameters are
rows of the step table flattened row-major: θ = [W (d, k) flattened…, B (k,)…], so
index i < d·k is W[i // k, i % k] and index d·k + j is B[j].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch

from ...engine.trace import Trace
from ...errors import InputError


def split_theta(
    theta: Sequence[float] | np.ndarray, d: int, k: int, dtype: torch.dtype = torch.float64
) -> tuple[torch.Tensor, torch.Tensor]:
    """θ (d·k + k,) -> W (d, k), B (k,)."""
    t = torch.as_tensor(np.asarray(theta, dtype=np.float64), dtype=dtype)
    return t[: d * k].reshape(d, k), t[d * k :]


def weights(
    row: Mapping[str, Any], when: str, d: int, k: int, dtype: torch.dtype = torch.float64
) -> tuple[torch.Tensor, torch.Tensor]:
    """W (d, k) and B (k,) of a step row, ``when`` = "before" or "after" the step."""
    return split_theta([*row[f"W_{when}"], *row[f"B_{when}"]], d, k, dtype)


def theta_path(trace: Trace) -> tuple[np.ndarray, np.ndarray]:
    """(steps (T+1,), θ (T+1, d·k + k)): θ before the first step, then after each step.

    ``steps[0]`` is the number of the step before the first row (0 for a fresh run,
    K for a run branched at step K); ``steps[t]`` is the step θ[t] came after.
    """
    if not trace.steps:
        raise InputError("trace", "a run with at least one step", "no steps")
    first = trace.steps[0]
    start = np.asarray([*first["W_before"], *first["B_before"]], dtype=np.float64)
    after = np.hstack([trace.array("W_after"), trace.array("B_after")]).astype(np.float64)
    steps = trace.array("step").astype(np.int64)
    return np.concatenate([[steps[0] - 1], steps]), np.vstack([start, after])


def parameter_name(index: int, d: int, k: int, features: list[str] | None = None) -> str:
    """'W[1,1] (x1)' or 'B[1]' for an index into θ = [W flattened…, B…] (names 1-based)."""
    if index < d * k:
        r, c = divmod(index, k)
        feature = f" ({features[r]})" if features and r < len(features) else ""
        return f"W[{r + 1},{c + 1}]{feature}"
    return f"B[{index - d * k + 1}]"


def check_params(params: Sequence[int], d: int, k: int) -> tuple[int, int]:
    """Two distinct indices into θ (d·k + k parameters), or an InputError."""
    n = d * k + k
    if len(params) != 2 or params[0] == params[1] or not all(0 <= p < n for p in params):
        raise InputError(
            "params",
            f"two different parameter indices in 0..{n - 1} (W flattened row-major, then B)",
            ",".join(map(str, params)),
        )
    return params[0], params[1]


def epoch_end(trace: Trace, epoch: int) -> Mapping[str, Any]:
    """The row of the last step of ``epoch`` (its W_after is W at the epoch's end)."""
    epochs = trace.array("epoch") if trace.steps else np.zeros(0, np.int64)
    found = np.flatnonzero(epochs == epoch)
    if not len(found):
        have = sorted(set(epochs.tolist()))
        span = f"{have[0]}..{have[-1]}" if have else "none"
        raise InputError("epoch", f"epochs of this run ({span})", str(epoch))
    return trace.steps[int(found[-1])]
