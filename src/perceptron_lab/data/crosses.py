"""Feature crosses of a 2-feature dataset: x₁², x₂², x₁·x₂, sin x₁, sin x₂ as more inputs.

TensorFlow Playground's classic: one neuron on crossed features draws a curved boundary
in the original plane — x₁·x₂ separates XOR, x₁² + x₂² the circles. The crosses are
columns appended after the two originals, computed from the raw (unstandardized) values:

    φ(x₁, x₂) = (x₁, x₂, c₁(x₁, x₂), …, cₘ(x₁, x₂))    (N, 2) → (N, 2 + m)

so a run's W has 2 + m rows and Z = φ(X)W + B. ``CROSSES`` lists them by the name the
recipe, the CLI (``--cross x1*x2,x1^2``) and the API use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from types import MappingProxyType

import numpy as np

from perceptron_lab.data.dataset import Dataset
from perceptron_lab.errors import InputError

# name → (the column from (x₁, x₂), its feature name from the originals' names a, b)
_CROSSES: dict[
    str, tuple[Callable[[np.ndarray, np.ndarray], np.ndarray], Callable[[str, str], str]]
] = {
    "x1^2": (lambda a, b: a * a, lambda a, b: f"{a}²"),
    "x2^2": (lambda a, b: b * b, lambda a, b: f"{b}²"),
    "x1*x2": (lambda a, b: a * b, lambda a, b: f"{a}·{b}"),
    "sin(x1)": (lambda a, b: np.sin(a), lambda a, b: f"sin {a}"),
    "sin(x2)": (lambda a, b: np.sin(b), lambda a, b: f"sin {b}"),
}
CROSSES = MappingProxyType({name: names("x₁", "x₂") for name, (_, names) in _CROSSES.items()})


def check_crosses(crosses: str | Sequence[str] | None) -> tuple[str, ...]:
    """The crosses asked for, in the order of ``CROSSES``: a comma-separated text or names."""
    if crosses is None or crosses == "" or crosses == ():
        return ()
    names = [c.strip() for c in crosses.split(",")] if isinstance(crosses, str) else list(crosses)
    unknown = [n for n in names if n not in _CROSSES]
    if unknown or not names:
        raise InputError(
            "crosses", f"names among {', '.join(_CROSSES)}", ", ".join(map(repr, unknown))
        )
    return tuple(n for n in _CROSSES if n in names)


def cross_columns(X: np.ndarray, crosses: Sequence[str]) -> np.ndarray:
    """φ(X): the two columns of X (N, 2) and each cross after them, (N, 2 + len(crosses))."""
    a, b = X[:, 0], X[:, 1]
    return np.column_stack([X, *(_CROSSES[c][0](a, b) for c in crosses)]).astype(X.dtype)


def crossed(dataset: Dataset, crosses: Sequence[str]) -> Dataset:
    """``dataset`` with the crosses appended as features (it must have exactly 2)."""
    if not crosses:
        return dataset
    if dataset.n_features != 2:
        raise InputError(
            "crosses",
            "a dataset of 2 features (x1, x2) to cross",
            f"{dataset.n_features} features in {dataset.name}",
            hint="choose two of its features first",
        )
    a, b = dataset.feature_names
    names = tuple(_CROSSES[c][1](a, b) for c in crosses)
    note = f" Crossed features: {', '.join(names)}."
    return replace(
        dataset,
        X=cross_columns(dataset.X, crosses),
        feature_names=(a, b, *names),
        description=dataset.description + note,
    )
