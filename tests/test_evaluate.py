"""``perceptron-lab evaluate``: a run's metrics on a labelled file equal scikit-learn's.

scikit-learn's metrics are the oracle, computed from the predictions ``predict`` writes
(labels and probabilities) and the file's own target column.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics as sk

from perceptron_lab.cli import main
from perceptron_lab.engine.model import Prediction
from perceptron_lab.engine.model_metrics import _roc_auc, classification_metrics

from .test_predict import people, spreadsheet_csv, train


def evaluate(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> dict[str, object]:
    capsys.readouterr()
    assert main(["evaluate", *map(str, argv), "--format", "json"]) == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


def predicted(capsys: pytest.CaptureFixture[str], run: Path, data: Path) -> list[dict[str, str]]:
    capsys.readouterr()
    assert main(["predict", str(run), str(data)]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


@pytest.fixture(scope="module")
def yes_no(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A run trained on one yes/no file, and another file of the same kind to evaluate on."""
    root = tmp_path_factory.mktemp("eval")
    header = ["height", "weight", "buys"]
    files = []
    for name, n, seed in (("train", 80, 1), ("new", 40, 2)):
        X, y = people(n, seed)
        rows = [[h, w, c] for (h, w), c in zip(X.tolist(), y.tolist(), strict=True)]
        files.append(spreadsheet_csv(root / f"{name}.csv", header, rows))
    run = root / "run"
    assert train(files[0], "--target", "buys", "--standardize", "--epochs", "5", "--lr", "0.3",
                 "--out", run) == 0  # fmt: skip
    return run, files[1]


def test_binary_metrics_equal_sklearns(
    yes_no: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    run, new = yes_no
    got = evaluate(capsys, run, new)
    rows = predicted(capsys, run, new)
    with new.open(encoding="utf-8-sig") as handle:
        truth = [r["buys"] for r in csv.DictReader(handle)]
    labels = [r["prediction"] for r in rows]
    p_yes = np.array([float(r["P(yes)"]) for r in rows])
    assert got["classes"] == ["no", "yes"]
    assert got["accuracy"] == pytest.approx(sk.accuracy_score(truth, labels), abs=1e-12)
    assert (
        got["confusion_matrix"] == sk.confusion_matrix(truth, labels, labels=["no", "yes"]).tolist()
    )
    precision, recall, f1, support = sk.precision_recall_fscore_support(
        truth, labels, labels=["no", "yes"], zero_division=0
    )
    per_class = got["per_class"]
    assert isinstance(per_class, dict)
    for i, name in enumerate(["no", "yes"]):
        assert per_class[name]["precision"] == pytest.approx(precision[i], abs=1e-12)
        assert per_class[name]["recall"] == pytest.approx(recall[i], abs=1e-12)
        assert per_class[name]["f1"] == pytest.approx(f1[i], abs=1e-12)
        assert per_class[name]["support"] == support[i]
    y01 = [int(t == "yes") for t in truth]
    assert got["log_loss"] == pytest.approx(sk.log_loss(y01, p_yes, labels=[0, 1]), rel=1e-5)
    assert got["roc_auc"] == pytest.approx(sk.roc_auc_score(y01, p_yes), abs=1e-9)


def test_text_tables_name_the_classes(
    yes_no: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    run, new = yes_no
    capsys.readouterr()
    assert main(["evaluate", str(run), str(new), "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert "clase 1 = yes, clase 0 = no" in " ".join(out.split())
    assert "exactitud" in out and "matriz de confusión" in out and "ROC AUC" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_multiclass_metrics_equal_sklearns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sklearn.datasets import load_iris

    iris = load_iris()
    names = [str(iris.target_names[t]) for t in iris.target]
    header = [*iris.feature_names, "species"]
    rows = [[*x, n] for x, n in zip(iris.data.tolist(), names, strict=True)]
    data = spreadsheet_csv(tmp_path / "iris.csv", header, rows)
    run = tmp_path / "run"
    assert train(data, "--standardize", "--epochs", "8", "--lr", "0.5", "--out", run) == 0
    got = evaluate(capsys, run, data)
    out = predicted(capsys, run, data)
    classes = ["setosa", "versicolor", "virginica"]
    labels = [r["prediction"] for r in out]
    P = np.array([[float(r[f"P({c})"]) for c in classes] for r in out])
    assert got["accuracy"] == pytest.approx(sk.accuracy_score(names, labels), abs=1e-12)
    assert got["confusion_matrix"] == sk.confusion_matrix(names, labels, labels=classes).tolist()
    _, _, f1, _ = sk.precision_recall_fscore_support(names, labels, labels=classes, zero_division=0)
    per_class = got["per_class"]
    assert isinstance(per_class, dict)
    assert [per_class[c]["f1"] for c in classes] == pytest.approx(f1.tolist(), abs=1e-12)
    assert got["log_loss"] == pytest.approx(sk.log_loss(names, P, labels=classes), rel=1e-5)
    assert got["roc_auc"] is None


def test_regression_metrics_equal_sklearns_and_the_plot_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sklearn.datasets import load_diabetes

    diabetes = load_diabetes()
    header = [*diabetes.feature_names, "progression"]
    rows = [[*x, t] for x, t in zip(diabetes.data.tolist(), diabetes.target.tolist(), strict=True)]
    data = spreadsheet_csv(tmp_path / "diabetes.csv", header, rows)
    run = tmp_path / "run"
    assert train(data, "--standardize", "--epochs", "20", "--lr", "0.1", "--out", run) == 0
    plot = tmp_path / "residuals.png"
    capsys.readouterr()
    assert main(["evaluate", str(run), str(data), "--format", "json", "--plot", str(plot)]) == 0
    captured = capsys.readouterr()
    got = json.loads(captured.out)
    assert "residual plot written to" in captured.err
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    y_hat = np.array([float(r["prediction"]) for r in predicted(capsys, run, data)])
    y = diabetes.target
    assert got["r2"] == pytest.approx(sk.r2_score(y, y_hat), rel=1e-9)
    assert got["mae"] == pytest.approx(sk.mean_absolute_error(y, y_hat), rel=1e-9)
    assert got["rmse"] == pytest.approx(math.sqrt(sk.mean_squared_error(y, y_hat)), rel=1e-9)


def test_plot_of_a_classifier_and_a_file_without_target_are_refused(
    yes_no: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run, new = yes_no
    plot = tmp_path / "r.png"
    assert main(["evaluate", str(run), str(new), "--plot", str(plot)]) == 2
    assert "--plot" in capsys.readouterr().err and not plot.exists()
    unlabelled = spreadsheet_csv(tmp_path / "u.csv", ["height", "weight"], [[170.0, 70.0]])
    assert main(["evaluate", str(run), str(unlabelled)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "'buys'" in err and "height, weight" in err


def test_a_label_the_run_never_saw_is_refused(
    yes_no: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run, _ = yes_no
    rows = [[170.0, 70.0, "yes"], [160.0, 60.0, "maybe"]]
    odd = spreadsheet_csv(tmp_path / "odd.csv", ["height", "weight", "buys"], rows)
    assert main(["evaluate", str(run), str(odd)]) == 2
    err = capsys.readouterr().err
    assert "'maybe'" in err and "no, yes" in err


def test_one_class_rows_evaluate_without_auc() -> None:
    """Rows of one class only: accuracy and the rest, and no ROC AUC (sklearn refuses one)."""
    Z = np.array([[0.3], [-1.2], [2.0]])
    index = (Z[:, 0] >= 0).astype(np.int64)
    prediction = Prediction(Z, np.array(["b", "a", "b"]), index, 1 / (1 + np.exp(-Z)), ("b",))
    got = classification_metrics(prediction, np.array([1, 1, 1]), ("a", "b"), True)
    assert got.roc_auc is None
    assert got.accuracy == pytest.approx(sk.accuracy_score([1, 1, 1], index))
    y = np.ones(3)
    p = 1 / (1 + np.exp(-Z[:, 0]))
    assert got.log_loss == pytest.approx(sk.log_loss(y, p, labels=[0, 1]), rel=1e-12)


def test_roc_auc_with_ties_equals_sklearns() -> None:
    rng = np.random.default_rng(5)
    z = rng.integers(-3, 4, 200).astype(np.float64)  # many ties
    y = rng.integers(0, 2, 200)
    assert _roc_auc(z, y) == pytest.approx(sk.roc_auc_score(y, z), abs=1e-12)
