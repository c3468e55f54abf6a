"""Targets: infer the task from the labels and encode classes as 0..C-1.

Rules, when no task is given: text or boolean labels -> classification; numbers
that are all integers with at most ``MAX_INFERRED_CLASSES`` distinct values ->
classification; other numbers -> regression. Classes are sorted by their
original label, so index i always means ``classes[i]``. Integer labels stay
integers (2**62 and 2**62 + 1 are two classes, not one float). Text labels are
stripped of surrounding whitespace (' cat' is 'cat'); labels that differ only in
letter case ('Cat', 'cat'; 'TRUE', 'true') are refused, naming them, rather than
silently made two classes or merged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np

from perceptron_lab.bounds import plain
from perceptron_lab.data.dataset import TASKS, Task
from perceptron_lab.errors import InputError

MAX_INFERRED_CLASSES = 20
Kind = Literal["number", "bool", "text"]
Where = Callable[[int], str]  # 0-based row index -> "row 3" / "row 3 (line 4)"


def row_where(i: int) -> str:
    """Name a 0-based row as users count it: 1-based."""
    return f"row {i + 1}"


def is_missing(value: Any) -> bool:
    """None, NaN, pandas.NA or an empty string: a cell with nothing in it."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, float | np.floating) and bool(np.isnan(value))


def describe_bad(value: Any) -> str:
    """How a cell that is not a finite number reads in a message: 'NaN', 'inf', 'an empty cell'."""
    if isinstance(value, str | bytes):  # NumPy's str_ shown as the text: '1e309'
        return plain(value) if value.strip() else "an empty cell"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "an empty cell" if is_missing(value) else plain(value)
    return "NaN" if np.isnan(number) else str(number)


def check_task(task: str | None) -> Task | Literal["classification"] | None:
    """Validate a ``task`` argument; "classification" means binary or multiclass, inferred."""
    if task is None or task == "classification" or task in TASKS:
        return task  # type: ignore[return-value]
    raise InputError("task", "one of " + ", ".join((*TASKS, "classification")), repr(task))


def _label_kind(values: np.ndarray, source: str, where: Where) -> tuple[np.ndarray, Kind]:
    """(N,) labels of any dtype -> (N,) float64, bool or str labels, and their kind."""
    kind = values.dtype.kind
    if kind == "b":
        return values, "bool"
    if kind in "iu":
        return values, "number"  # exact: no detour through float64
    if kind == "f":
        numbers = values.astype(np.float64)
        bad = ~np.isfinite(numbers)
        if bad.any():
            i = int(np.argmax(bad))
            raise InputError(
                source,
                "a finite number in every row of the target",
                f"{describe_bad(numbers[i])} in {where(i)}",
            )
        return numbers, "number"
    if kind not in "USO":
        raise InputError(source, "numbers or text labels in the target", f"dtype {values.dtype}")
    kinds: set[Kind] = set()
    for i, value in enumerate(values.tolist()):
        if is_missing(value):
            raise InputError(
                source, "a label in every row of the target", f"an empty cell in {where(i)}"
            )
        if isinstance(value, bool):
            kinds.add("bool")
        elif isinstance(value, int | float):
            if not np.isfinite(value):
                raise InputError(
                    source,
                    "a finite number in every row of the target",
                    f"{describe_bad(value)} in {where(i)}",
                )
            kinds.add("number")
        elif isinstance(value, str | bytes):
            kinds.add("text")
        else:
            raise InputError(
                source,
                "numbers or text labels in the target",
                f"{value!r} ({type(value).__name__}) in {where(i)}",
            )
    if len(kinds) > 1:
        raise InputError(
            source, "target labels of one kind", "a mix of " + " and ".join(sorted(kinds))
        )
    (found,) = kinds
    if found == "number":
        return parse_numbers(values.astype(str)), "number"
    if found == "bool":
        return values.astype(bool), "bool"
    text = np.array([v.decode() if isinstance(v, bytes) else v for v in values.tolist()], dtype=str)
    return np.char.strip(text), "text"


def label_kind(
    values: np.ndarray, source: str = "y", where: Where = row_where
) -> tuple[np.ndarray, Kind]:
    """(N,) labels -> (N,) float64/int64, bool or stripped str labels, and their kind,
    checked as :func:`encode_target` checks them (for readers of labels in pieces)."""
    return _label_kind(values, source, where)


def python_label(label: Any, kind: Kind, integral: bool) -> Any:
    """A class as :func:`encode_target` names it: int or float, bool or str."""
    return _python(label, kind, integral)


def parse_numbers(values: np.ndarray) -> np.ndarray:
    """Text labels that are all numbers: integers ("0", "7") -> int64, exact; others ("1.5")
    -> float64; otherwise unchanged."""
    if values.dtype.kind not in "US" or values.size == 0:
        return values
    for kind in (np.int64, np.float64):
        try:
            return values.astype(kind)
        except (ValueError, OverflowError):
            continue
    return values


def check_case(labels: np.ndarray, source: str) -> None:
    """Refuse text labels that differ only in letter case: 'Cat' and 'cat' are one typo away."""
    seen: dict[str, str] = {}
    for label in np.unique(labels).tolist():
        other = seen.setdefault(label.casefold(), label)
        if other != label:
            raise InputError(
                source,
                "labels that differ in more than letter case (write each class one way)",
                f"{other!r} and {label!r}",
            )


def _python(label: Any, kind: Kind, integral: bool) -> Any:
    if kind == "number":
        return int(label) if integral else float(label)
    return bool(label) if kind == "bool" else str(label)


def label_names(values: np.ndarray, source: str = "y", where: Where = row_where) -> list[str]:
    """(N,) labels as the names their classes get: ``str`` of :func:`encode_target`'s classes."""
    labels, kind = _label_kind(values, source, where)
    integral = kind == "number" and bool(np.all(labels == np.round(labels)))
    return [str(_python(label, kind, integral)) for label in labels.tolist()]


def encode_target(
    values: np.ndarray,  # (N,) labels as given
    task: str | None = None,
    *,
    source: str = "y",
    where: Where = row_where,
) -> tuple[np.ndarray, Task, tuple[Any, ...] | None]:
    """Labels -> (y, task, classes): y (N,) float64 or int64 indices, classes sorted."""
    task = check_task(task)
    labels, kind = _label_kind(values, source, where)
    integral = kind == "number" and bool(np.all(labels == np.round(labels)))
    if task is None and kind == "number":
        few = len(np.unique(labels)) <= MAX_INFERRED_CLASSES
        task = "classification" if integral and few else "regression"
    if task == "regression":
        if kind != "number":
            raise InputError(
                "task",
                "numeric target values for regression",
                f"{kind} labels such as {labels[0]!r}",
                hint="use a classification task",
            )
        return labels.astype(np.float64), "regression", None
    if kind == "text":
        check_case(labels, source)
    uniq = np.unique(labels)  # (C,) sorted
    classes = tuple(_python(label, kind, integral) for label in uniq.tolist())
    final = classification_task(classes, task)
    y = np.searchsorted(uniq, labels).astype(np.int64)  # (N,) indices into classes
    return y, final, classes


def classification_task(classes: tuple[Any, ...], task: str | None) -> Task:
    """binary or multiclass for these sorted ``classes`` (``task`` as asked: None, binary,
    multiclass or classification); fewer than 2 classes, or 'binary' of more, refused."""
    if len(classes) < 2:
        raise InputError("target", "at least 2 classes", f"only the class {classes[0]!r}")
    if task == "binary" and len(classes) != 2:
        raise InputError(
            "task",
            "exactly 2 classes for 'binary'",
            f"{len(classes)} classes {_short(classes)}",
            hint="use 'multiclass'",
        )
    return "multiclass" if task == "multiclass" or len(classes) > 2 else "binary"


def _short(classes: tuple[Any, ...], limit: int = 8) -> str:
    shown = ", ".join(repr(c) for c in classes[:limit])
    return f"({shown}{', ...' if len(classes) > limit else ''})"
