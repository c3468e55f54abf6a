"""Vector columns the step table keeps as null where they follow from other columns.

A step row holds several parameter-sized vectors, most of which repeat each other: W
before step t is W after step t − 1, the update is W_after − W_before, and on a step
whose two gradients agree bit for bit (a watched loop's unverified step: the "closed
form" gradient is the loop's own) dL/dW is dL/dW from PyTorch. Such a vector is neither
held in a watch's memory nor written (a null: a few bits in Parquet); the row's
``derived`` scalar names it, and :func:`rebuild` (row by row) or
:class:`~perceptron_lab.engine.step_rows.StepRows` (a column at once) puts it back when
the rows are read — value for value what the writer had:

- ``W_before`` / ``B_before``: the previous row's ``W_after`` / ``B_after``;
- ``update_W`` / ``update_B``: ``W_after − W_before`` in the run's dtype — one IEEE
  subtraction, the very operation the closed form's update is (``Session._step``,
  ``StepBlock.columns``: ``c.W_after − W``), so the rebuilt update has its bits;
- ``dW`` / ``dB``: ``dW_torch`` / ``dB_torch``.

:func:`derivable` and :func:`derivable_rows` are the writer's side: which of a row's
(a block's rows') vectors it may leave out, checked bit for bit (−0.0 is not 0.0, NaN
never matches) against the values it would have written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import torch

DERIVED = "derived"  # the row's scalar column: the vectors left out, comma-separated
FROM_PREVIOUS = {"W_before": "W_after", "B_before": "B_after"}  # ← the row before's
DIFFERENCES = {"update_W": ("W_after", "W_before"), "update_B": ("B_after", "B_before")}
COPIES = {"dW": "dW_torch", "dB": "dB_torch"}


def _same_rows(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per row of (m, width) tensors: every number the same bits (sign of zero included)."""
    same = (a == b) & (a.signbit() == b.signbit())
    return same.flatten(1).all(dim=1)


def derivable(
    vectors: Mapping[str, torch.Tensor], previous: Mapping[str, torch.Tensor] | None
) -> list[str]:
    """The names in ``vectors`` (as they will be stored) that :func:`rebuild` reproduces.

    ``previous``: the row before's vectors as stored (None for the first row).
    """
    rows = {name: v.reshape(1, -1) for name, v in vectors.items()}
    last = None if previous is None else {n: v.reshape(1, -1) for n, v in previous.items()}
    return derivable_rows(rows, last)[0]


def derivable_rows(
    vectors: Mapping[str, torch.Tensor],
    previous: Mapping[str, torch.Tensor] | None,
    present: Mapping[str, list[bool]] | None = None,
) -> list[list[str]]:
    """For each of m rows of (m, width) ``vectors``, the names :func:`rebuild` reproduces.

    ``previous``: the row before the first's vectors as stored, (1, width) each (None:
    there is none); ``present``: which rows hold the vectors some rows lack.
    """
    import torch

    m = next(iter(vectors.values())).shape[0]
    held = present or {}
    out: list[list[str]] = [[] for _ in range(m)]

    def mark(name: str, same: torch.Tensor, *sources: str) -> None:
        for i in same.nonzero().reshape(-1).tolist():
            if all(held[s][i] for s in (name, *sources) if s in held):
                out[i].append(name)

    for name, source in FROM_PREVIOUS.items():
        if name in vectors and source in vectors:
            after = vectors[source]
            if previous is not None and source in previous:
                before = torch.cat([previous[source].to(after.dtype), after[: m - 1]])
                mark(name, _same_rows(vectors[name], before), source)
            else:  # the first row's W before is stored
                same = _same_rows(vectors[name][1:], after[: m - 1])
                mark(name, torch.cat([same.new_zeros(1), same]), source)
    for name, (a, b) in DIFFERENCES.items():
        if name in vectors and a in vectors and b in vectors:
            mark(name, _same_rows(vectors[name], vectors[a] - vectors[b]), a, b)
    for name, source in COPIES.items():
        if name in vectors and source in vectors:
            mark(name, _same_rows(vectors[name], vectors[source]), source)
    return out


def numpy_dtype(dtype: Any) -> np.dtype[Any]:
    """A numpy dtype from a torch dtype (torch.float32), a numpy one or its name."""
    import numpy as np

    return np.dtype(str(dtype).removeprefix("torch."))


def rebuild(
    rows: list[dict[str, Any]], dtype: Any, previous: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The rows with each vector their ``derived`` column names put back (and it removed).

    ``dtype``: the run's (torch's, numpy's or its name), in which the differences are
    taken; ``previous``: the row before the first (its W_after and B_after), if any.
    """
    import numpy as np

    kind = numpy_dtype(dtype)
    for row in rows:
        names = (row.pop(DERIVED, None) or "").split(",")
        for name in filter(None, names):
            if name in FROM_PREVIOUS and previous is not None:
                row[name] = list(previous[FROM_PREVIOUS[name]])
            elif name in DIFFERENCES:
                a, b = DIFFERENCES[name]
                after, before = np.asarray(row[a], dtype=kind), np.asarray(row[b], dtype=kind)
                row[name] = (after - before).tolist()
            elif name in COPIES:
                row[name] = list(row[COPIES[name]])
        previous = row
    return rows
