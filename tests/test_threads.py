"""The thread count of a training loop: one thread for small steps, torch's default for
large ones, a count someone chose kept, and the count before restored after."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from perceptron_lab.engine import threads
from perceptron_lab.engine.threads import DEFAULT, SMALL, choose_threads, threads_for
from perceptron_lab.errors import InputError

from .cli_run import assert_refused, cli

OTHER = DEFAULT + 1  # a count that is not torch's default


@pytest.fixture(autouse=True)
def _torchs_own_count(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in threads.ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    torch.set_num_threads(DEFAULT)  # whatever an earlier test left
    yield
    choose_threads(None)
    torch.set_num_threads(DEFAULT)


def test_a_small_step_runs_on_one_thread_then_the_count_comes_back() -> None:
    with threads_for(150 * 4 * 3) as inside:  # iris: 150 rows, 4 features, 3 classes
        assert inside == torch.get_num_threads() == 1
    assert torch.get_num_threads() == DEFAULT


def test_a_large_step_keeps_torchs_default() -> None:
    with threads_for(SMALL) as inside:
        assert inside == torch.get_num_threads() == DEFAULT


def test_the_users_choice_is_kept_for_any_size() -> None:
    choose_threads(OTHER)
    assert torch.get_num_threads() == OTHER  # set at once: loading and evaluation use it too
    for numbers in (1, SMALL * 16):
        with threads_for(numbers) as inside:
            assert inside == torch.get_num_threads() == OTHER
    assert torch.get_num_threads() == OTHER


def test_a_chosen_count_equal_to_the_default_is_still_a_choice() -> None:
    choose_threads(DEFAULT)
    with threads_for(1):
        assert torch.get_num_threads() == DEFAULT


def test_a_programs_own_set_num_threads_is_kept() -> None:
    torch.set_num_threads(OTHER)
    with threads_for(1):
        assert torch.get_num_threads() == OTHER


@pytest.mark.parametrize("name", ["OMP_NUM_THREADS", "MKL_NUM_THREADS"])
def test_the_environment_is_a_choice(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(name, str(DEFAULT))
    with threads_for(1):
        assert torch.get_num_threads() == DEFAULT


def test_the_count_is_restored_when_the_loop_fails() -> None:
    with pytest.raises(KeyboardInterrupt), threads_for(1):
        assert torch.get_num_threads() == 1
        raise KeyboardInterrupt
    assert torch.get_num_threads() == DEFAULT


def test_a_count_out_of_bounds_is_refused() -> None:
    with pytest.raises(InputError, match="threads: expected an integer in"):
        choose_threads(0)


def test_the_clis_threads_flag_reaches_torch() -> None:
    code = (
        "import contextlib, io, torch\n"
        "from perceptron_lab.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['step', '--X', '1,2;3,4', '--y', '1,0', '--W', '0.5;-0.3', '--B', '0.1',"
        f" '--threads', '{OTHER}'])\n"
        "print(torch.get_num_threads())\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == [str(OTHER)]


def test_the_clis_threads_flag_is_bounded(tmp_path: Path) -> None:
    assert_refused(cli("demo", "--threads", "0", cwd=tmp_path), "--threads", "[1, 1024]", "0")
