"""``watch`` around loops written as tutorials and books write them: no false alarm.

Each loop is the author's style with one ``with watch(...)`` line added; the oracle is
the same loop run unwatched (its parameters must come out identical) and PyTorch's own
clipping utilities (the gradient the optimizer received).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from perceptron_lab import watch
from perceptron_lab.engine.trace import Trace
from perceptron_lab.views.report import render_report
from perceptron_lab.watch import DiagnosisError


def _blobs() -> tuple[torch.Tensor, torch.Tensor]:
    """200 samples, three features on different scales (1, 10, 100), a 0/1 target."""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(200, 3, generator=g) * torch.tensor([1.0, 10.0, 100.0])
    y = (X[:, 0] + 0.1 * X[:, 1] > 0).float().unsqueeze(1)
    return X, y


def clipped_loop(clip: Callable[[nn.Module], object], watched: bool) -> tuple[nn.Linear, object]:
    """A DataLoader loop with BCEWithLogitsLoss, SGD with momentum, clipping before step()."""
    X, y = _blobs()
    torch.manual_seed(1)
    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
    model = nn.Linear(3, 1)
    criterion = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def train() -> None:
        for _epoch in range(2):
            for xb, yb in loader:
                optimizer.zero_grad()
                loss = criterion(model(xb), yb)
                loss.backward()
                clip(model)
                optimizer.step()

    if not watched:
        train()
        return model, None
    with watch(model, optimizer, criterion) as run:
        train()
    return model, run


CLIPS = {
    "norm": (
        lambda m: nn.utils.clip_grad_norm_(m.parameters(), max_norm=1.0),
        "clipped to norm 1 ",
    ),
    "value": (lambda m: nn.utils.clip_grad_value_(m.parameters(), clip_value=0.5), "±0.5"),
}


@pytest.mark.parametrize("kind", sorted(CLIPS))
def test_a_clipped_loop_is_verified_and_the_clip_named(kind: str) -> None:
    clip, words = CLIPS[kind]
    plain, _ = clipped_loop(clip, watched=False)
    model, run = clipped_loop(clip, watched=True)
    summary = run.summary  # type: ignore[attr-defined]
    assert summary.steps == 14 and summary.verified_steps == 14
    assert summary.watch["fully_verified"] and not summary.watch["diagnoses"]
    [note] = summary.watch["notes"]
    assert note.startswith("step 1: the gradient was clipped") and words in note
    # the loop is unchanged by watching it
    assert torch.equal(model.weight, plain.weight) and torch.equal(model.bias, plain.bias)


def test_any_other_edit_of_grad_is_named_and_the_update_still_verified() -> None:
    def nudge(m: nn.Module) -> None:
        m.weight.grad[0, 0] += 0.3  # type: ignore[index]

    _, run = clipped_loop(nudge, watched=True)
    summary = run.summary  # type: ignore[attr-defined]
    assert summary.watch["fully_verified"] and summary.verified_steps == 14
    [note] = summary.watch["notes"]
    assert "the gradient was changed (not a clip by norm or by value)" in note


def test_an_unclipped_step_of_a_clipping_loop_is_not_called_edited() -> None:
    # max_norm so large that clip_grad_norm_ scales by 1: nothing changed, nothing said
    _, run = clipped_loop(lambda m: nn.utils.clip_grad_norm_(m.parameters(), 1e9), watched=True)
    assert run.summary.watch["notes"] == []  # type: ignore[attr-defined]


def d2l_style(watched: bool) -> tuple[nn.Module, object, list[str]]:
    """Linear regression as the book writes it: a per-epoch loss printed with autograd on."""
    g = torch.Generator().manual_seed(0)
    true_w, true_b = torch.tensor([2, -3.4]), 4.2
    features = torch.randn(1000, 2, generator=g)
    labels = (features @ true_w + true_b + 0.01 * torch.randn(1000, generator=g)).reshape(-1, 1)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 1))
    loss = nn.MSELoss()
    trainer = torch.optim.SGD(net.parameters(), lr=0.03)
    printed: list[str] = []

    def train() -> None:
        for epoch in range(2):
            for i in range(0, 1000, 100):
                X, y = features[i : i + 100], labels[i : i + 100]
                l = loss(net(X), y)  # the book names it l
                trainer.zero_grad()
                l.backward()
                trainer.step()
            l = loss(net(features), labels)
            printed.append(f"epoch {epoch + 1}, loss {l:f}")  # as the book prints it

    if not watched:
        train()
        return net, None, printed
    with watch(net, trainer, loss) as run:
        train()
    return net, run, printed


def test_an_evaluation_loss_with_autograd_on_is_not_accumulation() -> None:
    plain, _, printed_plain = d2l_style(watched=False)
    net, run, printed = d2l_style(watched=True)
    summary = run.summary  # type: ignore[attr-defined]
    assert summary.verified_steps == summary.steps == 20
    assert summary.watch["notes"] == [] and summary.watch["fully_verified"]
    assert printed == printed_plain and torch.equal(net[0].weight, plain[0].weight)


def test_real_accumulation_is_still_told() -> None:
    """Two backward passes before one step: recorded, said, not verified."""
    X, y = _blobs()
    model = nn.Linear(3, 1)
    criterion = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    with watch(model, optimizer, criterion) as run:
        for _ in range(2):
            optimizer.zero_grad()
            for half in (slice(0, 100), slice(100, 200)):
                (criterion(model(X[half]), y[half]) / 2).backward()
            optimizer.step()
    [note] = run.summary.watch["notes"]
    assert note.startswith("step 1: 2 backward passes through the loss before one optimizer.step()")
    assert run.summary.verified_steps == 0


class LinearRegression(nn.Module):
    """The textbook manual model: two nn.Parameters, y = w·x + b."""

    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.randn(1, requires_grad=True))
        self.b = nn.Parameter(torch.randn(1, requires_grad=True))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w * x + self.b


@pytest.mark.parametrize(
    ("dtype", "before", "watched"), [(torch.float32, 480, 120), (torch.float64, 800, 100)]
)
def test_finite_differences_near_convergence_are_no_false_alarm(
    dtype: torch.dtype, before: int, watched: int
) -> None:
    """The gradient tends to 0 while the loss does not: a relative error of it must not fail.

    The loop runs unwatched for its first epochs (to where the unscaled check used to fail:
    step 506 in float32, 837 in float64), then watched for the rest.
    """
    torch.manual_seed(42)
    x = torch.rand(100, 1, dtype=dtype)
    y = 1 + 2 * x + 0.1 * torch.randn(100, 1, dtype=dtype)
    model = LinearRegression().to(dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)
    loss_fn = nn.MSELoss(reduction="mean")

    def train(epochs: int) -> None:
        for _ in range(epochs):
            model.train()
            yhat = model(x)
            loss = loss_fn(yhat, y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()

    train(before)
    with watch(model, optimizer, loss_fn, budget=None) as run:  # every step, not a sample
        train(watched)
    verified = run.summary.watch["verified"]
    assert verified["finite_differences"] == verified["update"] == watched
    assert not run.summary.watch["diagnoses"]
    # the gradient is near 0 by now; the check still holds it to the float32/64 rounding
    gaps = [row["fd_autograd_disagreement"] for row in run.trace.steps]
    assert max(gaps) < (1e-5 if dtype == torch.float32 else 1e-8)


def test_a_planted_mistake_in_the_manual_model_is_still_named() -> None:
    """The scaled check still sees a gradient left over from the previous step."""
    torch.manual_seed(42)
    x = torch.rand(100, 1)
    y = 1 + 2 * x + 0.1 * torch.randn(100, 1)
    model = LinearRegression()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)
    loss_fn = nn.MSELoss(reduction="mean")
    planted = "step 2: gradients not zeroed between steps"
    with pytest.raises(DiagnosisError, match=planted), watch(model, optimizer, loss_fn):
        for _ in range(5):
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()  # no zero_grad()


def test_a_watched_two_layer_model_is_reported(tmp_path: Path) -> None:
    """No nn.Linear of its own to explain: the report still shows every step's numbers."""
    torch.manual_seed(0)
    X = torch.randn(64, 2)
    y = (X[:, :1] * X[:, 1:] > 0).float()
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.BCEWithLogitsLoss()
    with watch(model, optimizer, loss_fn, out=tmp_path / "run"):
        for _ in range(3):
            optimizer.zero_grad()
            loss_fn(model(X), y).backward()
            optimizer.step()
    html = render_report(Trace.load(tmp_path / "run"), "en")
    table = html[html.index('id="steps"') :]
    assert table.count("<tr>") >= 4  # the header and the three steps
    assert "—" in table  # no B of its own: all 17 parameters are in W_after


class BostonRegression(nn.Module):
    """A housing-price regression from nn.Parameters, as course notebooks write it."""

    def __init__(self, d: int) -> None:
        super().__init__()
        self.weights = nn.Parameter(torch.zeros(d, 1))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.weights + self.bias  # (N, 1)


def _housing() -> tuple[torch.Tensor, torch.Tensor]:
    """506 rows, 3 standardized features, a (506,) price — Boston's shape."""
    g = torch.Generator().manual_seed(7)
    X = torch.randn(506, 3, generator=g)
    price = X @ torch.tensor([3.0, -1.5, 0.7]) + 22.5 + torch.randn(506, generator=g)
    return X, price


def test_broadcasting_in_a_manual_model_is_named() -> None:
    """(506, 1) predictions against the (506,) price: a 506×506 loss, named at step 1."""
    X, price = _housing()
    model = BostonRegression(3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.MSELoss()
    with (
        pytest.warns(UserWarning, match="broadcasting"),  # PyTorch's own warning, as well
        pytest.raises(DiagnosisError) as caught,
        watch(model, optimizer, criterion),
    ):
        for _epoch in range(10):
            optimizer.zero_grad()
            loss = criterion(model(X), price)
            loss.backward()
            optimizer.step()
    assert (caught.value.cause, caught.value.diagnosis.step) == ("broadcast", 1)
    assert "506×506 loss" in str(caught.value) and "(506, 1)" in str(caught.value)


def test_the_same_manual_model_with_matching_shapes_is_no_alarm() -> None:
    X, price = _housing()
    model = BostonRegression(3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.MSELoss()
    with watch(model, optimizer, criterion) as run:
        for _epoch in range(10):
            optimizer.zero_grad()
            criterion(model(X), price.unsqueeze(1)).backward()
            optimizer.step()
    assert run.summary.watch["verified"]["finite_differences"] == 10
    assert not run.summary.watch["diagnoses"]


@pytest.mark.parametrize(
    ("on", "where"), [("weights", ", on weights only"), ("all", "")], ids=["weights", "all"]
)
def test_an_l2_penalty_in_the_loop_is_named_for_any_model(on: str, where: str) -> None:
    """loss + 0.05·‖w‖² in the loop, with no closed form of the model: λ = 0.1 named."""
    X, price = _housing()
    model = BostonRegression(3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.MSELoss()
    with pytest.raises(DiagnosisError) as caught, watch(model, optimizer, criterion):
        for _epoch in range(10):
            optimizer.zero_grad()
            params = [model.weights] if on == "weights" else list(model.parameters())
            loss = criterion(model(X), price.unsqueeze(1))
            loss = loss + 0.05 * sum((p**2).sum() for p in params)
            loss.backward()
            optimizer.step()
    error = caught.value
    # step 1 starts from zeros, where the penalty's gradient 0.1·θ is 0; once θ has moved
    # enough for 0.1·θ to stand out of the gradient's terms (step 2 or 3), it is named
    assert error.cause == "weight_decay_loss" and error.diagnosis.step in (2, 3)
    assert error.diagnosis.details["lam"] == pytest.approx(0.1, rel=1e-4)
    assert f"(an L2 penalty added to the loss{where})" in str(error)


def _hooked_loop(hook: Callable[[torch.Tensor], torch.Tensor | None], model: nn.Module) -> Any:
    """Gradient hooks registered on the parameters before the loop, as tutorials do."""
    X, y = _blobs()
    for p in model.parameters():
        p.register_hook(hook)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.BCEWithLogitsLoss()
    with watch(model, optimizer, criterion) as run:
        for _ in range(5):
            optimizer.zero_grad()
            criterion(model(X), y).backward()
            optimizer.step()
    return run


def test_a_logging_gradient_hook_is_left_alone() -> None:
    norms: list[float] = []
    run = _hooked_loop(lambda g: norms.append(float(g.norm())), nn.Linear(3, 1))
    assert run.summary.verified_steps == 5 and run.summary.watch["notes"] == []
    assert len(norms) == 10  # called by the loop's backward only: 5 steps × 2 parameters


def test_a_clamping_gradient_hook_is_verified_through_the_hook() -> None:
    """p.register_hook(lambda g: g.clamp(-c, c)): clipping inside backward, no false alarm."""
    run = _hooked_loop(lambda g: g.clamp(-0.05, 0.05), nn.Linear(3, 1))
    summary = run.summary
    assert summary.verified_steps == 5 and not summary.watch["diagnoses"]
    [note] = summary.watch["notes"]
    assert note.startswith("the gradient of weight, bias goes through a hook")


def test_a_clamping_hook_on_another_model_is_said_not_checked() -> None:
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh(), nn.Linear(2, 1))
    run = _hooked_loop(lambda g: g.clamp(-0.05, 0.05), model)
    summary = run.summary
    assert not summary.watch["diagnoses"] and summary.watch["verified"]["update"] == 5
    assert any("it is not checked" in n for n in summary.watch["notes"])
