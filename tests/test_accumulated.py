"""A step over a batch in parts (core.accumulated) against the step over the whole batch.

The oracle is the whole-batch closed form (core.closed_form.train_step), itself checked
against PyTorch elsewhere, and PyTorch's own gradient accumulation (the twin's
``add_part``/``finish_parts``: loss · count_c, backward per part, one optimizer.step).
"""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from perceptron_lab.core.accumulated import Sums, add_parts, check_parts, parts_step
from perceptron_lab.core.agreement import disagreement, tolerance
from perceptron_lab.core.closed_form import train_step
from perceptron_lab.core.twin import TorchTwin
from perceptron_lab.engine.metrics import evaluate, evaluate_parts

from .strategies import LOSS_NAMES, RULE_NAMES, losses, problems, rules


def _cuts(draw: st.DrawFn, n: int) -> list[int]:
    """Sorted cut points 0 < … < n splitting n rows into parts (one part at least)."""
    inner = draw(st.sets(st.integers(1, max(1, n - 1)), max_size=min(5, n - 1)))
    return [0, *sorted(c for c in inner if 0 < c < n), n]


@st.composite
def cases(draw: st.DrawFn) -> tuple:
    loss = draw(losses(draw(st.sampled_from(LOSS_NAMES))))
    rule = draw(rules(draw(st.sampled_from(RULE_NAMES))))
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    p = draw(problems(loss, dtype))
    cuts = _cuts(draw, p["X"].shape[0])
    return loss, rule, dtype, p, cuts


def _parts(p: dict, cuts: list[int]) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(p["X"][a:b], p["y"][a:b]) for a, b in itertools.pairwise(cuts)]


@settings(max_examples=150, deadline=None)
@given(cases())
def test_parts_step_is_the_whole_batch_step(case: tuple) -> None:
    loss, rule, dtype, p, cuts = case
    X, y, W, B = p["X"], p["y"], p["W"], p["B"]
    state: dict = {"W": {}, "B": {}}
    one = train_step(X, y, W, B, loss, rule, state, 1, rule.lr)
    sums, _ = add_parts(_parts(p, cuts), W, B, loss)
    step = parts_step(sums, W, B, loss, rule, state, 1, rule.lr)
    tol = 50 * tolerance(dtype)  # the same sums in another order
    scale = X.abs().T @ loss.grad_magnitude(one.Z, y)
    assert disagreement(step.dW, one.dW, scale) <= tol
    assert disagreement(step.dB, one.dB, loss.grad_magnitude(one.Z, y).sum(0)) <= tol
    assert disagreement(step.loss, one.loss, loss.magnitude(one.Z, y)) <= tol
    assert step.rows == X.shape[0]
    exact = loss.task != "regression"  # hits are counted exactly; R² is rounded
    slack = {"abs": 1e-9} if exact else {"rel": 1e-3, "abs": 1e-4}
    assert step.score == pytest.approx(loss.score(one.Z, y), nan_ok=True, **slack)


@settings(max_examples=100, deadline=None)
@given(cases())
def test_pytorch_accumulation_agrees_with_the_parts(case: tuple) -> None:
    loss, rule, dtype, p, cuts = case
    W, B = p["W"], p["B"]
    d, k = W.shape
    state: dict = {"W": {}, "B": {}}
    twin = TorchTwin(loss, rule, d, k, dtype)
    sums, sizes = add_parts(_parts(p, cuts), W, B, loss, twin=twin, scales=True)
    assert sizes is not None
    step = parts_step(sums, W, B, loss, rule, state, 1, rule.lr)
    verdict = check_parts(step, twin, sizes, W, B, rule, state, 1, rule.lr, True)
    assert verdict.gap <= tolerance(dtype), verdict


def test_a_wrong_gradient_is_caught() -> None:
    """The twin accumulates over rows the closed form did not see: the check fails."""
    from perceptron_lab.losses import get_loss
    from perceptron_lab.optim import get_optimizer

    torch.manual_seed(0)
    loss, rule = get_loss("bce"), get_optimizer("sgd", lr=0.1)
    X, y = torch.randn(100, 3), (torch.rand(100, 1) > 0.5).float()
    W, B = torch.randn(3, 1), torch.zeros(1)
    state: dict = {"W": {}, "B": {}}
    twin = TorchTwin(loss, rule, 3, 1, torch.float32)
    sums, _ = add_parts([(X[:60], y[:60])], W, B, loss)  # a part missing
    step = parts_step(sums, W, B, loss, rule, state, 1, 0.1)
    _, sizes = add_parts([(X, y)], W, B, loss, twin=twin, scales=True)
    assert sizes is not None
    verdict = check_parts(step, twin, sizes, W, B, rule, state, 1, 0.1, True)
    assert verdict.gap > 1e-2


def test_sums_survive_the_flat_vector() -> None:
    """What one all-reduce carries comes back as the same sums."""
    s = Sums(
        torch.tensor(3.5), torch.arange(6.0).reshape(3, 2), torch.tensor([1.0, 2.0]), 12.0, 6,
        torch.tensor([4.0, 6.0], dtype=torch.float64),
    )  # fmt: skip
    back = s.unflat(s.flat())
    assert float(back.value) == 3.5 and back.count == 12.0 and back.rows == 6
    assert torch.equal(back.dW, s.dW) and torch.equal(back.dB, s.dB)
    assert torch.equal(back.score, s.score)


@settings(max_examples=100, deadline=None)
@given(cases())
def test_evaluate_parts_is_evaluate(case: tuple) -> None:
    loss, _, dtype, p, cuts = case
    whole = evaluate(loss, p["X"], p["y"], p["W"], p["B"])
    parts = evaluate_parts(loss, _parts(p, cuts), p["W"], p["B"])
    for key, value in whole.items():
        if math.isnan(value):
            assert math.isnan(parts[key])
        else:
            rel = 1e-3 if dtype == torch.float32 else 1e-9
            assert parts[key] == pytest.approx(value, rel=rel, abs=1e-4)
