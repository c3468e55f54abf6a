"""What every section builder reads: the record, its context, the words, what to show."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ...core.observed_step import StepRecord, Twin
from ...losses import Loss, get_loss
from ..i18n import Words
from ..numbers import fmt_gap
from .solution import Quantity
from .values import COLS, ROWS, tensor_text


@dataclass(frozen=True)
class StepContext:
    """Facts about a step that its StepRecord does not keep (a run's trace has them)."""

    rule_step: int | None = None  # the rule's own count of updates t; None: the step number
    decay_bias: bool = True  # whether B got the rule's weight decay too (torch's default)
    epoch: int | None = None  # 1-based
    batch: int | None = None  # 1-based, within the epoch
    batches: int | None = None  # batches per epoch
    classes: tuple[str, ...] | None = None  # the data's labels: classes[i] is class index i
    feature_names: tuple[str, ...] | None = None  # W's rows


class Board:
    """The record with its sizes (N, d, k), the samples and outputs written out, and words."""

    def __init__(self, rec: StepRecord, say: Words, context: StepContext | None = None) -> None:
        self.rec = rec
        self.say = say
        self.context = context or StepContext()
        self.N, self.d = (int(s) for s in rec.X.shape)  # X (N, d)
        self.k = int(rec.W.shape[1])  # W (d, k)
        self.rows = list(range(min(self.N, ROWS)))
        self.outs = list(range(min(self.k, COLS)))
        self.loss: Loss = get_loss(rec.loss_name, **rec.loss_options)
        self.mean = self.loss.reduction == "mean"

    @property
    def t(self) -> int:
        """The rule's step t (the step number unless the context says otherwise)."""
        return self.context.rule_step or self.rec.step

    @property
    def cells(self) -> list[tuple[int, int]]:
        """The (sample, output) pairs written out, 0-based."""
        return [(n, j) for n in self.rows for j in self.outs]

    def ix(self, n: int, j: int | None = None) -> str:
        """The 1-based TeX index of a cell: ``2`` when k = 1, else ``2,1``."""
        return str(n + 1) if self.k == 1 or j is None else f"{n + 1},{j + 1}"

    def shown(self) -> str | None:
        """Prose saying which samples and outputs are written out, when not all are."""
        parts = []
        if len(self.rows) < self.N:
            parts.append(self.say("showing_samples", shown=len(self.rows), total=self.N))
        if self.k > len(self.outs):
            parts.append(self.say("showing_outputs", shown=len(self.outs), total=self.k))
        return "; ".join(parts) or None

    def count(self) -> int:
        """How many ℓ the mean divides by: N, or N·k for elementwise losses with k > 1."""
        return self.loss.elements_count(self.rec.Z.closed)

    def quantity(self, label: str, twin: Twin, via: str | None = None) -> Quantity:
        """A result from a Twin: both values and their disagreement."""
        other = twin.torch
        return Quantity(
            label,
            tensor_text(twin.closed),
            tensor_text(other) if other is not None else None,
            fmt_gap(twin.disagreement) if other is not None else None,
            via if other is not None else None,
        )

    def value(self, label: str, tensor: torch.Tensor) -> Quantity:
        """A value with no PyTorch twin (given data, or a number derived for the reader)."""
        return Quantity(label, tensor_text(tensor))
