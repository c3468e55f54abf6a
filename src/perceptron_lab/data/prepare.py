"""Preparing a Dataset for training: a seeded train/test split and standardization.

Standardization: X' = (X - μ) / σ per column, with μ the mean and σ the population
standard deviation (ddof = 0) of the *training* rows only; a constant column gets
σ = 1 so nothing divides by zero.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from perceptron_lab.bounds import bounded
from perceptron_lab.data.dataset import Dataset
from perceptron_lab.errors import InputError


def _stratified_test_rows(y: np.ndarray, n_test: int, rng: np.random.Generator) -> np.ndarray:
    """Pick about n_test rows so each class keeps its share; a class of >= 2 keeps 1 in train."""
    classes, counts = np.unique(y, return_counts=True)  # (C,), (C,)
    ideal = counts * n_test / len(y)  # (C,) each class's exact share of the test set
    take = np.floor(ideal).astype(np.int64)
    room = np.maximum(counts - 1, 0)  # at most all but one sample of a class goes to test
    take = np.minimum(take, room)
    for c in np.argsort(-(ideal - take), kind="stable"):  # largest remainder first
        if take.sum() >= n_test:
            break
        if take[c] < room[c]:
            take[c] += 1
    rows = [
        rng.permutation(np.flatnonzero(y == label))[:k]
        for label, k in zip(classes, take, strict=True)
    ]
    return np.concatenate(rows)


def split(
    dataset: Dataset,
    test_size: float = 0.25,
    seed: int = 0,
    stratify: bool | None = None,
) -> tuple[Dataset, Dataset | None]:
    """(train, test), drawn with ``np.random.default_rng(seed)``; test_size=0: (dataset, None).

    Classification is stratified by default: each class keeps its proportion in both
    parts, and a class with at least 2 samples is always in train.
    """
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, int | float)
        or not (0 <= test_size < 1)
    ):
        raise InputError("test_size", "a fraction in (0, 1), or 0 for no split", repr(test_size))
    bounded("seed", seed)
    classify = dataset.task != "regression"
    if stratify is None:
        stratify = classify
    elif stratify and not classify:
        raise InputError("stratify", "False or None for a regression dataset", "True")
    if test_size == 0:
        return dataset, None
    n = dataset.n_samples
    n_test = math.ceil(test_size * n)
    if n_test >= n:
        raise InputError(
            "test_size",
            f"a fraction leaving at least one of the {n} samples to train on",
            repr(test_size),
        )
    rng = np.random.default_rng(seed)
    if stratify:
        test_rows = _stratified_test_rows(dataset.y, n_test, rng)
    else:
        test_rows = rng.permutation(n)[:n_test]
    in_test = np.zeros(n, dtype=bool)
    in_test[test_rows] = True
    train_rows = rng.permutation(np.flatnonzero(~in_test))  # (N - n_test,) shuffled
    test_rows = rng.permutation(test_rows)
    return (
        dataset.subset(train_rows, name=f"{dataset.name} (train)"),
        dataset.subset(test_rows, name=f"{dataset.name} (test)"),
    )


class Standardizer:
    """Per-column standardization X' = (X - mean_) / scale_, fitted on training data."""

    def __init__(self) -> None:
        self.mean_: np.ndarray | None = None  # (d,) μ of the fitted columns
        self.scale_: np.ndarray | None = None  # (d,) σ (population), 1 where a column is constant

    def fit(self, X: Any) -> Standardizer:
        """Store mean_ and scale_ of X (N, d)."""
        X = self._check(X, fitted=False)
        mean = X.mean(axis=0)  # (d,)
        std = X.std(axis=0)  # (d,) ddof = 0
        constant = std <= 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0)
        self.mean_, self.scale_ = mean, np.where(constant, 1.0, std)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """(X - mean_) / scale_, shape (N, d)."""
        X = self._check(X, fitted=True)
        return np.asarray((X - self.mean_) / self.scale_)

    def inverse_transform(self, X: Any) -> np.ndarray:
        """X * scale_ + mean_, shape (N, d): undoes ``transform``."""
        X = self._check(X, fitted=True)
        return np.asarray(X * self.scale_ + self.mean_)

    def fit_transform(self, X: Any) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def state(self) -> dict[str, list[float]]:
        """{"mean": μ, "std": σ} as lists, for a run's config.json."""
        if self.mean_ is None or self.scale_ is None:
            raise InputError("Standardizer", "fit(X) before state()", "an unfitted Standardizer")
        return {"mean": self.mean_.tolist(), "std": self.scale_.tolist()}

    @classmethod
    def from_state(cls, state: dict[str, list[float]]) -> Standardizer:
        """The fitted Standardizer that :meth:`state` wrote down."""
        scaler = cls()
        mean, std = (np.asarray(state[key], dtype=np.float64) for key in ("mean", "std"))
        if mean.ndim != 1 or mean.shape != std.shape or not (std > 0).all():
            raise InputError(
                "scaling", "a mean and a std > 0 per feature", f"{mean.shape} and {std.shape}"
            )
        scaler.mean_, scaler.scale_ = mean, std
        return scaler

    def _check(self, X: Any, fitted: bool) -> np.ndarray:
        if fitted and (self.mean_ is None or self.scale_ is None):
            raise InputError("Standardizer", "fit(X) before transform", "an unfitted Standardizer")
        array = np.asarray(X, dtype=np.float64)
        if array.ndim != 2 or array.shape[0] == 0:
            raise InputError("X", "a 2-D array of shape (N, d) with N >= 1", f"shape {array.shape}")
        if fitted and self.mean_ is not None and array.shape[1] != len(self.mean_):
            raise InputError(
                "X", f"{len(self.mean_)} columns, as in fit", f"{array.shape[1]} columns"
            )
        return array


def standardize(
    train: Dataset, test: Dataset | None = None, scaler: Standardizer | None = None
) -> tuple[Dataset, Dataset | None]:
    """Standardize train's and test's X with statistics of train only.

    Pass ``scaler`` to keep the fitted Standardizer (its mean_ and scale_).
    """
    scaler = Standardizer() if scaler is None else scaler
    scaler.fit(train.X)
    note = " Features standardized with the training set's mean and std."
    train_t = replace(train, X=scaler.transform(train.X), description=train.description + note)
    if test is None:
        return train_t, None
    return train_t, replace(test, X=scaler.transform(test.X), description=test.description + note)
