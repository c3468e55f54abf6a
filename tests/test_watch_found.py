"""``watch()`` with no arguments, around loops hidden inside a ``fit()`` or a Trainer class.

The loops build their optimizer and loss inside, as course ``trainer.py`` files and d2l's
Trainer do; the oracle is the same code run unwatched (identical parameters) and the
steps ``watch(model, optimizer, loss)`` verifies when it is handed the objects.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from perceptron_lab import watch
from perceptron_lab.watch import DiagnosisError


def _data() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(5)
    X = torch.randn(160, 4, generator=g) * torch.tensor([1.0, 2.0, 0.2, 5.0])
    return X, (X[:, 0] - X[:, 3] / 5 > 0).long()


class Trainer:
    """A course-style trainer: the optimizer and the loss are made inside ``fit``."""

    def __init__(self, max_epochs: int, lr: float = 0.05, clip: float | None = None) -> None:
        self.max_epochs, self.lr, self.clip = max_epochs, lr, clip
        self.history: list[float] = []

    def fit(self, model: nn.Module, loader: DataLoader) -> None:
        optimizer = torch.optim.SGD(model.parameters(), lr=self.lr, momentum=0.9)
        criterion = nn.CrossEntropyLoss()
        X, y = loader.dataset.tensors  # type: ignore[attr-defined]
        for _epoch in range(self.max_epochs):
            model.train()
            for xb, yb in loader:
                optimizer.zero_grad()
                loss = criterion(model(xb), yb)
                loss.backward()
                if self.clip is not None:
                    nn.utils.clip_grad_norm_(model.parameters(), self.clip)
                optimizer.step()
            model.eval()
            with torch.no_grad():  # validation, as every trainer does
                self.history.append(float(criterion(model(X), y)))


def _fit(watched: bool, clip: float | None = None) -> tuple[nn.Module, Trainer, object]:
    X, y = _data()
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 2))
    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
    trainer = Trainer(max_epochs=3, clip=clip)
    if not watched:
        trainer.fit(model, loader)
        return model, trainer, None
    with watch() as run:
        trainer.fit(model, loader)
    return model, trainer, run


def test_a_trainer_class_is_watched_with_one_line() -> None:
    plain, plain_trainer, _ = _fit(watched=False)
    model, trainer, run = _fit(watched=True)
    summary = run.summary  # type: ignore[attr-defined]
    assert summary.steps == summary.verified_steps == 15  # 3 epochs × 5 batches
    assert summary.watch["fully_verified"] and summary.watch["notes"] == []
    assert trainer.history == plain_trainer.history
    assert torch.equal(model[0].weight, plain[0].weight)
    manifest = run.manifest  # type: ignore[attr-defined]
    assert manifest.loss.name == "cross_entropy"
    assert manifest.optimizer.options["momentum"] == 0.9
    assert manifest.watch["model"] == "Sequential"


def test_clipping_in_the_first_step_of_a_trainer_is_named() -> None:
    """The gradient hooks are on before the first backward, though the optimizer is unknown."""
    _, _, run = _fit(watched=True, clip=0.05)
    summary = run.summary  # type: ignore[attr-defined]
    assert summary.verified_steps == 15 and not summary.watch["diagnoses"]
    [note] = summary.watch["notes"]
    assert note.startswith("step 1: the gradient was clipped to norm 0.05")


def test_a_hidden_mistake_is_found() -> None:
    """A fit() that never zeroes the gradient: named at step 2, as with the objects given."""
    X, y = _data()
    model = nn.Linear(4, 2)

    def fit() -> None:
        optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
        for _ in range(3):
            F.cross_entropy(model(X), y).backward()
            optimizer.step()

    with pytest.raises(DiagnosisError) as caught, watch():
        fit()
    assert (caught.value.cause, caught.value.diagnosis.step) == ("not_zeroed", 2)


def test_only_the_first_optimizer_is_followed() -> None:
    X, y = _data()
    first, second = nn.Linear(4, 2), nn.Linear(4, 2)
    opt1 = torch.optim.SGD(first.parameters(), lr=0.1)
    opt2 = torch.optim.SGD(second.parameters(), lr=0.1)
    with watch() as run:
        for _ in range(2):
            for model, opt in ((first, opt1), (second, opt2)):
                opt.zero_grad()
                F.cross_entropy(model(X), y).backward()
                opt.step()
    summary = run.summary
    assert summary.steps == 2 and summary.verified_steps == 2
    assert any(n.startswith("2 steps of another optimizer") for n in summary.watch["notes"])


def test_parameters_used_without_a_module_still_have_updates_checked() -> None:
    """d2l's from-scratch linear regression: plain tensors w, b, a function as the net."""
    X, _ = _data()
    y = X @ torch.tensor([2.0, -3.4, 1.0, 0.5]) + 4.2
    w = torch.zeros(4, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=0.01)
    with watch() as run:
        for _ in range(3):
            loss = F.mse_loss(X @ w + b, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    summary = run.summary
    assert summary.steps == 3 and summary.watch["verified"]["update"] == 3
    assert any("no module was called" in n for n in summary.watch["notes"])


def test_a_block_without_a_step_says_so() -> None:
    with watch() as run:
        pass
    assert run.summary.steps == 0
    assert run.summary.watch["notes"] == [
        "no optimizer.step() was seen inside the with-block: nothing was recorded"
    ]


def test_half_the_objects_is_refused() -> None:
    from perceptron_lab.errors import InputError

    with pytest.raises(InputError, match="optimizer: expected given with model"):
        watch(nn.Linear(2, 1))
