"""perceptron-lab against scikit-learn: matched settings agree, and the settings are named."""

from __future__ import annotations

import argparse
import itertools
import json

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from perceptron_lab.cli.compare_cmd import add_compare_parser
from perceptron_lab.errors import InputError
from perceptron_lab.sklearn.reconcile import Comparison, reconcile

AGREEMENT = 1e-5  # max |ΔW| / max |W| reached on breast_cancer (measured: about 9e-7)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def cancer() -> Comparison:
    return reconcile("breast_cancer")


def gap(c: Comparison, reference: str) -> dict[str, float | None]:
    (found,) = [vars(g) for g in c.gaps if g.reference == reference]
    return found


def test_breast_cancer_coefficients_agree_with_logistic_regression(cancer: Comparison) -> None:
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    oracle = LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000).fit(X, y)  # C·Σℓ + ½‖w‖²
    ours = cancer.fits[0]
    assert ours.name == "perceptron-lab"
    assert cancer.weight_decay == pytest.approx(1 / (1.0 * 569), rel=1e-15)  # λ = 1/(C·N)
    scale = np.abs(oracle.coef_).max()
    assert np.abs(np.array(ours.coef) - oracle.coef_).max() / scale < AGREEMENT
    assert np.abs(np.array(ours.intercept) - oracle.intercept_).max() < AGREEMENT
    matched = gap(cancer, "LogisticRegression (matched)")
    assert matched["coef_relative"] is not None and matched["coef_relative"] < AGREEMENT
    assert matched["loss"] is not None and abs(matched["loss"]) < 1e-9
    assert matched["accuracy"] == 0
    # LogisticRegression's own objective: what lbfgs minimized, ours is no lower
    (theirs,) = [f for f in cancer.fits if f.name == "LogisticRegression (matched)"]
    assert ours.objective is not None and theirs.objective is not None
    assert ours.objective >= theirs.objective - 1e-12
    assert ours.objective - theirs.objective < 1e-10


def test_each_setting_that_differs_is_listed_and_matters(cancer: Comparison) -> None:
    named = {(s.model, s.name) for s in cancer.settings}
    assert {
        ("LogisticRegression", "L2 penalty"),
        ("both", "penalty on the intercept"),
        ("LogisticRegression", "stopping"),
        ("SGDClassifier", "loss"),
        ("SGDClassifier", "L2 penalty"),
        ("SGDClassifier", "updates"),
        ("SGDClassifier", "learning-rate schedule"),
        ("SGDClassifier", "stopping"),
    } <= named
    (penalty,) = [
        s for s in cancer.settings if s.name == "L2 penalty" and s.model != "SGDClassifier"
    ]
    assert "1/(1·569) = 1.7575e-03" in penalty.matched
    # the defaults stop early or solve another problem; the matched settings close the gap
    defaults = gap(cancer, "LogisticRegression (defaults)")["coef_relative"]
    assert defaults is not None and defaults > 1e-3
    sgd_defaults = gap(cancer, "SGDClassifier (defaults)")["coef_relative"]
    sgd_matched = gap(cancer, "SGDClassifier (matched)")["coef_relative"]
    assert sgd_defaults is not None and sgd_matched is not None
    assert sgd_matched < 1e-2 < 0.1 < sgd_defaults  # per-sample noise is what remains
    assert cancer.warnings == []


def test_without_a_penalty_the_separable_data_runs_off() -> None:
    c = reconcile("breast_cancer", penalty="none", epochs=300)
    assert c.C is None and c.weight_decay == 0
    epochs = [e for e, _ in c.norms]
    norms = [n for _, n in c.norms]
    assert epochs == [1, 2, 5, 10, 20, 50, 100, 200, 300]
    assert all(a < b for a, b in itertools.pairwise(norms))  # ‖W‖ grows every time
    (logistic,) = [f for f in c.fits if f.name == "LogisticRegression (matched)"]
    assert logistic.accuracy == 1.0 and logistic.coef_norm > 1000  # separable: w runs off
    (warning,) = [w for w in c.warnings if "keeps growing" in w]
    assert "linearly separable" in warning and "--penalty l2" in warning


def test_a_regression_dataset_and_a_bad_c_are_refused() -> None:
    with pytest.raises(InputError, match=r"^dataset: expected a classification dataset"):
        reconcile("diabetes")
    with pytest.raises(InputError, match=r"^C: expected a number in \(0, "):
        reconcile("iris", C=0.0)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    add_compare_parser(parser.add_subparsers())
    args = parser.parse_args(["compare", *argv])
    code: int = args.run(args)
    return code


def test_cli_json_and_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["iris", "--epochs", "100", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dataset"] == "iris" and out["n_samples"] == 150 and out["C"] == 1.0
    assert [f["name"] for f in out["fits"]][:3] == [
        "perceptron-lab",
        "LogisticRegression (defaults)",
        "LogisticRegression (matched)",
    ]
    (sgd,) = [g for g in out["gaps"] if g["reference"] == "SGDClassifier (matched)"]
    assert sgd["coef_max_abs"] is None  # one-vs-rest: not softmax's coefficients
    assert any(s["name"] == "softmax's free shift" for s in out["settings"])

    assert run(["moons", "--size", "60", "--epochs", "50", "--penalty", "none"]) == 0
    text = capsys.readouterr().out
    for title in ("settings that make results differ", "fits", "minus scikit-learn", "by epoch"):
        assert title in text
