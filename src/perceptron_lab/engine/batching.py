"""Batch sources: which samples go into which step, as an iterator of batches.

In memory, a batch is a pure function of the seed, the epoch and N, so storing
(epoch, batch) in the trace is enough to recover its samples and the trace never grows
with the number of samples. A source is anything with ``batches(epoch, index)``
returning an iterator of :class:`Batch` from that position on, ``per_epoch`` and
``with_batch_size``: a streamed source fits the same shape.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

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


PartsOf = Callable[[], Iterable[tuple[torch.Tensor, torch.Tensor]]]


@dataclass(frozen=True)
class Batch:
    """One step's samples: X_b (n, d), y_b, and where they came from.

    A batch in parts (a streamed full batch, a rank's share of a data-parallel batch) has
    no X, y: ``parts()`` reads its (X_c, y_c) anew at each call (core.accumulated), and
    ``whole()`` the whole batch over every rank (what one process would have stepped on:
    the data-parallel step is checked against it)."""

    X: torch.Tensor | None  # (n, d); None: a batch in parts
    y: torch.Tensor | None  # (n, k) or (n,), in the loss's label set
    epoch: int  # 0-based
    index: int  # 0-based batch within the epoch
    rows: torch.Tensor | None  # the samples' indices in the data; None: all of it, in order
    last_of_epoch: bool
    parts: PartsOf | None = None  # this rank's parts
    whole: PartsOf | None = None  # the whole batch's parts, over every rank
    size: int = 0  # n over every rank (X's rows when X is given)

    @property
    def n(self) -> int:
        """The batch's samples, over every rank."""
        return int(self.X.shape[0]) if self.X is not None else self.size


class BatchSource(Protocol):
    """What a session steps through: in memory, or streamed (engine.stream_batches)."""

    batch_size: int
    seed: int
    shuffle: bool
    per_epoch: int

    @property
    def n_samples(self) -> int: ...

    def with_batch_size(self, batch_size: int) -> BatchSource: ...

    def batches(self, epoch: int = 0, index: int = 0) -> Iterator[Batch]: ...


class InMemoryBatches:
    """A batch source over tensors in memory: seeded mini-batches, epoch after epoch.

    ``batches(epoch, index)`` is an iterator that starts at any position — the session
    restarts it after a rewind — and runs on forever (the session decides when to stop).
    A full batch is the data itself, never a copy.
    """

    def __init__(
        self,
        X: torch.Tensor,
        y: torch.Tensor,
        batch_size: int,
        seed: int,
        shuffle: bool,
        rank: int = 0,
        world: int = 1,
    ) -> None:
        n = X.shape[0]
        self.X, self.y = X, y
        self.batch_size = min(batch_size, n)
        self.seed = seed
        self.shuffle = shuffle and self.batch_size < n  # a full batch keeps its order
        self.per_epoch = batches_per_epoch(n, self.batch_size)
        self.rank, self.world = rank, world

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    def with_batch_size(self, batch_size: int) -> InMemoryBatches:
        """The same data and seed in batches of another size."""
        return InMemoryBatches(
            self.X, self.y, batch_size, self.seed, self.shuffle, self.rank, self.world
        )

    def batches(self, epoch: int = 0, index: int = 0) -> Iterator[Batch]:
        """Batches from ``index`` of ``epoch`` (both 0-based) on.

        On rank r of P (data parallel), a batch is in parts: the rank's share is its
        positions r, r + P, … of the batch (a full batch: the r-th of P contiguous
        slices, a view), and ``whole()`` the batch one process would take."""
        n, size = self.n_samples, self.batch_size
        while True:
            if size == n:
                if self.world == 1:
                    yield Batch(self.X, self.y, epoch, 0, None, True)
                else:
                    yield self._shared(None, epoch, 0, True)
            else:
                order = epoch_order(n, self.seed, epoch, self.shuffle)
                for b in range(index, self.per_epoch):
                    idx = order[b * size : (b + 1) * size]
                    last = b == self.per_epoch - 1
                    if self.world == 1:
                        X, y = self.X.index_select(0, idx), self.y.index_select(0, idx)
                        yield Batch(X, y, epoch, b, idx, last)
                    else:
                        yield self._shared(idx, epoch, b, last)
            epoch, index = epoch + 1, 0

    def _shared(self, idx: torch.Tensor | None, epoch: int, b: int, last: bool) -> Batch:
        """Rank ``rank``'s share of the batch of rows ``idx`` (None: every row, in order)."""
        X, y, r, p = self.X, self.y, self.rank, self.world
        if idx is None:
            n = X.shape[0]
            lo, hi = r * n // p, (r + 1) * n // p
            mine: PartsOf = lambda: [(X[lo:hi], y[lo:hi])]  # noqa: E731
            whole: PartsOf = lambda: [(X, y)]  # noqa: E731
            return Batch(None, None, epoch, b, None, last, mine, whole, n)
        local = idx[r::p]
        mine = lambda: [(X.index_select(0, local), y.index_select(0, local))]  # noqa: E731
        whole = lambda: [(X.index_select(0, idx), y.index_select(0, idx))]  # noqa: E731
        return Batch(None, None, epoch, b, idx, last, mine, whole, int(idx.numel()))
