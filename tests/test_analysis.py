"""The numbers the plots draw: loss surface, per-sample attribution, plane, BCE stability."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from perceptron_lab.cli import main
from perceptron_lab.data import load
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.run_data import run_data
from perceptron_lab.engine.trace import Trace
from perceptron_lab.engine.train import Trainer
from perceptron_lab.errors import InputError
from perceptron_lab.losses import get_loss
from perceptron_lab.observe import observe
from perceptron_lab.views.analysis import loss_grid as surface_module
from perceptron_lab.views.analysis.bce_sweep import stability_curves
from perceptron_lab.views.analysis.contributions import attribution_data, sample_contributions
from perceptron_lab.views.analysis.loss_grid import grid_loss, loss_surface_grid
from perceptron_lab.views.analysis.parameters import (
    epoch_end,
    parameter_name,
    split_theta,
    theta_path,
)
from perceptron_lab.views.analysis.plane import boundary_line, check_plane, plane, predicted_regions


def train(out: Path, *argv: str) -> Trace:
    assert main(["train", *argv, "--quiet", "--format", "json", "--out", str(out)]) == 0
    return Trace.load(out)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Trace]:
    root = tmp_path_factory.mktemp("analysis_runs")
    parent = train(root / "P", "blobs", "--epochs", "10", "--checkpoint-every", "2")
    child = train(root / "C", "--branch", str(root / "P"), "--at-step", "4", "--lr", "0.5")
    moons = train(root / "M", "moons", "--batch-size", "16", "--epochs", "2", "--lr", "0.1")
    iris = train(
        root / "I", "iris", "--features", "2,3", "--standardize", "--epochs", "3", "--lr", "0.5"
    )
    return {"parent": parent, "child": child, "moons": moons, "iris": iris}


def fake_trace(**data: Any) -> Trace:
    """A trace of no steps whose manifest says the data has other features or task."""
    manifest = Trainer(TrainConfig(), load("seed")).manifest()
    return Trace(None, replace(manifest, data=replace(manifest.data, **data)), steps=[])


# ---------------------------------------------------------------- stability


def test_stability_at_minus_100_with_label_1() -> None:
    curves = stability_curves()
    assert curves.z[0] == -100.0
    for dtype in ("float32", "float64"):
        assert curves.curve("with_logits", dtype, 1)[0] == pytest.approx(100.0, rel=1e-6)
        assert curves.curve("probabilities", dtype, 1)[0] == pytest.approx(100.0, rel=1e-6)
    assert math.isinf(curves.curve("naive", "float32", 1)[0])  # σ(−100) rounds to 0: −log 0
    assert curves.curve("naive", "float64", 1)[0] == pytest.approx(100.0, rel=1e-9)
    assert math.isnan(curves.curve("naive", "float32", 0)[0])  # 0·log 0


def test_stability_where_sigmoid_rounds_to_one() -> None:
    curves = stability_curves()
    at = int(np.flatnonzero(curves.z == 50.0)[0])
    for dtype in ("float32", "float64"):  # σ(50) is 1 in both: log(1 − σ) = −inf
        assert math.isinf(curves.curve("naive", dtype, 0)[at])
        assert curves.curve("probabilities", dtype, 0)[at] == pytest.approx(100.0)  # its clamp
        assert curves.curve("with_logits", dtype, 0)[at] == pytest.approx(50.0, rel=1e-6)
    # float32 rounds σ(20) to 1 already; float64 does not, but 1 − σ(20) loses digits
    at20 = int(np.flatnonzero(curves.z == 20.0)[0])
    exact = 20.0 + math.log1p(math.exp(-20.0))
    assert math.isinf(curves.curve("naive", "float32", 0)[at20])
    naive64 = curves.curve("naive", "float64", 0)[at20]
    assert 1e-10 < abs(naive64 - exact) / exact < 1e-8
    assert curves.curve("with_logits", "float64", 0)[at20] == pytest.approx(exact, rel=1e-15)


def test_stability_agrees_where_nothing_rounds() -> None:
    curves = stability_curves(("float64",))
    at = int(np.flatnonzero(curves.z == 2.0)[0])
    exact = {1: math.log1p(math.exp(-2.0)), 0: 2.0 + math.log1p(math.exp(-2.0))}
    for label, value in exact.items():
        for method in ("naive", "probabilities", "with_logits"):
            assert curves.curve(method, "float64", label)[at] == pytest.approx(value, rel=1e-12)
    assert ("naive", "float32", 1) not in curves.loss


# ---------------------------------------------------------------- attribution


def test_contributions_on_the_notebook(notebook: dict[str, torch.Tensor]) -> None:
    (record,) = observe(notebook["X"], notebook["y"], notebook["W"], notebook["B"], lr=0.01)
    c = sample_contributions(record)  # (3, 2, 1)
    sigma = torch.tensor([0.5, 0.5987, 0.6900])
    by_hand = notebook["X"] * ((sigma - notebook["y"]) / 3)[:, None]  # xₙ·(σₙ − yₙ)/N
    assert torch.allclose(c[:, :, 0], by_hand, atol=1e-4)
    assert c.sum(dim=0)[:, 0].tolist() == pytest.approx([-0.0847, -0.1551], abs=1e-4)


def test_attribution_sums_to_the_traced_gradient(runs: dict[str, Trace]) -> None:
    trace = runs["moons"]
    row = trace.step(5)  # a mini-batch of 16 from the shuffled second batch of epoch 1
    att = attribution_data(trace, 5)
    assert att.X.shape == (16, 2) and att.contributions.shape == (16, 2, 1)
    assert att.contributions.sum(axis=0)[:, 0] == pytest.approx(row["dW"], rel=1e-5, abs=1e-7)
    assert att.W[:, 0].tolist() == row["W_before"]
    assert att.labels is not None and set(att.labels.tolist()) <= {0, 1}


# ---------------------------------------------------------------- surface


def test_grid_loss_matches_torch_per_point(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(surface_module, "CHUNK_NUMBERS", 64)  # many small chunks
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(20, 2, generator=gen, dtype=torch.float64)
    cases = [
        ("bce", torch.randint(0, 2, (20, 1), generator=gen).to(torch.float64), 1),
        ("cross_entropy", torch.randint(0, 3, (20,), generator=gen), 3),
        ("mse", torch.randn(20, 1, generator=gen, dtype=torch.float64), 1),
    ]
    for name, y, k in cases:
        loss = get_loss(name)
        thetas = torch.randn(11, 2 * k + k, generator=gen, dtype=torch.float64)
        got = grid_loss(loss, X, y, thetas, 2, k)
        module = loss.torch_module()
        for g in range(11):
            W, B = thetas[g, : 2 * k].reshape(2, k), thetas[g, 2 * k :]
            assert float(got[g]) == pytest.approx(float(module(X @ W + B, y)), rel=1e-12)


def test_surface_at_the_final_parameters_is_the_final_loss(runs: dict[str, Trace]) -> None:
    trace = runs["parent"]
    s = loss_surface_grid(trace, (0, 2), n=15)
    last = trace.steps[-1]
    final = [*last["W_after"], *last["B_after"]]
    j = int(np.flatnonzero(s.u == final[0])[0])
    i = int(np.flatnonzero(s.v == final[2])[0])
    assert s.loss.shape == (len(s.v), len(s.u))
    assert s.loss[i, j] == pytest.approx(trace.summary.final["train_loss"], rel=1e-6)
    assert s.names == ("W[1,1] (x1)", "B[1]")
    # the path: θ before step 1, then after every step
    assert s.path[0].tolist() == [trace.steps[0]["W_before"][0], trace.steps[0]["B_before"][0]]
    assert s.path[1:, 0].tolist() == [r["W_after"][0] for r in trace.steps]
    assert s.path[1:, 1].tolist() == [r["B_after"][0] for r in trace.steps]
    assert s.parent_path is None and s.branch_step is None
    assert (s.u.min(), s.u.max()) < (s.path[:, 0].min(), s.path[:, 0].max())


def test_surface_of_a_branch_brings_its_parent(runs: dict[str, Trace]) -> None:
    child, parent = runs["child"], runs["parent"]
    s = loss_surface_grid(child, (0, 1), n=10)
    assert s.branch_step == 4 and s.steps[0] == 4 and s.steps[-1] == 10
    assert s.parent_path is not None and s.parent_steps is not None
    assert s.parent_path[1:, 1].tolist() == [r["W_after"][1] for r in parent.steps]
    at = int(np.flatnonzero(s.parent_steps == 4)[0])
    assert s.parent_path[at].tolist() == s.path[0].tolist()  # the branch starts where K ended
    assert loss_surface_grid(child, (0, 1), parent=None, n=5).parent_path is None


def test_surface_refuses_bad_parameters(runs: dict[str, Trace]) -> None:
    for params in ((0, 0), (0, 3), (0,), (-1, 1)):
        with pytest.raises(InputError, match=r"^params: expected two different parameter indices"):
            loss_surface_grid(runs["parent"], params)


# ---------------------------------------------------------------- plane and parameters


def test_boundary_line_lies_on_z_zero() -> None:
    W, B = torch.tensor([[0.5], [-0.3]]), torch.tensor([0.1])
    for W_ in (W, torch.tensor([[2.0], [0.1]]), torch.tensor([[0.0], [1.0]])):
        seg = boundary_line(W_, B, (-3.0, 3.0), (-2.0, 2.0))
        assert seg is not None and seg.shape == (2, 2)
        z = seg @ W_[:, 0].numpy().astype(np.float64) + float(B[0])
        assert np.abs(z).max() < 1e-6
    steep = boundary_line(torch.tensor([[2.0], [0.1]]), B, (-3.0, 3.0), (-2.0, 2.0))
    assert steep is not None and steep[:, 1].tolist() == [-2.0, 2.0]  # solved for x1
    assert boundary_line(torch.zeros(2, 1), B, (0.0, 1.0), (0.0, 1.0)) is None


def test_regions_are_the_argmax_of_the_logits() -> None:
    W = torch.tensor([[1.0, -1.0, 0.0], [0.0, 0.5, -2.0]], dtype=torch.float64)
    B = torch.tensor([0.0, 0.2, -0.1], dtype=torch.float64)
    x1s, x2s, regions, _ = predicted_regions(get_loss("cross_entropy"), W, B, (-1, 1), (-2, 2), 7)
    for i, x2 in enumerate(x2s):
        for j, x1 in enumerate(x1s):
            logits = np.array([x1, x2]) @ W.numpy() + B.numpy()
            assert regions[i, j] == int(np.argmax(logits))
    _, _, binary, _ = predicted_regions(
        get_loss("perceptron"),
        torch.tensor([[1.0], [0.0]]),
        torch.tensor([0.0]),
        (-1, 1),
        (0, 1),
        4,
    )
    assert binary[0].tolist() == [0, 0, 1, 1]  # H(x1): class 1 (t = +1) where x1 ≥ 0


def test_plane_refuses_what_it_cannot_draw() -> None:
    with pytest.raises(InputError, match="2 features"):
        check_plane(fake_trace(n_features=4))
    with pytest.raises(InputError, match="class labels"):
        check_plane(fake_trace(task="regression"))


def test_plane_of_a_softmax_run(runs: dict[str, Trace]) -> None:
    points = plane(runs["iris"])
    assert points.data.k == 3 and points.classes == ["setosa", "versicolor", "virginica"]
    assert points.X.shape == (150, 2) and set(points.labels.tolist()) == {0, 1, 2}
    assert points.xlim[0] < points.X[:, 0].min() and points.ylim[1] > points.X[:, 1].max()


def test_theta_path_and_helpers(runs: dict[str, Trace]) -> None:
    steps, thetas = theta_path(runs["child"])
    assert steps.tolist() == list(range(4, 11)) and thetas.shape == (7, 3)
    W, B = split_theta(thetas[-1], 2, 1)
    assert W[:, 0].tolist() == runs["child"].steps[-1]["W_after"]
    assert B.tolist() == runs["child"].steps[-1]["B_after"]
    assert epoch_end(runs["moons"], 1)["step"] == 13  # 200 samples in batches of 16
    with pytest.raises(InputError, match=r"^epoch: expected epochs of this run \(1\.\.2\), got 3"):
        epoch_end(runs["moons"], 3)
    assert parameter_name(4, 2, 3, ["a", "b"]) == "W[2,2] (b)"
    assert parameter_name(7, 2, 3) == "B[2]"
    t = torch.tensor([[-1.0], [1.0]])
    assert get_loss("perceptron").class_index(t).tolist() == [0, 1]  # type: ignore[union-attr]
    assert get_loss("cross_entropy").class_index(torch.tensor([2, 0])).tolist() == [2, 0]  # type: ignore[union-attr]
    assert get_loss("mse").class_index(t) is None
    data = run_data(runs["moons"])
    assert data.train_t.X.shape == (200, 2) and data.dtype == torch.float32
