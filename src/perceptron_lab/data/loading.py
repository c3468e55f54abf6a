"""``load``: one entry point for built-in names and data files."""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from pathlib import Path

from perceptron_lab.data.builtin import BUILTINS, builtin_name, load_builtin
from perceptron_lab.data.columns import ColumnKey, FeatureSpec
from perceptron_lab.data.dataset import Dataset
from perceptron_lab.data.files import SUFFIXES, load_file
from perceptron_lab.errors import InputError


def load(
    source: str | os.PathLike[str],
    *,
    target: ColumnKey | None = None,
    features: FeatureSpec = None,
    size: int | None = None,
    seed: int = 0,
    task: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    detected: Sequence[str] = (),
) -> Dataset:
    """A built-in dataset by name (see ``BUILTINS``), else a data file by path.

    ``target`` and ``features`` pick columns of a file (``features`` also of a
    built-in); ``size`` and ``seed`` apply to the synthetic built-ins; ``task``
    overrides the inferred task; ``sep``, ``decimal`` and ``encoding`` say how a CSV is
    written (else sniffed; ``detected``: those of them a sniff found before).
    """
    text = os.fspath(source)
    name = builtin_name(text) if isinstance(source, str) else None
    if name is not None:
        if target is not None:
            raise InputError(
                "target",
                f"no target for the built-in dataset '{name}' (it has its own)",
                repr(target),
            )
        for argument, value in (("sep", sep), ("decimal", decimal), ("encoding", encoding)):
            if value is not None:
                raise InputError(
                    argument, f"no {argument} for the built-in dataset '{name}'", repr(value)
                )
        return load_builtin(name, size=size, seed=seed, features=features, task=task)
    path = Path(text)
    if not path.is_file():
        close = difflib.get_close_matches(text.lower(), list(BUILTINS), n=1)
        hint = f"did you mean '{close[0]}'?" if close else None
        if path.is_dir():
            hint = "that is a directory"
        raise InputError(
            "data",
            "an existing file or one of the built-in datasets (" + ", ".join(BUILTINS) + ")",
            repr(text),
            hint=hint,
        )
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(
            "data",
            "a file ending in " + ", ".join(SUFFIXES) + " or a built-in dataset name",
            repr(text),
        )
    if size is not None:
        raise InputError(
            "size", "no size for a file (only the synthetic built-ins take one)", repr(size)
        )
    return load_file(
        path,
        target=target,
        features=features,
        task=task,
        sep=sep,
        decimal=decimal,
        encoding=encoding,
        detected=detected,
    )
