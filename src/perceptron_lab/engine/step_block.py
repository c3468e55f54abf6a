"""A stretch of steps recorded column-wise: what the trainer's hot loop writes into.

``Session.advance`` takes many steps in one call and records each into a
:class:`StepBlock` instead of building a ``Row`` per step: per step, the Python scalars
are appended to lists and the vectors that cannot be derived — W′, B′, dL/dW, dL/dB and
the optimizer state (and PyTorch's gradient on a verified step) — are written into one
preallocated (rows, Σ widths) buffer in the run's dtype by one concatenation. What
follows from them is computed for the whole block at once when it is closed, by the
same elementwise operations a single step uses, so every value is bit-identical to the
row path's:

    W_before[i] = W_after[i − 1]   (row 0: the W the block started from)
    update_W[i] = W_after[i] − W_before[i]      (and the same for B)
    grad_norm[i] = √(‖dL/dW[i]‖² + ‖dL/dB[i]‖²)  (:func:`grad_norms`, in float64)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch

# the scalar columns each step fills, in the order ``put`` takes them
STEP_SCALARS = (
    "step",
    "epoch",
    "batch",
    "n_samples",
    "lr",
    "rule_step",
    "loss",
    "score",  # renamed to the loss's score name (accuracy, r2) when the block is read
    "verified",
    "worst_quantity",
    "worst_disagreement",
)
TWIN_VECTORS = ("dW_torch", "dB_torch")  # only on verified steps


def grad_norms(dW: torch.Tensor, dB: torch.Tensor) -> list[float]:
    """√(‖dL/dW‖² + ‖dL/dB‖²) of each row of (n, d·k) and (n, k), in float64.

    One function for one step (n = 1) and for a block, so both give the same bits: in
    float64 because finite float32 gradients can have a norm float32 cannot hold.
    """
    norm = torch.linalg.vector_norm
    w = norm(dW, dim=1, dtype=torch.float64).tolist()
    b = norm(dB, dim=1, dtype=torch.float64).tolist()
    return [math.hypot(x, y) for x, y in zip(w, b, strict=True)]


class StepBlock:
    """Up to ``capacity`` steps' rows; see the module docstring.

    ``widths`` names the stored vectors and their widths in the order ``put`` takes
    them: W_after, B_after, dW, dB, then the state columns (``StepSchema.state_column``).
    """

    def __init__(
        self,
        widths: Mapping[str, int],
        capacity: int,
        dtype: torch.dtype,
        device: torch.device | str | None = None,
    ) -> None:
        self.spans: dict[str, tuple[int, int]] = {}
        offset = 0
        for name, width in widths.items():
            self.spans[name] = (offset, width)
            offset += width
        dk, k = widths["W_after"], widths["B_after"]
        self.capacity = capacity
        self.buffer = torch.empty((capacity, offset), dtype=dtype, device=device)
        self.twin = torch.full((capacity, dk + k), float("nan"), dtype=dtype, device=device)
        self.state_columns = tuple(name for name in widths if name.startswith("state_"))
        self.shapes: dict[str, tuple[int, ...]] = {}  # each vector's shape, from its first row
        self.verified_rows: list[int] = []
        self.clear()

    def clear(self) -> None:
        """Empty the block (the buffers are kept for the next stretch; the twin rows NaN)."""
        for i in self.verified_rows:
            self.twin[i].fill_(float("nan"))
        self.n = 0
        self.scalars: list[tuple[Any, ...]] = []
        self.metrics: dict[int, Mapping[str, float]] = {}  # row → the epoch's metric columns
        self.verified_rows = []
        self.absent: list[tuple[int, str]] = []  # (row, state column) the rule did not hold
        self.last_of_epoch: list[bool] = []
        self.start: tuple[torch.Tensor, torch.Tensor] | None = None  # W, B before row 0

    @property
    def full(self) -> bool:
        return self.n == self.capacity

    def put(
        self,
        scalars: tuple[Any, ...],
        vectors: list[torch.Tensor | None],
        last_of_epoch: bool,
        twin: tuple[torch.Tensor, torch.Tensor] | None = None,
    ) -> int:
        """One step: its ``STEP_SCALARS`` and its vectors in ``spans`` order (None: a state
        entry the rule does not hold at this step, null in the table); its row index."""
        i = self.n
        if len(self.shapes) < len(self.spans):
            for name, v in zip(self.spans, vectors, strict=True):
                if v is not None:
                    self.shapes.setdefault(name, tuple(v.shape))
        if any(v is None for v in vectors):
            vectors = list(vectors)
            for j, name in enumerate(self.spans):
                if vectors[j] is None:
                    vectors[j] = self.buffer.new_full((self.spans[name][1],), float("nan"))
                    self.absent.append((i, name))
        torch.cat([v.reshape(-1) for v in vectors if v is not None], out=self.buffer[i])
        if twin is not None:
            torch.cat([twin[0].reshape(-1), twin[1].reshape(-1)], out=self.twin[i])
            self.verified_rows.append(i)
        self.scalars.append(scalars)
        self.last_of_epoch.append(last_of_epoch)
        self.n += 1
        return i

    def column(self, name: str) -> torch.Tensor:
        """The stored vector ``name`` of the block's rows: (n, width)."""
        offset, width = self.spans[name]
        return self.buffer[: self.n, offset : offset + width]

    def drop_last(self) -> None:
        """Forget the last row (a step whose numbers the run does not keep)."""
        self.n -= 1
        self.scalars.pop()
        self.last_of_epoch.pop()
        self.metrics.pop(self.n, None)
        self.absent = [(i, name) for i, name in self.absent if i < self.n]
        if self.verified_rows and self.verified_rows[-1] == self.n:
            self.verified_rows.pop()

    def columns(self, score_name: str) -> tuple[dict[str, list[Any]], dict[str, torch.Tensor]]:
        """The block as the step table's columns: scalars (lists) and vectors ((n, width)).

        The derived vectors (W_before, update_W, …) and grad_norm are computed here.
        """
        assert self.start is not None  # set by Session.advance before the first row
        n = self.n
        names = [score_name if s == "score" else s for s in STEP_SCALARS]
        scalars: dict[str, list[Any]] = {
            name: [row[j] for row in self.scalars] for j, name in enumerate(names)
        }
        vectors = {name: self.column(name) for name in self.spans}
        for name, start in zip(("W", "B"), self.start, strict=True):
            after = vectors[f"{name}_after"]
            before = torch.cat([start.reshape(1, -1).to(after.dtype), after[: n - 1]])
            vectors[f"{name}_before"] = before
            vectors[f"update_{name}"] = after - before
        scalars["grad_norm"] = grad_norms(vectors["dW"], vectors["dB"])
        for row, values in self.metrics.items():
            for key, value in values.items():
                scalars.setdefault(key, [None] * n)[row] = value
        return scalars, {name: v.cpu() for name, v in vectors.items()}  # off a GPU to disk

    def present(self) -> dict[str, list[bool]]:
        """Which rows hold each vector that some rows lack: the twin's, a missing state entry."""
        verified = [False] * self.n
        for i in self.verified_rows:
            verified[i] = True
        out = dict.fromkeys(TWIN_VECTORS, verified)
        for i, name in self.absent:
            out.setdefault(name, [True] * self.n)[i] = False
        return out

    def twin_columns(self) -> dict[str, torch.Tensor]:
        """PyTorch's dW and dB, (n, width) each (NaN on the steps not verified)."""
        dk = self.spans["W_after"][1]
        rows = self.twin[: self.n]
        return {"dW_torch": rows[:, :dk].cpu(), "dB_torch": rows[:, dk:].cpu()}
