"""Which samples go into which step: a pure function of the seed, the epoch and N.

Storing (epoch, batch) in the trace is enough to recover a batch's samples, so the trace
never grows with the number of samples.
"""

from __future__ import annotations

import math

import torch


def epoch_order(n: int, seed: int, epoch: int, shuffle: bool) -> torch.Tensor:
    """The order of the N samples in ``epoch`` (0-based): a seeded permutation, or 0..N−1."""
    if not shuffle:
        return torch.arange(n)
    generator = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
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
