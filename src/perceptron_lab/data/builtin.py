"""Built-in datasets: the notebook's seed, logic gates, scikit-learn's bundled
tables (shipped in the package, data/bundled.py: no network, no scikit-learn needed) and
seeded synthetic data.

``BUILTINS`` maps each name to a one-line description. Synthetic datasets take
``size`` (N, default 200) and ``seed`` (default 0) and are drawn with
``np.random.default_rng(seed)``: the same seed gives the same data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np

from perceptron_lab.bounds import bounded
from perceptron_lab.data.arrays import from_arrays
from perceptron_lab.data.columns import FeatureSpec, Table, resolve_features
from perceptron_lab.data.dataset import Dataset
from perceptron_lab.data.labels import check_task
from perceptron_lab.errors import InputError

DEFAULT_SIZE = 200
LINEAR_BIAS = 0.5  # b of the `linear` dataset
LINEAR_NOISE = 0.1  # σ of its Gaussian noise
CIRCLES_INNER = 0.5  # radius of the `circles` inner ring (class 1; the outer ring is 1)
CIRCLES_NOISE = 0.05  # σ of its Gaussian noise
SPIRAL_TURNS = 1.25  # turns of each `spiral` arm
SPIRAL_NOISE = 0.03  # σ of its Gaussian noise


def linear_weights(d: int) -> np.ndarray:
    """w of the `linear` dataset: (d,) = [1, -2, 3, -4, ...]."""
    j = np.arange(d)
    return np.where(j % 2 == 0, 1.0, -1.0) * (j + 1)


@dataclass(frozen=True)
class _Builtin:
    description: str
    build: Callable[[int, int], Dataset]  # (size, seed) -> Dataset; fixed ones ignore both
    synthetic: bool = False  # takes size and seed


def _gate(name: str, truth: list[int], description: str) -> _Builtin:
    X = [[0, 0], [0, 1], [1, 0], [1, 1]]  # (4, 2) every pair of binary inputs
    return _Builtin(
        description,
        lambda size, seed: from_arrays(X, truth, task="binary", name=name, description=description),
    )


def _sklearn(name: str, target_name: str, description: str) -> _Builtin:
    def build(size: int, seed: int) -> Dataset:
        from perceptron_lab.data.bundled import bundled_table

        bunch = bundled_table(name)  # scikit-learn's copy, shipped in the package
        regression = bunch.target.dtype.kind == "f"
        classes = (
            None
            if regression
            else tuple(
                str(c) if isinstance(c, str) else int(c) for c in bunch.target_names.tolist()
            )
        )
        n_classes = 0 if classes is None else len(classes)
        return Dataset(
            name=name,
            X=np.asarray(bunch.data, dtype=np.float64),  # (N, d)
            # scikit-learn's encoding kept: y == bunch.target, classes == target_names
            y=np.asarray(bunch.target, dtype=np.float64 if regression else np.int64),  # (N,)
            feature_names=tuple(str(f) for f in bunch.feature_names),
            target_name=target_name,
            task="regression" if regression else ("binary" if n_classes == 2 else "multiclass"),
            classes=classes,
            description=description,
        )

    return _Builtin(description, build)


def _blobs(size: int, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(size) % 2)  # (N,) half of each class, shuffled
    centers = np.array([[-1.5, -1.5], [1.5, 1.5]])  # (2, 2) one center per class
    X = centers[y] + rng.normal(size=(size, 2))  # (N, 2) unit-variance blobs
    return from_arrays(
        X, y, task="binary", name="blobs", description=_REGISTRY["blobs"].description
    )


def _moons(size: int, seed: int) -> Dataset:
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(size) % 2)  # (N,)
    angle = rng.uniform(0.0, np.pi, size=size)  # (N,)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])  # (N, 2) class 0
    lower = np.column_stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)])  # (N, 2) class 1
    X = np.where(y[:, None] == 0, upper, lower) + rng.normal(scale=0.1, size=(size, 2))
    return from_arrays(
        X, y, task="binary", name="moons", description=_REGISTRY["moons"].description
    )


def _circles(size: int, seed: int) -> Dataset:
    """Class 0 on the circle of radius 1, class 1 on radius CIRCLES_INNER, noise σ."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(size) % 2)  # (N,)
    angle = rng.uniform(0.0, 2 * np.pi, size=size)  # (N,)
    radius = np.where(y == 0, 1.0, CIRCLES_INNER)  # (N,)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])  # (N, 2)
    X = X + rng.normal(scale=CIRCLES_NOISE, size=(size, 2))
    return from_arrays(
        X, y, task="binary", name="circles", description=_REGISTRY["circles"].description
    )


def _spiral(size: int, seed: int) -> Dataset:
    """Two interleaved spirals: r = t, θ = SPIRAL_TURNS·2π·t + c·π for class c, t ∈ [0, 1)."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(size) % 2)  # (N,)
    t = rng.uniform(0.0, 1.0, size=size)  # (N,) how far along its arm a point is
    theta = SPIRAL_TURNS * 2 * np.pi * t + np.pi * y  # (N,) class 1 is class 0 turned by π
    X = t[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])  # (N, 2)
    X = X + rng.normal(scale=SPIRAL_NOISE, size=(size, 2))
    return from_arrays(
        X, y, task="binary", name="spiral", description=_REGISTRY["spiral"].description
    )


def _linear(size: int, seed: int, d: int = 3) -> Dataset:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(size, d))  # (N, d)
    noise = rng.normal(scale=LINEAR_NOISE, size=size)  # (N,)
    y = X @ linear_weights(d) + LINEAR_BIAS + noise  # (N,)
    return from_arrays(
        X, y, task="regression", name="linear", description=_REGISTRY["linear"].description
    )


_REGISTRY: dict[str, _Builtin] = {
    "seed": _Builtin(
        "The notebook's example: X = [[1, 2], [3, 4], [5, 6]], y = [1, 0, 1] (binary).",
        lambda size, seed: from_arrays(
            [[1, 2], [3, 4], [5, 6]],
            [1, 0, 1],
            task="binary",
            name="seed",
            description=_REGISTRY["seed"].description,
        ),
    ),
    "and": _gate(
        "and", [0, 0, 0, 1], "Logical AND of two binary inputs: 4 rows, linearly separable."
    ),
    "or": _gate("or", [0, 1, 1, 1], "Logical OR of two binary inputs: 4 rows, linearly separable."),
    "xor": _gate(
        "xor",
        [0, 1, 1, 0],
        "Logical XOR of two binary inputs: 4 rows. A single perceptron cannot learn it: "
        "it is not linearly separable.",
    ),
    "iris": _sklearn(
        "iris", "species", "Fisher's iris flowers: 150 samples, 4 measurements (cm), 3 species."
    ),
    "breast_cancer": _sklearn(
        "breast_cancer",
        "diagnosis",
        "Wisconsin breast cancer: 569 tumours, 30 features, malignant (0) or benign (1).",
    ),
    "wine": _sklearn(
        "wine", "cultivar", "Wine recognition: 178 wines, 13 chemical features, 3 cultivars."
    ),
    "digits": _sklearn(
        "digits",
        "digit",
        "Handwritten digits: 1797 8x8 images as 64 pixel features (0-16), 10 classes.",
    ),
    "diabetes": _sklearn(
        "diabetes",
        "progression",
        "Diabetes: 442 patients, 10 standardized features, disease progression after a year "
        "(regression).",
    ),
    "blobs": _Builtin(
        "Two Gaussian blobs in 2-D around (-1.5, -1.5) and (1.5, 1.5), one per class (synthetic).",
        _blobs,
        synthetic=True,
    ),
    "moons": _Builtin(
        "Two interleaving half-circles with noise σ = 0.1, binary, 2-D; not linearly separable "
        "(synthetic).",
        _moons,
        synthetic=True,
    ),
    "circles": _Builtin(
        f"Two concentric rings of radius 1 (class 0) and {CIRCLES_INNER} (class 1), noise σ = "
        f"{CIRCLES_NOISE}, 2-D; not linearly separable, but x1² + x2² separates them "
        "(synthetic).",
        _circles,
        synthetic=True,
    ),
    "spiral": _Builtin(
        f"Two interleaved spiral arms of {SPIRAL_TURNS} turns, one per class, noise σ = "
        f"{SPIRAL_NOISE}, 2-D; far from linearly separable (synthetic).",
        _spiral,
        synthetic=True,
    ),
    "linear": _Builtin(
        f"Regression y = X·w + b + noise, 3 features, w = [1, -2, 3], b = {LINEAR_BIAS}, "
        f"noise σ = {LINEAR_NOISE} (synthetic).",
        _linear,
        synthetic=True,
    ),
}

BUILTINS: Mapping[str, str] = MappingProxyType({k: v.description for k, v in _REGISTRY.items()})
SYNTHETIC: tuple[str, ...] = tuple(k for k, v in _REGISTRY.items() if v.synthetic)  # take a size


def builtin_name(source: str) -> str | None:
    """The registry key ``source`` means ("Breast-Cancer" -> "breast_cancer"), or None."""
    key = source.strip().lower().replace("-", "_")
    return key if key in _REGISTRY else None


def _check_size(size: int | None, seed: int, name: str, synthetic: bool) -> int:
    if not synthetic:
        if size is not None:
            generated = ", ".join(SYNTHETIC)
            raise InputError(
                "size", f"no size for '{name}' (only {generated} are generated)", repr(size)
            )
        return 0
    bounded("seed", seed)
    return int(bounded("size", DEFAULT_SIZE if size is None else size))


def _retask(dataset: Dataset, task: str | None) -> Dataset:
    """Re-read a built-in's target under another task, where that makes sense."""
    task = check_task(task)
    if task is None or task == dataset.task:
        return dataset
    if task == "classification" and dataset.task != "regression":
        return dataset
    if task == "multiclass" and dataset.task == "binary":
        return replace(dataset, task="multiclass")
    if (
        task == "regression"
        and dataset.classes is not None
        and all(isinstance(c, int) for c in dataset.classes)
    ):
        values = np.asarray(dataset.classes, dtype=np.float64)[dataset.y]  # (N,)
        return replace(dataset, y=values, task="regression", classes=None)
    raise InputError(
        "task", f"'{dataset.task}' for the built-in dataset '{dataset.name}'", repr(task)
    )


def load_builtin(
    name: str,
    *,
    size: int | None = None,
    seed: int = 0,
    features: FeatureSpec = None,
    task: str | None = None,
) -> Dataset:
    """A built-in dataset by name (see ``BUILTINS``), optionally keeping some features."""
    key = builtin_name(name)
    if key is None:
        raise InputError(
            "data", "one of the built-in datasets (" + ", ".join(_REGISTRY) + ")", repr(name)
        )
    entry = _REGISTRY[key]
    dataset = _retask(entry.build(_check_size(size, seed, key, entry.synthetic), seed), task)
    if features is None:
        return dataset
    table = Table(source=key, columns=dataset.feature_names, values=())
    chosen = resolve_features(table, features, None)
    return replace(
        dataset,
        X=dataset.X[:, chosen],
        feature_names=tuple(dataset.feature_names[i] for i in chosen),
    )
