"""Property tests: every closed-form quantity equals PyTorch's, for every loss × rule."""

from __future__ import annotations

import os
from inspect import signature

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from perceptron_lab.core.notebook_model import Perceptron
from perceptron_lab.core.observed_step import observe_step
from perceptron_lab.core.twin import TorchTwin
from perceptron_lab.losses import get_loss
from perceptron_lab.optim import get_optimizer, rule_class

from .strategies import LOSS_NAMES, RULE_NAMES, losses, problems, rules

STEPS = 5


def run_steps(data, loss, rule, dtype):  # type: ignore[no-untyped-def]
    """Five consecutive observed steps; returns the records."""
    X, y, W, B = data["X"], data["y"], data["W"], data["B"]
    twin = TorchTwin(loss, rule, X.shape[1], W.shape[1], dtype)
    state = None
    records = []
    for t in range(1, STEPS + 1):
        rec = observe_step(X, y, W, B, loss, rule, state=state, step=t, twin=twin, check=False)
        records.append(rec)
        W, B, state = rec.W_after.closed, rec.B_after.closed, rec.state_after_closed
    return records


def plain_torch_loop(data, loss, rule, dtype):  # type: ignore[no-untyped-def]
    """The notebook's loop, untouched by perceptron-lab: an independent oracle for 5 steps."""
    model = Perceptron(data["X"].shape[1], data["W"].shape[1]).to(dtype)
    model.load(data["W"], data["B"])
    module = loss.torch_module()
    optimizer = rule.torch_optimizer(model.parameters())

    def closure() -> torch.Tensor:  # what torch.optim.LBFGS asks for; the others call it too
        optimizer.zero_grad()
        value: torch.Tensor = loss.torch_value(module, model(data["X"]), data["y"])
        value.backward()
        return value

    for _ in range(STEPS):
        optimizer.step(closure)
    return model.W, model.B


@pytest.mark.parametrize("rule_name", RULE_NAMES)
@pytest.mark.parametrize("loss_name", LOSS_NAMES)
@settings(max_examples=int(os.environ.get("PLAB_FLOAT64_EXAMPLES", "15")), deadline=None)
@given(data=st.data())
def test_float64_every_quantity_agrees(loss_name: str, rule_name: str, data: st.DataObject) -> None:
    loss = data.draw(losses(loss_name))
    rule = data.draw(rules(rule_name))
    problem = data.draw(problems(loss, torch.float64))
    records = run_steps(problem, loss, rule, torch.float64)
    for rec in records:
        assert rec.verified
        found = rec.disagreements()
        # Z, A, loss, dZ, dW, dB, params after, updates, and every optimizer state tensor
        # (L-BFGS fills its history slots as its pairs come: held once kept)
        held = [key for entries in rec.state_after.values() for key in entries]
        assert set(held) <= set(rule.state_keys())
        assert rule.joint or len(held) == 2 * len(rule.state_keys())
        assert len(found) >= 10 + len(held)
        worst_name, worst = rec.worst
        assert worst <= 1e-10, f"step {rec.step}: {worst_name} off by {worst:.3e}"
    # the chained closed form matches a plain PyTorch loop that never syncs
    W, B = plain_torch_loop(problem, loss, rule, torch.float64)
    last = records[-1]
    # L-BFGS divides by curvatures yᵢ·sᵢ that the two gradients' last bits move, and its
    # next steps build on them: over a chained run it amplifies those bits (each step
    # above still agrees to 1e-10, its twin starting from the same numbers)
    rtol = 1e-6 if rule.joint else 1e-9
    torch.testing.assert_close(last.W_after.closed, W, rtol=rtol, atol=1e-12)
    torch.testing.assert_close(last.B_after.closed, B, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("rule_name", RULE_NAMES)
@pytest.mark.parametrize("loss_name", LOSS_NAMES)
@settings(max_examples=int(os.environ.get("PLAB_FLOAT32_EXAMPLES", "5")), deadline=None)
@given(data=st.data())
def test_float32_within_its_tolerance(loss_name: str, rule_name: str, data: st.DataObject) -> None:
    loss = data.draw(losses(loss_name))
    rule = data.draw(rules(rule_name))
    problem = data.draw(problems(loss, torch.float32))
    for rec in run_steps(problem, loss, rule, torch.float32):
        assert rec.tolerance == 1e-5
        worst_name, worst = rec.worst
        assert worst <= 1e-5, f"step {rec.step}: {worst_name} off by {worst:.3e}"


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n=st.integers(1, 40),
    d=st.integers(1, 6),
    lr=st.floats(0.01, 2.0),
    epochs=st.integers(1, 4),
)
def test_perceptron_criterion_sgd_is_rosenblatt(
    seed: int, n: int, d: int, lr: float, epochs: int
) -> None:
    """SGD (batch 1) on max(0, −t·z) equals the textbook rule written by hand."""
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g, dtype=torch.float64)
    t = torch.where(torch.randn(n, generator=g) > 0, 1.0, -1.0).to(torch.float64)
    w0 = torch.randn(d, generator=g, dtype=torch.float64)
    b0 = float(torch.randn(1, generator=g))

    # hand-written Rosenblatt: on a mistake (t·z ≤ 0), w ← w + γ·t·x, b ← b + γ·t
    w, b = [float(v) for v in w0], b0
    for _ in range(epochs):
        for i in range(n):
            x = [float(v) for v in X[i]]
            z = sum(wj * xj for wj, xj in zip(w, x, strict=True)) + b
            if float(t[i]) * z <= 0:
                w = [wj + lr * float(t[i]) * xj for wj, xj in zip(w, x, strict=True)]
                b = b + lr * float(t[i])

    loss = get_loss("perceptron")
    rule = get_optimizer("sgd", lr=lr)
    W, B = w0.reshape(d, 1).clone(), torch.tensor([b0], dtype=torch.float64)
    step = 0
    for _ in range(epochs):
        for i in range(n):
            step += 1
            rec = observe_step(
                X[i : i + 1], loss.targets(t[i : i + 1], 1), W, B, loss, rule, step=step
            )
            W, B = rec.W_after.closed, rec.B_after.closed
    torch.testing.assert_close(
        W[:, 0], torch.tensor(w, dtype=torch.float64), rtol=1e-12, atol=1e-12
    )
    assert B.item() == pytest.approx(b, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    "rule_name", [n for n in RULE_NAMES if "weight_decay" in signature(rule_class(n)).parameters]
)
def test_weight_decay_on_W_only(rule_name: str) -> None:
    """decay_bias=False: B moves as without decay, W as with it; PyTorch agrees via param groups."""
    g = torch.Generator().manual_seed(1)
    X = torch.randn(20, 3, generator=g, dtype=torch.float64)
    y = (torch.randn(20, generator=g) > 0).to(torch.float64)
    W = torch.randn(3, 1, generator=g, dtype=torch.float64)
    B = torch.tensor([0.5], dtype=torch.float64)
    loss = get_loss("bce")
    decayed = get_optimizer(rule_name, lr=0.1, weight_decay=0.5)
    plain = get_optimizer(rule_name, lr=0.1, weight_decay=0.0)
    t = loss.targets(y, 1)
    rec = observe_step(X, t, W, B, loss, decayed, decay_bias=False)
    assert rec.worst[1] <= 1e-10
    torch.testing.assert_close(
        rec.B_after.torch, observe_step(X, t, W, B, loss, plain).B_after.torch
    )
    assert not torch.equal(rec.W_after.closed, observe_step(X, t, W, B, loss, plain).W_after.closed)
