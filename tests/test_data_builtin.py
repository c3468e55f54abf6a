"""Built-in datasets: shapes, tasks and classes, with scikit-learn's loaders as oracle."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import datasets as skd

from perceptron_lab.data import BUILTINS, load
from perceptron_lab.errors import InputError


def test_registry_lists_every_builtin_with_a_description() -> None:
    expected = {"seed", "and", "or", "xor", "iris", "breast_cancer", "wine", "digits"}
    expected |= {"diabetes", "blobs", "moons", "circles", "spiral", "linear"}
    assert set(BUILTINS) == expected
    assert all(isinstance(text, str) and text for text in BUILTINS.values())
    assert "linearly separable" in BUILTINS["xor"] and "cannot" in BUILTINS["xor"]


def test_seed_is_the_notebook_example() -> None:
    ds = load("seed")
    np.testing.assert_array_equal(ds.X, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_array_equal(ds.y, [1, 0, 1])
    assert ds.X.dtype == np.float64 and ds.y.dtype == np.int64
    assert ds.feature_names == ("x1", "x2")
    assert (ds.task, ds.classes, ds.n_classes) == ("binary", (0, 1), 2)


@pytest.mark.parametrize(
    ("name", "truth"), [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0])]
)
def test_logic_gates(name: str, truth: list[int]) -> None:
    ds = load(name)
    np.testing.assert_array_equal(ds.X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(ds.y, truth)
    assert ds.task == "binary" and ds.feature_names == ("x1", "x2")


def test_xor_description_says_a_perceptron_cannot_learn_it() -> None:
    text = load("xor").description
    assert "not linearly separable" in text and "single perceptron cannot" in text


@pytest.mark.parametrize(
    ("name", "task", "shape"),
    [
        ("iris", "multiclass", (150, 4)),
        ("breast_cancer", "binary", (569, 30)),
        ("wine", "multiclass", (178, 13)),
        ("digits", "multiclass", (1797, 64)),
        ("diabetes", "regression", (442, 10)),
    ],
)
def test_sklearn_datasets_match_their_loader(name: str, task: str, shape: tuple[int, int]) -> None:
    oracle = getattr(skd, f"load_{name}")()
    ds = load(name)
    assert ds.X.shape == shape and ds.task == task and ds.name == name
    np.testing.assert_array_equal(ds.X, oracle.data)
    np.testing.assert_array_equal(ds.y, oracle.target)
    assert ds.feature_names == tuple(str(f) for f in oracle.feature_names)
    assert ds.X.dtype == np.float64
    if task == "regression":
        assert ds.classes is None and ds.y.dtype == np.float64 and ds.n_classes == 0
    else:
        assert ds.y.dtype == np.int64
        assert ds.classes == tuple(oracle.target_names.tolist())
        assert ds.n_classes == len(np.unique(oracle.target))


def test_builtin_names_are_forgiving_about_case_and_dashes() -> None:
    assert load("Breast-Cancer").name == "breast_cancer"


@pytest.mark.parametrize("name", ["blobs", "moons", "circles", "spiral", "linear"])
def test_synthetic_defaults_and_reproducibility(name: str) -> None:
    ds = load(name)
    assert ds.n_samples == 200
    assert ds.n_features == (3 if name == "linear" else 2)
    assert ds.task == ("regression" if name == "linear" else "binary")
    again = load(name, seed=0)
    np.testing.assert_array_equal(ds.X, again.X)
    np.testing.assert_array_equal(ds.y, again.y)
    assert ds.fingerprint == again.fingerprint
    other = load(name, seed=1)
    assert other.fingerprint != ds.fingerprint
    assert not np.array_equal(other.X, ds.X)
    small = load(name, size=37, seed=5)
    assert small.n_samples == 37


@pytest.mark.parametrize("name", ["blobs", "moons", "circles", "spiral"])
def test_synthetic_classification_is_balanced(name: str) -> None:
    ds = load(name, size=101)
    assert ds.classes == (0, 1)
    assert sorted(np.bincount(ds.y).tolist()) == [50, 51]


def test_blobs_are_centered_apart_and_linear_follows_its_formula() -> None:
    blobs = load("blobs", size=2000)
    assert (blobs.X[blobs.y == 0].mean(axis=0) < -1).all()
    assert (blobs.X[blobs.y == 1].mean(axis=0) > 1).all()
    linear = load("linear", size=2000)
    A = np.column_stack([linear.X, np.ones(len(linear.X))])  # (N, d+1)
    coef = np.linalg.lstsq(A, linear.y, rcond=None)[0]
    np.testing.assert_allclose(coef, [1.0, -2.0, 3.0, 0.5], atol=0.02)


def test_builtin_feature_selection_and_task_override() -> None:
    ds = load("iris", features="petal length (cm), petal width (cm)")
    assert ds.feature_names == ("petal length (cm)", "petal width (cm)")
    np.testing.assert_array_equal(ds.X, skd.load_iris().data[:, 2:])
    assert load("seed", task="multiclass").task == "multiclass"
    reg = load("seed", task="regression")
    assert reg.task == "regression" and reg.y.dtype == np.float64 and reg.classes is None


@pytest.mark.parametrize(
    ("kwargs", "argument", "facts"),
    [
        ({"source": "iris", "size": 10}, "size", ["iris", "blobs"]),
        ({"source": "blobs", "size": 1}, "size", ["an integer in [2, 1000000]", "1"]),
        ({"source": "blobs", "seed": -1}, "seed", ["-1"]),
        ({"source": "iris", "target": "species"}, "target", ["iris"]),
        ({"source": "iris", "features": ["petal"]}, "features", ["'petal'", "sepal length (cm)"]),
        ({"source": "diabetes", "task": "binary"}, "task", ["regression", "diabetes"]),
        ({"source": "iris", "task": "clustering"}, "task", ["binary", "'clustering'"]),
    ],
)
def test_builtin_errors(kwargs: dict[str, object], argument: str, facts: list[str]) -> None:
    with pytest.raises(InputError) as info:
        load(**kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith(f"{argument}: expected ")
    assert "\n" not in message
    for fact in facts:
        assert fact in message


def test_circles_are_two_rings_a_line_cannot_split_and_their_radius_can() -> None:
    """scikit-learn's LogisticRegression as the oracle: chance on (x1, x2), all on x1² + x2²."""
    from sklearn.linear_model import LogisticRegression

    ds = load("circles", size=1000)
    radius = np.sqrt((ds.X**2).sum(axis=1))  # (N,)
    assert abs(np.median(radius[ds.y == 0]) - 1.0) < 0.02
    assert abs(np.median(radius[ds.y == 1]) - 0.5) < 0.02
    assert LogisticRegression().fit(ds.X, ds.y).score(ds.X, ds.y) < 0.6
    r2 = radius[:, None] ** 2
    assert LogisticRegression().fit(r2, ds.y).score(r2, ds.y) > 0.99


def test_spiral_arms_are_one_another_turned_by_half_a_turn() -> None:
    """Class 1 is class 0 rotated by π: the same radii, and no line splits them."""
    from sklearn.linear_model import LogisticRegression

    ds = load("spiral", size=2000)
    r0 = np.sort(np.hypot(*ds.X[ds.y == 0].T))
    r1 = np.sort(np.hypot(*ds.X[ds.y == 1].T))
    assert r0.max() < 1.15 and abs(np.median(r0) - np.median(r1)) < 0.05
    assert LogisticRegression().fit(ds.X, ds.y).score(ds.X, ds.y) < 0.7
