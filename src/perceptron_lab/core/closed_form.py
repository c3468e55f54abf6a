"""The closed form of a step: plain tensor arithmetic, no autograd.

Z = X·W + B                    X (N, d), W (d, k), B (k,)  → Z (N, k)
L, dL/dZ = loss.value_and_grad(Z, y)
dL/dW = Xᵀ · dL/dZ             (d, k)
dL/dB = Σₙ dL/dZ               (k,)
W′, B′ = rule(W, dL/dW), rule(B, dL/dB)     (L-BFGS: rule((W, B), (dL/dW, dL/dB)) as one)

An observed step (:func:`closed_step`) also keeps each rule's named intermediates
(``UpdateRule.update(..., keep=)``: m̂, v̂, the denominator, γₜ …); training does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torch

from ..losses import Loss
from ..optim import State, UpdateRule

Intermediates = dict[str, torch.Tensor | float]  # an update's named values, e.g. "m_hat"


@dataclass(frozen=True)
class TrainStep:
    """What training needs from a step, by formula: no activations, no per-sample losses."""

    Z: torch.Tensor  # (N, k)
    loss: torch.Tensor  # 0-d
    dZ: torch.Tensor  # (N, k)
    dW: torch.Tensor  # (d, k)
    dB: torch.Tensor  # (k,)
    W_after: torch.Tensor  # (d, k)
    B_after: torch.Tensor  # (k,)
    state_after: dict[str, State]


@dataclass(frozen=True)
class ClosedStep(TrainStep):
    """The closed-form half of an observed step: a TrainStep plus A and each ℓₙ."""

    A: torch.Tensor  # (N, k)
    per_sample_loss: torch.Tensor  # (N,)
    intermediates: dict[str, Intermediates]  # per parameter, what its rule's update kept


def train_step(
    X: torch.Tensor,
    y: torch.Tensor,
    W: torch.Tensor,
    B: torch.Tensor,
    loss: Loss,
    rule: UpdateRule,
    state: Mapping[str, State],
    t: int,
    lr: float,
    rule_B: UpdateRule | None = None,
    keep: Mapping[str, Intermediates] | None = None,
    Z: torch.Tensor | None = None,
) -> TrainStep:
    """The step by formula alone, as in the module docstring (``rule_B`` updates B if given).

    ``keep`` ({"W": {}, "B": {}}) receives each rule's intermediates; ``Z`` is X·W + B
    when the caller has already computed it (by this same expression).
    """
    if Z is None:
        Z = X @ W + B  # (N, k), as the notebook writes it
    value, dZ = loss.value_and_grad(Z, y)  # 0-d, (N, k)
    dW = X.T @ dZ  # (d, k)
    dB = dZ.sum(dim=0)  # (k,)
    W_after, B_after, state_after = rule.update_layer(W, B, dW, dB, state, t, lr, rule_B, keep)
    return TrainStep(Z, value, dZ, dW, dB, W_after, B_after, state_after)


def closed_step(
    X: torch.Tensor,
    y: torch.Tensor,
    W: torch.Tensor,
    B: torch.Tensor,
    loss: Loss,
    rule: UpdateRule,
    state: Mapping[str, State],
    t: int,
    lr: float,
    rule_B: UpdateRule | None = None,
) -> ClosedStep:
    """:func:`train_step` plus the activations A and the per-sample losses ℓₙ."""
    kept: dict[str, Intermediates] = {"W": {}, "B": {}}
    s = train_step(X, y, W, B, loss, rule, state, t, lr, rule_B, kept)
    return ClosedStep(
        s.Z,
        s.loss,
        s.dZ,
        s.dW,
        s.dB,
        s.W_after,
        s.B_after,
        s.state_after,
        A=loss.activation.closed(s.Z),
        per_sample_loss=loss.per_sample(s.Z, y),
        intermediates=kept,
    )
