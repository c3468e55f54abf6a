"""Where a run's data comes from, written down so a resumed run loads the very same data."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..data import Dataset, Standardizer, load, split, standardize
from ..data.builtin import builtin_name
from ..data.crosses import check_crosses, crossed
from ..data.files import TEXT_SUFFIXES, dialect_of
from .config import TrainConfig


def data_spec(
    source: str | None,
    *,
    target: str | None = None,
    features: str | None = None,
    size: int | None = None,
    data_seed: int = 0,
    task: str | None = None,
    crosses: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
) -> dict[str, Any]:
    """The recipe: a built-in's name or a file's absolute path, how to read it, its crosses.

    A CSV's separator, decimal mark and encoding are recorded as given or sniffed now, so
    the file reads back the same way.
    """
    source = source or "seed"
    reading = {"sep": sep, "decimal": decimal, "encoding": encoding}
    if builtin_name(source) is None:
        source = os.path.abspath(source)
        if Path(source).suffix.lower() in TEXT_SUFFIXES and Path(source).is_file():
            reading = dialect_of(source, **reading).recipe()
    return {
        "source": source,
        "target": target,
        "features": features,
        "size": size,
        "data_seed": data_seed,
        "task": task,
        "crosses": list(check_crosses(crosses)) or None,
        **{key: value for key, value in reading.items() if value is not None},
    }


def load_split(
    spec: dict[str, Any],
    *,
    test_size: float,
    seed: int,
    scale: bool,
    scaler: Standardizer | None = None,
) -> tuple[Dataset, Dataset | None]:
    """(train, test) by the recipe: load, cross, split with ``seed``, standardize on train's.

    ``scaler`` (with ``scale``) keeps the fitted μ and σ, which the run's manifest stores.
    """
    dataset = load(
        spec["source"],
        target=spec.get("target"),
        features=spec.get("features"),
        size=spec.get("size"),
        seed=spec.get("data_seed", 0),
        task=spec.get("task"),
        sep=spec.get("sep"),
        decimal=spec.get("decimal"),
        encoding=spec.get("encoding"),
        detected=spec.get("detected", ()),
    )
    dataset = crossed(dataset, check_crosses(spec.get("crosses")))
    train, test = split(dataset, test_size=test_size, seed=seed) if test_size else (dataset, None)
    if scale:
        train, test = standardize(train, test, scaler)
    return train, test


def run_scaler(
    recipe: dict[str, Any], scaling: dict[str, list[float]] | None, config: TrainConfig
) -> Standardizer | None:
    """The standardizer a run trained with: its stored μ and σ, else fitted again.

    X' = (φ(X) − μ) / σ on the crossed features φ(X). A run from before config.json kept
    them (``scaling`` None) fits them again on its training rows, loaded by its recipe.
    None: the run's features were not standardized.
    """
    if not config.standardize:
        return None
    if scaling is not None:
        return Standardizer.from_state(scaling)
    raw, _ = load_split(recipe, test_size=config.test_size, seed=config.seed, scale=False)
    return Standardizer().fit(raw.X)
