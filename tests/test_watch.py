"""perceptron_lab.watch: the notebook's own loop, recorded and verified three ways."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn, optim

from perceptron_lab.engine.replay import replay_step
from perceptron_lab.engine.trace import Trace
from perceptron_lab.errors import InputError
from perceptron_lab.watch import watch

X_NB = [[1, 2], [3, 4], [5, 6]]


class Perceptron(nn.Module):
    """The notebook's example 5 model, verbatim."""

    def __init__(self) -> None:
        super().__init__()
        self.layer = nn.Linear(2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer(x)  # type: ignore[no-any-return]


def notebook_loop(
    seed: int, epochs: int = 5, watched: bool = False, **options: Any
) -> tuple[list[float], nn.Module, Any]:
    """Example 5 (seeded), with the one added line when ``watched``."""
    X = torch.tensor(X_NB, dtype=torch.float)
    y = torch.tensor([[1], [0], [1]], dtype=torch.float)
    torch.manual_seed(seed)
    model = Perceptron()
    loss = nn.BCEWithLogitsLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    losses: list[float] = []

    def loop() -> None:
        for _ in range(epochs):
            optimizer.zero_grad()
            logits = model(X)
            loss_values = loss(logits, y)
            loss_values.backward()
            optimizer.step()
            losses.append(loss_values.item())

    if not watched:
        loop()
        return losses, model, None
    with watch(model, optimizer, loss, **options) as run:
        loop()
    return losses, model, run


def same_rows(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal, value for value (NaN equals NaN)."""
    if set(a) != set(b):
        return False
    for key, va in a.items():
        vb = b[key]
        both_nan = isinstance(va, float) and isinstance(vb, float) and math.isnan(va)
        if not (va == vb or (both_nan and math.isnan(vb))):
            return False
    return True


@pytest.mark.parametrize("seed", [0, 7])
def test_example_5_with_one_added_line_is_verified_three_ways(seed: int) -> None:
    plain, plain_model, _ = notebook_loop(seed)
    losses, model, run = notebook_loop(seed, watched=True)
    # watching changes nothing: the same losses and weights, bit for bit
    assert losses == plain
    torch.testing.assert_close(model.layer.weight, plain_model.layer.weight, rtol=0, atol=0)
    trace = run.trace
    assert trace.column("loss") == pytest.approx(plain, rel=1e-7)
    assert trace.column("step") == trace.column("epoch") == [1, 2, 3, 4, 5]
    for row in trace.steps:
        assert row["verified"] is True
        assert all(row[f"verified_{w}"] for w in ("autograd", "closed_form", "update"))
        assert row["verified_finite_differences"] and row["fd_entries"] == 3
        assert row["fd_disagreement"] <= 1e-6  # float64 closed form against float64 differences
        assert row["fd_autograd_disagreement"] <= 1e-4  # the loop's float32 gradient
        assert row["diagnosis"] == ""
    assert len(run.records) == 5
    assert [float(r.loss.closed) for r in run.records] == pytest.approx(plain, rel=1e-6)
    assert all(r.verified for r in run.records)
    assert run.summary.watch["fully_verified"] is True
    assert run.summary.verified_steps == 5
    assert run.notes == [] and run.diagnoses == []


def test_the_notebook_numbers_of_the_first_step() -> None:
    X = torch.tensor(X_NB, dtype=torch.float)
    y = torch.tensor([[1], [0], [1]], dtype=torch.float)
    model = Perceptron()
    with torch.no_grad():
        model.layer.weight.copy_(torch.tensor([[0.5, -0.3]]))  # W = [[0.5], [-0.3]] = weight.T
        model.layer.bias.copy_(torch.tensor([0.1]))
    loss = nn.BCEWithLogitsLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    with watch(model, optimizer, loss) as run:
        optimizer.zero_grad()
        loss(model(X), y).backward()
        optimizer.step()
    row = run.trace.step(1)
    assert round(row["loss"], 4) == 0.6591
    assert [round(v, 4) for v in row["dW"]] == [-0.0847, -0.1551]
    assert [round(v, 4) for v in row["dW_torch"]] == [-0.0847, -0.1551]
    assert round(row["dB"][0], 4) == round(row["dB_torch"][0], 4) == -0.0704
    assert [round(v, 4) for v in row["W_after"]] == [0.5008, -0.2984]
    assert round(row["B_after"][0], 4) == 0.1007
    rec = run.records[0]
    assert rec.Z.closed[0, 0].item() == pytest.approx(-2.2352e-08, rel=1e-4)
    assert [round(v, 4) for v in rec.A.closed[:, 0].tolist()] == [0.5, 0.5987, 0.69]


def hooks(*objects: Any) -> list[int]:
    counts = []
    for obj in objects:
        if isinstance(obj, torch.optim.Optimizer):
            counts += [len(obj._optimizer_step_pre_hooks), len(obj._optimizer_step_post_hooks)]
        else:
            counts.append(len(obj._forward_hooks))
    return counts


def test_hooks_are_removed_after_the_block_and_after_an_exception() -> None:
    model = Perceptron()
    loss = nn.BCEWithLogitsLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    objects = (model, model.layer, loss, optimizer)
    with watch(model, optimizer, loss):
        assert hooks(*objects) == [1, 1, 1, 1, 1]
    assert hooks(*objects) == [0, 0, 0, 0, 0]
    with pytest.raises(RuntimeError, match="the loop failed"), watch(model, optimizer, loss):
        assert hooks(*objects) == [1, 1, 1, 1, 1]
        raise RuntimeError("the loop failed")
    assert hooks(*objects) == [0, 0, 0, 0, 0]


def test_a_run_directory_reads_back_and_replays(tmp_path: Path) -> None:
    out = tmp_path / "watched"
    losses, _, run = notebook_loop(3, epochs=4, watched=True, out=out)
    trace = Trace.load(out)
    assert len(trace) == 4
    assert all(
        same_rows(dict(a), dict(b)) for a, b in zip(trace.steps, run.trace.steps, strict=True)
    )
    assert trace.manifest.data.recipe["source"] == "watch" and trace.manifest.is_watched
    assert (trace.manifest.input_size, trace.manifest.output_size) == (2, 1)
    assert trace.manifest.loss.name == "bce" and trace.manifest.optimizer.name == "sgd"
    assert trace.summary.status == "finished"
    assert trace.history[2]["train_loss"] == pytest.approx(losses[2], rel=1e-7)
    with np.load(out / "data.npz") as data:  # the full batch, stored once
        assert data["X"].tolist() == X_NB and data["y"].reshape(-1).tolist() == [1, 0, 1]
    for n in range(1, 5):
        row = trace.step(n)
        assert (row["sample_start"], row["sample_stop"], row["batch"]) == (0, 3, 0)
        rec = replay_step(trace, n)
        assert rec.dW.closed.reshape(-1).tolist() == row["dW"]
        assert rec.W.reshape(-1).tolist() == row["W_before"]
        assert float(rec.loss.closed) == pytest.approx(row["loss"], rel=1e-6)
        assert rec.W_after.closed.reshape(-1).tolist() == pytest.approx(row["W_after"], rel=1e-6)


def test_views_read_a_watched_run(tmp_path: Path) -> None:
    from perceptron_lab.views.explain import explain, load_run_step
    from perceptron_lab.views.run_summary import step_row_table, summary_table

    X = torch.tensor(X_NB, dtype=torch.float)
    y = torch.tensor([[1], [0], [1]], dtype=torch.float)
    model = Perceptron()
    with torch.no_grad():
        model.layer.weight.copy_(torch.tensor([[0.5, -0.3]]))
        model.layer.bias.copy_(torch.tensor([0.1]))
    loss = nn.BCEWithLogitsLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    with watch(model, optimizer, loss, out=tmp_path):
        for _ in range(2):
            optimizer.zero_grad()
            loss(model(X), y).backward()
            optimizer.step()
    record, context = load_run_step(tmp_path, 1)
    text = explain(record, lang="es", context=context)
    assert "0.6591" in text and "-0.0847" in text.replace("−", "-")
    trace = Trace.load(tmp_path)
    assert summary_table(trace, "en").rows
    assert step_row_table(trace.step(2), "en").rows
    from perceptron_lab.views import plots

    curve = plots.loss_curve(trace).axes[0]
    [steps] = [line for line in curve.get_lines() if line.get_gid() == "step_loss"]
    assert list(steps.get_ydata()) == trace.column("loss")
    # the loop's rows are its batches, not epochs over a whole train set: no epoch series
    assert [line.get_gid() for line in curve.get_lines()] == ["step_loss"]
    assert plots.gradient_norms(trace).axes


def test_a_two_layer_mlp_is_recorded_and_marked_not_fully_verified(tmp_path: Path) -> None:
    X = torch.tensor(X_NB, dtype=torch.float)
    y = torch.tensor([[1], [0], [1]], dtype=torch.float)

    def run(watched: bool) -> tuple[list[float], Any]:
        torch.manual_seed(1)
        mlp = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
        loss = nn.BCEWithLogitsLoss()
        optimizer = optim.SGD(mlp.parameters(), lr=0.1, momentum=0.9)
        losses = []
        with (
            watch(mlp, optimizer, loss, out=tmp_path) if watched else contextlib.nullcontext() as w
        ):
            for _ in range(3):
                optimizer.zero_grad()
                value = loss(mlp(X), y)
                value.backward()
                optimizer.step()
                losses.append(value.item())
        return losses, w

    plain, _ = run(False)
    losses, w = run(True)
    assert losses == plain
    assert w.records == []
    assert w.trace.column("loss") == pytest.approx(plain, rel=1e-7)
    for row in w.trace.steps:
        assert row["verified"] is False
        assert row["verified_closed_form"] is False
        assert row["verified_update"] is True  # SGD's rule on the loop's own gradient
        assert row["verified_finite_differences"] is True and row["fd_entries"] == 17
        assert row["fd_autograd_disagreement"] <= 1e-4
        assert len(row["W_before"]) == 17 and "B_before" not in row
    assert w.summary.watch["fully_verified"] is False
    assert w.summary.watch["verified"] == {
        "autograd": 3,
        "closed_form": 0,
        "finite_differences": 3,
        "update": 3,
    }
    assert any("2 nn.Linear" in note for note in w.notes)
    trace = Trace.load(tmp_path)  # recorded, but there is no closed form to replay
    assert trace.manifest.parameters[0] == ["0.weight", [4, 2]]
    with pytest.raises(InputError, match=r"a run of one nn\.Linear layer"):
        replay_step(trace, 1)


def perceptron_linear(d: int = 2, k: int = 1, seed: int = 0) -> nn.Linear:
    torch.manual_seed(seed)
    return nn.Linear(d, k)


Loop = Callable[[nn.Module, Any, torch.Tensor, torch.Tensor], torch.Tensor]


def plain_loss(model: nn.Module, loss: Any, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return loss(model(X), y)  # type: ignore[no-any-return]


def margin_loss(model: nn.Module, loss: Any, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    z = model(X)
    return loss(z, torch.zeros_like(z), y)  # type: ignore[no-any-return]


X3 = torch.tensor([[1.0, 2.0], [3.0, -4.0], [-5.0, 6.0], [0.5, 0.5]])
SETUPS: dict[str, tuple[Callable[[nn.Module], Any], Any, torch.Tensor, int, Loop]] = {
    "sgd nesterov, weight decay": (
        lambda m: optim.SGD(
            m.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01
        ),
        nn.BCEWithLogitsLoss(),
        torch.tensor([[1.0], [0.0], [1.0], [0.0]]),
        1,
        plain_loss,
    ),
    "adam amsgrad, pos_weight": (
        lambda m: optim.Adam(m.parameters(), lr=0.05, amsgrad=True),
        nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0])),
        torch.tensor([[1.0], [0.0], [1.0], [0.0]]),
        1,
        plain_loss,
    ),
    "adamw, sum": (
        lambda m: optim.AdamW(m.parameters(), lr=0.05),
        nn.BCEWithLogitsLoss(reduction="sum"),
        torch.tensor([[1.0], [0.0], [1.0], [0.0]]),
        1,
        plain_loss,
    ),
    "rmsprop centered, mse": (
        lambda m: optim.RMSprop(m.parameters(), lr=0.01, momentum=0.5, centered=True),
        nn.MSELoss(),
        torch.tensor([[0.5], [-1.0], [2.0], [0.0]]),
        1,
        plain_loss,
    ),
    "adagrad, cross-entropy": (
        lambda m: optim.Adagrad(m.parameters(), lr=0.1, lr_decay=0.01),
        nn.CrossEntropyLoss(),
        torch.tensor([0, 2, 1, 2]),
        3,
        plain_loss,
    ),
    "bias without decay": (
        lambda m: optim.SGD(
            [{"params": [m.weight]}, {"params": [m.bias], "weight_decay": 0.0}],
            lr=0.05,
            weight_decay=0.1,
        ),
        nn.BCEWithLogitsLoss(),
        torch.tensor([[1.0], [0.0], [1.0], [0.0]]),
        1,
        plain_loss,
    ),
    "perceptron criterion": (
        lambda m: optim.SGD(m.parameters(), lr=0.1),
        nn.MarginRankingLoss(margin=0.0),
        torch.tensor([[1.0], [-1.0], [1.0], [-1.0]]),
        1,
        margin_loss,
    ),
}


@pytest.mark.parametrize("name", list(SETUPS))
def test_known_losses_and_optimizers_are_verified(name: str, tmp_path: Path) -> None:
    make_optimizer, loss, y, k, compute = SETUPS[name]
    model = perceptron_linear(2, k)
    optimizer = make_optimizer(model)
    with watch(model, optimizer, loss, out=tmp_path) as run:
        for _ in range(3):
            optimizer.zero_grad()
            compute(model, loss, X3, y).backward()
            optimizer.step()
    assert run.notes == []
    assert [row["verified"] for row in run.trace.steps] == [True, True, True]
    trace = Trace.load(tmp_path)
    rec = replay_step(trace, 3)  # the optimizer state comes from step 2's row
    assert rec.dW.closed.reshape(-1).tolist() == trace.step(3)["dW"]
    assert rec.W_after.closed.reshape(-1).tolist() == pytest.approx(
        trace.step(3)["W_after"], rel=1e-5, abs=1e-6
    )
    assert trace.manifest.config.decay_bias is (name != "bias without decay")


def test_mini_batches_leave_the_loops_random_numbers_alone(tmp_path: Path) -> None:
    data = torch.randn(8, 2, generator=torch.Generator().manual_seed(5))
    labels = (data[:, :1] > 0).to(torch.float)

    def run(watched: bool) -> tuple[list[float], torch.Tensor]:
        torch.manual_seed(2)
        model = nn.Linear(2, 1)
        loss = nn.BCEWithLogitsLoss()
        optimizer = optim.Adam(model.parameters(), lr=0.1)
        losses = []
        with watch(model, optimizer, loss, out=tmp_path) if watched else contextlib.nullcontext():
            for _ in range(2):
                order = torch.randperm(8)  # the global generator the watch must not touch
                for batch in order.split(4):
                    optimizer.zero_grad()
                    value = loss(model(data[batch]), labels[batch])
                    value.backward()
                    optimizer.step()
                    losses.append(value.item())
        return losses, model.weight.detach().clone()

    plain, plain_weight = run(False)
    losses, weight = run(True)
    assert losses == plain
    torch.testing.assert_close(weight, plain_weight, rtol=0, atol=0)
    trace = Trace.load(tmp_path)
    assert [(r["sample_start"], r["sample_stop"]) for r in trace.steps] == [
        (0, 4),
        (4, 8),
        (8, 12),
        (12, 16),
    ]
    assert all(r["verified"] for r in trace.steps)
    rec = replay_step(trace, 4)
    assert rec.dW.closed.reshape(-1).tolist() == trace.step(4)["dW"]
    assert rec.state_before["W"]["exp_avg"].reshape(-1).tolist() == trace.step(3)["state_W_exp_avg"]


def test_finite_differences_are_capped_for_larger_models() -> None:
    torch.manual_seed(0)
    X = torch.randn(6, 10)
    y = torch.tensor([0, 1, 2, 0, 1, 2])
    model = nn.Linear(10, 3)
    loss = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    with watch(model, optimizer, loss, max_fd_entries=8) as run:
        for _ in range(2):
            optimizer.zero_grad()
            loss(model(X), y).backward()
            optimizer.step()
    assert run.trace.column("fd_entries") == [8, 8]
    assert all(run.trace.column("verified"))
    assert "finite differences on 8 of 33 parameter entries per step" in run.notes


def test_a_loss_without_a_closed_form_is_recorded_not_verified_by_formula() -> None:
    X = torch.tensor(X_NB, dtype=torch.float)
    y = torch.tensor([[1.0], [0.0], [3.0]])
    model = perceptron_linear()
    loss = nn.HuberLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    with watch(model, optimizer, loss) as run:
        optimizer.zero_grad()
        loss(model(X), y).backward()
        optimizer.step()
    row = run.trace.step(1)
    assert not row["verified_closed_form"] and not row["verified"]
    assert row["verified_finite_differences"] and row["verified_update"]
    assert row["dW"] == row["dW_torch"]  # no closed form: the loop's own gradient
    assert run.records == []
    assert any("HuberLoss has no closed form" in note for note in run.notes)


@pytest.mark.parametrize(
    ("options", "argument"),
    [
        ({"on_mistake": "ignore"}, "on_mistake"),
        ({"lang": "fr"}, "lang"),
        ({"expect": {"momentom": 0.9}}, "expect"),
        ({"max_fd_entries": -1}, "max_fd_entries"),
    ],
)
def test_bad_arguments_are_input_errors(options: dict[str, Any], argument: str) -> None:
    model = perceptron_linear()
    with pytest.raises(InputError, match=rf"^{argument}: expected"):
        watch(model, optim.SGD(model.parameters(), lr=0.1), nn.MSELoss(), **options)


def test_an_extra_forward_after_the_loss_is_not_taken_for_the_step() -> None:
    X = torch.tensor(X_NB, dtype=torch.float)
    y = torch.tensor([[1], [0], [1]], dtype=torch.float)
    other = torch.tensor([[0.5, -1.0], [2.0, 0.0]])
    model = perceptron_linear()
    loss = nn.BCEWithLogitsLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    with watch(model, optimizer, loss) as run:
        for _ in range(2):
            optimizer.zero_grad()
            loss(model(X), y).backward()
            (model(other) > 0).float().mean()  # accuracy elsewhere, with autograd still on
            optimizer.step()
    assert run.trace.column("verified") == [True, True]
    assert run.trace.column("n_samples") == [3, 3]


def test_watch_writes_tensorboard_events_and_plots_a_boundary(tmp_path: Path) -> None:
    """The views work on a watched run: TensorBoard export and a data plot from data.npz."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from perceptron_lab.views import plots

    X = torch.tensor([[1, 2], [3, 4], [5, 6]], dtype=torch.float)
    y = torch.tensor([[1], [0], [1]], dtype=torch.float)
    torch.manual_seed(0)
    model = nn.Linear(2, 1)
    loss = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    with watch(model, optimizer, loss, out=tmp_path / "run", tensorboard=tmp_path / "tb") as run:
        for _ in range(3):
            optimizer.zero_grad()
            loss(model(X), y).backward()
            optimizer.step()
    events = EventAccumulator(str(tmp_path / "tb"))
    events.Reload()
    losses = [e.value for e in events.Scalars("step/loss")]
    assert losses == pytest.approx(run.trace.column("loss"), rel=1e-6)
    figure = plots.decision_boundary(Trace.load(tmp_path / "run"))
    assert len(figure.axes) >= 1
