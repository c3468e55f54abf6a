"""The batch source over a stream (``data.stream``): mini-batches from a file that does not fit in memory.

``StreamedBatches`` has the shape of ``batching.InMemoryBatches`` (``batch_size``, ``seed``,
``shuffle``, ``per_epoch``, ``n_samples``, ``with_batch_size``, ``batches(epoch, index)``
from any position on, forever), and holds about ``memory`` bytes of data: one window of
rows plus the block being read.

The order of an epoch is a pure function of (seed, epoch, blocks, window_rows), so a
resumed run computes it again from the sizes alone, bit for bit:

- ``window_rows`` = ⌊memory / (4·8·(d + 2 + c))⌋ rows (c = C for C > 2 classes, else 0):
  a window's X, y and targets in float64, the block being read and its standardized copy.
  Every block must fit (n_i ≤ window_rows), and a mini-batch too (s ≤ window_rows);
- the blocks' order π_e: ``batching.epoch_order(B, seed, epoch, shuffle)`` (torch.randperm
  with a generator seeded (seed·1 000 003 + e) mod 2⁶⁴; 0..B−1 without shuffle);
- windows: consecutive blocks of π_e, as many as fit in window_rows
  (greedily: a block that does not fit starts the next window);
- inside window w (its rows R_w: the rows of its blocks, in π_e's order), the rows are
  permuted by ρ_{e,w} = torch.randperm(|R_w|) with a generator seeded from
  blake2b("seed,epoch,w") (none without shuffle);
- the epoch's order is R_0[ρ_{e,0}] ‖ R_1[ρ_{e,1}] ‖ …: a permutation of 0..N−1 (the file's
  rows in file order without shuffle), and batch b is its positions [b·s, (b+1)·s) — a
  batch may span two windows. ``batches(e, b)`` finds the window holding position b·s from
  the sizes and reads no window before it.

Each batch's X is (x − μ)/σ with the scan's μ and σ computed in float64 and then cast to
``dtype`` when ``standardize`` (data/prepare's arithmetic: an in-memory run standardized with
the same μ and σ sees the same numbers), y is ``targets(encode(raw y) as dtype)``, and
``rows`` are the samples' 0-based rows in the file, in batch order: ``X_all[rows]`` of the
whole file loaded in memory, bit for bit.

A full batch (s ≥ N) builds no X: it is a batch in parts (``batching.Batch`` with X = y =
None), whose ``parts()`` are ``chunks()``: the data in file order, a window's rows at a time.

Data parallel (``rank`` r of ``world`` w): a mini-batch is a batch in parts too, rank r's
part its positions r, r+w, r+2w, … of the batch (``local_rows``), so the ranks' parts
together are the one-process batch (``whole()``; ``rows`` the whole batch's); in a full
batch rank r's ``chunks()`` take blocks r, r+w, … .
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator
from functools import lru_cache

import numpy as np
import torch

from ..data.stream import StreamFacts, StreamFile
from ..errors import InputError
from .batching import Batch, PartsOf, batches_per_epoch, epoch_order

MB = 2**20  # the unit memory is told in (MiB)


def _same(y: torch.Tensor) -> torch.Tensor:
    return y


def row_bytes(n_features: int, n_classes: int) -> int:
    """Bytes a window counts per row: 4·8·(d + 2 + c), c = C for more than 2 classes."""
    return 4 * 8 * (n_features + 2 + (n_classes if n_classes > 2 else 0))


def window_rows_for(memory: int, n_features: int, n_classes: int) -> int:
    """The rows a window of ``memory`` bytes holds: ⌊memory / row_bytes(d, C)⌋."""
    return memory // row_bytes(n_features, n_classes)


def _window_seed(seed: int, epoch: int, window: int) -> int:
    digest = hashlib.blake2b(f"{seed},{epoch},{window}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _integer(name: str, value: object, least: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InputError(name, f"an integer >= {least}", repr(value))


# the two batches in parts (batching.Batch: X = y = None; ``parts()`` this rank's
# (X_c, y_c), ``whole()`` every rank's, ``size`` the batch's rows over every rank)


def _full_batch(epoch: int, parts: PartsOf, whole: PartsOf, size: int) -> Batch:
    """The full batch of ``epoch``: no X is built; ``parts()`` reads this rank's chunks
    (``StreamedBatches.chunks()``) anew at each call, ``whole()`` every rank's."""
    return Batch(None, None, epoch, 0, None, True, parts, whole, size)


def _shared_batch(
    local: tuple[torch.Tensor, torch.Tensor],
    whole: tuple[torch.Tensor, torch.Tensor],
    epoch: int,
    index: int,
    rows: torch.Tensor,
    last: bool,
) -> Batch:
    """A data-parallel rank's share of mini-batch ``index``: ``local`` its positions rank,
    rank + world, … of the batch; ``whole`` and ``rows`` the batch over every rank."""
    return Batch(None, None, epoch, index, rows, last, lambda: [local], lambda: [whole], len(rows))


class StreamedBatches:
    """A batch source over a stream: seeded mini-batches within a memory budget, epoch after epoch.

    ``batches(epoch, index)`` starts at any position and runs on forever, like
    ``InMemoryBatches``; the order is the module's (see above), ``window_rows`` its size.
    ``window_rows`` given (a resumed run's, as recorded) is kept whatever ``memory`` says,
    so the order is the run's; ``device``: where the batches' X and y are put.
    """

    def __init__(
        self,
        stream: StreamFile,
        facts: StreamFacts,
        batch_size: int,
        seed: int,
        shuffle: bool,
        *,
        memory: int,
        dtype: torch.dtype,
        standardize: bool,
        targets: Callable[[torch.Tensor], torch.Tensor] = _same,
        rank: int = 0,
        world: int = 1,
        window_rows: int | None = None,
        device: torch.device | str | None = None,
    ) -> None:
        n, d = stream.n_rows, stream.n_features
        if (facts.n_rows, facts.n_features) != (n, d):
            raise InputError(
                "facts",
                f"the scan of {stream.source} ({n} rows, {d} features)",
                f"facts of {facts.n_rows} rows and {facts.n_features} features",
            )
        _integer("batch_size", batch_size)
        _integer("memory", memory)
        _integer("world", world)
        if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank < world:
            lowest = 0
            raise InputError("rank", f"an integer in [{lowest}, {world - 1}]", repr(rank))
        self.stream, self.facts = stream, facts
        self.batch_size = min(batch_size, n)
        self.seed = seed
        self._shuffle = shuffle  # as asked: with_batch_size keeps it
        self.shuffle = shuffle and self.batch_size < n  # a full batch keeps its order
        self.per_epoch = batches_per_epoch(n, self.batch_size)
        self.memory, self.dtype, self.standardize = memory, dtype, standardize
        self.targets, self.rank, self.world = targets, rank, world
        self.device = None if device is None else torch.device(device)
        self._given_window = window_rows
        if window_rows is None:
            self.window_rows = window_rows_for(memory, d, facts.n_classes)
        else:
            _integer("window_rows", window_rows)
            self.window_rows = window_rows
        largest = max(stream.blocks)
        if largest > self.window_rows:
            need = math.ceil(largest * row_bytes(d, facts.n_classes) / MB)
            raise InputError(
                "memory",
                f"at least {need} MB for blocks of {largest} rows",
                f"{memory / MB:.0f} MB",
                hint="use a smaller block_rows or a larger memory (--memory)",
            )
        if self.batch_size < n and self.batch_size > self.window_rows:
            raise InputError(
                "batch_size",
                f"at most {self.window_rows} rows, what {memory / MB:.0f} MB of memory holds "
                "at once (or the full batch)",
                str(batch_size),
                hint="use a larger memory (--memory)",
            )
        self._sizes = np.asarray(stream.blocks, dtype=np.int64)  # (B,) n_i
        self._offsets = np.asarray(stream.offsets, dtype=np.int64)  # (B,) r_i
        self._mean = np.asarray(facts.mean, dtype=np.float64)  # (d,) μ
        self._std = np.asarray(facts.std, dtype=np.float64)  # (d,) σ
        self._layout = lru_cache(maxsize=4)(self._layout_of)

    @property
    def n_samples(self) -> int:
        """N, every rank's rows together."""
        return self.facts.n_rows

    def with_batch_size(self, batch_size: int) -> StreamedBatches:
        """The same stream, seed, order rules and memory, in batches of another size."""
        return StreamedBatches(
            self.stream,
            self.facts,
            batch_size,
            self.seed,
            self._shuffle,
            memory=self.memory,
            dtype=self.dtype,
            standardize=self.standardize,
            targets=self.targets,
            rank=self.rank,
            world=self.world,
            window_rows=self._given_window,
            device=self.device,
        )

    # -- the order, from the sizes alone -----------------------------------------------

    def _layout_of(self, epoch: int) -> tuple[list[np.ndarray], np.ndarray]:
        """(the blocks of each window, in order; each window's first position, then N)."""
        order = epoch_order(len(self._sizes), self.seed, epoch, self.shuffle).numpy()
        windows: list[np.ndarray] = []
        current: list[int] = []
        rows = 0
        for b in order.tolist():
            size = int(self._sizes[b])
            if current and rows + size > self.window_rows:
                windows.append(np.asarray(current, dtype=np.int64))
                current, rows = [], 0
            current.append(b)
            rows += size
        windows.append(np.asarray(current, dtype=np.int64))
        starts = np.cumsum([0, *(int(self._sizes[w].sum()) for w in windows)])
        return windows, starts

    def windows(self, epoch: int) -> tuple[tuple[int, ...], ...]:
        """The blocks of each window of ``epoch``, in the order they are read."""
        return tuple(tuple(w.tolist()) for w in self._layout(epoch)[0])

    def _file_rows(self, blocks: np.ndarray) -> torch.Tensor:
        """R_w: the file rows of ``blocks``, block after block."""
        parts = [
            torch.arange(int(self._offsets[b]), int(self._offsets[b] + self._sizes[b]))
            for b in blocks.tolist()
        ]
        return torch.cat(parts)

    def _permutation(self, epoch: int, window: int, n: int) -> torch.Tensor:
        """ρ_{e,w}: positions in R_w in the epoch's order."""
        if not self.shuffle:
            return torch.arange(n)
        generator = torch.Generator().manual_seed(_window_seed(self.seed, epoch, window))
        return torch.randperm(n, generator=generator)

    def _window_order(self, epoch: int, window: int) -> torch.Tensor:
        rows = self._file_rows(self._layout(epoch)[0][window])
        return rows[self._permutation(epoch, window, len(rows))]

    def epoch_order(self, epoch: int) -> torch.Tensor:
        """(N,) int64: the file's rows in the order of ``epoch`` (8·N bytes: tests, replays)."""
        if self.batch_size == self.n_samples:
            return torch.arange(self.n_samples)
        windows, _ = self._layout(epoch)
        return torch.cat([self._window_order(epoch, w) for w in range(len(windows))])

    def batch_rows(self, epoch: int, index: int) -> torch.Tensor:
        """The file rows of batch ``index`` of ``epoch``, every rank's (no data is read)."""
        s, n = self.batch_size, self.n_samples
        if s == n:
            return torch.arange(n)
        _, starts = self._layout(epoch)
        lo, hi = index * s, min((index + 1) * s, n)
        first = int(np.searchsorted(starts, lo, side="right")) - 1
        parts = []
        for w in range(first, len(starts) - 1):
            if starts[w] >= hi:
                break
            parts.append(self._window_order(epoch, w)[max(lo - starts[w], 0) : hi - starts[w]])
        return torch.cat(parts)

    def local_rows(self, batch_rows: torch.Tensor) -> torch.Tensor:
        """This rank's share of a batch's rows: its positions rank, rank + world, … ."""
        return batch_rows[self.rank :: self.world]

    # -- the data ----------------------------------------------------------------------

    def _features(self, X: np.ndarray, first: int) -> torch.Tensor:
        """A block's X (n_i, d) float64 -> (x − μ)/σ (float64) as ``dtype``, checked finite."""
        if self.standardize:
            X = np.asarray((X - self._mean) / self._std)
        t = torch.from_numpy(X).to(self.dtype)
        # finite if its sum is (one reduction); else, or if the sum overflowed, look closer
        if not bool(torch.isfinite(t.sum())) and not bool(torch.isfinite(t).all()):
            i, j = (~torch.isfinite(t)).nonzero()[0].tolist()
            place = f"row {first + i + 1}, column {self.stream.feature_names[j]!r}"
            kind = str(self.dtype).removeprefix("torch.")
            raise InputError(
                "X",
                f"numbers that {kind} can hold (|x| <= {torch.finfo(self.dtype).max:.4g})",
                f"{float(X[i, j]):g} at {place}",
                hint="use float64 (dtype, --dtype) or scale the data",
            )
        return t

    def _block(self, b: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Block b: X (n_b, d) and the encoded y (n_b,), both ``dtype``."""
        X, raw = self.stream.read(b)
        first = int(self._offsets[b])
        y = torch.from_numpy(self.facts.encode(raw, first_row=first)).to(self.dtype)
        return self._features(X, first), y

    def _window(
        self, blocks: np.ndarray, order: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """A window's data in the epoch's order R_w[ρ]: X (n_w, d), targets(y), R_w[ρ]; read
        block by block, each block's rows put straight where ρ puts them (ρ⁻¹: one scatter
        a block, so a batch is then a slice of the window, not a gather)."""
        n = int(self._sizes[blocks].sum())
        X = torch.empty((n, self.stream.n_features), dtype=self.dtype)
        y = torch.empty(n, dtype=self.dtype)
        inverse = torch.empty_like(order)
        inverse[order] = torch.arange(n)  # ρ⁻¹: where the window's i-th row goes
        at = 0
        for b in blocks.tolist():
            X_b, y_b = self._block(b)
            to = inverse[at : at + len(X_b)]
            X.index_copy_(0, to, X_b)
            y.index_copy_(0, to, y_b)
            at += len(X_b)
            del X_b, y_b
        return X, self.targets(y), self._file_rows(blocks)[order]

    def batches(self, epoch: int = 0, index: int = 0) -> Iterator[Batch]:
        """Batches from ``index`` of ``epoch`` (both 0-based) on."""
        while True:
            if self.batch_size == self.n_samples:
                yield _full_batch(
                    epoch, self.chunks, lambda: self._chunks(0, 1, self.window_rows), self.n_samples
                )
            else:
                yield from self._epoch(epoch, index)
            epoch, index = epoch + 1, 0

    def _epoch(self, epoch: int, index: int) -> Iterator[Batch]:
        s, n = self.batch_size, self.n_samples
        if index >= self.per_epoch:
            return
        windows, starts = self._layout(epoch)
        b = index
        first = int(np.searchsorted(starts, b * s, side="right")) - 1
        parts: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = []
        have = 0  # rows of batch b gathered so far
        for w in range(first, len(windows)):
            width = int(starts[w + 1] - starts[w])
            order = self._permutation(epoch, w, width)
            X_w, y_w, rows_w = self._window(windows[w], order)
            pos = b * s - int(starts[w]) if w == first else 0
            while pos < width:
                size = min(s, n - b * s)
                take = min(size - have, width - pos)
                cut = slice(pos, pos + take)
                # copies: a batch (and a batch's part carried over) never holds its window
                parts.append((X_w[cut].clone(), y_w[cut].clone(), rows_w[cut].clone()))
                have += take
                pos += take
                if have == size:
                    X, y, rows = (
                        torch.cat(p) if len(parts) > 1 else p[0] for p in zip(*parts, strict=True)
                    )
                    parts, have = [], 0
                    yield self._batch(X, y, epoch, b, rows)
                    b += 1
            X_w = y_w = rows_w = order = torch.empty(0)  # the window goes before the next comes

    def _batch(
        self, X: torch.Tensor, y: torch.Tensor, epoch: int, index: int, rows: torch.Tensor
    ) -> Batch:
        last = index == self.per_epoch - 1
        X, y = self._placed(X), self._placed(y)
        if self.world == 1:
            return Batch(X, y, epoch, index, rows, last)
        mine = torch.arange(self.rank, len(rows), self.world, device=X.device)
        local = (X.index_select(0, mine), y.index_select(0, mine))
        return _shared_batch(local, (X, y), epoch, index, rows, last)

    def _placed(self, t: torch.Tensor) -> torch.Tensor:
        return t if self.device is None else t.to(self.device)

    def chunks(
        self, rows_per_chunk: int | None = None
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """The whole data as (X_c, targets y_c) chunks of ``rows_per_chunk`` rows (default and
        at most ``window_rows``; the last shorter), in file order: this rank's blocks (rank,
        rank + world, …). A full batch, read a window at a time, anew at each call."""
        limit = self.window_rows if rows_per_chunk is None else rows_per_chunk
        if (
            isinstance(limit, bool)
            or not isinstance(limit, int)
            or not 1 <= limit <= self.window_rows
        ):
            raise InputError(
                "rows_per_chunk", f"an integer in [1, {self.window_rows}]", repr(rows_per_chunk)
            )
        return self._chunks(self.rank, self.world, limit)

    def _chunks(
        self, rank: int, world: int, limit: int
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        parts: list[tuple[torch.Tensor, torch.Tensor]] = []
        have = 0
        for b in range(rank, len(self._sizes), world):
            X_b, y_b = self._block(b)
            t_b = self.targets(y_b)
            at = 0
            while at < len(X_b):
                take = min(limit - have, len(X_b) - at)
                parts.append((X_b[at : at + take], t_b[at : at + take]))
                have += take
                at += take
                if have == limit:
                    yield self._joined(parts)
                    parts, have = [], 0
        if parts:
            yield self._joined(parts)

    def _joined(
        self, parts: list[tuple[torch.Tensor, torch.Tensor]]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if len(parts) == 1:
            X, y = parts[0]
        else:
            X, y = torch.cat([p[0] for p in parts]), torch.cat([p[1] for p in parts])
        return self._placed(X), self._placed(y)
