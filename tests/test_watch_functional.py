"""``watch`` on loops whose loss is one of torch.nn.functional's, as many tutorials write them.

The oracle is the same loop unwatched (identical parameters, identical loss values) and
the loop's own ``loss.item()`` each step; the closed form and finite differences must
then verify every step, as they do for the equal nn loss module.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from perceptron_lab import watch
from perceptron_lab.watch import DiagnosisError


def _data() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """120 samples of 4 features on different scales; 0/1, 3-class and real targets."""
    g = torch.Generator().manual_seed(3)
    X = torch.randn(120, 4, generator=g) * torch.tensor([1.0, 3.0, 0.5, 10.0])
    binary = (X[:, 0] + X[:, 1] / 3 > 0).float()
    classes = (X[:, 0] > 0).long() + (X[:, 1] > 1).long()
    real = X @ torch.tensor([1.0, -0.5, 2.0, 0.1]) + 0.3
    return X, binary, classes, real


Loop = Callable[[nn.Linear, torch.optim.Optimizer, torch.Tensor, torch.Tensor], torch.Tensor]
LOOPS: dict[str, tuple[int, str, Loop]] = {
    # name: (outputs, target, one step returning the loss)
    "mse_loss": (1, "real", lambda m, opt, xb, yb: F.mse_loss(m(xb).squeeze(1), yb)),
    "cross_entropy": (3, "classes", lambda m, opt, xb, yb: F.cross_entropy(m(xb), yb)),
    "bce_with_logits": (
        1,
        "binary",
        lambda m, opt, xb, yb: F.binary_cross_entropy_with_logits(m(xb).squeeze(), yb),
    ),
    "bce_after_sigmoid": (
        1,
        "binary",
        lambda m, opt, xb, yb: F.binary_cross_entropy(torch.sigmoid(m(xb)).view(-1), yb),
    ),
    "nll_after_log_softmax": (
        3,
        "classes",
        lambda m, opt, xb, yb: F.nll_loss(F.log_softmax(m(xb), dim=1), yb),
    ),
    "cross_entropy_sum": (
        3,
        "classes",
        lambda m, opt, xb, yb: F.cross_entropy(m(xb), yb, reduction="sum") / len(yb),
    ),
}


def run_loop(name: str, watched: bool) -> tuple[nn.Linear, list[float], object]:
    """The tutorial's loop: a shuffled DataLoader, zero_grad / loss / backward / step."""
    X, binary, classes, real = _data()
    k, target, step = LOOPS[name]
    y = {"binary": binary, "classes": classes, "real": real}[target]
    torch.manual_seed(0)
    model = nn.Linear(4, k)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loader = DataLoader(TensorDataset(X, y), batch_size=40, shuffle=True)
    losses: list[float] = []

    def train() -> None:
        for _epoch in range(2):
            for xb, yb in loader:
                optimizer.zero_grad()
                loss = step(model, optimizer, xb, yb)
                loss.backward()
                optimizer.step()
                losses.append(loss.item())

    if not watched:
        train()
        return model, losses, None
    with watch(model, optimizer, None) as run:
        train()
    return model, losses, run


@pytest.mark.parametrize("name", sorted(set(LOOPS) - {"cross_entropy_sum"}))
def test_a_functional_loss_is_verified_as_its_module(name: str) -> None:
    plain, plain_losses, _ = run_loop(name, watched=False)
    model, losses, run = run_loop(name, watched=True)
    summary = run.summary  # type: ignore[attr-defined]
    assert summary.steps == summary.verified_steps == 6
    assert summary.watch["verified"] == dict.fromkeys(
        ("autograd", "closed_form", "finite_differences", "update"), 6
    )
    assert summary.watch["notes"] == []
    # the loop is unchanged, and the recorded loss is the loop's own
    assert losses == plain_losses
    assert torch.equal(model.weight, plain.weight) and torch.equal(model.bias, plain.bias)
    recorded = [row["loss"] for row in run.trace.steps]  # type: ignore[attr-defined]
    assert recorded == pytest.approx(losses, rel=1e-6)


def test_a_summed_functional_loss_divided_by_hand_is_told_apart() -> None:
    """F.cross_entropy(reduction="sum") / N is the mean: verified, not called a mistake."""
    _, _, run = run_loop("cross_entropy_sum", watched=True)
    summary = run.summary  # type: ignore[attr-defined]
    assert summary.verified_steps == 6 and not summary.watch["diagnoses"]


def test_nll_on_raw_logits_is_not_verified_as_cross_entropy() -> None:
    """F.nll_loss(model(x), y) without log_softmax is −Z[n, yₙ], not cross-entropy."""
    X, _, classes, _ = _data()
    model = nn.Linear(4, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    with pytest.raises(DiagnosisError) as caught, watch(model, optimizer, F.nll_loss):
        for _ in range(2):
            optimizer.zero_grad()
            F.nll_loss(model(X), classes).backward()
            optimizer.step()
    assert (caught.value.cause, caught.value.diagnosis.step) == ("nll_on_logits", 1)
    assert "apply log_softmax first" in str(caught.value)


def test_a_functional_loss_inside_an_nn_loss_is_seen_once() -> None:
    """nn.CrossEntropyLoss calls F.cross_entropy: one loss call per step, not two."""
    X, _, classes, _ = _data()
    model = nn.Linear(4, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    criterion = nn.CrossEntropyLoss()
    with watch() as run:
        for _ in range(3):
            optimizer.zero_grad()
            criterion(model(X), classes).backward()
            optimizer.step()
    assert run.summary.verified_steps == 3 and run.summary.watch["notes"] == []


def test_a_loss_written_by_hand_still_has_its_update_checked() -> None:
    """d2l's squared_loss from tensor operations: no loss call to see; the update is checked."""
    X, _, _, real = _data()
    model = nn.Linear(4, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

    with watch(model, optimizer, squared_loss) as run:
        for _ in range(3):
            optimizer.zero_grad()
            squared_loss(model(X), real).mean().backward()
            optimizer.step()
    summary = run.summary
    assert summary.watch["verified"]["update"] == 3
    assert summary.watch["verified"]["finite_differences"] == 0
    [note] = summary.watch["notes"]
    assert note.startswith("step 1: no loss call was seen")
