"""Adding a loss or a rule is adding one class: a Huber loss and a sign-SGD rule defined here
alone, registered, then trained, explained and reported.

The oracle is PyTorch: ``torch.nn.HuberLoss`` for the value and autograd for dL/dZ; for the
rule, a torch.optim.Optimizer written here the way torch.optim's own are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

from perceptron_lab import losses, optim
from perceptron_lab.data import load
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.datasource import data_spec
from perceptron_lab.engine.trace import Trace
from perceptron_lab.engine.train import Trainer
from perceptron_lab.losses.activations import IDENTITY
from perceptron_lab.losses.loss import Loss, Numbers, check_shape
from perceptron_lab.observe import observe
from perceptron_lab.optim.rule import State, UpdateRule
from perceptron_lab.optim.worked import Element, Line, gradient_line
from perceptron_lab.views.explain import explain
from perceptron_lab.views.report import render_report


class Huber(Loss):
    """ℓ = ½(z − y)² where |z − y| ≤ δ, else δ·(|z − y| − ½δ); ∂ℓ/∂z = clamp(z − y, −δ, δ)."""

    name = "huber"
    title = "Huber loss"
    activation = IDENTITY
    labels = "real numbers"
    formula = "ℓ = ½(z − y)² if |z − y| ≤ 1 else |z − y| − ½"
    gradient = "∂ℓ/∂z = clamp(z − y, −1, 1)"
    task = "regression"
    takes = ("regression",)
    score_name = "r2"
    tex_loss = r"\operatorname{huber}(z_{s} - y_{s})"
    tex_grad = r"\operatorname{clamp}(Z - Y, -1, 1)"

    def targets(self, y: torch.Tensor, k: int) -> torch.Tensor:
        return check_shape(y, k, self.title)

    def output_size(self, y: torch.Tensor) -> int:
        return 1 if y.dim() == 1 else int(y.shape[1])

    def elements(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        r = (z - y).abs()
        return torch.where(r <= 1, 0.5 * r**2, r - 0.5)

    def element_gradient(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return (z - y).clamp(-1, 1)

    def score(self, z: torch.Tensor, y: torch.Tensor) -> float:
        return float(1 - ((y - z) ** 2).sum() / ((y - y.mean(dim=0)) ** 2).sum())

    def torch_module(self) -> torch.nn.Module:
        return torch.nn.HuberLoss(reduction=self.reduction, delta=1.0)

    def predict(self, z: torch.Tensor) -> torch.Tensor:
        return z.clone()

    def tex_loss_at(self, f: Numbers, z: float, y: float, a: float, j: int) -> str:
        return rf"\operatorname{{huber}}({f.num(z)} - {f.term(y)})"

    def tex_grad_at(self, f: Numbers, z: float, y: float, a: float, j: int) -> str:
        return rf"\operatorname{{clamp}}({f.num(z)} - {f.term(y)}, -1, 1)"


@pytest.fixture
def huber() -> Iterator[type[Huber]]:
    assert losses.register_loss(Huber) is Huber
    yield Huber
    del losses.CATALOG.registered["huber"]  # the other tests see the package's losses only


class TorchSignSGD(torch.optim.Optimizer):
    """θ ← θ − γ·sign(∂L/∂θ), as a torch.optim optimizer (the twin)."""

    def __init__(self, params: Iterable[Any], lr: float) -> None:
        super().__init__(params, {"lr": lr})

    @torch.no_grad()
    def step(self, closure: Any = None) -> None:
        for group in self.param_groups:
            for p in group["params"]:
                p.add_(p.grad.sign(), alpha=-group["lr"])


class SignSGD(UpdateRule):
    """θ ← θ − γ·sign(g): no state, one worked line of its own."""

    name = "signsgd"
    title = "sign SGD"
    twin = "TorchSignSGD"
    counts_steps = False

    def options(self) -> dict[str, Any]:
        return {"lr": self.lr}

    def update(
        self,
        theta: torch.Tensor,
        g: torch.Tensor,
        state: State,
        t: int,
        lr: float,
        keep: dict[str, torch.Tensor | float] | None = None,
    ) -> tuple[torch.Tensor, State]:
        if keep is not None:
            keep["g"] = g
        return theta - lr * g.sign(), {}

    def worked(self, e: Element, f: Numbers) -> list[Line]:
        line, g = gradient_line(e, 0.0, f)
        sub = rf"{e.label} \leftarrow {f.num(e.theta)} - {f.hyper(e.lr)} \cdot \operatorname{{sign}}({f.num(g)}) = {f.num(e.new)}"
        return [line, (r"\theta \leftarrow \theta - \gamma \operatorname{sign}(g)", sub)]

    def torch_optimizer(self, params: Iterable[Any]) -> torch.optim.Optimizer:
        return TorchSignSGD(params, self.lr)


@pytest.fixture
def signsgd() -> Iterator[type[SignSGD]]:
    assert optim.register_rule(SignSGD) is SignSGD
    yield SignSGD
    del optim.CATALOG.registered["signsgd"]


X = [[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]]
Y = [3.0, -0.5, 0.25]
W = [[0.5], [-0.25]]
B = [0.125]  # binary fractions: the inputs are exact in any dtype


def test_a_registered_loss_is_listed_and_built(huber: type[Huber]) -> None:
    assert losses.loss_names()[-1] == "huber"
    assert "huber" in losses.losses_of("regression")
    assert isinstance(losses.get_loss("huber", reduction="sum"), Huber)


def test_observe_a_step_agrees_with_torch(huber: type[Huber]) -> None:
    rec = observe(X, Y, W, B, loss="huber", dtype="float64")[0]
    Xt, yt = torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)
    Z = (Xt @ torch.tensor(W, dtype=torch.float64) + 0.125).requires_grad_()
    L = torch.nn.HuberLoss()(Z, yt[:, None])
    L.backward()
    assert float(rec.loss.closed) == pytest.approx(L.item(), abs=1e-15)
    assert torch.allclose(rec.dZ.closed, Z.grad, atol=1e-15)  # type: ignore[arg-type]
    # z = XW + B = (0.125, 1.875, 0.25): z − y = −2.875, 2.375 (linear pieces), 0 (square)
    assert float(rec.loss.closed) == pytest.approx((2.375 + 1.875 + 0) / 3, abs=1e-15)
    assert [round(float(v), 12) for v in rec.dZ.closed[:, 0]] == [
        round(-1 / 3, 12),
        round(1 / 3, 12),
        0,
    ]
    assert rec.loss.disagreement is not None and rec.loss.disagreement <= 1e-15


def test_train_explain_and_report_a_run(huber: type[Huber], tmp_path: Path) -> None:
    data = load("linear", size=40, seed=1)
    config = TrainConfig(loss="huber", epochs=3, batch_size=10, lr=0.05)
    # the recipe the views reload the data by (a Dataset alone is recorded by its name)
    spec = data_spec("linear", size=40, data_seed=1)
    Trainer(config, data, data_spec=spec).run(tmp_path)
    trace = Trace.load(tmp_path)
    assert trace.manifest.config.loss == "huber" and trace.manifest.loss.name == "huber"
    assert trace.summary is not None and trace.summary.score_name == "r2"
    losses_seen = [float(row["loss"]) for row in trace.steps]
    assert len(losses_seen) == 12 and losses_seen[-1] < losses_seen[0]

    rec = observe(X, Y, W, B, loss="huber", dtype="float64")[0]
    text = explain(rec)
    assert "Huber loss" in text and r"\operatorname{huber}(0.1250 - 3)" in text
    assert r"\operatorname{clamp}(0.1250 - 3, -1, 1)" in text
    assert "nn.HuberLoss(reduction='mean')" in text

    html = render_report(trace, "en")
    assert "huber" in html.lower()


def test_an_update_keeps_its_named_intermediates() -> None:
    """The record carries what the rule computed: checked against the rules' definitions."""
    adam = observe(X, Y, W, B, loss="mse", optimizer="adam", lr=0.1, dtype="float64")[0]
    g, kept = adam.dW.closed, adam.intermediates["W"]
    # t = 1: m̂ = (1 − β1)·g / (1 − β1) = g, v̂ = g², denominator √v/√(1 − β2) + ε = |g| + ε
    assert torch.allclose(kept["m_hat"], g, rtol=1e-12)  # type: ignore[arg-type]
    assert torch.allclose(kept["v_hat"], g**2, rtol=1e-12)  # type: ignore[arg-type]
    assert torch.allclose(kept["denominator"], g.abs() + 1e-8, rtol=1e-12)  # type: ignore[arg-type]
    sgd = observe(
        X, Y, W, B, loss="mse", lr=0.1, dtype="float64", optimizer_options={"weight_decay": 0.5}
    )[0]
    decayed = sgd.dW.closed + 0.5 * torch.tensor(W, dtype=torch.float64)
    assert torch.equal(sgd.intermediates["W"]["g"], decayed)  # type: ignore[arg-type]
    adagrad = observe(
        X,
        Y,
        W,
        B,
        loss="mse",
        optimizer="adagrad",
        lr=0.1,
        steps=3,
        optimizer_options={"lr_decay": 0.5},
    )
    assert [r.intermediates["B"]["lr_t"] for r in adagrad] == [0.1, 0.1 / 1.5, 0.1 / 2.0]


def test_a_registered_rule_steps_as_its_twin_and_explains_itself(
    signsgd: type[SignSGD], tmp_path: Path
) -> None:
    records = observe(X, Y, W, B, loss="mse", optimizer="signsgd", lr=0.25, steps=2)
    # z − y = (−2.875, 2.375, 0); Xᵀ(z − y) = (4.25, −8.125): W − 0.25·(+1, −1)
    assert records[0].W_after.closed.tolist() == [[0.25], [0.0]]
    for rec in records:
        assert rec.W_after.disagreement == 0 and rec.B_after.disagreement == 0
    text = explain(records[0])
    assert r"\theta \leftarrow \theta - \gamma \operatorname{sign}(g)" in text
    assert r"w_{1} \leftarrow 0.5000 - 0.25 \cdot \operatorname{sign}(" in text
    data = load("linear", size=40, seed=1)
    Trainer(TrainConfig(optimizer="signsgd", epochs=2, batch_size=20, lr=0.01), data).run(tmp_path)
    assert Trace.load(tmp_path).manifest.config.optimizer == "signsgd"
