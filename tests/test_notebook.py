"""The seed notebook's numbers, reproduced by the verified core."""

from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn, optim

from perceptron_lab.core.notebook import run_demo
from perceptron_lab.core.notebook_model import Perceptron
from perceptron_lab.core.observed_step import observe_step
from perceptron_lab.losses import get_loss
from perceptron_lab.optim import get_optimizer


def first_step(nb: dict[str, torch.Tensor]):  # type: ignore[no-untyped-def]
    loss = get_loss("bce")
    return observe_step(
        nb["X"], loss.targets(nb["y"], 1), nb["W"], nb["B"], loss, get_optimizer("sgd", lr=0.01)
    )


def test_example_1_logits(notebook: dict[str, torch.Tensor]) -> None:
    rec = first_step(notebook)
    # the notebook prints tensor([[-2.2352e-08], [4.0000e-01], [8.0000e-01]]) both ways
    assert rec.Z.closed[0, 0].item() == pytest.approx(-2.2352e-08, rel=1e-4)
    assert rec.Z.closed[:, 0].tolist()[1:] == pytest.approx([0.4, 0.8], abs=5e-5)
    torch.testing.assert_close(rec.Z.torch, rec.Z.closed, rtol=0, atol=0)
    # and its own PyTorch check: nn.Linear with weight = W.T
    linear = nn.Linear(2, 1)
    linear.weight.data = notebook["W"].T
    linear.bias.data = notebook["B"]
    torch.testing.assert_close(linear(notebook["X"]).detach(), rec.Z.closed, rtol=0, atol=0)


def test_example_2_probabilities_and_bce(notebook: dict[str, torch.Tensor]) -> None:
    rec = first_step(notebook)
    assert [round(v, 4) for v in rec.A.closed[:, 0].tolist()] == [0.5, 0.5987, 0.69]
    assert round(rec.loss.closed.item(), 4) == 0.6591
    assert round(rec.loss.torch.item(), 4) == 0.6591
    y = notebook["y"].unsqueeze(1)
    logits = notebook["X"] @ notebook["W"] + notebook["B"]
    assert rec.loss.closed.item() == pytest.approx(
        nn.BCEWithLogitsLoss()(logits, y).item(), rel=1e-6
    )


def test_example_3_gradient(notebook: dict[str, torch.Tensor]) -> None:
    rec = first_step(notebook)
    assert [round(v, 4) for v in rec.dW.closed[:, 0].tolist()] == [-0.0847, -0.1551]
    assert [round(v, 4) for v in rec.dW.torch[:, 0].tolist()] == [-0.0847, -0.1551]
    assert round(rec.dB.closed.item(), 4) == -0.0704
    assert round(rec.dB.torch.item(), 4) == -0.0704


def test_example_4_update(notebook: dict[str, torch.Tensor]) -> None:
    rec = first_step(notebook)
    assert [round(v, 4) for v in rec.W_after.closed[:, 0].tolist()] == [0.5008, -0.2984]
    assert [round(v, 4) for v in rec.W_after.torch[:, 0].tolist()] == [0.5008, -0.2984]
    assert round(rec.B_after.closed.item(), 4) == 0.1007
    assert round(rec.B_after.torch.item(), 4) == 0.1007
    assert rec.worst[1] == 0.0  # float32, yet every pair agrees to the bit here


def notebook_loop(seed: int, epochs: int) -> list[float]:
    """The notebook's example 5, verbatim but seeded."""
    X = torch.tensor([[1, 2], [3, 4], [5, 6]], dtype=torch.float)
    y = torch.tensor([[1], [0], [1]], dtype=torch.float)
    torch.manual_seed(seed)
    model = Perceptron(2, 1)
    loss = nn.BCEWithLogitsLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss_values = loss(model(X), y)
        loss_values.backward()
        optimizer.step()
        losses.append(loss_values.item())
    return losses


@pytest.mark.parametrize("seed", [0, 7])
def test_example_5_training_loop_matches_the_notebook_loop(seed: int) -> None:
    demo = run_demo(seed=seed, epochs=5)
    ours = [r.loss.closed.item() for r in demo.epochs]
    assert ours == pytest.approx(notebook_loop(seed, 5), rel=1e-6)
    assert ours == [r.loss.closed.item() for r in run_demo(seed=seed, epochs=5).epochs]
    assert all(b < a for a, b in itertools.pairwise(ours))  # SGD lowers the loss


def test_float32_note_explains_the_first_logit() -> None:
    note = run_demo().first_logit
    assert note.decimal == 0.0
    assert note.stored_exact == pytest.approx(-2.2351741790771484e-08, rel=1e-12)
    assert note.computed == note.stored_exact  # the arithmetic added no error
    assert dict(note.rounded_inputs) == {-0.3: -0.30000001192092896, 0.1: 0.10000000149011612}
