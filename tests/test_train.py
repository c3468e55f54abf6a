"""The trainer and its trace, checked against independent computations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from torch import nn

from perceptron_lab.cli import main
from perceptron_lab.data import from_arrays, load
from perceptron_lab.engine.batching import batch_indices
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.trace import Trace
from perceptron_lab.engine.train import Trainer
from perceptron_lab.errors import DivergenceError

BUILTINS = [
    "seed",
    "and",
    "or",
    "xor",
    "iris",
    "breast_cancer",
    "wine",
    "digits",
    "diabetes",
    "blobs",
    "moons",
    "linear",
]


@pytest.mark.parametrize("name", BUILTINS)
def test_train_every_builtin(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    code = main(
        [
            "train",
            name,
            "--epochs",
            "3",
            "--batch-size",
            "64",
            "--standardize",
            "--quiet",
            "--format",
            "json",
            "--out",
            str(out),
        ]
    )
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["status"] == "finished"
    assert summary["worst_disagreement"] <= summary["tolerance"]
    assert summary["verified_steps"] == summary["steps"]  # small runs verify every step
    trace = Trace.load(out)
    assert len(trace) == summary["steps"]
    assert trace.steps[-1]["W_after"] == [w for row in summary["W"] for w in row]


def test_xor_is_not_learned_but_and_is(capsys: pytest.CaptureFixture[str]) -> None:
    def accuracy(name: str) -> float:
        main(["train", name, "--epochs", "300", "--lr", "0.5", "--quiet", "--format", "json"])
        return float(json.loads(capsys.readouterr().out)["final"]["train_accuracy"])

    assert accuracy("and") == 1.0
    assert accuracy("xor") <= 0.75  # no line separates XOR


def test_default_train_is_the_notebook_example_5(capsys: pytest.CaptureFixture[str]) -> None:
    main(["train", "--quiet", "--format", "json"])
    summary = json.loads(capsys.readouterr().out)
    # the notebook's loop from torch.manual_seed(0): an oracle written with plain PyTorch
    X = torch.tensor([[1, 2], [3, 4], [5, 6]], dtype=torch.float)
    y = torch.tensor([[1], [0], [1]], dtype=torch.float)
    torch.manual_seed(0)
    model = nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    for _ in range(5):
        optimizer.zero_grad()
        nn.BCEWithLogitsLoss()(model(X), y).backward()
        optimizer.step()
    assert [w[0] for w in summary["W"]] == pytest.approx(
        model.weight.detach()[0].tolist(), abs=1e-7
    )
    assert summary["B"] == pytest.approx(model.bias.detach().tolist(), abs=1e-7)


def test_trace_rows_match_an_independent_recomputation(tmp_path: Path) -> None:
    data = load("moons", size=100, seed=1)
    config = TrainConfig(epochs=2, batch_size=16, lr=0.1, seed=3, dtype="float64")
    Trainer(config, data).run(tmp_path)
    trace = Trace.load(tmp_path)
    X = torch.tensor(data.X)
    y = torch.tensor(data.y, dtype=torch.float64)
    rows = list(trace)
    assert [r["step"] for r in rows] == list(range(1, 15))  # 7 batches × 2 epochs
    for row, following in zip(rows, [*rows[1:], None], strict=True):
        idx = batch_indices(100, 16, 3, row["epoch"] - 1, row["batch"], True)
        assert row["n_samples"] == len(idx)
        W = torch.tensor(row["W_before"], dtype=torch.float64).reshape(2, 1)
        B = torch.tensor(row["B_before"], dtype=torch.float64)
        z = X[idx] @ W + B
        expected = nn.functional.binary_cross_entropy_with_logits(z[:, 0], y[idx])
        assert row["loss"] == pytest.approx(expected.item(), rel=1e-12)
        assert row["dW"] == pytest.approx(row["dW_torch"], rel=1e-10, abs=1e-14)
        assert row["W_after"] == pytest.approx(
            [a - 0.1 * g for a, g in zip(row["W_before"], row["dW"], strict=True)], rel=1e-12
        )
        if following is not None:
            assert following["W_before"] == row["W_after"]


def test_sampled_verification_first_last_and_every_k(tmp_path: Path) -> None:
    data = load("blobs", size=35)
    summary = (
        Trainer(TrainConfig(epochs=1, batch_size=1, verify_every=10), data).run(tmp_path).summary
    )
    trace = Trace.load(tmp_path)
    verified = [r["step"] for r in trace if r["verified"]]
    assert verified == [1, 10, 20, 30, 35]
    assert summary.verified_steps == 5
    unverified = trace.step(2)
    assert unverified["dW_torch"] is None and unverified["worst_disagreement"] is None


def test_parquet_reads_in_pandas_polars_and_duckdb(tmp_path: Path) -> None:
    Trainer(TrainConfig(epochs=2), load("iris")).run(tmp_path)
    import duckdb
    import pandas as pd
    import polars as pl

    frame = pd.read_parquet(tmp_path / "steps")
    assert list(frame["step"]) == [1, 2]
    assert pl.read_parquet(tmp_path / "steps" / "*.parquet")["loss"].to_list() == list(
        frame["loss"]
    )
    count = duckdb.sql(
        f"select count(*) from read_parquet('{tmp_path}/steps/*.parquet')"
    ).fetchall()[0]
    assert count == (2,)
    assert Trace.load(tmp_path).to_pandas()["loss"].tolist() == list(frame["loss"])


def test_schedule_sets_each_steps_lr(tmp_path: Path) -> None:
    config = TrainConfig(epochs=6, lr=1.0, schedule="step:step_size=2,gamma=0.5")
    Trainer(config, load("seed")).run(tmp_path)
    assert Trace.load(tmp_path).column("lr") == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]


def test_per_sample_gradients_add_up_to_the_batch_gradient(tmp_path: Path) -> None:
    config = TrainConfig(epochs=1, dtype="float64", capture_samples=True, shuffle=False)
    Trainer(config, load("seed")).run(tmp_path)
    trace = Trace.load(tmp_path)
    rows = [r for r in trace.samples if r["step"] == 1]
    assert [r["sample"] for r in rows] == [0, 1, 2]
    X = [[1, 2], [3, 4], [5, 6]]
    for r, x in zip(rows, X, strict=True):
        g = (
            1 / (1 + torch.exp(-torch.tensor(r["z"][0], dtype=torch.float64))) - r["y"][0]
        )  # ∂ℓₙ/∂z = σ(z) − y
        assert r["grad_W"] == pytest.approx([float(g) * xi for xi in x], rel=1e-12)
    mean_grad = [sum(r["grad_W"][j] for r in rows) / 3 for j in range(2)]
    assert mean_grad == pytest.approx(trace.step(1)["dW"], rel=1e-12)


def test_divergence_stops_with_the_step_and_keeps_the_trace(tmp_path: Path) -> None:
    X = torch.randn(64, 3, generator=torch.Generator().manual_seed(0)).numpy() * 100
    data = from_arrays(X, X.sum(axis=1) * 100, task="regression")
    with pytest.raises(DivergenceError) as info:
        Trainer(TrainConfig(epochs=200, lr=10.0), data).run(tmp_path)
    assert "lower the learning rate" in str(info.value)
    trace = Trace.load(tmp_path)
    assert trace.summary.status == "diverged"
    assert len(trace) == info.value.step


def test_weight_decay_spares_the_bias_when_asked(tmp_path: Path) -> None:
    """decay_bias=False: every step (verified or not) decays W only, as scikit-learn's penalty."""
    config = TrainConfig(
        epochs=6,
        lr=0.1,
        verify_every=4,
        dtype="float64",
        decay_bias=False,
        optimizer_options={"weight_decay": 0.5},
    )
    Trainer(config, load("seed")).run(tmp_path)
    for row in Trace.load(tmp_path):
        assert row["B_after"][0] == pytest.approx(
            row["B_before"][0] - 0.1 * row["dB"][0], rel=1e-12
        )
        expected_W = [
            w - 0.1 * (g + 0.5 * w) for w, g in zip(row["W_before"], row["dW"], strict=True)
        ]
        assert row["W_after"] == pytest.approx(expected_W, rel=1e-12)


def test_run_files_are_readable_like_any_file(tmp_path: Path) -> None:
    import os
    import stat

    Trainer(TrainConfig(epochs=1), load("seed")).run(tmp_path)
    mask = os.umask(0)
    os.umask(mask)
    for path in (tmp_path / "config.json", tmp_path / "summary.json", *tmp_path.glob("steps/*")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_records_and_traces_display_as_html_in_jupyter(tmp_path: Path) -> None:
    from perceptron_lab.observe import observe

    record = observe([[1, 2], [3, 4], [5, 6]], [1, 0, 1], [[0.5], [-0.3]], [0.1])[0]
    html = record._repr_html_()
    assert "<table" in html and "0.6591" in html and "-0.0847" in html
    Trainer(TrainConfig(epochs=2), load("seed")).run(tmp_path)
    html = Trace.load(tmp_path)._repr_html_()
    assert "<table" in html and "finished" in html


@pytest.mark.parametrize(
    ("steps", "numbers", "every"),
    [
        # by hand from the documented costs: t(n) = 1e-4 + 1e-9·n s, v(n) = 6e-4 + 1.2e-9·n s
        (5, 6, 1),  # the notebook: 5 · 6.0e-4 s ≤ 0.1 s, every step
        (166, 320, 1),  # 166 · 6.004e-4 s = 0.0997 s: still every step
        (167, 320, 60),  # 0.1003 s: ⌈6.004e-4 / (0.1 · 1.0032e-4)⌉ = ⌈59.85⌉
        (3907, 256 * 100, 51),  # ⌈6.3072e-4 / (0.1 · 1.256e-4)⌉ = ⌈50.2⌉
        (3, 1_000_000 * 100, 13),  # ⌈0.1206 / (0.1 · 0.1001)⌉ = ⌈12.05⌉
    ],
)
def test_automatic_verification_schedule(steps: int, numbers: int, every: int) -> None:
    from perceptron_lab.engine.train import verify_interval

    assert verify_interval(TrainConfig(), steps, numbers) == every
    assert verify_interval(TrainConfig(verify_every=7), steps, numbers) == 7


def test_float32_data_is_shared_with_the_trainer_not_copied() -> None:
    import numpy as np

    X = np.random.default_rng(0).normal(size=(500, 4)).astype(np.float32)
    data = from_arrays(X, (X[:, 0] > 0).astype(int))
    assert data.X.dtype == np.float32 and np.array_equal(data.X, X)
    trainer = Trainer(TrainConfig(dtype="float32"), data)
    assert trainer.train_t.X.data_ptr() == data.X.ctypes.data  # one copy of X, not two
    assert Trainer(TrainConfig(dtype="float64"), data).train_t.X.dtype == torch.float64


def test_loading_a_run_gives_back_every_recorded_value(tmp_path: Path) -> None:
    """What the trainer recorded (its on_step rows) is what Trace.load reads, value for value."""
    seen: list[dict[str, object]] = []

    def keep(row: object) -> None:
        assert isinstance(row, dict)
        seen.append(
            {
                k: v.reshape(-1).tolist() if isinstance(v, torch.Tensor) else v
                for k, v in row.items()
            }
        )

    config = TrainConfig(epochs=3, batch_size=8, optimizer="adam", verify_every=5)
    Trainer(config, load("blobs", size=40)).run(tmp_path, on_step=keep)
    rows = list(Trace.load(tmp_path))
    assert len(rows) == len(seen) == 15
    for written, read in zip(seen, rows, strict=True):
        for key, value in written.items():
            assert read[key] == value, key
        assert read["dW_torch"] is None or read["verified"]


def test_the_summary_says_which_steps_were_verified(tmp_path: Path) -> None:
    """verified_at's runs [first, last, every] are exactly the rows marked verified."""
    import numpy as np

    from perceptron_lab.engine.trace import Trace

    rng = np.random.default_rng(3)
    X = rng.normal(size=(90, 3))
    data = from_arrays(X, (X[:, 0] > 0).astype(int))
    config = TrainConfig(epochs=7, batch_size=10, verify_every=4)  # 63 steps
    result = Trainer(config, data).run(tmp_path / "run")
    rows = Trace.load(tmp_path / "run").steps
    marked = [row["step"] for row in rows if row["verified"]]
    listed = [
        t for first, last, every in result.summary.verified_at for t in range(first, last + 1, every)
    ]
    assert listed == marked == [1, *range(4, 63, 4), 63]
