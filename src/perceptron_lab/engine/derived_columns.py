"""Vector columns a watched run keeps as null where they follow from other columns.

A step row of a watched loop holds 5–7 parameter-sized vectors, most of which repeat each
other: W before step t is W after step t − 1, the update is W_after − W_before, and on a
step the budget left unverified the "closed form" gradient is the loop's own. Such a vector
is neither held in the watch's memory nor written (a null: a few bytes in Parquet); the
row's ``derived`` scalar names it, and :func:`rebuild` puts it back when the rows are read —
``run.trace`` or ``Trace.load`` — value for value what the loop had:

- ``W_before`` / ``B_before``: the previous row's ``W_after`` / ``B_after``;
- ``update_W`` / ``update_B``: ``W_after − W_before`` in the run's dtype (as it was computed);
- ``dW`` / ``dB``: ``dW_torch`` / ``dB_torch``.

:func:`derivable` is the writer's side: which of a row's vectors it may leave out, checked
bit for bit against the values it would have written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

DERIVED = "derived"  # the row's scalar column: the vectors left out, comma-separated
FROM_PREVIOUS = {"W_before": "W_after", "B_before": "B_after"}  # ← the row before's
DIFFERENCES = {"update_W": ("W_after", "W_before"), "update_B": ("B_after", "B_before")}
COPIES = {"dW": "dW_torch", "dB": "dB_torch"}


def derivable(
    vectors: Mapping[str, torch.Tensor], previous: Mapping[str, torch.Tensor] | None
) -> list[str]:
    """The names in ``vectors`` (as they will be stored) that :func:`rebuild` reproduces.

    ``previous``: the row before's vectors as stored (None for the first row).
    """
    out = []
    for name, source in FROM_PREVIOUS.items():
        before = previous.get(source) if previous else None
        if name in vectors and before is not None and torch.equal(vectors[name], before):
            out.append(name)
    for name, (a, b) in DIFFERENCES.items():
        present = name in vectors and a in vectors and b in vectors
        if present and torch.equal(vectors[name], vectors[a] - vectors[b]):
            out.append(name)
    for name, source in COPIES.items():
        if name in vectors and source in vectors and torch.equal(vectors[name], vectors[source]):
            out.append(name)
    return out


def rebuild(rows: list[dict[str, Any]], dtype: torch.dtype) -> list[dict[str, Any]]:
    """The rows with each vector their ``derived`` column names put back (and it removed)."""
    previous: dict[str, Any] | None = None
    for row in rows:
        names = (row.pop(DERIVED, None) or "").split(",")
        for name in filter(None, names):
            if name in FROM_PREVIOUS and previous is not None:
                row[name] = list(previous[FROM_PREVIOUS[name]])
            elif name in DIFFERENCES:
                a, b = DIFFERENCES[name]
                after, before = torch.tensor(row[a], dtype=dtype), torch.tensor(row[b], dtype=dtype)
                row[name] = (after - before).tolist()
            elif name in COPIES:
                row[name] = list(row[COPIES[name]])
        previous = row
    return rows
