"""Hypothesis strategies for losses, update rules and random problems."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

from perceptron_lab.losses import Loss, get_loss, loss_names
from perceptron_lab.optim import UpdateRule, get_optimizer, rule_names

unit = st.floats(0.0, 0.95)
lrs = st.floats(1e-4, 0.5)
decays = st.sampled_from([0.0, 0.0, 1e-3, 0.1])


@st.composite
def losses(draw: st.DrawFn, name: str) -> Loss:
    reduction = draw(st.sampled_from(["mean", "sum"]))
    if name == "bce" and draw(st.booleans()):
        return get_loss(name, reduction=reduction, pos_weight=draw(st.floats(0.1, 5.0)))
    return get_loss(name, reduction=reduction)


@st.composite
def rules(draw: st.DrawFn, name: str) -> UpdateRule:
    options: dict[str, Any] = {"lr": draw(lrs), "weight_decay": draw(decays)}
    if name == "lbfgs":  # no weight decay; a history short enough to fill and shift
        return get_optimizer(
            name, lr=draw(st.floats(0.05, 1.0)), history_size=draw(st.integers(1, 3))
        )
    if name == "sgd":
        momentum = draw(st.sampled_from([0.0, 0.5, 0.9]) | unit)
        nesterov = momentum > 0 and draw(st.booleans())
        dampening = 0.0 if nesterov else draw(st.sampled_from([0.0, 0.3]))
        options |= {"momentum": momentum, "dampening": dampening, "nesterov": nesterov}
    elif name in ("adam", "adamw"):
        options |= {
            "betas": (draw(st.floats(0.0, 0.99)), draw(st.floats(0.5, 0.9999))),
            "eps": draw(st.sampled_from([1e-8, 1e-6, 1e-3])),
            "amsgrad": draw(st.booleans()),
        }
    elif name == "rmsprop":
        options |= {
            "alpha": draw(st.floats(0.5, 0.999)),
            "eps": draw(st.sampled_from([1e-8, 1e-4])),
            "momentum": draw(st.sampled_from([0.0, 0.9]) | unit),
            "centered": draw(st.booleans()),
        }
    elif name == "adagrad":
        options |= {
            "lr_decay": draw(decays),
            "initial_accumulator_value": draw(st.sampled_from([0.0, 0.1])),
            "eps": draw(st.sampled_from([1e-10, 1e-6])),
        }
    return get_optimizer(name, **options)


@st.composite
def problems(draw: st.DrawFn, loss: Loss, dtype: torch.dtype) -> dict[str, torch.Tensor]:
    """Random X (N, d), valid y, W (d, k), B (k,) for ``loss``."""
    n = draw(st.integers(1, 64))
    d = draw(st.integers(1, 16))
    k = draw(st.integers(2 if loss.name == "cross_entropy" else 1, 5))
    scale = draw(st.sampled_from([0.1, 1.0, 3.0]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X = rng.normal(0, scale, (n, d))
    W = rng.normal(0, 1, (d, k))
    B = rng.normal(0, 1, (k,))
    if loss.name == "bce":
        y = rng.integers(0, 2, (n, k)).astype(float)
    elif loss.name == "cross_entropy":
        y = rng.integers(0, k, (n,)).astype(float)
    elif loss.name == "perceptron":
        y = rng.choice([-1.0, 1.0], (n, k))
    else:
        y = rng.normal(0, 2, (n, k))

    def t(a: np.ndarray) -> torch.Tensor:
        return torch.tensor(a, dtype=dtype)

    return {"X": t(X), "y": loss.targets(t(y), k), "W": t(W), "B": t(B)}


LOSS_NAMES = sorted(loss_names())
RULE_NAMES = sorted(rule_names())
