"""The thread count a training loop runs with: one thread for small steps, torch's default for large.

A step of a single-layer network touches about ``numbers = batch × d × k`` numbers
(Z = XW + B and dL/dW = Xᵀ·dL/dZ each read X once). Below :data:`SMALL` numbers a step
takes microseconds, and torch's intra-op threads cost more to wake and join than they
save: on a 2-core machine ``train iris --standardize`` ran 6 steps/s on torch's default
threads and 56 on one. Above it the threads pay for themselves and torch's default stays.

The count is never the policy's when someone chose it:

- :func:`choose_threads` — the CLI's ``--threads N`` (a process-wide choice, as torch's own
  count is process-wide);
- the environment: ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` set;
- a program's own ``torch.set_num_threads(n)``: ``torch.get_num_threads()`` differs from
  :data:`DEFAULT`, torch's count when this module was first imported (a program that set
  it before importing perceptron_lab's engine is not told apart from torch's default: set
  it through :func:`choose_threads`, or the environment, instead).

:func:`threads_for` sets the count for the duration of a loop and restores the one before.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import torch

from ..bounds import bounded

# numbers a step touches (batch × d × k) below which one thread is faster than torch's
# default. Measured on a 2-core machine (a float32 closed-form BCE step, best of 7, load
# 3.9): one thread 1.1-1.2× faster from 2**14 to 2**17, even at 2**18 (69 µs each),
# two threads 1.8-5× faster from 2**19 (n=256, d=1024, k=2: 258 µs against 693 µs)
SMALL = 2**18
ENVIRONMENT = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")
DEFAULT = torch.get_num_threads()  # torch's count, before anything of ours changed it

_chosen: int | None = None  # the count choose_threads recorded; None: the policy's


def choose_threads(threads: int | None) -> None:
    """Record the user's thread count for every loop of this process (None: the policy's).

    The count is set now too, so what runs outside a loop (loading, evaluation) uses it.
    """
    global _chosen
    _chosen = None if threads is None else bounded("threads", threads)
    if _chosen is not None:
        torch.set_num_threads(_chosen)


def threads_wanted(numbers: int) -> int | None:
    """The count a loop of steps touching ``numbers`` numbers each should run with.

    None: leave torch's count as it is (a large step, or a count someone chose elsewhere).
    """
    if _chosen is not None:
        return _chosen
    if any(os.environ.get(name) for name in ENVIRONMENT):
        return None
    if torch.get_num_threads() != DEFAULT:  # the program called torch.set_num_threads
        return None
    return 1 if numbers < SMALL else None


@contextlib.contextmanager
def threads_for(numbers: int) -> Iterator[int]:
    """torch's thread count chosen for steps of ``numbers`` numbers (batch × d × k), while inside.

    Yields the count in force; the count before is restored on leaving.
    """
    before = torch.get_num_threads()
    wanted = threads_wanted(numbers)
    if wanted is None or wanted == before:
        yield before
        return
    torch.set_num_threads(wanted)
    try:
        yield wanted
    finally:
        torch.set_num_threads(before)
