"""Advice on a finished run: each measured cause, its numbers against the run's own trace
(and independent oracles), its words in English and Spanish — and none on runs that went well."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.linear_model import Perceptron

from perceptron_lab.cli import main
from perceptron_lab.data import load
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.convergence import separable
from perceptron_lab.engine.datasource import data_spec, load_split
from perceptron_lab.engine.trace import Trace
from perceptron_lab.engine.train import RunResult, Trainer
from perceptron_lab.views.advice import advice_lines, advice_text


def train(
    name: str, *, standardize: bool = False, crosses: str | None = None, **kw: float
) -> RunResult:
    spec = data_spec(name, crosses=crosses)
    data, _ = load_split(spec, test_size=0.0, seed=0, scale=standardize)
    return Trainer(TrainConfig(standardize=standardize, **kw), data).run()  # type: ignore[arg-type]


def losses(result: RunResult) -> tuple[float, list[float]]:
    """L₀ (full batch: step 1's loss, before its update) and Lₑ from the trace."""
    assert result.trace is not None
    return result.trace.steps[0]["loss"], [h["train_loss"] for h in result.trace.history]


def only(result: RunResult, cause: str) -> dict[str, float]:
    found = [a for a in result.summary.advice or () if a["cause"] == cause]
    assert len(found) == 1, result.summary.advice
    return found[0]["numbers"]  # type: ignore[no-any-return]


def test_separability_agrees_with_sklearns_perceptron() -> None:
    for name in ("and", "or", "xor"):
        d = load(name)
        fitted = Perceptron(max_iter=1000, tol=None, random_state=0).fit(d.X, d.y)
        assert separable(d.X, d.y) == (fitted.score(d.X, d.y) == 1.0), name
    assert not separable(load("xor").X, load("xor").y)


def test_xor_is_named_not_separable_with_the_cross_as_fix() -> None:
    r = train("xor", epochs=200, lr=1)
    n = only(r, "not_separable")
    assert n["accuracy"] == r.summary.final["train_accuracy"] <= 0.5
    y = load("xor").y
    assert n["majority"] == np.bincount(y).max() / len(y)
    assert n["epochs"] == len(losses(r)[1]) == 200
    en, es = advice_text(r.summary.advice[0], "en"), advice_text(r.summary.advice[0], "es")  # type: ignore[index]
    assert "one neuron cannot learn" in en and "--crosses x1*x2" in en and "0.250" in en
    assert "una sola neurona" in es and "--crosses x1*x2" in es and "épocas" in es
    fixed = train("xor", epochs=200, lr=1, crosses="x1*x2")  # the fix it names works
    assert fixed.summary.advice is None and fixed.summary.final["train_accuracy"] == 1.0


def test_a_loss_grown_by_orders_of_magnitude_is_diverged_not_finished() -> None:
    r = train("linear", lr=3)
    start, curve = losses(r)
    assert all(np.isfinite(curve))  # finite: no DivergenceError, yet blown up
    assert r.summary.status == "diverged"
    n = only(r, "diverged")
    assert n["start"] == pytest.approx(start, rel=1e-6) and n["worst"] == max(curve)
    assert n["times"] == pytest.approx(max(curve) / start) and n["times"] >= 1e3
    en, es = (
        advice_text({"cause": "diverged", "numbers": n}, "en"),
        advice_text({"cause": "diverged", "numbers": n}, "es"),
    )
    assert "diverged" in en and "--lr 0.3" in en and "--standardize" in en
    assert "divergió" in es and "tasa de aprendizaje" in es and "--lr 0.3" in es


def test_a_rising_loss_says_the_learning_rate_is_too_large() -> None:
    r = train("breast_cancer")  # unstandardized: areas in the hundreds
    start, curve = losses(r)
    n = only(r, "rising")
    assert n["start"] == pytest.approx(start, rel=1e-6) and n["end"] == curve[-1] > start
    assert r.summary.status == "finished"
    a = {"cause": "rising", "numbers": n}
    assert "too large" in advice_text(a, "en") and "--lr 0.001" in advice_text(a, "en")
    assert "demasiado grande" in advice_text(a, "es")


def test_a_loss_still_falling_fast_says_not_converged() -> None:
    r = train("diabetes")
    _, curve = losses(r)
    n = only(r, "still_falling")
    assert n["fell"] == pytest.approx((curve[-2] - curve[-1]) / curve[-2]) and n["fell"] > 0.01
    a = {"cause": "still_falling", "numbers": n}
    assert "not converged" in advice_text(a, "en") and "--epochs 50" in advice_text(a, "en")
    assert "no ha convergido" in advice_text(a, "es") and "épocas" in advice_text(a, "es")


def test_accuracy_at_the_majority_share_on_separable_data_is_stuck() -> None:
    # unscaled features and steps of lr 1: the logits swing to one class or the other, so
    # the accuracy stays at a class's share whatever the rounding of the chaotic path
    r = train("breast_cancer", epochs=100, lr=1.0)
    n = only(r, "majority")
    y = load("breast_cancer").y
    assert n["majority"] == pytest.approx(np.bincount(y).max() / len(y))
    assert n["accuracy"] == r.summary.final["train_accuracy"] <= n["majority"]
    a = {"cause": "majority", "numbers": n}
    assert "majority share" in advice_text(a, "en") and "--standardize" in advice_text(a, "en")
    assert "clase mayoritaria" in advice_text(a, "es")


def test_features_on_scales_far_apart_suggest_standardizing() -> None:
    r = train("breast_cancer")
    n = only(r, "scales")
    sigma = load("breast_cancer").X.std(axis=0)
    assert n["ratio"] == pytest.approx(sigma.max() / sigma.min())
    a = {"cause": "scales", "numbers": n}
    assert "--standardize" in advice_text(a, "en") and "worst area" in advice_text(a, "en")
    assert "desviación típica" in advice_text(a, "es")


@pytest.mark.parametrize(
    ("name", "settings"),
    [
        ("seed", {}),  # the notebook's run, 5 epochs
        ("iris", {"standardize": True, "epochs": 300, "lr": 0.5}),
        ("breast_cancer", {"standardize": True, "epochs": 300, "lr": 0.5}),
    ],
)
def test_no_advice_on_runs_that_went_well(name: str, settings: dict[str, float]) -> None:
    r = train(name, **settings)  # type: ignore[arg-type]
    assert r.summary.status == "finished" and r.summary.advice is None
    assert advice_lines(r.summary.advice) == []


def test_train_prints_the_warning_and_a_diverged_run_exits_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["train", "xor", "--epochs", "200", "--lr", "1", "--quiet"]) == 0
    out = " ".join(capsys.readouterr().out.replace("│", " ").split())  # the table's cells
    assert "warning one neuron cannot learn these classes" in out and "(--crosses x1*x2)" in out
    assert main(["train", "xor", "--epochs", "200", "--lr", "1", "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: one neuron cannot learn") and "--crosses x1*x2" in err
    monkeypatch.setenv("LC_ALL", "es_ES.UTF-8")
    assert main(["train", "linear", "--lr", "3", "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert '"status": "diverged"' in out and err.startswith("aviso: el entrenamiento divergió")


def spreadsheet(path: Path) -> Path:
    """A user's yes/no CSV: 300 rows, features on scales about 1, 100 and 10000."""
    rng = np.random.default_rng(1)
    a, b, c = rng.normal(0, 1, 300), rng.normal(50, 100, 300), rng.normal(2e4, 1e4, 300)
    z = 1.2 * a + 0.02 * (b - 50) - 2e-4 * (c - 2e4) + rng.normal(0, 0.7, 300)
    rows = ["x1,x2,x3,label"] + [
        f"{p},{q},{r},{'yes' if s > 0.3 else 'no'}" for p, q, r, s in zip(a, b, c, z, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_file_on_scales_far_apart_is_standardized_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = spreadsheet(tmp_path / "mydata.csv")
    labels = np.loadtxt(data, delimiter=",", skiprows=1, usecols=3, dtype=str)
    majority = max(np.mean(labels == "yes"), np.mean(labels == "no"))
    run = ["train", str(data), "--target", "label", "--out", str(tmp_path / "run"), "--quiet"]
    assert main(run) == 0
    assert "warning" not in capsys.readouterr().out  # standardized: no advice
    trace = Trace.load(tmp_path / "run")
    assert trace.manifest.config.standardize is True  # stored: resume and predict apply it
    assert trace.summary is not None
    assert trace.summary.final["train_accuracy"] > majority + 0.1
    unscaled = ["train", str(data), "--target", "label", "--no-standardize", "--format", "json"]
    assert main(unscaled) == 1  # the file's default lr on unscaled columns blows the loss up
    out, err = capsys.readouterr()
    assert json.loads(out)["status"] == "diverged"
    assert "scales differ" in err and "--standardize" in err and "diverged" in err


def test_builtin_data_keep_their_default_of_no_standardizing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["train", "breast_cancer", "--format", "json"]) == 0
    final = json.loads(capsys.readouterr().out)["final"]
    assert final == pytest.approx(train("breast_cancer").summary.final)  # unstandardized
    assert final != pytest.approx(train("breast_cancer", standardize=True).summary.final)


def test_separability_without_scipy_agrees_with_the_linear_program(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On the core alone (no SciPy) the batch perceptron rule answers as the exact LP does."""
    import builtins

    rng = np.random.default_rng(0)
    cases = [(load(n).X, load(n).y) for n in ("and", "or", "xor")]
    for shift in (3.0, 0.0):  # two Gaussian blobs: far apart (separable), on top of each other
        X = np.vstack([rng.normal(0, 1, (40, 3)), rng.normal(shift, 1, (40, 3))])
        cases.append((X, np.repeat([0, 1], 40)))
    exact = [separable(X, y) for X, y in cases]
    assert exact == [True, True, False, True, False]
    real_import = builtins.__import__

    def no_scipy(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("scipy"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_scipy)
    assert [separable(X, y) for X, y in cases] == exact


def test_a_run_that_hardly_moved_says_the_learning_rate_is_too_small(tmp_path: Path) -> None:
    """Five full-batch steps of lr 0.01 on the spreadsheet: the loss falls < 5%; the
    advice's numbers are the trace's."""
    data = spreadsheet(tmp_path / "mydata.csv")
    out = tmp_path / "run"
    argv = ["train", str(data), "--target", "label", "--out", str(out), "--quiet"]
    assert main([*argv, "--lr", "0.01", "--epochs", "5", "--batch-size", "300"]) == 0
    trace = Trace.load(out)
    assert trace.summary is not None and trace.summary.advice is not None
    (advice,) = trace.summary.advice
    assert advice["cause"] == "too_slow"
    start, end = trace.steps[0]["loss"], trace.history[-1]["train_loss"]
    n = advice["numbers"]
    assert n["fell"] == pytest.approx((start - end) / start) and 0 <= n["fell"] < 0.05
    assert n["epochs"] == 5 and n["lr"] == 0.01
    assert "--lr 0.1" in advice_text(advice, "en") and "--epochs 50" in advice_text(advice, "en")
    assert "demasiado pequeña" in advice_text(advice, "es")


def test_a_data_file_trains_with_the_file_defaults_and_predicts_its_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A yes/no CSV with no flags: lr 0.1, batches of 32, 50 epochs, standardized; a useful
    model, no warning, and ``predict`` answers in yes/no, as σ(x'W + B) by hand says."""
    data = spreadsheet(tmp_path / "mydata.csv")
    out = tmp_path / "run"
    assert main(["train", str(data), "--target", "label", "--out", str(out), "--quiet"]) == 0
    assert "warning" not in capsys.readouterr().out
    trace = Trace.load(out)
    cfg = trace.manifest.config
    assert (cfg.lr, cfg.batch_size, cfg.epochs, cfg.standardize) == (0.1, 32, 50, True)
    assert trace.summary is not None and trace.summary.final["train_accuracy"] > 0.85
    new = tmp_path / "new.csv"
    rows = data.read_text().splitlines()
    new.write_text(
        "\n".join([rows[0].rsplit(",", 1)[0]] + [r.rsplit(",", 1)[0] for r in rows[1:6]])
    )
    assert main(["predict", str(out), str(new)]) == 0
    answers = [line.split(",")[1] for line in capsys.readouterr().out.splitlines()[1:]]
    X = np.loadtxt(data, delimiter=",", skiprows=1, usecols=(0, 1, 2))
    mu, sd = X.mean(axis=0), X.std(axis=0)
    W = np.asarray(trace.steps[-1]["W_after"]).reshape(3, 1)
    B = np.asarray(trace.steps[-1]["B_after"]).reshape(1)
    p = 1 / (1 + np.exp(-(((X[:5] - mu) / sd) @ W + B)))
    classes = trace.manifest.data.classes
    assert classes is not None
    assert answers == [classes[int(v)] for v in (p[:, 0] > 0.5)]
    assert set(answers) <= {"yes", "no"}
