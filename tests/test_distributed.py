"""Data-parallel pieces on real processes: 2 gloo ranks on loopback, torchrun's failures.

The collectives run once, in two spawned processes (a module fixture), and each test
reads what the ranks saved; the launcher's tests run torchrun itself over tiny scripts.
Everything meets on 127.0.0.1 and is bounded in time (gloo's timeout here: 20 s).
"""

from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.multiprocessing as mp

from perceptron_lab.engine import distributed
from perceptron_lab.engine.distributed import Group, LaunchResult
from perceptron_lab.errors import InputError

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
TIMEOUT_S = 20.0  # gloo's collective timeout in the ranks, and the wait for them
ENV = {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"}


# --------------------------------------------------------------------------- the ranks
def rows_of(rank: int, n: int, d: int = 3) -> tuple[torch.Tensor, torch.Tensor]:
    """Rank ``rank``'s n rows: X (n, d) float64 of known values, y (n,) int64."""
    X = torch.arange(n * d, dtype=torch.float64).reshape(n, d) + 100.0 * rank
    y = torch.arange(n, dtype=torch.int64) + 10 * rank
    return X, y


COUNTS = (3, 1)  # rows on rank 0 and rank 1: unequal
EMPTY_FIRST = (0, 2)  # a rank with no rows at all


def _ranks(rank: int, world: int, port: int, out: str, device: str) -> None:
    """One rank: join, run every collective, save what came back (torch.save)."""
    os.environ.update(
        RANK=str(rank),
        WORLD_SIZE=str(world),
        LOCAL_RANK=str(rank),
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
    )
    torch.set_num_threads(1)
    group = distributed.start(torch.device(device), timeout_s=TIMEOUT_S)
    assert group is not None
    on = group.device
    saved: dict[str, Any] = {"group": group, "again": distributed.start(torch.device(device))}
    saved["current"] = distributed.current()

    t = torch.tensor([rank + 1.0, 10.0 * (rank + 1)], dtype=torch.float64, device=on)
    m = torch.full((2, 3), float(rank + 1), dtype=torch.float32, device=on)
    saved["sum"] = distributed.all_reduce_sum(t).cpu()
    saved["sum_is_in_place"] = saved["sum"].equal(t.cpu())
    saved["sum32"] = distributed.all_reduce_sum(m).cpu()

    X, y = rows_of(rank, COUNTS[rank])
    X_all, y_all = distributed.gather_rows(X.to(on), y.to(on))
    saved["gather"] = (X_all.cpu(), y_all.cpu())
    X, y = rows_of(rank, EMPTY_FIRST[rank])
    yf = y.to(torch.float32).unsqueeze(1)  # (n, 1) float targets
    saved["gather_empty"] = tuple(t.cpu() for t in distributed.gather_rows(X.to(on), yf.to(on)))
    X, y = rows_of(rank, 2, d=3 + rank)  # rank 1 has another number of columns
    try:
        distributed.gather_rows(X.to(on), y.to(on))
        saved["mismatch"] = None
    except InputError as exc:
        saved["mismatch"] = str(exc)
    X, y = rows_of(rank, 2)
    try:  # a mistake on rank 1 alone: rows of X and y that differ
        distributed.gather_rows(X.to(on), y[: 2 - rank].to(on))
        saved["rows_mistake"] = None
    except InputError as exc:
        saved["rows_mistake"] = str(exc)
    try:
        distributed.gather_rows(X.to(on, torch.float32 if rank else torch.float64), y.to(on))
        saved["dtype_mismatch"] = None
    except InputError as exc:
        saved["dtype_mismatch"] = str(exc)

    saved["agree_one"] = distributed.agree(rank == 1)
    saved["agree_none"] = distributed.agree(False)
    saved["agree_all"] = distributed.agree(True)
    saved["broadcast"] = distributed.broadcast_object({"from": rank, "plan": [1, 2]})
    saved["broadcast_1"] = distributed.broadcast_object(f"rank {rank}", src=1)
    saved["seconds"] = distributed.all_reduce_seconds(102, repeats=10)
    saved["seconds_big"] = distributed.all_reduce_seconds(100_000, repeats=5)

    distributed.stop()
    saved["after_stop"] = distributed.current()
    distributed.stop()  # a second stop does nothing
    torch.save(saved, Path(out) / f"rank{rank}.pt")


def run_ranks(tmp: Path, world: int = 2, device: str = "cpu") -> list[dict[str, Any]]:
    """``_ranks`` on ``world`` spawned processes; what each saved, by rank."""
    port = distributed.free_port()
    context = mp.start_processes(
        _ranks,
        args=(world, port, str(tmp), device),
        nprocs=world,
        join=False,
        start_method="spawn",
    )
    deadline = time.monotonic() + 60.0  # start-up (importing torch twice) + the checks
    try:
        while not context.join(timeout=0.5):
            if time.monotonic() > deadline:
                pytest.fail("the ranks did not finish within 60 s")
    finally:
        for process in context.processes:
            if process.is_alive():
                process.kill()
            process.join(5)
    return [torch.load(tmp / f"rank{r}.pt", weights_only=False) for r in range(world)]


@pytest.fixture(scope="module")
def ranks(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return run_ranks(tmp_path_factory.mktemp("ranks"))


# --------------------------------------------------------------------------- collectives
def test_each_rank_joins_its_own_place_in_a_gloo_group(ranks: list[dict[str, Any]]) -> None:
    for r, saved in enumerate(ranks):
        group = saved["group"]
        assert (group.rank, group.world, group.local_rank, group.backend) == (r, 2, r, "gloo")
        assert group.device == torch.device("cpu") and group.main == (r == 0)
        assert saved["again"] == group and saved["current"] == group  # start is idempotent
        assert saved["after_stop"] is None


def test_all_reduce_sum_is_the_sum_of_the_ranks_tensors_in_place(
    ranks: list[dict[str, Any]],
) -> None:
    for saved in ranks:
        assert saved["sum"].tolist() == [1.0 + 2.0, 10.0 + 20.0]
        assert saved["sum"].dtype == torch.float64 and saved["sum_is_in_place"]
        assert saved["sum32"].dtype == torch.float32
        assert saved["sum32"].equal(torch.full((2, 3), 3.0))


def test_gather_rows_reassembles_unequal_shares_in_rank_order(
    ranks: list[dict[str, Any]],
) -> None:
    X0, y0 = rows_of(0, COUNTS[0])
    X1, y1 = rows_of(1, COUNTS[1])
    for saved in ranks:  # the full set on every rank
        X_all, y_all = saved["gather"]
        assert X_all.dtype == torch.float64 and y_all.dtype == torch.int64
        assert X_all.equal(torch.cat([X0, X1])) and y_all.equal(torch.cat([y0, y1]))


def test_gather_rows_takes_a_rank_without_rows(ranks: list[dict[str, Any]]) -> None:
    X1, y1 = rows_of(1, EMPTY_FIRST[1])
    for saved in ranks:
        X_all, y_all = saved["gather_empty"]
        assert X_all.equal(X1)
        assert y_all.equal(y1.to(torch.float32).unsqueeze(1)) and y_all.shape == (2, 1)


def test_gather_rows_with_another_shape_or_dtype_on_a_rank_fails_on_every_rank(
    ranks: list[dict[str, Any]],
) -> None:
    # both ranks raise (neither hangs waiting for the other), each naming the other rank
    assert ranks[0]["mismatch"] == "X on rank 1: expected shape ('N', 3), got shape ('N', 4)"
    assert ranks[1]["mismatch"] == "X on rank 0: expected shape ('N', 4), got shape ('N', 3)"
    assert ranks[0]["dtype_mismatch"] == (
        "X on rank 1: expected dtype torch.float64, got dtype torch.float32"
    )
    assert ranks[1]["dtype_mismatch"] == (
        "X on rank 0: expected dtype torch.float32, got dtype torch.float64"
    )


def test_a_mistake_on_one_rank_stops_every_rank_with_the_same_error(
    ranks: list[dict[str, Any]],
) -> None:
    for saved in ranks:  # rank 0 does not wait in the gather for rank 1, which raised
        assert saved["rows_mistake"] == "y on rank 1: expected 2 rows, got 1 rows"


def test_agree_is_true_everywhere_when_any_rank_says_so(ranks: list[dict[str, Any]]) -> None:
    for saved in ranks:
        assert saved["agree_one"] is True
        assert saved["agree_none"] is False
        assert saved["agree_all"] is True


def test_broadcast_object_gives_every_rank_the_sources(ranks: list[dict[str, Any]]) -> None:
    for saved in ranks:
        assert saved["broadcast"] == {"from": 0, "plan": [1, 2]}
        assert saved["broadcast_1"] == "rank 1"


def test_all_reduce_seconds_is_positive_finite_and_the_same_on_every_rank(
    ranks: list[dict[str, Any]],
) -> None:
    for key in ("seconds", "seconds_big"):
        values = [saved[key] for saved in ranks]
        assert all(math.isfinite(v) and 0 < v < 5.0 for v in values), values
        assert values[0] == values[1]  # the slowest rank's median, on both


def test_one_process_collectives_are_the_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    assert distributed.start(torch.device("cpu")) is None
    assert distributed.current() is None
    t = torch.tensor([1.0, 2.0])
    assert distributed.all_reduce_sum(t) is t and t.tolist() == [1.0, 2.0]
    X, y = rows_of(0, 3)
    X_all, y_all = distributed.gather_rows(X, y)
    assert X_all is X and y_all is y
    assert distributed.agree(True) is True and distributed.agree(False) is False
    assert distributed.broadcast_object([1, 2]) == [1, 2]
    assert distributed.all_reduce_seconds(102) == 0.0
    distributed.stop()  # nothing to leave


def test_gather_rows_checks_its_arguments_first() -> None:
    with pytest.raises(InputError, match="y: expected 3 rows, got 2 rows"):
        distributed.gather_rows(torch.zeros(3, 2), torch.zeros(2))
    with pytest.raises(InputError, match=r"X.dim\(\): expected an integer in \[1, 4\], got 0"):
        distributed.gather_rows(torch.tensor(1.0), torch.zeros(1))
    with pytest.raises(InputError, match="numbers: expected an integer >= 1"):
        distributed.all_reduce_seconds(0)


# --------------------------------------------------------------------------- Group.from_env
TORCHRUN_ENV = {
    "RANK": "3",
    "WORLD_SIZE": "4",
    "LOCAL_RANK": "1",
    "MASTER_ADDR": "10.0.0.1",
    "MASTER_PORT": "29400",
}


def test_from_env_reads_torchruns_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in TORCHRUN_ENV.items():
        monkeypatch.setenv(name, value)
    group = Group.from_env()
    assert group == Group(3, 4, 1, "gloo", "10.0.0.1", 29400)
    nccl = Group.from_env("nccl")
    assert nccl is not None and nccl.device == torch.device("cuda", 1)
    assert not group.main


def test_from_env_is_none_in_a_single_process(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    assert Group.from_env() is None
    monkeypatch.setenv("WORLD_SIZE", "1")
    monkeypatch.setenv("RANK", "0")
    assert Group.from_env() is None


def test_from_env_local_rank_defaults_to_the_rank() -> None:
    env = {k: v for k, v in TORCHRUN_ENV.items() if k != "LOCAL_RANK"}
    group = Group.from_env(environ=env)
    assert group is not None and group.local_rank == 3


@pytest.mark.parametrize(
    "changed, message",
    [
        ({"WORLD_SIZE": "two"}, "WORLD_SIZE: expected an integer >= 1, got 'two'"),
        ({"WORLD_SIZE": "0"}, "WORLD_SIZE: expected an integer >= 1, got 0"),
        ({"RANK": "4"}, r"RANK: expected an integer in \[0, 3\], got 4"),
        ({"RANK": None}, r"RANK: expected an integer in \[0, 3\], got nothing"),
        ({"MASTER_ADDR": None}, "MASTER_ADDR: expected e.g. 127.0.0.1, got nothing"),
        ({"MASTER_PORT": "99999"}, r"MASTER_PORT: expected an integer in \[1, 65535\], got 99999"),
        ({"LOCAL_RANK": "-1"}, "LOCAL_RANK: expected an integer >= 0, got -1"),
    ],
)
def test_from_env_names_a_wrong_variable(changed: dict[str, str | None], message: str) -> None:
    env = {**TORCHRUN_ENV, **changed}
    given = {k: v for k, v in env.items() if v is not None}
    with pytest.raises(InputError, match=message):
        Group.from_env(environ=given)


def test_from_env_refuses_an_unknown_backend() -> None:
    with pytest.raises(InputError, match="backend: expected one of gloo, nccl, got 'mpi'"):
        Group.from_env("mpi", environ=TORCHRUN_ENV)


def test_the_backend_follows_the_device() -> None:
    assert distributed.backend_for(torch.device("cpu")) == "gloo"
    assert distributed.backend_for(torch.device("cuda", 0)) == "nccl"
    assert distributed.backend_for(torch.device("cuda")) == "nccl"


# --------------------------------------------------------------------------- the cost model
def test_slower_than_one_is_the_models_step_against_one_process() -> None:
    # a 100 µs step on 2 ranks: 50 µs of rows + 400 µs of all-reduce = 450 µs, 4.5x slower
    assert distributed.slower_than_one(100e-6, 400e-6, 2) == (True, 4.5)
    # a 10 ms step on 4 ranks: 2.5 ms + 0.4 ms = 2.9 ms, 0.29x
    assert distributed.slower_than_one(10e-3, 400e-6, 4) == (False, 0.29)
    # at the break-even step a(m)·P/(P-1) the ranks take exactly as long as one process
    slower, ratio = distributed.slower_than_one(800e-6, 400e-6, 2)
    assert not slower and ratio == pytest.approx(1.0)


def test_warning_numbers_are_what_a_warning_prints() -> None:
    e = distributed.warning_numbers(100e-6, 400e-6, 2)
    assert e.world == 2 and e.slower
    assert e.step_one_s == 100e-6 and e.all_reduce_s == 400e-6
    assert e.step_parallel_s == pytest.approx(450e-6)
    assert e.ratio == pytest.approx(4.5) and e.speedup == pytest.approx(1 / 4.5)
    assert e.break_even_s == pytest.approx(800e-6)
    four = distributed.warning_numbers(3e-3, 300e-6, 4)
    assert four.break_even_s == pytest.approx(400e-6)  # 300 µs · 4/3
    assert four.step_parallel_s == pytest.approx(1.05e-3) and not four.slower
    one = distributed.warning_numbers(1e-3, 400e-6, 1)  # one process does no all-reduce
    assert (one.ratio, one.slower, one.step_parallel_s) == (1.0, False, 1e-3)
    assert distributed.warning_numbers(0.0, 1e-4, 2).ratio == math.inf


@pytest.mark.parametrize(
    "args, message",
    [
        ((-1.0, 1e-4, 2), "step_seconds_one_process: expected a number >= 0, got -1.0"),
        ((1e-3, math.nan, 2), "all_reduce_seconds: expected a number >= 0, got nan"),
        ((1e-3, 1e-4, 0), "world: expected an integer >= 1, got 0"),
    ],
)
def test_the_model_refuses_impossible_numbers(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(InputError, match=message):
        distributed.slower_than_one(*args)


def test_the_latency_bound_all_reduce_model() -> None:
    assert (
        distributed.reduced_numbers(100, 1) == 101 and distributed.reduced_numbers(100, 10) == 1010
    )
    a = distributed.modelled_all_reduce(102, 8, alpha_s=100e-6, beta_s=1e-9)
    assert a == pytest.approx(3 * 100e-6 + 102e-9)
    assert distributed.modelled_all_reduce(102, 1, alpha_s=1.0, beta_s=1.0) == 0.0


# --------------------------------------------------------------------------- the launcher
SUMMARY = """\
torch.distributed.elastic.multiprocessing.errors.ChildFailedError:
============================================================
w.py FAILED
------------------------------------------------------------
Failures:
[1]:
  time      : 2026-12-03_07:57:16
  host      : localhost
  rank      : 0 (local_rank: 0)
  exitcode  : -15 (pid: 23147)  (SIGTERM)
  error_file: <N/A>
  traceback : Signal 15 (SIGTERM) received by PID 23147
------------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2026-12-03_07:57:16
  host      : node-b
  rank      : 5 (local_rank: 1)
  exitcode  : 3 (pid: 23148)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
============================================================
"""


def test_read_failure_finds_the_root_cause_not_the_ranks_stopped_after() -> None:
    assert distributed.read_failure(SUMMARY) == (5, 3, "node-b")
    assert distributed.read_failure("no summary here") is None


def test_the_launcher_command_is_torchrun_standalone_on_loopback() -> None:
    cmd = distributed.launcher_command(["train", "iris"], 2)
    assert cmd[:3] == [sys.executable, "-m", "torch.distributed.run"]
    flags = dict(zip(cmd[3::2], cmd[4::2], strict=False))
    assert flags["--nproc-per-node"] == "2" and flags["--nnodes"] == "1"
    assert flags["--rdzv-backend"] == "c10d" and flags["--max-restarts"] == "0"
    host, port = flags["--rdzv-endpoint"].split(":")
    assert host == "127.0.0.1" and 0 < int(port) < 65536
    assert cmd[-4:] == [*distributed.default_program(), "train", "iris"]
    assert distributed.default_program()[0] == "-m"


def test_several_nodes_meet_at_an_endpoint_given() -> None:
    with pytest.raises(
        InputError, match=re.escape("rdzv_endpoint: expected e.g. 10.0.0.1:29400, got None")
    ):
        distributed.launcher_command([], 2, nnodes=2, node_rank=1)
    cmd = distributed.launcher_command([], 2, nnodes=2, node_rank=1, rdzv_endpoint="h:29400")
    flags = dict(zip(cmd[3::2], cmd[4::2], strict=False))
    assert flags["--rdzv-endpoint"] == "h:29400" and flags["--rdzv-id"] == "perceptron-lab"
    assert flags["--node-rank"] == "1" and "--local-addr" not in flags
    with pytest.raises(InputError, match=r"node_rank: expected an integer in \[0, 1\], got 2"):
        distributed.launcher_command([], 2, nnodes=2, node_rank=2, rdzv_endpoint="h:29400")
    with pytest.raises(InputError, match="nproc: expected an integer >= 1, got 0"):
        distributed.launcher_command([], 0)


FAILING = """\
import os, signal, sys, time
from pathlib import Path
rank = int(os.environ["RANK"])
Path(sys.argv[1], f"pid{rank}").write_text(str(os.getpid()))
print(f"rank {rank} of {os.environ['WORLD_SIZE']} started", flush=True)
if rank == 1:
    time.sleep(0.5)
    if sys.argv[2] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    sys.exit(3)
time.sleep(120)  # rank 0 would sleep on: torchrun must stop it
"""

WORKING = """\
import sys
from pathlib import Path
import torch
from perceptron_lab.engine import distributed
group = distributed.start(torch.device("cpu"), timeout_s=20)
t = distributed.all_reduce_sum(torch.tensor([float(group.rank + 1)]))
ok = distributed.agree(False)
if group.main:
    Path(sys.argv[1], "sum").write_text(f"{t.item()} {group.world} {ok}")
distributed.stop()
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("how, exit_code, killed", [("exit", 3, None), ("kill", None, "SIGKILL")])
def test_launch_names_the_rank_that_stopped_and_stops_the_others(
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    how: str,
    exit_code: int | None,
    killed: str | None,
) -> None:
    script = tmp_path / "failing.py"
    script.write_text(FAILING)
    began = time.monotonic()
    result = distributed.launch([str(tmp_path), how], 2, program=[str(script)])
    took = time.monotonic() - began
    assert isinstance(result, LaunchResult) and not result.ok
    assert result.returncode != 0
    assert (result.failed_rank, result.exit_code, result.signal) == (1, exit_code, killed)
    assert result.interrupted is None
    assert took < 20.0, f"rank 0 was not stopped: the launch took {took:.1f} s"
    pid0 = int((tmp_path / "pid0").read_text())
    deadline = time.monotonic() + 5.0
    while _alive(pid0) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid0)
    out, err = capfd.readouterr()
    assert "rank 0 of 2 started" in out and "rank 1 of 2 started" in out  # the ranks' own
    assert "ChildFailedError" not in err and "Root Cause" not in err  # the launcher's kept
    assert "ChildFailedError" in result.log and "Root Cause" in result.log


def test_launch_runs_the_ranks_to_the_end(tmp_path: Path) -> None:
    script = tmp_path / "working.py"
    script.write_text(WORKING)
    result = distributed.launch([str(tmp_path)], 2, program=[str(script)])
    assert result.ok, result.log
    assert (result.failed_rank, result.exit_code, result.signal) == (None, None, None)
    assert (tmp_path / "sum").read_text() == "3.0 2 False"  # 1 + 2, from torchrun's env


SLEEPING = """\
import os, sys, time
from pathlib import Path
Path(sys.argv[1], f"pid{os.environ['RANK']}").write_text(str(os.getpid()))
time.sleep(120)
"""

LAUNCHING = """\
import sys
from perceptron_lab.engine import distributed
result = distributed.launch([sys.argv[1]], 2, program=[sys.argv[2]])
print("result", result.returncode, result.interrupted, flush=True)
"""


def test_launch_forwards_ctrl_c_to_the_ranks(tmp_path: Path) -> None:
    (tmp_path / "sleeping.py").write_text(SLEEPING)
    (tmp_path / "launching.py").write_text(LAUNCHING)
    cmd = [sys.executable, str(tmp_path / "launching.py"), str(tmp_path)]
    cmd.append(str(tmp_path / "sleeping.py"))
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        deadline = time.monotonic() + 30.0
        pids = [tmp_path / "pid0", tmp_path / "pid1"]
        while not all(p.exists() and p.read_text() for p in pids):
            assert time.monotonic() < deadline, "the ranks did not start within 30 s"
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends this process alone
        try:
            out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert proc.returncode == 0, err[-2000:]
    code, interrupted = out.split("result ")[1].split()
    assert int(code) != 0 and interrupted == "SIGINT"
    for p in pids:
        pid = int(p.read_text())
        deadline = time.monotonic() + 5.0
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid)


def test_python_dash_m_perceptron_lab_is_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, *distributed.default_program(), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage: perceptron-lab" in done.stdout


# --------------------------------------------------------------------------- nccl
@pytest.mark.skipif(not torch.cuda.is_available(), reason="nccl needs CUDA: no GPU here")
@pytest.mark.skipif(
    torch.cuda.is_available() and torch.cuda.device_count() < 2,
    reason="nccl needs one GPU per rank: fewer than 2 GPUs here",
)
def test_nccl_ranks_sum_and_gather_on_their_gpus(tmp_path: Path) -> None:
    ranks = run_ranks(tmp_path, device="cuda")
    for r, saved in enumerate(ranks):
        assert saved["group"].backend == "nccl" and saved["group"].device == torch.device("cuda", r)
        assert saved["sum"].tolist() == [3.0, 30.0]
        X_all, _ = saved["gather"]
        assert X_all.equal(torch.cat([rows_of(0, COUNTS[0])[0], rows_of(1, COUNTS[1])[0]]))
        assert saved["agree_one"] is True and saved["seconds"] > 0


# --------------------------------------------------------------------------- the benchmark
@pytest.mark.slow
def test_bench_distributed_quick_mode_prints_its_table() -> None:
    cmd = [sys.executable, str(BENCH / "bench_distributed.py"), "--quick"]
    src = str(BENCH.parent / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "load average at start" in out and "load average at end" in out
    results = [
        line
        for line in out.splitlines()
        if line.rstrip().endswith(("met", "missed", "met*", "missed*"))
    ]
    assert results, out[-3000:]


@pytest.fixture(autouse=True)
def _no_group_left() -> Iterator[None]:
    """No test leaves this process in a group (the collectives' identity tests rely on it)."""
    yield
    assert not torch.distributed.is_initialized()
