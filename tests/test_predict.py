"""``perceptron-lab predict``: a trained run's predictions for a new file, in its class names.

The oracle is the run's own W and B (its last step's W_after, B_after) with σ(XW + B)
computed here by hand in NumPy, on the features standardized by hand with the training
file's mean and population std.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from perceptron_lab.cli import main
from perceptron_lab.data import Standardizer
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.datasource import run_scaler
from perceptron_lab.engine.model import Model
from perceptron_lab.engine.trace import Trace


def spreadsheet_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    """A CSV as a spreadsheet exports it: a UTF-8 byte-order mark, CRLF line ends, quotes."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def people(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Heights and weights (n, 2), and whether each buys: 'yes' or 'no' (n,)."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.normal(170, 10, n), rng.normal(70, 8, n)]).round(1)
    score = 0.05 * (X[:, 0] - 170) + 0.08 * (X[:, 1] - 70) + rng.normal(0, 0.3, n)
    return X, np.where(score > 0, "yes", "no")


def train(*argv: str | Path) -> int:
    return main(["train", *map(str, argv), "--quiet"])


@pytest.fixture(scope="module")
def yes_no(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, np.ndarray]:
    """A standardized run on a yes/no file: (run directory, training file, its X)."""
    root = tmp_path_factory.mktemp("yes_no")
    X, y = people(80, seed=1)
    rows = [[h, w, label] for (h, w), label in zip(X.tolist(), y.tolist(), strict=True)]
    data = spreadsheet_csv(root / "people.csv", ["height", "weight", "buys"], rows)
    run = root / "run"
    assert train(data, "--target", "buys", "--standardize", "--epochs", "40", "--lr", "0.5",
                 "--out", run) == 0  # fmt: skip
    return run, data, X


def last_weights(run: Path) -> tuple[np.ndarray, np.ndarray]:
    """W (d, k) and B (k,) of the run's last step, read from its step table."""
    trace = Trace.load(run)
    d, k = trace.manifest.input_size, trace.manifest.output_size
    assert d is not None and k is not None
    last = trace.steps[-1]
    return np.asarray(last["W_after"]).reshape(d, k), np.asarray(last["B_after"])


def by_hand(run: Path, X_train: np.ndarray, X_new: np.ndarray) -> np.ndarray:
    """P(class 1) = σ(((X − μ)/σ)W + B), μ and σ of the training rows (ddof 0)."""
    W, B = last_weights(run)
    scaled = (X_new - X_train.mean(axis=0)) / X_train.std(axis=0)
    return np.asarray(1 / (1 + np.exp(-(scaled @ W + B)[:, 0])))


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_yes_no_file_predicts_yes_no_back(
    yes_no: tuple[Path, Path, np.ndarray], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run, _, X_train = yes_no
    X_new, _ = people(12, seed=7)
    # other columns, in another order, and no target: read by name, the rest ignored
    rows = [[f"p{i}", w, h] for i, (h, w) in enumerate(X_new.tolist())]
    new = spreadsheet_csv(tmp_path / "new.csv", ["name", "weight", "height"], rows)
    capsys.readouterr()
    assert main(["predict", str(run), str(new)]) == 0
    table = read_csv(capsys.readouterr().out)
    p = by_hand(run, X_train, X_new)
    assert list(table[0]) == ["row", "prediction", "P(yes)"]
    assert [r["row"] for r in table] == [str(i + 1) for i in range(12)]
    assert [r["prediction"] for r in table] == ["yes" if q >= 0.5 else "no" for q in p]
    np.testing.assert_allclose([float(r["P(yes)"]) for r in table], p, rtol=1e-5, atol=1e-6)
    assert {r["prediction"] for r in table} == {"yes", "no"}  # a useful model: both answers


def test_the_run_keeps_its_standardizer(yes_no: tuple[Path, Path, np.ndarray]) -> None:
    run, _, X_train = yes_no
    scaling = json.loads((run / "config.json").read_text())["data"]["scaling"]
    np.testing.assert_allclose(scaling["mean"], X_train.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(scaling["std"], X_train.std(axis=0), rtol=1e-12)


def test_a_run_without_a_stored_standardizer_fits_it_again(
    yes_no: tuple[Path, Path, np.ndarray],
) -> None:
    """A run from before config.json kept μ and σ: they come again from its training file."""
    run, _, X_train = yes_no
    m = Trace.load(run).manifest
    again = run_scaler(m.data.recipe, None, m.config)
    assert again is not None and again.mean_ is not None and again.scale_ is not None
    np.testing.assert_allclose(again.mean_, X_train.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(again.scale_, X_train.std(axis=0), rtol=1e-12)
    assert run_scaler(m.data.recipe, None, TrainConfig(standardize=False)) is None


def test_parquet_out_holds_the_same_predictions(
    yes_no: tuple[Path, Path, np.ndarray], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow.parquet as pq

    run, data, X_train = yes_no
    out = tmp_path / "predictions.parquet"
    assert main(["predict", str(run), str(data), "-o", str(out), "--lang", "es"]) == 0
    assert "80 predicciones escritas en" in capsys.readouterr().out
    table = pq.read_table(out).to_pydict()
    np.testing.assert_allclose(table["P(yes)"], by_hand(run, X_train, X_train), rtol=1e-5)
    assert table["row"] == list(range(1, 81))
    assert not [p for p in tmp_path.iterdir() if p != out]  # no temporary left behind


def test_crossed_standardized_run_crosses_then_scales(tmp_path: Path) -> None:
    """φ(x) = (x₁, x₂, x₁·x₂), then (φ − μ)/σ with μ, σ of the crossed training rows."""
    rng = np.random.default_rng(3)
    X = rng.uniform(-2, 2, (60, 2)).round(3)
    y = np.where(X[:, 0] * X[:, 1] > 0, "same", "apart")
    rows = [[a, b, c] for (a, b), c in zip(X.tolist(), y.tolist(), strict=True)]
    data = spreadsheet_csv(tmp_path / "xor.csv", ["u", "v", "side"], rows)
    run = tmp_path / "run"
    assert train(data, "--crosses", "x1*x2", "--standardize", "--epochs", "30", "--lr", "1",
                 "--out", run) == 0  # fmt: skip
    phi = np.column_stack([X, X[:, 0] * X[:, 1]])
    W, B = last_weights(run)
    z = ((phi - phi.mean(axis=0)) / phi.std(axis=0)) @ W + B
    prediction = Model.load(run).predict_file(data)
    np.testing.assert_allclose(prediction.Z[:, 0], z[:, 0], rtol=1e-5, atol=1e-5)
    assert list(prediction.values) == ["same" if v >= 0 else "apart" for v in z[:, 0]]


def test_multiclass_gives_one_probability_per_class(tmp_path: Path) -> None:
    from sklearn.datasets import load_iris

    iris = load_iris()
    names = [str(iris.target_names[t]) for t in iris.target]
    rows = [[*x, n] for x, n in zip(iris.data.tolist(), names, strict=True)]
    data = spreadsheet_csv(tmp_path / "iris.csv", ["a", "b", "c", "d", "species"], rows)
    run = tmp_path / "run"
    assert train(data, "--epochs", "5", "--lr", "0.1", "--out", run) == 0
    W, B = last_weights(run)
    Z = iris.data @ W + B
    softmax = np.exp(Z - Z.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    prediction = Model.load(run).predict_file(data)
    assert prediction.probability_names == ("setosa", "versicolor", "virginica")
    assert prediction.probabilities is not None
    np.testing.assert_allclose(prediction.probabilities, softmax, rtol=1e-4, atol=1e-6)
    assert list(prediction.values) == [iris.target_names[j] for j in Z.argmax(axis=1)]


def test_a_missing_column_is_one_line_naming_it(
    yes_no: tuple[Path, Path, np.ndarray], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run, _, _ = yes_no
    new = spreadsheet_csv(tmp_path / "new.csv", ["height", "age"], [[170.0, 33.0]])
    capsys.readouterr()
    assert main(["predict", str(run), str(new)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "FILE" in err and "'weight'" in err and "height, age" in err


def test_a_directory_that_is_not_a_run_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = spreadsheet_csv(tmp_path / "new.csv", ["height", "weight"], [[170.0, 70.0]])
    assert main(["predict", str(tmp_path), str(new)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "RUN_DIR" in err and "config.json" in err


def test_an_unknown_out_suffix_is_refused(
    yes_no: tuple[Path, Path, np.ndarray], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run, data, _ = yes_no
    assert main(["predict", str(run), str(data), "-o", str(tmp_path / "p.xlsx")]) == 2
    assert "--out" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_show_names_the_classes_and_the_weights(
    yes_no: tuple[Path, Path, np.ndarray], capsys: pytest.CaptureFixture[str]
) -> None:
    run, _, _ = yes_no
    W, B = last_weights(run)
    capsys.readouterr()
    assert main(["show", str(run)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "class 1 = yes, class 0 = no" in out
    assert f"W[height] = {W[0, 0]:.4f}" in out and f"W[weight] = {W[1, 0]:.4f}" in out
    assert f"B = {B[0]:.4f}" in out


def test_explain_says_which_class_is_1(
    yes_no: tuple[Path, Path, np.ndarray], capsys: pytest.CaptureFixture[str]
) -> None:
    run, _, _ = yes_no
    capsys.readouterr()
    assert main(["explain", str(run), "--step", "1", "--format", "markdown", "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert "clase 1 = yes, clase 0 = no" in out
    assert "`W[height]`, `W[weight]`" in out


def test_report_facts_name_the_classes_and_weights(yes_no: tuple[Path, Path, np.ndarray]) -> None:
    from perceptron_lab.views.report.facts import metrics, settings

    run, _, _ = yes_no
    trace = Trace.load(run)
    assert ("classes", "class 1 = yes, class 0 = no") in settings(trace)
    weights = dict(metrics(trace, "es"))["pesos"]
    assert weights.startswith("W[height] = ") and ", W[weight] = " in weights


def test_standardizer_state_round_trips() -> None:
    X = np.random.default_rng(0).normal(3, 2, (20, 3))
    scaler = Standardizer().fit(X)
    again = Standardizer.from_state(json.loads(json.dumps(scaler.state())))
    np.testing.assert_array_equal(again.transform(X), scaler.transform(X))


def test_a_parquet_file_predicts_as_its_csv(
    yes_no: tuple[Path, Path, np.ndarray], tmp_path: Path
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    run, data, X_train = yes_no
    new = tmp_path / "new.parquet"
    pq.write_table(pa.table({"weight": X_train[:, 1], "height": X_train[:, 0]}), new)
    model = Model.load(run)
    from_parquet, from_csv = model.predict_file(new), model.predict_file(data)
    assert list(from_parquet.values) == list(from_csv.values)
    np.testing.assert_array_equal(from_parquet.Z, from_csv.Z)


def test_a_perceptron_run_predicts_labels_without_probabilities(
    yes_no: tuple[Path, Path, np.ndarray], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rosenblatt's step gives no probabilities: class 1 where z ≥ 0, and no P column."""
    _, data, X_train = yes_no
    run = tmp_path / "run"
    assert train(data, "--target", "buys", "--loss", "perceptron", "--standardize",
                 "--epochs", "5", "--out", run) == 0  # fmt: skip
    W, B = last_weights(run)
    z = ((X_train - X_train.mean(axis=0)) / X_train.std(axis=0) @ W + B)[:, 0]
    capsys.readouterr()
    assert main(["predict", str(run), str(data)]) == 0
    table = read_csv(capsys.readouterr().out)
    assert list(table[0]) == ["row", "prediction"]
    assert [r["prediction"] for r in table] == ["yes" if v >= 0 else "no" for v in z]
    capsys.readouterr()
    assert main(["evaluate", str(run), str(data), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["log_loss"] is None


@pytest.mark.slow
def test_the_command_refuses_in_one_line_without_a_traceback(
    yes_no: tuple[Path, Path, np.ndarray], tmp_path: Path
) -> None:
    from .cli_run import assert_refused, cli

    run, _, _ = yes_no
    new = spreadsheet_csv(tmp_path / "new.csv", ["height"], [[170.0]])
    assert_refused(cli("predict", run, new), "FILE", "'weight'", "its columns: height")
