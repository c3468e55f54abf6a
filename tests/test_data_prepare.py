"""split (seeded, stratified) and standardization with training statistics only."""

from __future__ import annotations

import numpy as np
import pytest

from perceptron_lab.data import Standardizer, from_arrays, load, split, standardize
from perceptron_lab.errors import InputError


def _rows(ds: object) -> set[tuple[float, ...]]:
    return {tuple(row) for row in ds.X}  # type: ignore[attr-defined]


def test_split_partitions_the_rows_and_is_seeded() -> None:
    ds = load("wine")
    train, test = split(ds, test_size=0.25, seed=3)
    assert test is not None
    assert train.n_samples + test.n_samples == ds.n_samples
    assert test.n_samples == int(np.ceil(0.25 * ds.n_samples))
    assert _rows(train) | _rows(test) == _rows(ds) and not _rows(train) & _rows(test)
    assert train.classes == ds.classes and train.feature_names == ds.feature_names
    again, _ = split(ds, test_size=0.25, seed=3)
    assert again.fingerprint == train.fingerprint
    other, _ = split(ds, test_size=0.25, seed=4)
    assert other.fingerprint != train.fingerprint


def test_stratified_split_keeps_class_proportions() -> None:
    y = np.repeat([0, 1, 2], [60, 30, 10])  # (100,) imbalanced
    ds = from_arrays(np.arange(100.0).reshape(-1, 1), y)
    train, test = split(ds, test_size=0.2, seed=0)
    assert test is not None
    np.testing.assert_array_equal(np.bincount(test.y), [12, 6, 2])
    np.testing.assert_array_equal(np.bincount(train.y), [48, 24, 8])
    assert not np.all(np.diff(train.y) >= 0)  # rows are shuffled, not grouped by class


def test_stratified_split_keeps_small_classes_in_train() -> None:
    y = [0] * 10 + [1, 1] + [2]
    ds = from_arrays(np.arange(13.0).reshape(-1, 1), y)
    for seed in range(5):
        train, test = split(ds, test_size=0.5, seed=seed)
        assert test is not None
        assert set(train.y.tolist()) == {0, 1, 2}
        counts = np.bincount(test.y, minlength=3)
        assert counts[2] == 0 and counts[1] <= 1


def test_unstratified_and_regression_splits() -> None:
    ds = load("linear", size=40)
    train, test = split(ds, test_size=0.1)
    assert test is not None and (train.n_samples, test.n_samples) == (36, 4)
    train, test = split(load("iris"), test_size=0.3, stratify=False)
    assert test is not None and test.n_samples == 45


def test_no_split() -> None:
    ds = load("seed")
    train, test = split(ds, test_size=0)
    assert train is ds and test is None


@pytest.mark.parametrize("test_size", [-0.1, 1, 1.5, True, "0.2"])
def test_split_rejects_bad_test_size(test_size: object) -> None:
    with pytest.raises(InputError) as info:
        split(load("iris"), test_size=test_size)  # type: ignore[arg-type]
    assert str(info.value).startswith("test_size: expected a fraction in (0, 1)")
    assert repr(test_size) in str(info.value)


def test_split_errors_for_tiny_data_and_stratified_regression() -> None:
    with pytest.raises(InputError, match="test_size: expected a fraction leaving"):
        split(load("seed"), test_size=0.9)
    with pytest.raises(InputError, match="stratify"):
        split(load("diabetes"), stratify=True)


def test_standardizer_population_statistics_and_inverse() -> None:
    X = np.array([[1.0, 5.0, 2.0], [3.0, 5.0, 4.0], [8.0, 5.0, 9.0]])  # (3, 3), column 2 constant
    scaler = Standardizer().fit(X)
    assert scaler.mean_ is not None and scaler.scale_ is not None
    np.testing.assert_allclose(scaler.mean_, X.mean(axis=0))
    np.testing.assert_allclose(scaler.scale_, [X[:, 0].std(ddof=0), 1.0, X[:, 2].std(ddof=0)])
    Z = scaler.transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z[:, [0, 2]].std(axis=0), 1.0)
    np.testing.assert_array_equal(Z[:, 1], 0.0)
    np.testing.assert_allclose(scaler.inverse_transform(Z), X)
    np.testing.assert_allclose(Standardizer().fit_transform(X), Z)


def test_standardizer_errors() -> None:
    with pytest.raises(InputError, match="Standardizer: expected fit"):
        Standardizer().transform([[1.0]])
    scaler = Standardizer().fit([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(InputError, match="X: expected 2 columns, as in fit, got 3 columns"):
        scaler.transform([[1.0, 2.0, 3.0]])
    with pytest.raises(InputError, match=r"X: expected a 2-D array"):
        scaler.transform([1.0, 2.0])


def test_standardize_uses_training_statistics_only() -> None:
    train, test = split(load("breast_cancer"), test_size=0.25, seed=1)
    assert test is not None
    scaler = Standardizer()
    train_s, test_s = standardize(train, test, scaler=scaler)
    assert test_s is not None
    mean, std = train.X.mean(axis=0), train.X.std(axis=0)
    np.testing.assert_allclose(train_s.X, (train.X - mean) / std)
    np.testing.assert_allclose(test_s.X, (test.X - mean) / std)  # train's μ and σ, not test's
    assert not np.allclose(test_s.X.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_array_equal(test_s.y, test.y)
    np.testing.assert_allclose(scaler.mean_, mean)  # type: ignore[arg-type]
    np.testing.assert_array_equal(train.X, split(load("breast_cancer"), seed=1)[0].X)  # untouched
    only, none = standardize(train)
    assert none is None and only.fingerprint == train_s.fingerprint
