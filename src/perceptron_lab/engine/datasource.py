"""Where a run's data comes from, written down so a resumed run loads the very same data."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..data import Dataset, load, split, standardize
from ..data.builtin import builtin_name
from ..data.crosses import check_crosses, crossed
from ..data.files import TEXT_SUFFIXES, dialect_of


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
    spec: dict[str, Any], *, test_size: float, seed: int, scale: bool
) -> tuple[Dataset, Dataset | None]:
    """(train, test) by the recipe: load, cross, split with ``seed``, standardize on train's."""
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
        train, test = standardize(train, test)
    return train, test
