"""The steppable session: step, rewind, branch — checked against plain PyTorch loops."""

from __future__ import annotations

import pickle

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from perceptron_lab.data import load
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.session import Session
from perceptron_lab.engine.train import Trainer
from perceptron_lab.errors import InputError


def _session(
    name: str = "moons", *, batch_size: int | None = 16, optimizer: str = "sgd", **cfg: object
) -> Session:
    data = load(name, size=60) if name == "moons" else load(name)
    config = TrainConfig(
        epochs=50, batch_size=batch_size, optimizer=optimizer, lr=0.1, seed=3, **cfg
    )  # type: ignore[arg-type]
    return Trainer(config, data).session()


def _same(a: Session, b: Session, steps: range) -> None:
    """Rows of ``steps`` equal bit for bit in both sessions."""
    for t in steps:
        ra, rb = a.rows.row(t), b.rows.row(t)
        assert ra.scalars == rb.scalars
        assert ra.vectors.keys() == rb.vectors.keys()
        for key in ra.vectors:
            assert torch.equal(ra.vectors[key], rb.vectors[key]), (t, key)


def test_steps_follow_a_plain_pytorch_loop() -> None:
    """The notebook's loop (nn.Linear, BCEWithLogitsLoss, torch.optim.SGD) on the same data."""
    session = _session("seed", batch_size=None)
    first = session.state
    session.step(5)
    model = nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(first.W.T)
        model.bias.copy_(first.B)
    X = session.source.X
    y = session.source.y
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = nn.BCEWithLogitsLoss()
    for t in range(1, 6):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        row = session.rows.row(t)
        assert row.scalars["loss"] == pytest.approx(loss.item(), rel=1e-6)
        torch.testing.assert_close(row.after.W, model.weight.detach().T, rtol=1e-6, atol=1e-7)
    assert session.steps_done == 5 and session.worst.verified == 5


def test_rewind_then_step_is_bit_identical() -> None:
    session = _session()
    session.step(10)  # 60 samples in batches of 16: 4 a epoch, so step 10 is mid-epoch 3
    reference = pickle.loads(pickle.dumps(session))
    session.rewind(6)
    assert session.steps_done == 6 and len(session.rows) == 6
    assert torch.equal(session.state.W, reference.rows.row(6).after.W)
    session.step(4)
    _same(session, reference, range(1, 11))
    assert session.worst == reference.worst


def test_rewind_to_the_start_and_bad_steps() -> None:
    session = _session()
    start = session.state
    session.step(3)
    session.rewind(0)
    assert session.state is start and len(session.rows) == 0 and session.worst.verified == 0
    for bad in (-1, 1):
        with pytest.raises(InputError, match=r"^to_step: expected a step between 0 and 0"):
            session.rewind(bad)
    with pytest.raises(InputError, match=r"^n: "):
        session.step(-2)


def test_branch_shares_the_prefix_and_follows_pytorch_with_a_new_lr() -> None:
    parent = _session("seed", batch_size=None)
    parent.step(6)
    child = parent.branch(3, lr=0.5)
    assert [child.rows[i] is parent.rows[i] for i in range(3)] == [True] * 3
    child.step(2)
    parent.rewind(1)  # the parent moves on; the branch's prefix stays
    parent.step(1)
    assert child.rows.row(3) is not parent.rows.row(1) and len(child.rows) == 5
    # PyTorch from the state after step 3, SGD with lr 0.5
    at3 = child.rows.row(3).after
    model = nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(at3.W.T)
        model.bias.copy_(at3.B)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for _ in range(2):
        optimizer.zero_grad()
        nn.BCEWithLogitsLoss()(model(parent.source.X), parent.source.y).backward()
        optimizer.step()
    torch.testing.assert_close(child.state.W, model.weight.detach().T, rtol=1e-6, atol=1e-7)
    assert child.rows.row(5).scalars["lr"] == 0.5


def test_branch_to_another_optimizer_counts_its_updates_anew() -> None:
    parent = _session()
    parent.step(5)
    child = parent.branch(4, optimizer="adam")
    (row,) = child.step()
    assert row.scalars["step"] == 5 and row.scalars["rule_step"] == 1
    assert set(row.after.state["W"]) == {"exp_avg", "exp_avg_sq"}
    assert row.scalars["verified"] and row.scalars["worst_disagreement"] <= 1e-5
    with pytest.raises(InputError, match=r"^at_step: expected a step between 0 and 5"):
        parent.branch(6)


def test_branch_with_another_batch_size_starts_the_next_epoch_mid_epoch() -> None:
    parent = _session()
    parent.step(6)  # epoch 2, batch 2 of 4
    child = parent.branch(6, batch_size=30)
    (row,) = child.step()
    assert (row.scalars["epoch"], row.scalars["batch"], row.scalars["n_samples"]) == (3, 0, 30)


def test_a_pickled_session_continues_identically() -> None:
    session = _session(optimizer="adam")
    session.step(7)
    copy = pickle.loads(pickle.dumps(session))
    session.step(5)
    copy.step(5)
    _same(session, copy, range(1, 13))


@settings(max_examples=15, deadline=None)
@given(
    steps=st.integers(1, 12),
    back=st.integers(0, 12),
    optimizer=st.sampled_from(["sgd", "adam", "rmsprop", "adagrad"]),
    batch_size=st.sampled_from([None, 7, 16]),
)
def test_rewind_property(steps: int, back: int, optimizer: str, batch_size: int | None) -> None:
    """For any run, rule and batch size: rewind to any k, step again, same rows bit for bit."""
    session = _session(batch_size=batch_size, optimizer=optimizer)
    session.step(steps)
    reference = pickle.loads(pickle.dumps(session))
    k = min(back, steps)
    session.rewind(k)
    session.step(steps - k)
    _same(session, reference, range(1, steps + 1))
