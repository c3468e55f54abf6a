"""The lbfgs rule against torch.optim.LBFGS itself: its steps, its state, a resume through it."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from torch import nn

from perceptron_lab.cli.main import main
from perceptron_lab.core.observed_step import observe_step, state_scales, term_scales
from perceptron_lab.core.twin import TorchTwin
from perceptron_lab.errors import InputError
from perceptron_lab.losses import get_loss
from perceptron_lab.optim import get_optimizer
from perceptron_lab.optim.lbfgs import flatten, split
from perceptron_lab.sklearn import PerceptronClassifier

TASKS = {  # loss: (its torch module, labels of X)
    "bce": (nn.BCEWithLogitsLoss(), lambda X: (X[:, :1] + X[:, 1:2] > 0).double()),
    "cross_entropy": (
        nn.CrossEntropyLoss(),
        lambda X: (X[:, 0] > -0.5).long() + (X[:, 0] > 0.5).long(),
    ),
    "mse": (
        nn.MSELoss(),
        lambda X: X @ torch.tensor([[1.0], [-2.0], [0.5], [0.0]], dtype=torch.float64) + 0.3,
    ),
}


def _data(loss: str, n: int = 60) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(3)
    X = torch.randn(n, 4, generator=g, dtype=torch.float64)
    return X, TASKS[loss][1](X)


def _torch_loop(
    X: torch.Tensor, y: torch.Tensor, loss: str, k: int, steps: int, **options: Any
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """A plain PyTorch loop: nn.Linear from zeros, torch.optim.LBFGS(max_iter=1), autograd."""
    linear = nn.Linear(X.shape[1], k).double()
    nn.init.zeros_(linear.weight)
    nn.init.zeros_(linear.bias)
    optimizer = torch.optim.LBFGS(linear.parameters(), max_iter=1, **options)
    module = TASKS[loss][0]

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        value: torch.Tensor = module(linear(X), y)
        value.backward()
        return value

    out = []
    for _ in range(steps):
        optimizer.step(closure)
        out.append((linear.weight.detach().T.clone(), linear.bias.detach().clone()))
    return out


def _closed_run(
    X: torch.Tensor, y: torch.Tensor, loss: str, k: int, steps: int, **options: Any
) -> list[Any]:
    """The same steps by observe_step, each verified against the twin (and checked)."""
    rule = get_optimizer("lbfgs", **options)
    the_loss = get_loss(loss)
    W = torch.zeros(X.shape[1], k, dtype=torch.float64)
    B = torch.zeros(k, dtype=torch.float64)
    state: dict[str, dict[str, torch.Tensor]] = {"W": {}, "B": {}}
    records = []
    for t in range(1, steps + 1):
        rec = observe_step(X, y, W, B, the_loss, rule, state=state, step=t)
        records.append(rec)
        W, B, state = rec.W_after.closed, rec.B_after.closed, rec.state_after_closed
    return records


def _exact(rec: Any) -> bool:
    """Whether the update and every state tensor are torch's to the last bit."""
    states = [q for n, q in rec.twins() if n.startswith(("state", "update"))]
    return len(states) > 2 and all(q.disagreement == 0.0 for q in states)


@pytest.mark.parametrize("loss", sorted(TASKS))
def test_steps_follow_a_plain_torch_lbfgs_loop(loss: str) -> None:
    """12 steps with m = 3 (the history fills and shifts): W, B as torch's own loop."""
    X, y = _data(loss)
    k = 3 if loss == "cross_entropy" else 1
    theirs = _torch_loop(X, y, loss, k, 12, lr=0.5, history_size=3)
    ours = _closed_run(X, y, loss, k, 12, lr=0.5, history_size=3)
    assert sum(f"old_dirs_{i}" in r.state_after["W"] for r in ours for i in range(3)) > 12
    for rec, (W, B) in zip(ours, theirs, strict=True):
        scale = float(W.abs().max()) + float(B.abs().max())
        assert float((rec.W_after.closed - W).abs().max()) <= 1e-10 * scale, rec.step
        assert float((rec.B_after.closed - B).abs().max()) <= 1e-10 * scale, rec.step


def test_the_state_is_torchs_to_the_last_bit() -> None:
    """Every state tensor after a verified step is torch's own (read back from the twin)."""
    X, y = _data("cross_entropy")
    for rec in _closed_run(X, y, "cross_entropy", 3, 8, history_size=2):
        assert _exact(rec), rec.step


def test_the_first_step_is_the_gradient_scaled_by_its_l1_norm() -> None:
    """t = min(1, 1/Σ|g|)·γ on the first step: θ′ = θ − t·g."""
    X, y = _data("mse")
    (rec,) = _closed_run(X, y, "mse", 1, 1, lr=0.5)
    g = torch.cat((rec.dW.closed.reshape(-1), rec.dB.closed))
    t = min(1.0, 1.0 / float(g.abs().sum())) * 0.5
    assert float(g.abs().sum()) > 1  # the scaling is in effect
    assert torch.allclose(rec.update_W.closed, -t * rec.dW.closed, rtol=1e-14, atol=0)
    assert torch.allclose(rec.update_B.closed, -t * rec.dB.closed, rtol=1e-14, atol=0)


def test_a_pair_without_curvature_is_not_kept_as_torch_does() -> None:
    """y·s ≤ 1e-10 (a step s against the gradient change): torch keeps the old pairs."""
    X, y = _data("bce")
    rule = get_optimizer("lbfgs")
    the_loss = get_loss("bce")
    rec = _closed_run(X, y, "bce", 1, 3)[-1]
    W, B, state = rec.W_after.closed, rec.B_after.closed, rec.state_after_closed
    state["W"]["td"], state["B"]["td"] = -state["W"]["td"], -state["B"]["td"]
    twin = TorchTwin(the_loss, rule, 4, 1, torch.float64)
    after = observe_step(X, y, W, B, the_loss, rule, state=state, step=4, twin=twin)
    pairs = [key for key in state["W"] if key.startswith("old_")]
    assert len(pairs) == 4  # two pairs, as many as before the step
    assert [key for key in after.state_after["W"] if key.startswith("old_")] == pairs
    assert all(torch.equal(after.state_after["W"][key].closed, state["W"][key]) for key in pairs)
    assert _exact(after)


def test_a_gradient_under_tolerance_grad_leaves_everything_as_it_was() -> None:
    """max|g| ≤ tolerance_grad: torch returns before changing θ or the state."""
    X, y = _data("bce")
    rule = get_optimizer("lbfgs", tolerance_grad=1.0)  # above every gradient here
    rec = observe_step(
        X,
        y,
        torch.zeros(4, 1, dtype=torch.float64),
        torch.zeros(1, dtype=torch.float64),
        get_loss("bce"),
        rule,
    )
    assert torch.equal(rec.W_after.closed, rec.W) and torch.equal(rec.W_after.torch, rec.W)
    assert rec.state_after == {"W": {}, "B": {}}


def test_torch_seeded_from_the_recorded_state_goes_on_bit_for_bit() -> None:
    """load_torch_state: torch's LBFGS seeded with step 5's state gives steps 6… of the run."""
    X, y = _data("cross_entropy")
    records = _closed_run(X, y, "cross_entropy", 3, 9, history_size=3)
    rule = get_optimizer("lbfgs", history_size=3)
    twin = TorchTwin(get_loss("cross_entropy"), rule, 4, 3, torch.float64)
    rec = records[4]
    W, B, state = rec.W_after.closed, rec.B_after.closed, rec.state_after_closed
    for later in records[5:]:
        nxt = observe_step(
            X, y, W, B, get_loss("cross_entropy"), rule, state=state, step=later.step, twin=twin
        )
        assert torch.equal(nxt.W_after.closed, later.W_after.closed)
        assert nxt.worst[1] < 1e-12
        W, B, state = (
            nxt.W_after.torch,
            nxt.B_after.torch,
            rule.read_torch_state(
                twin.optimizer, {"W": twin.model.layer.weight, "B": twin.model.layer.bias}
            ),
        )


def test_the_state_has_a_scale_of_its_terms() -> None:
    """The scale a state gap over tolerance is measured on: finite, one per state tensor."""
    X, y = _data("bce")
    rec = _closed_run(X, y, "bce", 1, 4)[-1]
    rule, loss = get_optimizer("lbfgs"), get_loss("bce")
    terms = term_scales(X, y, rec.W, rec.B, loss, rec.Z.closed)
    scales = state_scales(rule, rule, rec.W, rec.B, terms, rec.state_before, 4, 1.0)
    for p, entries in rec.state_after.items():
        assert entries.keys() == scales[p].keys()
        for key, twin in entries.items():
            assert scales[p][key].shape == twin.closed.shape
            assert bool(torch.isfinite(scales[p][key]).all())
    assert bool((scales["W"]["prev_flat_grad"] >= rec.dW.closed.abs()).all())


def test_flatten_is_torchs_parameter_order() -> None:
    """torch's flat vector: weight (= Wᵀ) row by row, then the bias; split undoes it."""
    W, B = torch.arange(6.0).reshape(3, 2), torch.tensor([10.0, 11.0])
    linear = nn.Linear(3, 2)
    with torch.no_grad():
        linear.weight.copy_(W.T)
        linear.bias.copy_(B)
    assert torch.equal(flatten(W, B), torch.cat([p.reshape(-1) for p in linear.parameters()]))
    assert all(torch.equal(a, b) for a, b in zip(split(flatten(W, B), 3, 2), (W, B), strict=True))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"history_size": 0}, "history_size: expected an integer in [1, 100], got 0"),
        ({"history_size": 2.5}, "history_size: expected an integer in [1, 100], got 2.5"),
        ({"tolerance_grad": -1.0}, "tolerance_grad: expected a number >= 0, got -1.0"),
        ({"weight_decay": 0.1}, "got weight_decay"),
    ],
)
def test_bad_options_are_one_line(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as caught:
        get_optimizer("lbfgs", **options)
    assert message in str(caught.value)


def test_train_defaults_lbfgs_to_the_full_batch_and_lr_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def train(out: Path, *options: str) -> int:
        argv = ["train", "moons", "--optimizer", "lbfgs", *options, "--quiet", "--out", str(out)]
        return main(argv)

    out = tmp_path / "run"
    assert train(out, "--epochs", "20") == 0
    manifest = json.loads((out / "config.json").read_text())
    assert (
        manifest["optimizer"]["options"]["lr"] == 1.0 and manifest["config"]["batch_size"] is None
    )
    assert (manifest["batch_size"], manifest["batches_per_epoch"]) == (200, 1)  # moons: 200 rows
    assert capsys.readouterr().err == ""
    assert train(tmp_path / "mini", "--batch-size", "50", "--epochs", "1") == 0
    assert "L-BFGS on mini-batches" in capsys.readouterr().err


def test_the_estimator_reaches_scikit_learns_unpenalized_optimum() -> None:
    """PerceptronClassifier(optimizer="lbfgs") and LogisticRegression(C=∞): one optimum."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X @ [1.0, -1.0, 0.5, 0.0] + 0.3 * rng.normal(size=300) > 0).astype(int)
    ours = PerceptronClassifier(optimizer="lbfgs", learning_rate=1.0, max_iter=100, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours.fit(X, y)
    theirs = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(X, y)
    assert np.allclose(ours.coef_, theirs.coef_, rtol=1e-4, atol=1e-5)
    assert np.allclose(ours.intercept_, theirs.intercept_, rtol=1e-4, atol=1e-5)
    with pytest.raises(InputError, match="alpha: expected 0 with optimizer='lbfgs'"):
        PerceptronClassifier(optimizer="lbfgs", alpha=0.01).fit(X, y)


def test_step_defaults_lbfgs_to_lr_1(capsys: pytest.CaptureFixture[str]) -> None:
    """The notebook's numbers: Σ|g| = 0.3102 < 1, so t = γ = 1 and W′ = W − g exactly."""
    X, y, W, B = "1,2;3,4;5,6", "1,0,1", "0.5;-0.3", "0.1"
    argv = ["step", "--X", X, "--y", y, "--W", W, "--B", B, "--format", "json"]
    assert main([*argv, "--optimizer", "lbfgs"]) == 0
    (step,) = json.loads(capsys.readouterr().out)
    Xt = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    Wt, Bt = (
        torch.tensor([[0.5], [-0.3]], requires_grad=True),
        torch.tensor([0.1], requires_grad=True),
    )
    loss = nn.functional.binary_cross_entropy_with_logits(
        Xt @ Wt + Bt, torch.tensor([[1.0], [0.0], [1.0]])
    )
    loss.backward()
    assert Wt.grad is not None and Bt.grad is not None
    expected = (Wt - Wt.grad).detach().reshape(-1).tolist()
    assert step["lr"] == 1.0
    closed = torch.tensor(step["W_after"]["closed"]).reshape(-1).tolist()
    assert closed == pytest.approx(expected, abs=1e-7)
