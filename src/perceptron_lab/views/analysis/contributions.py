"""Which samples moved the weights in a step: each sample's term of dL/dW.

dL/dW = Xᵀ·dL/dZ = Σₙ xₙᵀ·(dL/dZ)ₙ, so sample n contributes

    cₙ = xₙᵀ·(dL/dZ)ₙ        (d, k); for BCE, (dL/dZ)ₙ = (σ(zₙ) − yₙ) / N

and Σₙ cₙ = dL/dW exactly. A confidently right sample has σ(zₙ) ≈ yₙ, so cₙ ≈ 0: it
no longer moves the boundary. The step moves W against the sum, by −γ·dL/dW for SGD.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ...core.observed_step import StepRecord
from ...engine.replay import replay_step
from ...engine.trace import Trace
from ...losses import get_loss


@dataclass(frozen=True)
class Attribution:
    """One step's batch and each sample's share of dL/dW."""

    step: int
    X: np.ndarray  # (n, d) the batch
    labels: np.ndarray | None  # (n,) class indices of the batch; None for regression
    dZ: np.ndarray  # (n, k) dL/dZ, closed form
    contributions: np.ndarray  # (n, d, k) cₙ = xₙᵀ·(dL/dZ)ₙ
    dW: np.ndarray  # (d, k) dL/dW of the step = Σₙ cₙ
    W: np.ndarray  # (d, k) before the step
    B: np.ndarray  # (k,) before the step
    loss_name: str


def sample_contributions(record: StepRecord) -> torch.Tensor:
    """(n, d, k) cₙ = xₙᵀ·(dL/dZ)ₙ: the outer product of each row of X with its row of dL/dZ."""
    return record.X[:, :, None] * record.dZ.closed[:, None, :]


def attribution_data(trace: Trace, step: int) -> Attribution:
    """Replay ``step`` (its batch, Z and dL/dZ) and split dL/dW into the samples' terms."""
    record = replay_step(trace, step)

    def arr(t: torch.Tensor) -> np.ndarray:
        return t.detach().to(torch.float64).cpu().numpy()

    return Attribution(
        step=step,
        X=arr(record.X),
        labels=get_loss(record.loss_name, **record.loss_options).class_index(record.y),
        dZ=arr(record.dZ.closed),
        contributions=arr(sample_contributions(record)),
        dW=arr(record.dW.closed),
        W=arr(record.W),
        B=arr(record.B),
        loss_name=record.loss_name,
    )
