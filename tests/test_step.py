"""The step record, the disagreement measure, and what happens when the two sides differ."""

from __future__ import annotations

import pytest
import torch

from perceptron_lab.core.agreement import disagreement, tolerance
from perceptron_lab.core.observed_step import observe_step
from perceptron_lab.errors import VerificationError
from perceptron_lab.losses import get_loss
from perceptron_lab.losses.bce import BCEWithLogits
from perceptron_lab.optim import get_optimizer


def test_disagreement_is_relative_to_the_reference() -> None:
    a = torch.tensor([1.0, 2.0, 4.0], dtype=torch.float64)
    b = torch.tensor([1.0, 2.5, 4.0], dtype=torch.float64)
    assert disagreement(a, b) == pytest.approx(0.5 / 4.0)
    assert disagreement(a, b, scale=torch.tensor([10.0])) == pytest.approx(0.5 / 10.0)
    assert disagreement(torch.zeros(2), torch.zeros(2)) == 0.0
    assert tolerance(torch.float64) == 1e-10 and tolerance(torch.float32) == 1e-5


def test_record_is_immutable_and_holds_both_sides(notebook: dict[str, torch.Tensor]) -> None:
    loss = get_loss("bce")
    rec = observe_step(
        notebook["X"],
        loss.targets(notebook["y"], 1),
        notebook["W"],
        notebook["B"],
        loss,
        get_optimizer("sgd", lr=0.01, momentum=0.9),
    )
    with pytest.raises(AttributeError):
        rec.step = 2  # type: ignore[misc]
    names = [n for n, _ in rec.twins()]
    assert names[:10] == [
        "Z",
        "A",
        "loss",
        "dZ",
        "dW",
        "dB",
        "W_after",
        "B_after",
        "update_W",
        "update_B",
    ]
    assert "state[W].momentum_buffer" in names
    torch.testing.assert_close(rec.update_W.closed, rec.W_after.closed - rec.W)
    assert rec.per_sample_loss.shape == (3,)
    assert rec.per_sample_loss.mean().item() == pytest.approx(rec.loss.closed.item())


def test_unverified_step_has_no_torch_side(notebook: dict[str, torch.Tensor]) -> None:
    loss = get_loss("bce")
    rec = observe_step(
        notebook["X"],
        loss.targets(notebook["y"], 1),
        notebook["W"],
        notebook["B"],
        loss,
        get_optimizer("sgd"),
        verify=False,
    )
    assert not rec.verified and rec.dW.torch is None and rec.worst == ("", 0.0)


class WrongBCE(BCEWithLogits):
    """A deliberately wrong gradient (missing the 1/N), to see verification catch it."""

    def per_count(self, g: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        return g


def test_a_wrong_formula_is_caught_and_named(notebook: dict[str, torch.Tensor]) -> None:
    loss = WrongBCE()
    with pytest.raises(VerificationError) as info:
        observe_step(
            notebook["X"],
            loss.targets(notebook["y"], 1),
            notebook["W"],
            notebook["B"],
            loss,
            get_optimizer("sgd"),
            step=4,
        )
    assert info.value.quantity == "dZ" and info.value.step == 4
    assert info.value.disagreement > 0.1  # off by a factor N = 3, far over 1e-5


def test_sum_reduction_scales_the_gradient_by_n(notebook: dict[str, torch.Tensor]) -> None:
    rules = get_optimizer("sgd")
    mean, total = get_loss("bce"), get_loss("bce", reduction="sum")
    y = mean.targets(notebook["y"], 1)
    a = observe_step(notebook["X"], y, notebook["W"], notebook["B"], mean, rules)
    b = observe_step(notebook["X"], y, notebook["W"], notebook["B"], total, rules)
    torch.testing.assert_close(b.dW.torch, 3 * a.dW.torch)
    assert b.loss.closed.item() == pytest.approx(3 * a.loss.closed.item(), rel=1e-6)
