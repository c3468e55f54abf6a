"""The seed notebook's five examples, computed by the verified core.

Examples 1–4 are one observed step on the notebook's data (X (3, 2), y, W (2, 1), B,
SGD with lr = 0.01 on binary cross-entropy): the logits, the probabilities and loss,
the gradient, the update. Example 5 trains the notebook's Perceptron class for a few
epochs from a seeded random start.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..bounds import bounded, check_kept, record_bytes
from ..losses.bce import BCEWithLogits
from ..optim.sgd import SGD
from .notebook_model import Perceptron
from .observed_step import StepRecord, observe_step
from .rounding import DotProduct, explain_dot
from .twin import TorchTwin

X_DATA = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
Y_DATA = [1.0, 0.0, 1.0]
W_DATA = [[0.5], [-0.3]]
B_DATA = [0.1]
LR = 0.01
DEFAULT_SEED = 0
DEFAULT_EPOCHS = 5


@dataclass(frozen=True)
class Demo:
    """Everything the five examples show."""

    step: StepRecord  # examples 1–4
    notebook_bce: float  # −mean(y·log p + (1 − y)·log(1 − p)) on probabilities, as the notebook
    first_logit: DotProduct  # why Z[0] is −2.2352e-08 and not 0
    seed: int
    epochs: tuple[StepRecord, ...]  # example 5, one full-batch step per epoch


def notebook_tensors() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """X (3, 2), y (3, 1), W (2, 1), B (1,) in float32, as the notebook defines them."""
    return (
        torch.tensor(X_DATA),
        torch.tensor(Y_DATA).unsqueeze(1),
        torch.tensor(W_DATA),
        torch.tensor(B_DATA),
    )


def run_demo(seed: int = DEFAULT_SEED, epochs: int = DEFAULT_EPOCHS) -> Demo:
    """Compute the five examples (each number both ways, verified).

    Example 5 keeps every epoch's record in memory: ``epochs`` is bounded by that too.
    """
    seed, epochs = bounded("seed", seed), bounded("epochs", epochs)
    check_kept("epochs", epochs, record_bytes(3, 2, 1))
    X, y, W, B = notebook_tensors()
    loss = BCEWithLogits()
    rule = SGD(lr=LR)
    step = observe_step(X, y, W, B, loss, rule)
    p = step.A.closed
    notebook_bce = float(-torch.mean(y * torch.log(p) + (1 - y) * torch.log(1 - p)))
    first = explain_dot(X_DATA[0], [w[0] for w in W_DATA], B_DATA[0], float(step.Z.closed[0, 0]))

    torch.manual_seed(seed)
    model = Perceptron(2, 1)  # the notebook's class, random start from the seed
    W5, B5 = model.W, model.B
    twin = TorchTwin(loss, rule, 2, 1, torch.float32)
    records = []
    state = None
    for epoch in range(1, epochs + 1):
        rec = observe_step(X, y, W5, B5, loss, rule, state=state, step=epoch, twin=twin)
        records.append(rec)
        W5, B5, state = rec.W_after.closed, rec.B_after.closed, rec.state_after_closed
    return Demo(step, notebook_bce, first, seed, tuple(records))
