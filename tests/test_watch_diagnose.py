"""perceptron_lab.watch diagnoses: each mistake written into the notebook's loop, named."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn, optim

from perceptron_lab.errors import VerificationError
from perceptron_lab.watch import DiagnosisError, watch

X = torch.tensor([[1, 2], [3, 4], [5, 6]], dtype=torch.float)
Y = torch.tensor([[1], [0], [1]], dtype=torch.float)


def linear(W: tuple[float, float] = (0.5, -0.3), B: float = 0.1) -> nn.Linear:
    """The notebook's layer with its W = [[0.5], [-0.3]] (weight = Wᵀ) and B = [0.1]."""
    layer = nn.Linear(2, 1)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([W]))
        layer.bias.copy_(torch.tensor([B]))
    return layer


Step = Callable[[nn.Module, Any, torch.optim.Optimizer], None]


def the_loop(model: nn.Module, loss: Any, optimizer: torch.optim.Optimizer) -> None:
    optimizer.zero_grad()
    logits = model(X)
    loss_values = loss(logits, Y)
    loss_values.backward()
    optimizer.step()


def diagnosed(
    step: Step,
    model: nn.Module,
    loss: Any,
    optimizer: torch.optim.Optimizer | None = None,
    steps: int = 3,
    **options: Any,
) -> DiagnosisError:
    """Run ``steps`` of ``step`` watched; the DiagnosisError it raises."""
    optimizer = optimizer or optim.SGD(model.parameters(), lr=0.01)
    with pytest.raises(DiagnosisError) as info, watch(model, optimizer, loss, **options):
        for _ in range(steps):
            step(model, loss, optimizer)
    error = info.value
    assert isinstance(error, VerificationError)
    first, _ = str(error).split(": ", 1)  # "step 2: …" (or "paso 2: …")
    assert "\n" not in str(error) and first.endswith(f" {error.step}")
    return error


def test_gradients_not_zeroed_between_steps() -> None:
    def forgot_zero_grad(model: nn.Module, loss: Any, optimizer: optim.Optimizer) -> None:
        loss(model(X), Y).backward()
        optimizer.step()

    error = diagnosed(forgot_zero_grad, linear(), nn.BCEWithLogitsLoss())
    assert (error.cause, error.step) == ("not_zeroed", 2)  # step 1 had nothing left over
    assert "not zeroed" in str(error) and "zero_grad()" in str(error)
    assert error.diagnosis.explained is not None and error.diagnosis.explained < 1e-3


def test_mean_vs_sum_reduction() -> None:
    def times_n(model: nn.Module, loss: Any, optimizer: optim.Optimizer) -> None:
        optimizer.zero_grad()
        (loss(model(X), Y) * len(X)).backward()  # a sum where the mean was meant
        optimizer.step()

    error = diagnosed(times_n, linear(), nn.BCEWithLogitsLoss())
    assert (error.cause, error.step) == ("reduction", 1)
    assert error.diagnosis.details["factor"] == 3 and error.diagnosis.details["count"] == 3
    assert "3 × the closed form's" in str(error)


def test_a_sum_reduction_the_user_did_not_expect() -> None:
    error = diagnosed(
        the_loop, linear(), nn.BCEWithLogitsLoss(reduction="sum"), expect={"reduction": "mean"}
    )
    assert (error.cause, error.step) == ("reduction", 1)


@pytest.mark.parametrize(
    ("targets", "failed"),
    [
        # the notebook's: Xᵀ(y − ȳ) = 0 and cov(Z, y) = 0, so only the shapes tell
        ([1.0, 0.0, 1.0], {"loss elements"}),
        ([1.0, 1.0, 0.0], {"loss elements", "loss", "dW", "dL/dθ (closed form)"}),
    ],
)
def test_a_flat_target_against_column_logits_broadcasts(
    targets: list[float], failed: set[str]
) -> None:
    y = torch.tensor(targets)  # (3,) against logits (3, 1)
    model = linear()
    loss = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    with (
        pytest.warns(UserWarning, match="target size"),
        watch(model, optimizer, loss, on_mistake="record") as run,
    ):
        optimizer.zero_grad()
        loss(model(X), y).backward()
        optimizer.step()
    [diagnosis] = run.diagnoses
    assert (diagnosis.cause, diagnosis.step) == ("broadcast", 1)
    assert "(3,) against logits of shape (3, 1)" in diagnosis.message
    assert "3×3 loss" in diagnosis.message
    # the recomputation over all 3×3 pairs is what the loop did, to float32 rounding
    assert diagnosis.explained is not None and diagnosis.explained < 1e-5
    assert {c.quantity for c in run.verdicts[0].failed} == failed


def test_probabilities_fed_to_a_with_logits_loss() -> None:
    def sigmoid_first(model: nn.Module, loss: Any, optimizer: optim.Optimizer) -> None:
        optimizer.zero_grad()
        loss(torch.sigmoid(model(X)), Y).backward()
        optimizer.step()

    error = diagnosed(sigmoid_first, linear(), nn.BCEWithLogitsLoss())
    assert (error.cause, error.step) == ("probabilities_to_logits_loss", 1)
    assert "BCEWithLogitsLoss" in str(error) and "σ(Z)" in str(error)


def test_logits_fed_to_bce_loss() -> None:
    # small weights keep Z in (0, 1), so nn.BCELoss takes the logits without complaint
    error = diagnosed(the_loop, linear((0.05, 0.05), 0.1), nn.BCELoss())
    assert (error.cause, error.step) == ("logits_to_probability_loss", 1)


def test_sigmoid_applied_twice() -> None:
    model = nn.Sequential(linear(), nn.Sigmoid())  # the model already ends in σ

    def sigmoid_again(model: nn.Module, loss: Any, optimizer: optim.Optimizer) -> None:
        optimizer.zero_grad()
        loss(torch.sigmoid(model(X)), Y).backward()
        optimizer.step()

    error = diagnosed(sigmoid_again, model, nn.BCELoss())
    assert (error.cause, error.step) == ("double_sigmoid", 1)
    assert "σ(σ(Z))" in str(error)


def test_the_same_sigmoid_once_is_right() -> None:
    model = nn.Sequential(linear(), nn.Sigmoid())
    loss = nn.BCELoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    with watch(model, optimizer, loss) as run:
        for _ in range(3):
            the_loop(model, loss, optimizer)
    assert all(run.trace.column("verified")) and run.diagnoses == []


def test_weight_decay_the_user_did_not_expect() -> None:
    model = linear()
    optimizer = optim.AdamW(model.parameters(), lr=0.01)  # weight_decay = 0.01 by default
    error = diagnosed(
        the_loop, model, nn.BCEWithLogitsLoss(), optimizer, expect={"weight_decay": 0.0}
    )
    assert (error.cause, error.step) == ("weight_decay", 1)
    assert error.diagnosis.details["actual"] == 0.01 and error.diagnosis.details["expected"] == 0
    assert "AdamW applies weight_decay = 0.01" in str(error)


def test_weight_decay_written_into_the_loss() -> None:
    lam = 0.1

    def l2_penalty(model: nn.Module, loss: Any, optimizer: optim.Optimizer) -> None:
        optimizer.zero_grad()
        penalty = 0.5 * lam * (model.weight**2).sum()  # on W only
        (loss(model(X), Y) + penalty).backward()
        optimizer.step()

    error = diagnosed(l2_penalty, linear(), nn.BCEWithLogitsLoss())
    assert (error.cause, error.step) == ("weight_decay_loss", 1)
    assert error.diagnosis.details["lam"] == pytest.approx(lam, rel=1e-4)
    assert "on W only" in str(error)


def test_an_unexplained_disagreement_says_what_was_checked() -> None:
    def tampered(model: nn.Module, loss: Any, optimizer: optim.Optimizer) -> None:
        optimizer.zero_grad()
        # a hook that changes dL/dW inside backward(): no known cause does this
        handle = model.weight.register_hook(lambda g: g + 0.3)
        loss(model(X), Y).backward()
        handle.remove()
        optimizer.step()

    error = diagnosed(tampered, linear(), nn.BCEWithLogitsLoss(), lang="es")
    assert (error.cause, error.step) == ("unexplained", 1)
    assert str(error).startswith("paso 1: dW del bucle no coincide con la forma cerrada")
    assert "reduction" in error.diagnosis.details["tried"]


def test_spanish_names_the_cause_in_spanish() -> None:
    def forgot_zero_grad(model: nn.Module, loss: Any, optimizer: optim.Optimizer) -> None:
        loss(model(X), Y).backward()
        optimizer.step()

    error = diagnosed(forgot_zero_grad, linear(), nn.BCEWithLogitsLoss(), lang="es")
    assert str(error).startswith("paso 2: gradientes sin poner a cero entre pasos")


def test_a_two_layer_mlp_that_forgets_zero_grad() -> None:
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))

    def forgot_zero_grad(model: nn.Module, loss: Any, optimizer: optim.Optimizer) -> None:
        loss(model(X), Y).backward()
        optimizer.step()

    error = diagnosed(forgot_zero_grad, mlp, nn.BCEWithLogitsLoss())
    assert (error.cause, error.step) == ("not_zeroed", 2)


def test_record_and_exit_modes(tmp_path: Path) -> None:
    def forgot_zero_grad(model: nn.Module, loss: Any, optimizer: optim.Optimizer) -> None:
        loss(model(X), Y).backward()
        optimizer.step()

    model = linear()
    loss = nn.BCEWithLogitsLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    with watch(model, optimizer, loss, on_mistake="record") as run:
        for _ in range(3):
            forgot_zero_grad(model, loss, optimizer)
    assert [d.step for d in run.diagnoses] == [2, 3]
    assert run.trace.column("diagnosis") == ["", "not_zeroed", "not_zeroed"]
    assert run.summary.status == "diagnosed"

    steps_run = []
    model = linear()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    with (
        pytest.raises(DiagnosisError, match=r"^step 2: gradients not zeroed"),
        watch(model, optimizer, loss, on_mistake="exit", out=tmp_path),
    ):
        for t in range(3):
            forgot_zero_grad(model, loss, optimizer)
            steps_run.append(t)
    assert steps_run == [0, 1, 2]  # every step ran; the error came at the end
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["status"] == "diagnosed"
    assert [d["cause"] for d in summary["watch"]["diagnoses"]] == ["not_zeroed"] * 2
