"""The trainer's hot loop (stretches of steps into a StepBlock) against the row path.

A run written with ``on_step`` steps one Row at a time; without it, in stretches. Both
must write the same step table, value for value, for every loss and update rule — on
verified and unverified steps, across epochs, checkpoints and parts, and when the run
diverges.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from perceptron_lab.data import from_arrays
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.step_block import grad_norms
from perceptron_lab.engine.trace import Trace
from perceptron_lab.engine.train import Trainer
from perceptron_lab.errors import DivergenceError

RULES = [
    ("sgd", {}),
    ("sgd", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("adam", {"amsgrad": True}),
    ("adamw", {}),
    ("rmsprop", {"momentum": 0.5, "centered": True}),
    ("adagrad", {}),
    ("lbfgs", {"history_size": 3}),
]
# rules made for one function, stepped on the full batch: 40 epochs of one step each, γ 1
FULL_BATCH = {"lbfgs"}
TASKS = {  # loss: (labels of 150 rows, lr)
    "bce": (lambda X: (X[:, 0] + X[:, 1] > 0).astype(int), 0.1),
    "cross_entropy": (lambda X: np.digitize(X[:, 0], [-0.5, 0.5]), 0.1),
    "mse": (lambda X: X @ np.array([1.0, -2.0, 0.5]), 0.05),
    "perceptron": (lambda X: (X[:, 2] > 0).astype(int), 0.1),
}


def _rows(path: Path) -> list[dict[str, Any]]:
    return [dict(row) for row in Trace.load(path).steps]


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> None:
    assert len(a) == len(b)
    for ra, rb in zip(a, b, strict=True):
        assert ra.keys() == rb.keys()
        for key in ra:
            x, y = ra[key], rb[key]
            same = x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y))
            assert same, (ra["step"], key, x, y)


@pytest.mark.parametrize("loss", sorted(TASKS))
@pytest.mark.parametrize(("rule", "options"), RULES)
def test_stretches_write_what_single_steps_write(
    loss: str, rule: str, options: dict[str, Any], tmp_path: Path
) -> None:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(150, 3))
    labels, lr = TASKS[loss]
    task = "regression" if loss == "mse" else None
    data = from_arrays(X, labels(X), task=task)
    full = rule in FULL_BATCH
    config = TrainConfig(
        loss=loss,
        optimizer=rule,
        optimizer_options=options,
        lr=1.0 if full else lr,
        epochs=40 if full else 4,
        batch_size=None if full else 16,  # 10 batches an epoch, the last one of 6 rows
        verify_every=7,
        checkpoint_every=15,
        schedule="step:step_size=5,gamma=0.5",
        seed=2,
    )
    single = Trainer(config, data).run(tmp_path / "single", on_step=lambda row: None)
    stretched = Trainer(config, data).run(tmp_path / "stretched")
    assert torch.equal(single.W, stretched.W) and torch.equal(single.B, stretched.B)
    _same(_rows(tmp_path / "single"), _rows(tmp_path / "stretched"))
    a, b = single.summary, stretched.summary
    assert (a.verified_steps, a.verified_at, a.worst_disagreement, a.final) == (
        b.verified_steps,
        b.verified_at,
        b.worst_disagreement,
        b.final,
    )
    assert (
        a.verified_steps == len([1, *range(7, 40, 7), 40]) and a.worst_disagreement <= a.tolerance
    )


@pytest.mark.parametrize(
    ("scale", "lr", "loss", "quantity"),
    # squared error at lr 10 grows each step until it overflows; a feature of 1e38 makes
    # Σₙ xₙ·dL/dzₙ (sum reduction) overflow at the first step while the loss is finite
    [(1.0, 10.0, "mse", "loss"), (0.0, 0.1, "bce", "dL/dW")],
)
def test_a_divergence_ends_both_paths_at_the_same_step(
    scale: float, lr: float, loss: str, quantity: str, tmp_path: Path
) -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(64, 2)).astype(np.float32)
    if not scale:
        X[:, 1] = 1e38
    y = X[:, 0] if loss == "mse" else (X[:, 0] > 0).astype(int)
    data = from_arrays(X, y, task="regression" if loss == "mse" else None)
    config = TrainConfig(
        loss=loss,
        loss_options={} if scale else {"reduction": "sum"},
        lr=lr,
        epochs=50,
        batch_size=8,
        dtype="float32",
        verify_every=5,
    )
    errors = []
    for name, hook in (("single", lambda row: None), ("stretched", None)):
        with pytest.raises(DivergenceError) as caught:
            Trainer(config, data).run(tmp_path / name, on_step=hook)
        errors.append(str(caught.value))
    assert errors[0] == errors[1] and quantity in errors[0]
    _same(_rows(tmp_path / "single"), _rows(tmp_path / "stretched"))


def test_one_step_and_a_block_give_the_same_norm() -> None:
    """grad_norms of a (1, w) row and of that row inside a block: the same bits."""
    g = torch.Generator().manual_seed(0)
    dW, dB = torch.randn(50, 300, generator=g), torch.randn(50, 3, generator=g)
    together = grad_norms(dW, dB)
    alone = [grad_norms(dW[i : i + 1], dB[i : i + 1])[0] for i in range(50)]
    assert together == alone
    ref = [
        math.sqrt(float((dW[i].double() ** 2).sum() + (dB[i].double() ** 2).sum()))
        for i in range(50)
    ]
    assert max(abs(a - r) / r for a, r in zip(together, ref, strict=True)) < 1e-12
