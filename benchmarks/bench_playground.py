"""Benchmark: the playground server under load — N tabs stepping at once over websockets.

The server runs in a child process (this script with ``--serve``: the server of
``perceptron-lab playground``, ``server.serve(make, listener, workers=...)`` as the CLI runs
it, ``torch.set_num_threads(1)`` and ``gc.freeze()`` after the warm-up, on 127.0.0.1 and a
free port, but with a short idle time so that expiry can be watched). Its memory is read
from /proc/<pid>/status (the first process's, with ``--workers`` > 1).

In order, in one run:

1. one session alone (``--single-seconds``): hello, then ``{"op": "step", "n": 1}`` one at
   a time as fast as it goes (send, wait for the frame, send the next);
2. ``--sessions`` sessions at once (default 20), each the same, for ``--seconds`` (30);
   RSS before them, with them open after stepping, and after they close and their labs
   expire (``--idle`` 2 s, swept every ``--sweep`` 0.5 s); the server's own log of its
   sweeps gives the tabs it still holds and the Lab objects still alive (a weak set);
   then a ``gc.collect()`` + ``malloc_trim(0)`` in the server, and its RSS once more;
3. the baseline, in this process once the server is stopped: the same number of steps as
   a session of step 2 made on average, ``Lab.handle({"op": "step", "n": 1})`` called
   directly in one thread (no server, no JSON), then the step in pieces (the step itself,
   the frame, ``json.dumps``, the deflate a browser's permessage-deflate costs).

Latency is from sending "step" to receiving its frame. The server's own accounting (its
``_answer`` and ``_dumps`` wrapped by the launcher) splits a step's time in the lab thread
into CPU and waiting (for the GIL or a core); with ``--workers`` > 1, of the first process.

    python benchmarks/bench_playground.py                  # 20 sessions x 30 s (~1 minute)
    python benchmarks/bench_playground.py --quick          # 5 sessions x 5 s, a smoke run
    python benchmarks/bench_playground.py --sessions 10 --seconds 10
    python benchmarks/bench_playground.py --quick --profile  # cProfile of the server, top 25
    python benchmarks/bench_playground.py --workers 2 --no-worked  # a class, playing fast
    python benchmarks/bench_playground.py --lab-memory 1000  # one lab's heap over 1000 steps

Target (the issue): p99 latency under 50 ms with 20 sessions on a 2-core machine; memory
per session bounded, and freed when the tabs expire.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import ctypes
import gc
import io
import json
import os
import platform
import pstats
import queue
import signal
import statistics
import subprocess
import sys
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proc_status import status_kb

TARGET_P99_MS = 50.0
MARK = "BENCH "  # the launcher's log lines on stderr: MARK + one JSON object
MAX_SIZE = 16 * 2**20  # client frames: a full frame is ~40 KB, a step frame ~50 KB
RECV_TIMEOUT = 30.0  # seconds: a reply that takes longer ends the run
STEP = json.dumps({"op": "step", "n": 1})


# --------------------------------------------------------------------------- the server
def _log(event: str, **fields: Any) -> None:
    print(MARK + json.dumps({"event": event, **fields}), file=sys.stderr, flush=True)


def _rss_kb() -> int:
    return status_kb("VmRSS")


def _summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    s = sorted(values)
    return {
        "n": len(s),
        "mean": statistics.fmean(s),
        "p50": percentile(s, 50),
        "p99": percentile(s, 99),
        "max": s[-1],
        "sum": sum(s),
    }


def serve(args: argparse.Namespace) -> int:
    """The child: the playground's app with a short idle time, logging its sweeps."""
    import weakref

    import torch

    from perceptron_lab.playground import server
    from perceptron_lab.playground.lab import Lab

    torch.set_num_threads(1)  # as the CLI does
    data = {"name": args.data}
    Lab(data)  # as the CLI's check: imports and first-call costs before the first tab
    objects = len(gc.get_objects())
    t = time.perf_counter()
    gc.collect()
    _log("start", objects=objects, collect_ms=(time.perf_counter() - t) * 1e3, freeze=True)
    gc.freeze()  # as the CLI does after its warm-up
    server.ASSETS.mkdir(exist_ok=True)  # StaticFiles wants the folder (empty in a checkout)
    labs: weakref.WeakSet[Lab] = weakref.WeakSet()

    def make() -> Lab:
        lab = Lab(data)
        labs.add(lab)
        return lab

    create = server.create_app
    apps: list[Any] = []

    def create_logged(make: Any, **options: Any) -> Any:
        """The server's own app (in each worker process), its sweeps logged."""
        app = create(make, **options)
        tabs = app.state.tabs
        sweep = tabs.sweep
        last = {"tabs": -1, "labs": -1}

        def logged_sweep() -> int:  # an instance attribute: the sweeper and open() call it
            dropped = sweep()
            now = {"tabs": len(tabs.tabs), "labs": len(labs)}
            if dropped or now != last:
                last.update(now)
                _log("sweep", dropped=dropped, rss_kb=_rss_kb(), t=time.monotonic(), **now)
            return dropped

        tabs.sweep = logged_sweep
        apps.append(app)
        return app

    server.create_app = create_logged

    # the step's time in the worker thread (wall and CPU), and the JSON on the loop thread
    answer, dumps = server._answer, server._dumps
    spent: dict[str, list[float]] = {"wall": [], "cpu": [], "dumps": []}
    profiles: list[cProfile.Profile] = []
    local = threading.local()

    def timed_answer(lab: Lab, message: Any) -> Any:
        w, c = time.perf_counter(), time.thread_time()
        if args.profile:
            prof = getattr(local, "prof", None)
            if prof is None:
                prof = local.prof = cProfile.Profile()
                profiles.append(prof)
            replies = prof.runcall(answer, lab, message)
        else:
            replies = answer(lab, message)
        if message.get("op") == "step":
            spent["cpu"].append((time.thread_time() - c) * 1e3)
            spent["wall"].append((time.perf_counter() - w) * 1e3)
        return replies

    def timed_dumps(reply: Any) -> str:
        w = time.perf_counter()
        text = dumps(reply)
        if reply.get("type") == "frame":
            spent["dumps"].append((time.perf_counter() - w) * 1e3)
        return text

    server._answer, server._dumps = timed_answer, timed_dumps
    pauses: list[float] = []  # ms of each full (generation 2) garbage collection
    gc_began = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") == 2:
            if phase == "start":
                gc_began[0] = time.perf_counter()
            else:
                pauses.append((time.perf_counter() - gc_began[0]) * 1e3)

    gc.callbacks.append(on_gc)

    def on_stats(signum: int, frame: Any) -> None:  # SIGUSR2: the step times so far, reset
        wall, cpu, dm, gc2 = spent["wall"], spent["cpu"], spent["dumps"], list(pauses)
        spent.update(wall=[], cpu=[], dumps=[])
        pauses.clear()
        _log("stats", wall=_summary(wall), cpu=_summary(cpu), dumps=_summary(dm), gc2=_summary(gc2))

    def on_trim(signum: int, frame: Any) -> None:  # SIGUSR1: collect, trim, say what is left
        collected = gc.collect()
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        tabs = sum(len(app.state.tabs.tabs) for app in apps)
        _log("trim", collected=collected, rss_kb=_rss_kb(), tabs=tabs, labs=len(labs))

    signal.signal(signal.SIGUSR2, on_stats)
    signal.signal(signal.SIGUSR1, on_trim)
    listener = server.listen("127.0.0.1", 0, args.workers)
    port = listener.getsockname()[1]
    print(f"perceptron-lab playground on http://127.0.0.1:{port}/ (bench launcher)", flush=True)
    main_prof = cProfile.Profile() if args.profile else None
    if main_prof is not None:
        main_prof.enable()
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn raises the SIGINT again at exit
        server.serve(make, listener, workers=args.workers, idle=args.idle, sweep=args.sweep)
    if main_prof is not None:
        main_prof.disable()
        out = io.StringIO()
        stats = pstats.Stats(main_prof, stream=out)
        for prof in profiles:
            stats.add(prof)
        stats.sort_stats("cumulative").print_stats(args.top)
        print(
            f"server profile (event-loop thread + {len(profiles)} worker threads), top "
            f"{args.top} by cumulative time:\n{out.getvalue()}",
            file=sys.stderr,
            flush=True,
        )
    return 0


# --------------------------------------------------------------------------- the client side
def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unavailable"


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


class Server:
    """The launcher child: its URL, its log events, its memory; stopped in ``stop``."""

    def __init__(self, args: argparse.Namespace) -> None:
        cmd = [sys.executable, __file__, "--serve", "--data", args.data]
        cmd += ["--idle", str(args.idle), "--sweep", str(args.sweep), "--top", str(args.top)]
        cmd += ["--profile"] * args.profile + ["--workers", str(args.workers)]
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
        )
        self.pid = self.proc.pid
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.lines: queue.Queue[str] = queue.Queue()
        self.other: list[str] = []  # the child's stderr that is not an event (the profile)
        self.last_sweep: dict[str, Any] | None = None
        threading.Thread(target=self._read_err, daemon=True).start()
        threading.Thread(target=self._read_out, daemon=True).start()
        self.url = self._wait_url(args.start_timeout)

    def _read_out(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            if line.startswith(MARK):
                event = json.loads(line[len(MARK) :])
                if event["event"] == "sweep":
                    self.last_sweep = event
                self.events.put(event)
            else:
                self.other.append(line)

    def _wait_url(self, timeout: float) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if " on http://" in line:
                url = line.split(" on ", 1)[1].split()[0]
                return "ws://" + url.removeprefix("http://").rstrip("/") + "/ws"
        self.stop()
        raise RuntimeError("the server did not start:\n" + "".join(self.other[-30:]))

    def rss_kb(self) -> int:
        return status_kb("VmRSS", self.pid)

    def ask(self, sig: int, kind: str, timeout: float = 10.0) -> dict[str, Any]:
        """Send a signal, return the event of ``kind`` it answers with."""
        os.kill(self.pid, sig)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                event = self.events.get(timeout=0.2)
            except queue.Empty:
                continue
            if event["event"] == kind:
                return event
        return {}

    def stop(self, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        time.sleep(0.2)  # the reader threads take the last lines
        return self.proc.returncode


@dataclass
class Session:
    steps: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # ms
    errors: list[str] = field(default_factory=list)
    resets: int = 0
    hello_ms: float = 0.0

    @property
    def rate(self) -> float:
        return self.steps / self.seconds if self.seconds else 0.0


async def _recv(ws: Any) -> str:
    reply = await asyncio.wait_for(ws.recv(), RECV_TIMEOUT)
    return reply if isinstance(reply, str) else reply.decode()


async def one_session(
    url: str,
    seconds: float,
    compression: bool,
    ready: asyncio.Queue[None],
    go: asyncio.Event,
    done: asyncio.Queue[None],
    close: asyncio.Event,
) -> Session:
    from websockets.asyncio.client import connect

    s = Session()
    async with connect(
        url,
        max_size=MAX_SIZE,
        compression="deflate" if compression else None,
        open_timeout=RECV_TIMEOUT,
        close_timeout=5,
        ping_interval=None,
    ) as ws:
        t = time.perf_counter()
        await ws.send(json.dumps({"op": "hello", "lang": "en", "state": None, "session": None}))
        for _ in range(2):  # hello, then a full frame
            reply = await _recv(ws)
            if reply.startswith('{"type":"error"'):
                raise RuntimeError(f"hello refused: {reply[:300]}")
        s.hello_ms = (time.perf_counter() - t) * 1e3
        ready.put_nowait(None)
        await go.wait()
        began = time.perf_counter()
        end = began + seconds
        last = began
        while last < end:
            t = time.perf_counter()
            await ws.send(STEP)
            reply = await _recv(ws)
            last = time.perf_counter()
            if reply.startswith('{"type":"frame"'):  # the server writes "type" first
                s.steps += 1
                s.latencies.append((last - t) * 1e3)
            else:
                message = json.loads(reply).get("message", reply[:200])
                if "steps up to" in message:  # the lab's step cap: start the line again
                    await ws.send(json.dumps({"op": "reset"}))
                    await _recv(ws)
                    s.resets += 1
                else:
                    s.errors.append(message)
                    if len(s.errors) > 20:
                        break
        s.seconds = last - began
        done.put_nowait(None)
        await close.wait()
    return s


@dataclass
class Phase:
    sessions: list[Session]
    rss_open_kb: int = -1  # with the sessions open, after stepping
    rss_hello_kb: int = -1  # with the sessions open, before stepping
    server_cpu: float = 0.0  # server CPU seconds while stepping
    client_cpu: float = 0.0  # this process's CPU seconds while stepping
    wall: float = 0.0

    @property
    def latencies(self) -> list[float]:
        return sorted(x for s in self.sessions for x in s.latencies)

    @property
    def steps(self) -> int:
        return sum(s.steps for s in self.sessions)


async def run_phase(server: Server, n: int, seconds: float, compression: bool) -> Phase:
    ready: asyncio.Queue[None] = asyncio.Queue()
    done: asyncio.Queue[None] = asyncio.Queue()
    go, close = asyncio.Event(), asyncio.Event()
    tasks = [
        asyncio.create_task(one_session(server.url, seconds, compression, ready, go, done, close))
        for _ in range(n)
    ]

    async def all_of(q: asyncio.Queue[None]) -> None:
        for _ in range(n):
            getter = asyncio.ensure_future(q.get())
            finished, _ = await asyncio.wait(
                [getter, *tasks], return_when=asyncio.FIRST_COMPLETED, timeout=seconds + 120
            )
            if getter not in finished:
                getter.cancel()
                for t in tasks:
                    if t.done() and t.exception() is not None:
                        raise t.exception()  # type: ignore[misc]
                raise TimeoutError("the sessions did not answer in time")

    phase = Phase([])
    try:
        await all_of(ready)
        phase.rss_hello_kb = server.rss_kb()
        cpu_s, cpu_c, wall = cpu_seconds(server.pid), time.process_time(), time.perf_counter()
        go.set()
        await all_of(done)
        phase.wall = time.perf_counter() - wall
        phase.server_cpu = cpu_seconds(server.pid) - cpu_s
        phase.client_cpu = time.process_time() - cpu_c
        await asyncio.sleep(0.3)  # let the last frames' buffers settle
        phase.rss_open_kb = server.rss_kb()
    finally:
        close.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
    for r in results:
        if isinstance(r, BaseException):
            raise r
    phase.sessions = list(results)  # type: ignore[arg-type]
    return phase


# --------------------------------------------------------------------------- the baseline
@dataclass
class Baseline:
    steps: int
    handle: list[float]  # ms a Lab.handle step
    advance: list[float]  # ms the step itself (Lab.advance)
    frame: list[float]  # ms the frame (Lab.frame)
    dumps: list[float]  # ms json.dumps of the frame
    deflate: list[float]  # ms a raw deflate of the frame's text (permessage-deflate)
    frame_kb: float
    deflated_kb: float
    parts: dict[str, float]  # ms a step, the frame's parts (wrapped functions, see PARTS)
    sizes: dict[str, int]  # bytes of the last step frame's largest fields, as JSON


# the frame's parts timed in the baseline: (module, name) in perceptron_lab.playground
PARTS = (
    ("lab", "observe_step"),  # the step observed in full again (Lab.record)
    ("lab", "build"),  # the worked step (views/explain), in the page's language
    ("lab", "worked_json"),  # the explanation as JSON for KaTeX
    ("frames", "field"),  # the boundary's field over the plane
    ("frames", "batch"),
    ("frames", "gradient"),
)


@contextlib.contextmanager
def timing_parts(spent: dict[str, float]) -> Any:
    """Wrap PARTS (and Lab.state) so their seconds add up in ``spent``; undone at exit."""
    import importlib

    from perceptron_lab.playground.lab import Lab

    undo = []

    def wrap(owner: Any, name: str, key: str) -> None:
        original = getattr(owner, name)

        def timed(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                spent[key] = spent.get(key, 0.0) + time.perf_counter() - t

        setattr(owner, name, timed)
        undo.append((owner, name, original))

    for module, name in PARTS:
        wrap(importlib.import_module(f"perceptron_lab.playground.{module}"), name, name)
    wrap(Lab, "state", "Lab.state")
    wrap(importlib.import_module("perceptron_lab.engine.session").Session, "step", "Session.step")
    wrap(
        importlib.import_module("perceptron_lab.engine.train").Trainer,
        "epoch_metrics",
        "epoch_metrics",
    )
    try:
        yield
    finally:
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)


def baseline(data: str, steps: int) -> Baseline:
    import torch

    from perceptron_lab.playground.lab import MAX_STEPS, Lab

    torch.set_num_threads(1)
    steps = max(1, min(steps, MAX_STEPS - 1))
    Lab({"name": data})  # imports and first-call costs, as the server's launcher
    lab = Lab({"name": data})
    lab.handle({"op": "hello"})
    handle = []
    for _ in range(steps):
        t = time.perf_counter()
        lab.handle(json.loads(STEP))
        handle.append((time.perf_counter() - t) * 1e3)
    lab = Lab({"name": data})
    lab.handle({"op": "hello"})
    advance, frame, dumps, deflate, size, packed = [], [], [], [], 0, 0
    spent: dict[str, float] = {}
    with timing_parts(spent):
        lab.frame(full=False)  # the wrappers' first call
    spent.clear()
    for _ in range(steps):
        with timing_parts(spent):
            t0 = time.perf_counter()
            lab.advance(1)
            t1 = time.perf_counter()
            out = lab.frame(full=False, worked=json.loads(STEP).get("worked", True))
            t2 = time.perf_counter()
        text = json.dumps(out, separators=(",", ":"), allow_nan=False)
        t3 = time.perf_counter()
        z = zlib.compressobj(wbits=-15)
        blob = z.compress(text.encode()) + z.flush(zlib.Z_SYNC_FLUSH)
        t4 = time.perf_counter()
        advance.append((t1 - t0) * 1e3)
        frame.append((t2 - t1) * 1e3)
        dumps.append((t3 - t2) * 1e3)
        deflate.append((t4 - t3) * 1e3)
        size, packed = size + len(text), packed + len(blob)
    parts = {k: v * 1e3 / steps for k, v in spent.items()}
    sizes = {k: len(json.dumps(v, separators=(",", ":"))) for k, v in out.items()}
    sizes = dict(sorted(sizes.items(), key=lambda kv: -kv[1])[:4])
    return Baseline(
        steps,
        handle,
        advance,
        frame,
        dumps,
        deflate,
        size / steps / 1e3,
        packed / steps / 1e3,
        parts,
        sizes,
    )


def lab_memory(data: str, steps: int) -> None:
    """The Python heap (tracemalloc) one lab holds as its steps grow, in this process."""
    import tracemalloc

    import torch

    from perceptron_lab.playground.lab import MAX_STEPS, Lab

    torch.set_num_threads(1)
    steps = min(steps, MAX_STEPS)
    Lab({"name": data})
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    lab = Lab({"name": data})
    lab.handle({"op": "hello"})
    marks, done, t = [], 0, time.perf_counter()
    for target in sorted({0, steps // 10, steps // 2, steps}):
        while done < target:
            lab.handle({"op": "step", "n": 1})
            done += 1
        gc.collect()
        marks.append(f"{done}: {(tracemalloc.get_traced_memory()[0] - base) / 1e6:.2f}")
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    print(
        f"one lab's Python heap (tracemalloc; tensors' storage not included), MB after steps: "
        f"{', '.join(marks)}; peak {peak / 1e6:.2f} MB; "
        f"{time.perf_counter() - t:.0f} s"
    )


# --------------------------------------------------------------------------- reporting
def mb(kb: int) -> str:
    return f"{kb * 1024 / 1e6:.1f}" if kb >= 0 else "n/a"


def describe(name: str, phase: Phase) -> dict[str, float]:
    lat = phase.latencies
    rates = [s.rate for s in phase.sessions]
    figures = {
        "sessions": len(phase.sessions),
        "steps": phase.steps,
        "rate_mean": statistics.fmean(rates),
        "rate_min": min(rates),
        "rate_total": phase.steps / phase.wall if phase.wall else 0.0,
        "p50": percentile(lat, 50),
        "p90": percentile(lat, 90),
        "p99": percentile(lat, 99),
        "max": lat[-1] if lat else float("nan"),
        "p99_later": percentile(sorted(x for s in phase.sessions for x in s.latencies[1:]), 99),
        "first_max": max(s.latencies[0] for s in phase.sessions if s.latencies),
        "mean": statistics.fmean(lat) if lat else float("nan"),
        "server_cores": phase.server_cpu / phase.wall if phase.wall else 0.0,
        "client_cores": phase.client_cpu / phase.wall if phase.wall else 0.0,
        "hello_max": max(s.hello_ms for s in phase.sessions),
    }
    errors = [e for s in phase.sessions for e in s.errors]
    resets = sum(s.resets for s in phase.sessions)
    print(
        f"{name}: {figures['sessions']} session(s), {phase.steps} steps in {phase.wall:.1f} s; "
        f"per session steps/s {[round(r, 1) for r in rates]}; latency ms p50 "
        f"{figures['p50']:.1f} p90 {figures['p90']:.1f} p99 {figures['p99']:.1f} max "
        f"{figures['max']:.1f}; server CPU {phase.server_cpu:.1f} s ({figures['server_cores']:.2f} "
        f"cores), client CPU {phase.client_cpu:.1f} s ({figures['client_cores']:.2f} cores); "
        f"slowest hello {figures['hello_max']:.0f} ms; resets {resets}; errors {len(errors)}"
        + (f" (first: {errors[0]})" if errors else "")
        + f"; load {load()}",
        flush=True,
    )
    return figures


def ms(stats: dict[str, float], key: str = "mean") -> str:
    return f"{stats[key]:.2f}" if stats.get("n") else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=None, help="concurrent sessions (20)")
    parser.add_argument("--seconds", type=float, default=None, help="seconds of stepping (30)")
    parser.add_argument(
        "--single-seconds", type=float, default=None, help="seconds of the lone session (5)"
    )
    parser.add_argument("--quick", action="store_true", help="5 sessions x 5 s, a smoke run")
    parser.add_argument("--data", default="moons", help="the built-in set of every tab (moons)")
    parser.add_argument("--idle", type=float, default=2.0, help="server: seconds a lab is kept")
    parser.add_argument("--sweep", type=float, default=0.5, help="server: seconds between sweeps")
    parser.add_argument(
        "--no-compression", action="store_true", help="no permessage-deflate (browsers use it)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the server; top functions at the end"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (playground --workers; 1)"
    )
    parser.add_argument(
        "--no-worked",
        action="store_true",
        help='steps without the worked solution ({"worked": false}, as a page playing fast)',
    )
    parser.add_argument(
        "--lab-memory",
        type=int,
        default=0,
        metavar="STEPS",
        help="also: one lab's Python heap (tracemalloc) over STEPS steps, in this process",
    )
    parser.add_argument("--top", type=int, default=25, help="functions the profile prints (25)")
    parser.add_argument("--start-timeout", type=float, default=60.0, help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # the child
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args)
    global STEP
    if args.no_worked:  # as the page sends while playing fast
        STEP = json.dumps({"op": "step", "n": 1, "worked": False})
    n = args.sessions or (5 if args.quick else 20)
    seconds = args.seconds or (5.0 if args.quick else 30.0)
    single = args.single_seconds or (3.0 if args.quick else 5.0)
    compression = not args.no_compression

    began_all = time.perf_counter()
    print("perceptron-lab playground load benchmark" + (" (--quick)" if args.quick else ""))
    print(
        f"machine: {platform.machine()}, os.cpu_count()={os.cpu_count()}, "
        f"python {platform.python_version()}; server: the playground app on uvicorn in a child "
        f"process, torch.set_num_threads(1), idle {args.idle} s, sweep {args.sweep} s, "
        f"{args.workers} worker process(es), gc.freeze() after the warm-up, permessage-deflate "
        f"off (the server's setting; the client offers it: {'yes' if compression else 'no'}), "
        f"steps {'without' if args.no_worked else 'with'} the worked solution"
        + (", cProfile ON (times inflated)" if args.profile else "")
    )
    print(
        f"plan: 1 session x {single:g} s, then {n} sessions x {seconds:g} s, each stepping "
        f'{{"op":"step","n":1}} one at a time (data {args.data}); repeats: one run of each '
        "(every session's steps/s is printed); then the in-process baseline"
    )
    print(f"load average at start: {load()} (the machine is shared)", flush=True)

    server = Server(args)
    try:
        time.sleep(0.5)
        rss_start = server.rss_kb()
        started = server.ask(0, "start")  # signal 0: nothing sent, the start event read
        print(
            f"server pid {server.pid} at {server.url}; RSS at start {mb(rss_start)} MB; "
            f"{started.get('objects', '?')} objects tracked by the gc after the warm-up, a full "
            f"collection {started.get('collect_ms', float('nan')):.0f} ms" + " (then gc.freeze())"
        )
        one = asyncio.run(run_phase(server, 1, single, compression))
        stats_one = server.ask(signal.SIGUSR2, "stats")
        f_one = describe("single session", one)
        time.sleep(args.idle + 2 * args.sweep + 0.5)
        rss_before = server.rss_kb()
        many = asyncio.run(run_phase(server, n, seconds, compression))
        stats_many = server.ask(signal.SIGUSR2, "stats")
        f_many = describe(f"{n} sessions", many)
        closed_at = time.monotonic()
        wait = args.idle + 2 * args.sweep
        time.sleep(wait)
        rss_expired = server.rss_kb()
        sweep = server.last_sweep or {}
        trim = server.ask(signal.SIGUSR1, "trim")
    finally:
        rc = server.stop()
    if args.profile:
        sys.stdout.write("".join(server.other))
    elif server.other:
        print("server stderr:", "".join(server.other[-10:]), sep="\n")
    print(f"server stopped (exit code {rc}); load {load()}", flush=True)

    per_session = round(statistics.fmean([s.steps for s in many.sessions]))
    t0 = time.perf_counter()
    base = baseline(args.data, per_session)
    print(
        f"baseline in-process: {base.steps} steps of Lab.handle(step n=1) in one thread, "
        f"{time.perf_counter() - t0:.1f} s; load {load()}",
        flush=True,
    )

    if args.lab_memory:
        lab_memory(args.data, args.lab_memory)

    # ---------------------------------------------------------------- summary
    b_handle = sorted(base.handle)
    b_mean = statistics.fmean(b_handle)
    piece = {
        k: statistics.fmean(v)
        for k, v in {
            "advance": base.advance,
            "frame": base.frame,
            "dumps": base.dumps,
            "deflate": base.deflate,
        }.items()
    }
    print()
    print(f"{'':<28} {'1 session':>10} {f'{n} sessions':>12}")
    rows = [
        ("steps/s per session, mean", "rate_mean", "{:.1f}"),
        ("steps/s per session, min", "rate_min", "{:.1f}"),
        ("steps/s total", "rate_total", "{:.1f}"),
        ("latency p50 ms", "p50", "{:.1f}"),
        ("latency p90 ms", "p90", "{:.1f}"),
        ("latency p99 ms", "p99", "{:.1f}"),
        ("latency max ms", "max", "{:.1f}"),
        ("first step of a lab, max ms", "first_max", "{:.1f}"),
        ("p99 without first steps", "p99_later", "{:.1f}"),
        ("server CPU, cores", "server_cores", "{:.2f}"),
        ("client CPU, cores", "client_cores", "{:.2f}"),
    ]
    for label, key, fmt in rows:
        print(f"{label:<28} {fmt.format(f_one[key]):>10} {fmt.format(f_many[key]):>12}")
    for label, st in (("1 session", stats_one), (f"{n} sessions", stats_many)):
        if st:
            wall, cpu, dm = st["wall"], st["cpu"], st["dumps"]
            print(
                f"server's step ({label}): in its worker thread {ms(wall)} ms wall (p99 "
                f"{ms(wall, 'p99')}), {ms(cpu)} ms CPU; json.dumps on the loop {ms(dm)} ms; "
                f"full gc: {st['gc2'].get('n', 0)} collections, max {ms(st['gc2'], 'max')} ms"
            )
    print(
        f"in-process Lab.handle step: mean {b_mean:.2f} ms, p50 {percentile(b_handle, 50):.2f}, "
        f"p99 {percentile(b_handle, 99):.2f}, first {base.handle[0]:.1f}; pieces: advance {piece['advance']:.2f} + frame "
        f"{piece['frame']:.2f} ms; then json.dumps {piece['dumps']:.2f} ms, deflate "
        f"{piece['deflate']:.2f} ms (frame {base.frame_kb:.1f} KB -> {base.deflated_kb:.1f} KB; "
        f"largest fields, bytes: {base.sizes})"
    )
    inner = ", ".join(f"{k} {v:.2f}" for k, v in base.parts.items())
    print(
        f"the frame's parts, ms a step (Session.step, epoch_metrics: the advance; the rest: the frame): {inner}"
    )
    serial = b_mean + piece["dumps"]
    print(
        f"ratios: server latency / in-process step: 1 session p50 {f_one['p50'] / b_mean:.2f}x, "
        f"{n} sessions p50 {f_many['p50'] / b_mean:.2f}x, p99 {f_many['p99'] / b_mean:.2f}x; "
        f"{n}-session / 1-session latency p50 {f_many['p50'] / f_one['p50']:.2f}x, p99 "
        f"{f_many['p99'] / f_one['p99']:.2f}x"
    )
    print(
        f"bound: a step holds the GIL ~{serial:.2f} ms (handle + dumps): one core serves at most ~{1e3 / serial:.0f} steps/s; {n} sessions stepping "
        f"back to back wait ~{n} x {serial:.2f} = {n * serial:.0f} ms a step if serialized "
        f"(measured p50 {f_many['p50']:.0f} ms, total {f_many['rate_total']:.0f} steps/s)"
    )
    delta = many.rss_open_kb - rss_before
    print()
    print(
        f"memory (server VmRSS, MB): at start {mb(rss_start)}; before the {n} sessions "
        f"{mb(rss_before)}; {n} open after hello {mb(many.rss_hello_kb)}, after stepping "
        f"{mb(many.rss_open_kb)} (+{mb(delta)}, {delta * 1024 / n / 1e6:.2f} MB a session, "
        f"{per_session} steps each); {wait:.1f} s after closing {mb(rss_expired)}; after "
        f"gc.collect + malloc_trim {mb(trim.get('rss_kb', -1))}"
    )
    last_t = sweep.get("t")
    print(
        f"expiry: the server's last sweep log: {sweep.get('tabs', '?')} tabs, "
        f"{sweep.get('labs', '?')} Lab objects alive (weak set), dropped {sweep.get('dropped', '?')}"
        + (f" at t={last_t:.1f}" if last_t is not None else "")
        + f"; after gc.collect: {trim.get('tabs', '?')} tabs, {trim.get('labs', '?')} labs "
        f"({trim.get('collected', '?')} objects collected); closed at t~{closed_at:.1f}"
    )
    freed = trim.get("tabs") == 0 and sweep.get("tabs") == 0
    print()
    print(
        f"target: p99 <= {TARGET_P99_MS:.0f} ms with {n} sessions on {os.cpu_count()} cores: "
        f"{'PASS' if f_many['p99'] <= TARGET_P99_MS else 'MISS'} ({f_many['p99']:.1f} ms); "
        f"memory freed on expiry (no tab left): {'PASS' if freed else 'MISS'}"
    )
    print(f"total wall time {time.perf_counter() - began_all:.0f} s; load average at end: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
