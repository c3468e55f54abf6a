"""Batch sources: which samples go into which step, as an iterator of batches.

In memory, a batch is a pure function of the seed, the epoch and N, so storing
(epoch, batch) in the trace is enough to recover its samples and the trace never grows
with the number of samples. A source is anything with ``batches(epoch, index)``
returning an iterator of :class:`Batch` from that position on, ``per_epoch`` and
``with_batch_size``: a streamed source fits the same shape.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import torch


def epoch_order(n: int, seed: int, epoch: int, shuffle: bool) -> torch.Tensor:
    """The order of the N samples in ``epoch`` (0-based): a seeded permutation, or 0..N−1."""
    if not shuffle:
        return torch.arange(n)
    # torch takes seeds below 2**64: larger ones wrap (every smaller one is unchanged)
    generator = torch.Generator().manual_seed((seed * 1_000_003 + epoch) % 2**64)
    return torch.randperm(n, generator=generator)


def batches_per_epoch(n: int, batch_size: int) -> int:
    """⌈N / batch_size⌉ (the last batch may be smaller)."""
    return math.ceil(n / batch_size)


def batch_indices(
    n: int, batch_size: int, seed: int, epoch: int, batch: int, shuffle: bool
) -> torch.Tensor:
    """The sample indices of ``batch`` (0-based) in ``epoch`` (0-based)."""
    order = epoch_order(n, seed, epoch, shuffle)
    return order[batch * batch_size : (batch + 1) * batch_size]


@dataclass(frozen=True)
class Batch:
    """One step's samples: X_b (n, d), y_b, and where they came from."""

    X: torch.Tensor  # (n, d)
    y: torch.Tensor  # (n, k) or (n,), in the loss's label set
    epoch: int  # 0-based
    index: int  # 0-based batch within the epoch
    rows: torch.Tensor | None  # the samples' indices in the data; None: all of it, in order
    last_of_epoch: bool


class InMemoryBatches:
    """A batch source over tensors in memory: seeded mini-batches, epoch after epoch.

    ``batches(epoch, index)`` is an iterator that starts at any position — the session
    restarts it after a rewind — and runs on forever (the session decides when to stop).
    A full batch is the data itself, never a copy.
    """

    def __init__(
        self, X: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int, shuffle: bool
    ) -> None:
        n = X.shape[0]
        self.X, self.y = X, y
        self.batch_size = min(batch_size, n)
        self.seed = seed
        self.shuffle = shuffle and self.batch_size < n  # a full batch keeps its order
        self.per_epoch = batches_per_epoch(n, self.batch_size)

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    def with_batch_size(self, batch_size: int) -> InMemoryBatches:
        """The same data and seed in batches of another size."""
        return InMemoryBatches(self.X, self.y, batch_size, self.seed, self.shuffle)

    def batches(self, epoch: int = 0, index: int = 0) -> Iterator[Batch]:
        """Batches from ``index`` of ``epoch`` (both 0-based) on."""
        n, size = self.n_samples, self.batch_size
        while True:
            if size == n:
                yield Batch(self.X, self.y, epoch, 0, None, True)
            else:
                order = epoch_order(n, self.seed, epoch, self.shuffle)
                for b in range(index, self.per_epoch):
                    idx = order[b * size : (b + 1) * size]
                    X, y = self.X.index_select(0, idx), self.y.index_select(0, idx)
                    yield Batch(X, y, epoch, b, idx, b == self.per_epoch - 1)
            epoch, index = epoch + 1, 0
