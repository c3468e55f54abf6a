"""Feature crosses: x₁², x₂², x₁·x₂, sin x₁, sin x₂ appended to a 2-feature dataset.

Oracles: the formulas by hand, scikit-learn's LogisticRegression on the same crossed
columns, and the run's own inputs (the plane's φ must map its points back onto them).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from perceptron_lab.data import load
from perceptron_lab.data.crosses import CROSSES, check_crosses, crossed
from perceptron_lab.engine.trace import Trace
from perceptron_lab.errors import InputError
from perceptron_lab.views.analysis.plane import plane
from perceptron_lab.views.plots import decision_boundary, save_figure

from .cli_run import cli


def test_each_cross_is_its_formula_after_the_originals() -> None:
    ds = load("moons", size=50)
    out = crossed(ds, check_crosses(",".join(CROSSES)))
    a, b = ds.X[:, 0], ds.X[:, 1]
    want = np.column_stack([a, b, a * a, b * b, a * b, np.sin(a), np.sin(b)])
    np.testing.assert_array_equal(out.X, want)
    assert out.feature_names == ("x1", "x2", "x1²", "x2²", "x1·x2", "sin x1", "sin x2")
    assert out.y is ds.y and "Crossed features" in out.description


def test_the_cli_offers_every_cross() -> None:
    from perceptron_lab.cli.options import CROSS_NAMES

    assert tuple(CROSSES) == CROSS_NAMES


def test_crosses_come_in_one_order_whatever_was_asked() -> None:
    assert check_crosses("x1*x2, x1^2") == ("x1^2", "x1*x2")
    assert check_crosses(None) == check_crosses("") == ()


@pytest.mark.parametrize("bad", ["x1*x3", "x1^3,x2^2", ","])
def test_an_unknown_cross_is_refused_naming_the_known(bad: str) -> None:
    with pytest.raises(InputError, match=r"^crosses: expected names among x1\^2, x2\^2"):
        check_crosses(bad)


def test_only_two_features_cross() -> None:
    with pytest.raises(InputError, match=r"^crosses: expected a dataset of 2 features"):
        crossed(load("iris"), ("x1*x2",))


def test_one_neuron_learns_xor_on_x1_times_x2(tmp_path: Path) -> None:
    """The plane's classic: with x₁·x₂ a single neuron separates XOR (as a linear model does)."""
    X = crossed(load("xor"), ("x1*x2",)).X
    assert LogisticRegression(C=1e4).fit(X, [0, 1, 1, 0]).score(X, [0, 1, 1, 0]) == 1.0
    run = tmp_path / "xor"
    result = cli("train", "xor", "--crosses", "x1*x2", "--epochs", "300", "--lr", "1",
                 "--out", run, "--quiet", "--format", "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["final"]["train_accuracy"] == 1.0
    trace = Trace.load(run)
    assert trace.manifest.data.recipe["crosses"] == ["x1*x2"]
    assert trace.manifest.input_size == 3
    uncrossed = cli("train", "xor", "--epochs", "300", "--lr", "1", "--quiet", "--format", "json")
    assert json.loads(uncrossed.stdout)["final"]["train_accuracy"] < 1.0


def test_the_plane_maps_its_points_back_onto_the_runs_inputs(tmp_path: Path) -> None:
    """φ(u): raw units, crossed, standardized as the run was — the run's own X, exactly."""
    run = tmp_path / "circles"
    result = cli("train", "circles", "--crosses", "x1^2,x2^2", "--standardize",
                 "--test-size", "0.25", "--epochs", "5", "--out", run, "--quiet")  # fmt: skip
    assert result.returncode == 0, result.stderr
    points = plane(Trace.load(run))
    assert points.crossed and points.features == ["x1", "x2"] and points.X.shape[1] == 2
    assert points.inputs is not None
    np.testing.assert_allclose(points.inputs(points.X), points.data.train.X, atol=1e-12)
    svg = tmp_path / "boundary.svg"
    save_figure(decision_boundary(Trace.load(run)), svg)
    assert 'id="boundary' in svg.read_text()  # the curve z = 0, drawn as a contour


def test_attribution_of_a_crossed_run_is_bars(tmp_path: Path) -> None:
    run = tmp_path / "c"
    assert cli("train", "circles", "--crosses", "x1*x2", "--out", run, "--quiet").returncode == 0
    done = cli("plot", run, "--kind", "attribution", "--step", "1", "--out", tmp_path / "a.png")
    assert done.returncode == 0 and (tmp_path / "a.png").stat().st_size > 0  # a bar per feature
