"""Data-parallel training's torch.distributed pieces: the group, its collectives, the launcher.

Each rank holds its own share of the rows and the same W (d, k) and B (k,). A step on P
ranks of a batch of n rows (d features, k outputs) computes dL/dW and dL/dB on its own
n/P rows, sums them over the ranks (one all-reduce of the d·k + k gradient numbers; a
mean loss divides the sum by the whole batch's n) and updates W and B alike on every
rank. Its cost is about

    t(n/P) + a(d·k + k)

where ``t(rows)`` is a one-process step of that many rows and ``a(m)`` the all-reduce
time of m floats (:func:`all_reduce_seconds` measures it on the running group). A
single-layer step is small, so ``a`` is latency-bound: ``a(m) ≈ α·log₂P + β·m``, α the
time of one message round (a tree or ring's log₂P rounds), β the time per float once the
message is large. gloo on loopback (2 processes, one 2-core machine) takes about 400 µs
for 102 floats (220 µs measured at load 0.6, 540 µs at load 2.3; 3.7–4.6 ms for 10⁶
floats: benchmarks/bench_distributed.py), more than a whole batch-256 step of d = 100,
k = 1 in one process (about 350 µs on one thread). So P ranks pay off only when
``t(n)/P + a(m) < t(n)`` (:func:`slower_than_one`), i.e. for one-process steps longer
than ``a(m)·P/(P − 1)`` (:attr:`ParallelEstimate.break_even_s`). A run measures ``a`` at
its start and warns with :func:`warning_numbers` when the model says the ranks would be
slower than one process.

The pieces:

- :class:`Group` — this process's place (rank, world, local rank, backend), read off the
  environment torch's elastic launcher (torchrun, ``python -m torch.distributed.run``)
  sets; :func:`start` joins the group (nccl for a cuda device, else gloo, with a bounded
  timeout: a dead peer fails a collective within :data:`TIMEOUT_S`, not torch's 30
  minutes), :func:`stop` leaves it. Both are idempotent.
- The collectives training uses: :func:`all_reduce_sum`, :func:`gather_rows`,
  :func:`broadcast_object`, :func:`agree`. Without a group (one process) each is the
  identity, so the training code calls them unconditionally.
- :func:`launch` — runs torchrun as a subprocess over ``python -m perceptron_lab ARGV``
  and says which rank stopped a failed run and how (:class:`LaunchResult`), for the CLI's
  one line.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib.util
import ipaddress
import math
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import IO, Any, TypeVar

import torch
import torch.distributed as dist

from ..errors import InputError

BACKENDS = ("gloo", "nccl")
TIMEOUT_S = 60.0  # a collective waits at most this long for a peer (torch's default: 30 min)
WARMUP = 5  # all-reduces before timing one: gloo's first messages set up its pairs
LOOPBACK = "127.0.0.1"
EXAMPLE_ENDPOINT = "10.0.0.1:29400"  # the shape of a rendezvous endpoint, for the error line
MULTI_NODE_RUN_ID = "perceptron-lab"  # every node of a run must name the same id
LOG_LINES = 400  # the launcher's own lines kept in LaunchResult.log

T = TypeVar("T")

_current: Group | None = None  # the group start() joined


# --------------------------------------------------------------------------- the group
@dataclass(frozen=True)
class Group:
    """This process's place in a data-parallel run: the environment torchrun set.

    ``rank`` in [0, world), ``local_rank`` the rank on this machine (its GPU on cuda),
    ``backend`` "gloo" (CPU) or "nccl" (cuda), ``addr``/``port`` the rendezvous store
    (MASTER_ADDR, MASTER_PORT).
    """

    rank: int
    world: int
    local_rank: int
    backend: str
    addr: str = LOOPBACK
    port: int = 0

    @property
    def device(self) -> torch.device:
        """Where this rank's tensors live for the backend: cuda:LOCAL_RANK for nccl, else cpu."""
        if self.backend == "nccl":
            return torch.device("cuda", self.local_rank)
        return torch.device("cpu")

    @property
    def main(self) -> bool:
        """Whether this is rank 0, the rank that writes the run's files and prints."""
        return self.rank == 0

    @classmethod
    def from_env(
        cls, backend: str = "gloo", environ: Mapping[str, str] | None = None
    ) -> Group | None:
        """The group torchrun's variables describe; None when WORLD_SIZE is unset or 1.

        ``environ`` defaults to ``os.environ``. A variable that is set but wrong (not an
        integer, a rank outside the world, no MASTER_ADDR) is an :class:`InputError`
        naming it.

        >>> Group.from_env(environ={"WORLD_SIZE": "1"}) is None
        True
        >>> Group.from_env(environ={"RANK": "1", "WORLD_SIZE": "2", "LOCAL_RANK": "1",
        ...                         "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500"})
        Group(rank=1, world=2, local_rank=1, backend='gloo', addr='127.0.0.1', port=29500)
        """
        env = os.environ if environ is None else environ
        if backend not in BACKENDS:
            raise InputError("backend", f"one of {', '.join(BACKENDS)}", repr(backend))
        world = _env_int(env, "WORLD_SIZE", 1, None, default=1)
        if world == 1:
            return None
        rank = _env_int(env, "RANK", 0, world - 1)
        local_rank = _env_int(env, "LOCAL_RANK", 0, None, default=rank)
        addr = env.get("MASTER_ADDR", "")
        if not addr:
            raise InputError("MASTER_ADDR", f"e.g. {LOOPBACK}", "nothing")
        port = _env_int(env, "MASTER_PORT", 1, 65535)
        return cls(rank, world, local_rank, backend, addr, port)


def _env_int(
    env: Mapping[str, str], name: str, low: int, high: int | None, default: int | None = None
) -> int:
    """An environment variable read as an integer in [low, high] (high None: no upper end)."""
    text = env.get(name)
    if text is None or text.strip() == "":
        if default is None:
            raise InputError(name, _integer_range(low, high), "nothing")
        return default
    try:
        value = int(text)
    except ValueError:
        raise InputError(name, _integer_range(low, high), repr(text)) from None
    if value < low or (high is not None and value > high):
        raise InputError(name, _integer_range(low, high), str(value))
    return value


def _at_least(name: str, value: object, low: int) -> None:
    """``value`` is an int (not a bool) >= ``low``, or an InputError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InputError(name, f"an integer >= {low}", repr(value))


def _integer_range(low: int, high: int | None) -> str:
    return f"an integer >= {low}" if high is None else f"an integer in [{low}, {high}]"


def backend_for(device: torch.device) -> str:
    """The backend of a device's ranks: "nccl" for cuda, "gloo" for everything else."""
    return "nccl" if torch.device(device).type == "cuda" else "gloo"


def start(device: torch.device, *, timeout_s: float = TIMEOUT_S) -> Group | None:
    """Join the group torchrun's environment describes; None in a single process.

    nccl for a cuda ``device`` (this rank's GPU is cuda:LOCAL_RANK, made the current
    device first), gloo otherwise; every collective fails after ``timeout_s`` seconds
    without its peers, so a dead rank stops the others instead of hanging them. A
    gloo group meeting on loopback talks over the loopback interface (GLOO_SOCKET_IFNAME,
    unless set). Idempotent: a second call returns the group joined (a group the program itself
    initialized is adopted as it is).
    """
    global _current
    if _current is not None and dist.is_initialized():
        return _current
    group = Group.from_env(backend_for(device))
    if group is None:
        return None
    if not timeout_s > 0 or not math.isfinite(timeout_s):
        raise InputError("timeout_s", "a number > 0", repr(timeout_s))
    if group.backend == "nccl":
        count = torch.cuda.device_count()
        if group.local_rank >= count:
            raise InputError("LOCAL_RANK", f"an integer in [0, {count - 1}]", str(group.local_rank))
        torch.cuda.set_device(group.local_rank)
    if group.backend == "gloo" and _loopback(group.addr):
        _gloo_on_loopback()
    if not dist.is_initialized():
        dist.init_process_group(
            backend=group.backend,
            init_method=f"tcp://{_host(group.addr)}:{group.port}",
            rank=group.rank,
            world_size=group.world,
            timeout=datetime.timedelta(seconds=timeout_s),
        )
    _current = group
    return group


def _loopback(addr: str) -> bool:
    """Whether ``addr`` names this machine's loopback (a single-node run)."""
    try:
        return ipaddress.ip_address(socket.gethostbyname(addr)).is_loopback
    except (OSError, ValueError):
        return False


def _gloo_on_loopback() -> None:
    """gloo's ranks talk over the loopback interface when the group meets on loopback.

    gloo otherwise picks the address the host's name resolves to, which in a container
    may be unresolvable or another interface. GLOO_SOCKET_IFNAME set by the user wins.
    """
    if os.environ.get("GLOO_SOCKET_IFNAME"):
        return
    with contextlib.suppress(OSError):
        names = [name for _, name in socket.if_nameindex()]
        loop = next((n for n in names if n == "lo" or n.startswith("lo")), None)
        if loop is not None:
            os.environ["GLOO_SOCKET_IFNAME"] = loop


def _host(addr: str) -> str:
    """An address as a URL's host: an IPv6 address in brackets."""
    return f"[{addr}]" if ":" in addr and not addr.startswith("[") else addr


def stop() -> None:
    """Leave the group, if one is joined (a second call does nothing)."""
    global _current
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
    _current = None


def current() -> Group | None:
    """The group :func:`start` joined and :func:`stop` has not left; None otherwise."""
    return _current if _current is not None and dist.is_initialized() else None


def _active() -> bool:
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def _device() -> torch.device:
    """Where the collectives' own small tensors go: the group's device."""
    if _current is not None:
        return _current.device
    if dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


# --------------------------------------------------------------------------- collectives
def all_reduce_sum(t: torch.Tensor) -> torch.Tensor:
    """``t`` summed over the ranks, in place (every rank holds the sum); returns ``t``.

    One process: ``t`` as it is.
    """
    if _active():
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
    return t


def gather_rows(X: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Every rank's rows of X (n_r, …) and y (n_r, …), on every rank, in rank order.

    The full set comes back on all ranks (not only rank 0): an all-gather delivers it
    everywhere anyway, and every rank can then evaluate or checkpoint the same numbers.
    The row counts may differ between ranks (0 included): the counts are all-gathered
    first, each rank's rows padded with zeros to the largest, all-gathered, and each
    rank's padding cut off again. X_all = cat(X_0, X_1, …, X_{P−1}), y_all likewise.

    Every rank must give X and y of as many rows, 1 to 4 dimensions, and the same
    trailing shape and dtype as the other ranks (X's columns, y's). The shapes are
    all-gathered before anything is checked, so a mistake on one rank is the same
    :class:`InputError` on every rank ("X on rank 1: …"): all stop together rather than
    wait for the one that raised. One process: (X, y) as they are, checked alike.
    """
    mine = [*_signature(X), *_signature(y)]
    if not _active():
        _check_shares(mine, "")
        return X, y
    world = dist.get_world_size()
    own = torch.tensor(mine, dtype=torch.int64, device=_device())
    shapes = [torch.empty_like(own) for _ in range(world)]
    dist.all_gather(shapes, own)  # before any check: a rank's mistake stops every rank
    table = [s.tolist() for s in shapes]
    for r, row in enumerate(table):  # the first rank with a mistake, as every rank sees it
        _check_shares(row, f" on rank {r}")
    width = len(mine) // 2
    for r, row in enumerate(table):
        for name, t, at in (("X", X, 0), ("y", y, width)):
            theirs, ours = row[at : at + width], mine[at : at + width]
            if theirs[2:-1] != ours[2:-1]:
                trailing = tuple(n for n in theirs[2:-1] if n >= 0)
                raise InputError(
                    f"{name} on rank {r}",
                    f"shape {('N', *t.shape[1:])}",
                    f"shape {('N', *trailing)}",
                )
            if theirs[-1] != ours[-1]:
                raise InputError(
                    f"{name} on rank {r}", f"dtype {t.dtype}", f"dtype {_dtype_named(theirs[-1])}"
                )
    counts = [row[0] for row in table]
    return _gather_padded(X, counts), _gather_padded(y, counts)


def _check_shares(row: list[int], where: str) -> None:
    """A rank's X and y (their signatures, one row) fit together: dimensions, rows."""
    width = len(row) // 2
    sx, sy = row[:width], row[width:]
    for name, sig in (("X", sx), ("y", sy)):
        if not 1 <= sig[1] <= 1 + MOST_TRAILING:
            raise InputError(
                f"{name}.dim(){where}", f"an integer in [1, {1 + MOST_TRAILING}]", str(sig[1])
            )
    if sx[0] != sy[0]:
        raise InputError(f"y{where}", f"{sx[0]} rows", f"{sy[0]} rows")


MOST_TRAILING = 3  # dimensions after the rows that gather_rows compares between ranks
# dtypes by a small code, for the all-gathered signature of X and y
_DTYPES = (
    torch.float32,
    torch.float64,
    torch.float16,
    torch.bfloat16,
    torch.int64,
    torch.int32,
    torch.int16,
    torch.int8,
    torch.uint8,
    torch.bool,
)


def _signature(t: torch.Tensor) -> list[int]:
    """[rows, dimensions, the trailing ones (−1 past the last), dtype code] of ``t``."""
    if not 1 <= t.dim() <= 1 + MOST_TRAILING:  # refused by _check_shares, on every rank
        return [-1, t.dim(), *[-1] * MOST_TRAILING, -1]
    trailing = [*t.shape[1:], *[-1] * (MOST_TRAILING - t.dim() + 1)]
    code = _DTYPES.index(t.dtype) if t.dtype in _DTYPES else -1
    return [t.shape[0], t.dim(), *trailing, code]


def _dtype_named(code: int) -> str:
    return str(_DTYPES[code]) if 0 <= code < len(_DTYPES) else "another"


def _gather_padded(t: torch.Tensor, counts: list[int]) -> torch.Tensor:
    """All ranks' ``t`` (counts[r] rows each) concatenated: padded to the largest, gathered, cut."""
    most = max(counts)
    padded = t.new_zeros((most, *t.shape[1:]))
    padded[: t.shape[0]] = t
    parts = [torch.empty_like(padded) for _ in counts]
    dist.all_gather(parts, padded.contiguous())
    return torch.cat([part[:n] for part, n in zip(parts, counts, strict=True)])


def broadcast_object(obj: T, src: int = 0) -> T:
    """Rank ``src``'s ``obj`` on every rank (pickled: a config, a plan, a path).

    The other ranks' ``obj`` is ignored. One process: ``obj``.
    """
    if not _active():
        return obj
    box: list[Any] = [obj if dist.get_rank() == src else None]
    dist.broadcast_object_list(box, src=src, device=_device())
    out: T = box[0]
    return out


def agree(flag: bool) -> bool:
    """Whether any rank's ``flag`` is True, on every rank: all stop together on an error.

    Each rank calls it at the same point (after a step, say) with its own flag; one
    rank's True makes it True everywhere. One process: ``flag``.
    """
    if not _active():
        return bool(flag)
    t = torch.tensor([1.0 if flag else 0.0], device=_device())
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return bool(t.item() > 0)


def all_reduce_seconds(numbers: int, repeats: int = 30) -> float:
    """The median seconds of an all-reduce of ``numbers`` float32 on the running group.

    :data:`WARMUP` all-reduces first (gloo connects its pairs on the first ones), then
    ``repeats`` timed ones, each after a barrier so that the ranks start it together.
    Every rank returns the same number: the largest of the ranks' medians (a step waits
    for its slowest rank). Each rank must call it with the same arguments. One process:
    0.0 (no all-reduce happens).
    """
    _at_least("numbers", numbers, 1)
    _at_least("repeats", repeats, 1)
    if not _active():
        return 0.0
    device = _device()
    t = torch.zeros(numbers, dtype=torch.float32, device=device)  # zeros: sums stay 0
    for _ in range(WARMUP):
        dist.all_reduce(t)
    _synchronize(device)
    times = []
    for _ in range(repeats):
        _barrier(device)
        began = time.perf_counter()
        dist.all_reduce(t)
        _synchronize(device)
        times.append(time.perf_counter() - began)
    slowest = torch.tensor([statistics.median(times)], dtype=torch.float64, device=device)
    dist.all_reduce(slowest, op=dist.ReduceOp.MAX)
    return float(slowest.item())


def _barrier(device: torch.device) -> None:
    if device.type == "cuda":
        dist.barrier(device_ids=[device.index if device.index is not None else 0])
    else:
        dist.barrier()
    _synchronize(device)


# --------------------------------------------------------------------------- the cost model
def reduced_numbers(d: int, k: int) -> int:
    """The numbers a step all-reduces: dL/dW (d·k) and dL/dB (k)."""
    return d * k + k


def modelled_all_reduce(numbers: int, world: int, *, alpha_s: float, beta_s: float) -> float:
    """The latency-bound model of an all-reduce: α·log₂P + β·m seconds (0 for one rank)."""
    return 0.0 if world <= 1 else alpha_s * math.log2(world) + beta_s * numbers


@dataclass(frozen=True)
class ParallelEstimate:
    """What the cost model says of a step on ``world`` ranks; the numbers a warning prints.

    ``step_parallel_s`` = step_one_s / world + all_reduce_s; ``ratio`` = step_parallel_s
    / step_one_s (above 1: the ranks are slower than one process); ``break_even_s`` the
    one-process step above which ``world`` ranks pay off, all_reduce_s·P/(P − 1);
    ``speedup`` = 1 / ratio.
    """

    world: int
    step_one_s: float
    all_reduce_s: float
    step_parallel_s: float
    ratio: float
    slower: bool
    break_even_s: float

    @property
    def speedup(self) -> float:
        return 1.0 / self.ratio if self.ratio > 0 else math.inf


def warning_numbers(
    step_seconds_one_process: float, all_reduce_seconds: float, world: int
) -> ParallelEstimate:
    """The cost model's numbers for a step of ``step_seconds_one_process`` on ``world`` ranks.

    The caller words them (English, Spanish): "on 2 processes a step would take ≈ 0.45 ms
    against 0.10 ms in one (an all-reduce of 101 numbers takes 0.40 ms): 4.5× slower;
    data parallelism pays off for steps above 0.80 ms".

    >>> e = warning_numbers(100e-6, 400e-6, 2)
    >>> round(e.step_parallel_s * 1e6), round(e.ratio, 2), e.slower, round(e.break_even_s * 1e6)
    (450, 4.5, True, 800)
    """
    for name, value in (
        ("step_seconds_one_process", step_seconds_one_process),
        ("all_reduce_seconds", all_reduce_seconds),
    ):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(name, "a number >= 0", repr(value))
        if not math.isfinite(value) or value < 0:
            raise InputError(name, "a number >= 0", repr(value))
    _at_least("world", world, 1)
    step, reduce = float(step_seconds_one_process), float(all_reduce_seconds)
    if world == 1:  # one process: no all-reduce at all
        return ParallelEstimate(1, step, reduce, step, 1.0, False, math.inf)
    parallel = step / world + reduce
    ratio = parallel / step if step > 0 else (math.inf if reduce > 0 else 1.0)
    return ParallelEstimate(
        world=world,
        step_one_s=step,
        all_reduce_s=reduce,
        step_parallel_s=parallel,
        ratio=ratio,
        slower=parallel > step,
        break_even_s=reduce * world / (world - 1),
    )


def slower_than_one(
    step_seconds_one_process: float, all_reduce_seconds: float, world: int
) -> tuple[bool, float]:
    """Whether ``world`` ranks take longer a step than one process, and the ratio.

    The model: a step on P ranks ≈ step / P + all_reduce. The ratio is that over the
    one-process step (2.0: twice as slow; 0.6: 40 % faster).

    >>> slower_than_one(100e-6, 400e-6, 2)
    (True, 4.5)
    >>> slower_than_one(10e-3, 400e-6, 4)
    (False, 0.29)
    """
    e = warning_numbers(step_seconds_one_process, all_reduce_seconds, world)
    return e.slower, round(e.ratio, 12)


# --------------------------------------------------------------------------- the launcher
@dataclass(frozen=True)
class LaunchResult:
    """How a launched run ended.

    ``returncode``: the launcher's (0: every rank finished). On a failure, from torchrun's
    summary of its first observed failure: ``failed_rank`` (the global rank), ``host``,
    and either ``exit_code`` (it exited with that code) or ``signal`` (killed by it,
    "SIGKILL"); None where the launcher did not say (it was stopped itself, or another
    node's rank failed). ``interrupted``: the signal this process received and forwarded
    to the launcher ("SIGINT"), if any. ``log``: the launcher's own lines (its warnings,
    traceback and summary), which :func:`launch` keeps off the terminal.
    """

    returncode: int
    failed_rank: int | None = None
    exit_code: int | None = None
    signal: str | None = None
    host: str | None = None
    interrupted: str | None = None
    log: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def default_program() -> list[str]:
    """What each rank runs: ``-m perceptron_lab`` (``-m perceptron_lab.cli`` without a
    package ``__main__``, the same command)."""
    if importlib.util.find_spec("perceptron_lab.__main__") is not None:
        return ["-m", "perceptron_lab"]
    return ["-m", "perceptron_lab.cli"]


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port free on ``host`` now (the OS's pick; another process may take it later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def launcher_command(
    argv: Sequence[str],
    nproc: int,
    *,
    nnodes: int = 1,
    node_rank: int = 0,
    rdzv_endpoint: str | None = None,
    run_id: str | None = None,
    program: Sequence[str] | None = None,
    shutdown_timeout_s: float | None = 10.0,
) -> list[str]:
    """The torchrun command line :func:`launch` runs (arguments as there)."""
    _at_least("nproc", nproc, 1)
    _at_least("nnodes", nnodes, 1)
    if isinstance(node_rank, bool) or not isinstance(node_rank, int):
        raise InputError("node_rank", f"an integer in [0, {nnodes - 1}]", repr(node_rank))
    if not 0 <= node_rank < nnodes:
        raise InputError("node_rank", f"an integer in [0, {nnodes - 1}]", str(node_rank))
    if rdzv_endpoint is None:
        if nnodes > 1:  # every node must meet at the same address: it cannot be guessed
            raise InputError("rdzv_endpoint", f"e.g. {EXAMPLE_ENDPOINT}", "None")
        rdzv_endpoint = f"{LOOPBACK}:{free_port()}"
    host, _, port = rdzv_endpoint.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError("rdzv_endpoint", f"e.g. {EXAMPLE_ENDPOINT}", repr(rdzv_endpoint))
    if run_id is None:
        run_id = MULTI_NODE_RUN_ID if nnodes > 1 else f"perceptron-lab-{uuid.uuid4().hex[:12]}"
    options = _launcher_options()
    cmd = [sys.executable, "-m", "torch.distributed.run"]
    cmd += ["--nproc-per-node", str(nproc), "--nnodes", str(nnodes)]
    cmd += ["--node-rank", str(node_rank), "--rdzv-backend", "c10d"]
    cmd += ["--rdzv-endpoint", rdzv_endpoint, "--rdzv-id", run_id, "--max-restarts", "0"]
    cmd += ["--monitor-interval", "0.1"]
    if nnodes == 1 and "--local-addr" in options:
        cmd += ["--local-addr", LOOPBACK]  # MASTER_ADDR: loopback, not the host's name
    if shutdown_timeout_s is not None and "--shutdown-timeout" in options:
        cmd += ["--shutdown-timeout", f"{shutdown_timeout_s:g}"]
    cmd += list(default_program() if program is None else program)
    cmd += list(argv)
    return cmd


def _launcher_options() -> set[str]:
    """The flags this torch's launcher knows (newer ones are passed only where known)."""
    from torch.distributed.run import get_args_parser

    return set(get_args_parser()._option_string_actions)


def launch(
    argv: list[str],
    nproc: int,
    *,
    nnodes: int = 1,
    node_rank: int = 0,
    rdzv_endpoint: str | None = None,
    run_id: str | None = None,
    program: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    shutdown_timeout_s: float | None = 10.0,
) -> LaunchResult:
    """Run ``python -m perceptron_lab ARGV`` on ``nproc`` ranks of this node, under torchrun.

    ``python -m torch.distributed.run`` (torch's elastic launcher) is started as a
    subprocess: ``--nproc-per-node nproc --nnodes nnodes --node-rank node_rank
    --rdzv-backend c10d --rdzv-endpoint ENDPOINT --rdzv-id RUN_ID --max-restarts 0``.
    One node (the default): ENDPOINT is 127.0.0.1 and a free port, standalone on
    loopback, and RUN_ID a fresh one. Several nodes: each node runs launch() with the
    same ``rdzv_endpoint`` (a host:port of one of them, required) and ``run_id`` (default
    "perceptron-lab"); the c10d rendezvous gives out the ranks. ``program`` replaces
    ``-m perceptron_lab`` (a script path, or ``["-m", "module"]``); ``env`` the
    environment (default: this process's).

    When a rank dies (killed, or a non-zero exit), torchrun stops the others (SIGTERM,
    then SIGKILL after ``shutdown_timeout_s``) and prints its summary; the result names
    the rank that failed first and how. The ranks' own output passes through; the
    launcher's own lines (its banner, warnings, traceback and summary) are kept in
    ``LaunchResult.log`` instead, so the caller prints one line. SIGINT and SIGTERM
    received meanwhile are forwarded to the launcher, which stops its ranks (called
    from the main thread; elsewhere the launcher shares this process's signals).
    """
    cmd = launcher_command(
        argv,
        nproc,
        nnodes=nnodes,
        node_rank=node_rank,
        rdzv_endpoint=rdzv_endpoint,
        run_id=run_id,
        program=program,
        shutdown_timeout_s=shutdown_timeout_s,
    )
    forwarding = threading.current_thread() is threading.main_thread()
    with subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=None if env is None else dict(env),
        text=True,
        errors="replace",
        bufsize=1,
        start_new_session=forwarding,  # a terminal's Ctrl-C reaches it once: forwarded
    ) as proc:
        assert proc.stderr is not None
        sift = _Sifter(sys.stderr)
        reader = threading.Thread(target=sift.read, args=(proc.stderr,), daemon=True)
        received: list[str] = []
        with _forwarding(proc, received, forwarding):
            reader.start()
            returncode = _wait(proc)
        reader.join(timeout=5.0)
    log = sift.log()
    failure = read_failure(log) if returncode != 0 else None
    rank, code, host = failure if failure is not None else (None, None, None)
    exit_code, killed = None, None
    if code is not None:
        if code < 0:
            killed = _signal_name(-code)
        else:
            exit_code = code
    return LaunchResult(
        returncode=returncode,
        failed_rank=rank,
        exit_code=exit_code,
        signal=killed,
        host=host,
        interrupted=received[0] if received else None,
        log=log,
    )


def _wait(proc: subprocess.Popen[str]) -> int:
    """The launcher's return code; waiting in short slices so that signal handlers run."""
    while True:
        try:
            return proc.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def _forwarding(proc: subprocess.Popen[str], received: list[str], enabled: bool) -> Iterator[None]:
    """SIGINT and SIGTERM sent to this process go to the launcher, while inside."""
    if not enabled:
        yield
        return

    def forward(signum: int, frame: FrameType | None) -> None:
        received.append(_signal_name(signum))
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signum)

    before = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# torchrun's logging ("W1203 07:57:16.629000 23127 torch/distributed/...] ...")
_LAUNCHER_LOG = re.compile(r"^[DIWEFC]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ \S*torch/distributed/")
_BANNER = re.compile(r"^\*+$|^Setting OMP_NUM_THREADS environment variable")


class _Sifter:
    """Splits the launcher's stderr: the ranks' lines pass on, the launcher's own are kept.

    The launcher's own: its log lines, its OMP_NUM_THREADS banner, and from its traceback
    on (a traceback whose exception is torch.distributed.elastic's: ChildFailedError,
    SignalException) everything, its failure summary included. Any other traceback (a
    rank's) is held until its exception line shows whose it is, then passed on.
    """

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.kept: deque[str] = deque(maxlen=LOG_LINES)
        self.held: list[str] = []
        self.ended = False  # the launcher's final traceback began: all the rest is its own
        self.seen = False  # a line other than the banner's blank one came

    def read(self, stream: IO[str]) -> None:
        for line in stream:
            self.line(line)
        self.flush()

    def line(self, line: str) -> None:
        text = line.rstrip("\n")
        if self.ended:
            self.kept.append(text)
            return
        if self.held:
            self.held.append(line)
            if text and not text[0].isspace():  # the exception's line: whose traceback?
                if text.startswith("torch.distributed.elastic."):
                    self.kept.extend(h.rstrip("\n") for h in self.held)
                    self.held = []
                    self.ended = True
                else:
                    self.flush()
            return
        if text.startswith("Traceback (most recent call last):"):
            self.held = [line]
            return
        if _LAUNCHER_LOG.match(text) or _BANNER.match(text) or (not text and not self.seen):
            self.kept.append(text)
            return
        self.seen = True
        self._write(line)

    def flush(self) -> None:
        if self.held:
            self._write("".join(self.held))
            self.held = []

    def _write(self, text: str) -> None:
        with contextlib.suppress(ValueError, OSError):  # a closed stream: drop, never fail
            self.out.write(text)
            self.out.flush()

    def log(self) -> str:
        return "\n".join(self.kept)


_ROOT_CAUSE = re.compile(r"Root Cause[^\n]*\n(?P<block>(?:.*\n?)*?)(?:={5,}|\Z)")
_FIELD = re.compile(r"^\s*(?P<key>host|rank|exitcode)\s*:\s*(?P<value>.*)$", re.M)


def read_failure(text: str) -> tuple[int | None, int | None, str | None] | None:
    """(rank, exit code, host) of the root cause in torchrun's failure summary; None if none.

    The exit code is negative for a signal (−9: SIGKILL), as torchrun writes it.

    >>> read_failure('''Root Cause (first observed failure):
    ... [0]:
    ...   time      : 2026-12-03_07:57:19
    ...   host      : localhost
    ...   rank      : 1 (local_rank: 1)
    ...   exitcode  : -9 (pid: 23181)  (SIGKILL)
    ... ====''')
    (1, -9, 'localhost')
    """
    found = _ROOT_CAUSE.search(text)
    if found is None:
        return None
    fields = {m["key"]: m["value"].strip() for m in _FIELD.finditer(found["block"])}
    rank = re.match(r"-?\d+", fields.get("rank", ""))
    code = re.match(r"-?\d+", fields.get("exitcode", ""))
    return (
        int(rank.group()) if rank else None,
        int(code.group()) if code else None,
        fields.get("host"),
    )
