"""from_arrays and Dataset: validation, task inference, label encoding, fingerprint."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import torch

from perceptron_lab.data import Dataset, from_arrays, load
from perceptron_lab.errors import InputError


def _error(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    message = str(info.value)
    assert "\n" not in message
    return message


def test_numpy_and_lists_give_the_same_dataset() -> None:
    a = from_arrays(np.array([[1, 2], [3, 4], [5, 6]]), np.array([1, 0, 1]))
    b = from_arrays([[1, 2], [3, 4], [5, 6]], [1, 0, 1])
    assert a.fingerprint == b.fingerprint == load("seed").fingerprint
    assert a.X.dtype == np.float64 and a.y.dtype == np.int64
    assert a.feature_names == ("x1", "x2") and a.target_name == "y" and a.name == "arrays"


def test_torch_tensors_are_read_by_duck_typing() -> None:
    X = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    ds = from_arrays(X, torch.tensor([[1], [0], [1]]))  # y (N, 1) is flattened
    np.testing.assert_array_equal(ds.X, X.detach().numpy())
    np.testing.assert_array_equal(ds.y, [1, 0, 1])


def test_dataframe_target_and_features() -> None:
    frame = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0, 4.0], "b": [5, 6, 7, 8], "c": [0, 0, 1, 1], "Label": list("xyxy")}
    )
    ds = from_arrays(frame)  # default target: the column named label (any case)
    assert ds.target_name == "Label" and ds.feature_names == ("a", "b", "c")
    assert ds.classes == ("x", "y")
    np.testing.assert_array_equal(ds.y, [0, 1, 0, 1])
    ds = from_arrays(frame, target="c", features=["b", "a"])
    assert ds.feature_names == ("b", "a") and ds.target_name == "c"
    np.testing.assert_array_equal(ds.X, frame[["b", "a"]].to_numpy(dtype=float))
    ds = from_arrays(frame[["a", "b"]], frame["c"])
    assert ds.target_name == "c" and ds.task == "binary"


def test_array_target_column_by_index_or_name() -> None:
    data = np.array([[1.0, 0, 2], [3.0, 1, 4], [5.0, 1, 6]])
    ds = from_arrays(data, target=1)
    assert ds.feature_names == ("x1", "x3") and ds.target_name == "x2"
    np.testing.assert_array_equal(ds.y, [0, 1, 1])
    ds = from_arrays(data, target="t", feature_names=["p", "t", "q"])
    assert ds.feature_names == ("p", "q")


@pytest.mark.parametrize(
    ("y", "task", "classes"),
    [
        ([3, 1, 2, 3], "multiclass", (1, 2, 3)),
        ([0.0, 1.0, 1.0, 0.0], "binary", (0, 1)),
        (["b", "a", "c", "a"], "multiclass", ("a", "b", "c")),
        ([True, False, True, True], "binary", (False, True)),
        ([0.5, 1.5, 2.25, 3.0], "regression", None),
        (list(range(21)) * 2, "regression", None),  # more than 20 integer values
        (list(range(20)) * 2, "multiclass", tuple(range(20))),
    ],
)
def test_task_inference(y: list[object], task: str, classes: tuple[object, ...] | None) -> None:
    X = np.arange(len(y), dtype=float).reshape(-1, 1)
    ds = from_arrays(X, y)
    assert ds.task == task and ds.classes == classes
    if classes is None:
        assert ds.y.dtype == np.float64
        np.testing.assert_array_equal(ds.y, np.asarray(y, dtype=float))
    else:
        assert ds.y.dtype == np.int64
        assert [ds.classes[i] for i in ds.y] == list(y)  # classes[i] <-> index i


def test_string_labels_are_encoded_in_sorted_order() -> None:
    labels = np.array(["virginica", "setosa", "versicolor", "setosa"])
    ds = from_arrays([[1], [2], [3], [4]], labels)
    assert ds.classes == ("setosa", "versicolor", "virginica")
    np.testing.assert_array_equal(ds.y, [2, 0, 1, 0])


def test_explicit_task() -> None:
    X = [[1.0], [2.0], [3.0]]
    assert from_arrays(X, [1, 0, 1], task="regression").task == "regression"
    assert from_arrays(X, [1, 0, 1], task="multiclass").task == "multiclass"
    assert from_arrays(X, [0.5, 1.5, 0.5], task="binary").classes == (0.5, 1.5)
    assert from_arrays(X, [0, 1, 2], task="classification").task == "multiclass"
    assert "exactly 2 classes" in _error(from_arrays, X, [0, 1, 2], task="binary")
    assert _error(from_arrays, X, ["a", "b", "a"], task="regression").startswith("task: expected")
    assert "'banana'" in _error(from_arrays, X, [0, 1, 0], task="banana")


def test_one_class_only() -> None:
    message = _error(from_arrays, [[1], [2], [3]], [1, 1, 1])
    assert message == "target: expected at least 2 classes, got only the class 1"


@pytest.mark.parametrize(
    ("X", "y", "argument", "facts"),
    [
        ([1, 2, 3], [0, 1, 0], "X", ["2-D", "(3,)", "reshape"]),
        (np.zeros((0, 2)), [], "X", ["at least one row", "(0, 2)"]),
        (np.zeros((2, 0)), [0, 1], "X", ["at least one row", "(2, 0)"]),
        ([[1, 2], [3]], [0, 1], "X", ["equal length"]),
        ([[1, 2], [3, 4]], [0, 1, 0], "y", ["2 labels", "got 3"]),
        ([[1, 2], [3, 4]], [[0, 1], [1, 0]], "y", ["1-D", "(2, 2)"]),
        ([[1, 2], [3, np.nan]], [0, 1], "X", ["NaN", "row 2", "column 'x2'"]),
        ([[1, np.inf], [3, 4]], [0, 1], "X", ["inf", "row 1", "column 'x2'"]),
        ([["1", "a"], ["3", "4"]], [0, 1], "X", ["'x2'", "'a'", "row 1"]),
        ([[1, 2], [3, 4]], [0.5, np.nan], "y", ["NaN", "row 2"]),
        ([[1, 2], [3, 4]], None, "y", ["target="]),
    ],
)
def test_array_errors(X: object, y: object, argument: str, facts: list[str]) -> None:
    message = _error(from_arrays, X, y)
    assert message.startswith(f"{argument}: expected ")
    for fact in facts:
        assert fact in message, message


def test_argument_errors() -> None:
    X = [[1, 2], [3, 4]]
    assert _error(from_arrays, X, [0, 1], feature_names=["a"]).startswith("feature_names:")
    assert "repeated a" in _error(from_arrays, X, [0, 1], feature_names=["a", "a"])
    assert "'zz'" in _error(from_arrays, X, [0, 1], features=["zz"])
    assert _error(from_arrays, X, [0, 1], target=0).startswith("target: expected None")
    frame = pd.DataFrame({"a": [1.0, None], "y": [0, 1]})
    message = _error(from_arrays, frame)
    assert "NaN" in message and "row 2" in message and "'a'" in message


def test_dataset_properties_subset_and_fingerprint() -> None:
    ds = load("iris")
    assert (ds.n_samples, ds.n_features, ds.n_classes) == (150, 4, 3)
    part = ds.subset([0, 50, 100])
    np.testing.assert_array_equal(part.y, [0, 1, 2])
    np.testing.assert_array_equal(part.X, ds.X[[0, 50, 100]])
    assert part.classes == ds.classes and part.feature_names == ds.feature_names
    assert ds.subset(ds.y == 2).n_samples == 50
    assert "row indices" in _error(ds.subset, [150])
    assert len(ds.fingerprint) == 64 and ds.fingerprint != part.fingerprint
    # stable across runs: a fixed digest of the notebook's seed data
    assert load("seed").fingerprint == (
        "44938ef9e5329ef03ce6c0857b8e929cc12596cbf7be639eb093e95fc1e3e990"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.name = "other"  # type: ignore[misc]
    assert isinstance(ds, Dataset) and "iris" in repr(ds)
