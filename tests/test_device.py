"""The device a run computes on: cpu, cuda, cuda:N or auto, checked, everywhere outside the trainer.

On a machine without a CUDA GPU (this suite's usual one) the CPU tests run and the GPU
tests are skipped, saying so; ``benchmarks/gpu_check.sh`` runs them all on one with a
GPU. The GPU tests carry the ``gpu`` marker (``pytest -m gpu``).
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import load_iris
from torch import nn, optim

from perceptron_lab.cli.main import main
from perceptron_lab.core.agreement import tolerance
from perceptron_lab.engine.device import (
    FLOAT32_FACTOR,
    check_ieee_float32,
    device_name,
    float32_tolerance,
    float32_tolerance_note,
    ieee_float32,
    resolve_device,
)
from perceptron_lab.engine.trace import Trace
from perceptron_lab.errors import InputError
from perceptron_lab.playground.lab import Lab
from perceptron_lab.sklearn import PerceptronClassifier, PerceptronRegressor
from perceptron_lab.views.error_text import error_text
from perceptron_lab.watch import watch

CUDA = torch.cuda.is_available()
NO_GPU = "no CUDA GPU on this machine: run benchmarks/gpu_check.sh on one"
needs_gpu = pytest.mark.skipif(not CUDA, reason=NO_GPU)
cpu_only = pytest.mark.skipif(CUDA, reason="this machine has a CUDA GPU")
DEVICES = ["cpu", pytest.param("cuda", marks=[pytest.mark.gpu, needs_gpu])]
REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def fake_gpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """torch as it looks on a machine with 2 CUDA GPUs (nothing is put on them)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: False)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i=None: "NVIDIA H200")


# --------------------------------------------------------------------------- resolve_device
def test_cpu_is_the_cpu() -> None:
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")


def test_auto_is_cuda_where_there_is_one_else_cpu() -> None:
    assert resolve_device("auto") == (torch.device("cuda", 0) if CUDA else torch.device("cpu"))


@cpu_only
@pytest.mark.parametrize("name", ["cuda", "cuda:0", "cuda:1"])
def test_cuda_without_a_gpu_is_an_input_error_naming_device(name: str) -> None:
    with pytest.raises(InputError) as raised:
        resolve_device(name)
    exc = raised.value
    assert exc.argument == "device"
    message = str(exc)
    assert "\n" not in message
    assert message.startswith(
        "device: expected cpu, auto, or cuda on a machine with a CUDA GPU, "
        f"got {name}, but torch.cuda.is_available() is False (this torch is {torch.__version__}"
    )
    if torch.version.cuda is None:
        assert message.endswith(": a CPU-only build)")
    else:
        assert f"built for CUDA {torch.version.cuda}: no GPU is visible" in message


@pytest.mark.parametrize("name", ["gpu", "CUDA", "cuda:x", "cuda:-1", "cuda0", "", "mps", 0])
def test_any_other_name_lists_the_choices(name: Any) -> None:
    with pytest.raises(InputError) as raised:
        resolve_device(name)
    assert raised.value.argument == "device"
    assert str(raised.value) == (
        "device: expected cpu, cuda, cuda:N (the N-th GPU) or auto (cuda if there is one, "
        f"else cpu), got {str(name)!r}"
    )


def test_the_device_errors_in_spanish() -> None:
    try:
        resolve_device("gpu")
    except InputError as exc:
        assert error_text(exc, "es") == (
            "device: se esperaba cpu, cuda, cuda:N (la N-ésima GPU) o auto (cuda si hay una, "
            "si no cpu), se recibió 'gpu'"
        )
    if not CUDA:
        with pytest.raises(InputError) as raised:
            resolve_device("cuda")
        spanish = error_text(raised.value, "es")
        assert spanish.startswith(
            "device: se esperaba cpu, auto, o cuda en una máquina con una GPU CUDA, se recibió "
            "cuda, pero torch.cuda.is_available() es False (este torch es"
        )
        assert "is False" not in spanish and "build" not in spanish


def test_an_index_past_the_gpus_says_how_many_there_are(fake_gpus: None) -> None:
    assert resolve_device("cuda") == torch.device("cuda", 0)  # indexed: tensors land there
    assert resolve_device("auto") == torch.device("cuda", 0)
    assert resolve_device("cuda:1") == torch.device("cuda", 1)
    with pytest.raises(InputError) as raised:
        resolve_device("cuda:2")
    assert str(raised.value) == (
        "device: expected cuda:N with N from 0 to 1 (this machine's CUDA GPUs: 2), got 'cuda:2'"
    )
    assert error_text(raised.value, "es") == (
        "device: se esperaba cuda:N con N de 0 a 1 (las GPU CUDA de esta máquina: 2), "
        "se recibió 'cuda:2'"
    )


def test_device_names_as_a_run_records_them(fake_gpus: None) -> None:
    assert device_name("cpu") == device_name(torch.device("cpu")) == "cpu"
    assert device_name("cuda") == "cuda:0 (NVIDIA H200)"
    assert device_name(torch.device("cuda", 1)) == "cuda:1 (NVIDIA H200)"


# --------------------------------------------------------------------------- float32 facts
def test_float32_is_held_to_the_cpus_tolerance_on_every_device() -> None:
    assert FLOAT32_FACTOR == {"cpu": 1.0, "cuda": 1.0}
    assert float32_tolerance("cpu") == tolerance(torch.float32) == 1e-5
    assert float32_tolerance_note("cpu") == "float32 on cpu: IEEE float32, agreement within 1e-05"


def test_tf32_is_off_by_default_and_ieee_float32_puts_it_back_off() -> None:
    assert torch.get_float32_matmul_precision() == "highest"
    assert torch.backends.cuda.matmul.allow_tf32 is False
    assert check_ieee_float32()
    torch.set_float32_matmul_precision("high")  # a program's own choice: TF32 where it can
    try:
        assert not check_ieee_float32()
        with ieee_float32():
            assert check_ieee_float32()
            assert torch.backends.cuda.matmul.allow_tf32 is False
        assert torch.get_float32_matmul_precision() == "high"  # the program's, after
    finally:
        torch.set_float32_matmul_precision("highest")
    assert check_ieee_float32()


# --------------------------------------------------------------------------- scikit-learn
def iris() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_iris(return_X_y=True)
    return X, y


def test_the_estimators_device_cpu_is_the_default_bit_for_bit() -> None:
    X, y = iris()
    settings = {"max_iter": 30, "random_state": 0, "verify_every": 5}
    default = PerceptronClassifier(**settings).fit(X, y)
    on_cpu = PerceptronClassifier(device="cpu", **settings).fit(X, y)
    assert np.array_equal(on_cpu.coef_, default.coef_)
    assert np.array_equal(on_cpu.intercept_, default.intercept_)
    assert isinstance(on_cpu.coef_, np.ndarray) and on_cpu.coef_.dtype == np.float64
    reg = PerceptronRegressor(device="cpu", max_iter=5, random_state=0).fit(X[:, :3], X[:, 3])
    assert np.array_equal(
        reg.coef_, PerceptronRegressor(max_iter=5, random_state=0).fit(X[:, :3], X[:, 3]).coef_
    )


def test_get_params_set_params_and_clone_keep_the_device() -> None:
    for cls in (PerceptronClassifier, PerceptronRegressor):
        est = cls(device="auto")
        assert est.get_params()["device"] == "auto"
        assert cls().get_params()["device"] == "cpu"
        assert clone(est).device == "auto"
        assert est.set_params(device="cuda:1").device == "cuda:1"
        assert clone(est).get_params()["device"] == "cuda:1"
        assert "device='cuda:1'" in repr(est)


def test_a_bad_device_is_refused_at_fit_naming_device() -> None:
    X, y = iris()
    est = PerceptronClassifier(device="gpu")  # scikit-learn's rule: checked by fit
    with pytest.raises(InputError) as raised:
        est.fit(X, y)
    assert raised.value.argument == "device"
    assert "cpu, cuda, cuda:N" in str(raised.value)


def test_a_fitted_estimator_keeps_its_next_start_on_the_cpu() -> None:
    X, y = iris()
    clf = PerceptronClassifier(max_iter=3, random_state=0).fit(X, y)
    start = clf._checkpoint
    tensors = [start.W, start.B, *(v for s in start.state.values() for v in s.values())]
    assert all(t.device.type == "cpu" for t in tensors)
    again = pickle.loads(pickle.dumps(clf))
    assert np.array_equal(again.predict_proba(X), clf.predict_proba(X))


@pytest.mark.gpu
@needs_gpu
@pytest.mark.parametrize("dtype, within", [("float32", 1e-4), ("float64", 1e-9)])
def test_an_estimator_on_the_gpu_learns_what_it_learns_on_the_cpu(
    dtype: str, within: float
) -> None:
    """Each step agrees with the CPU's to float32 (float64) rounding, not bit for bit (the
    GPU sums in another order); over 50 SGD steps on standardized data those gaps stay
    within ``within`` of the largest coefficient."""
    X, y = iris()
    settings: dict[str, Any] = {
        "optimizer": "sgd",
        "learning_rate": 0.1,
        "max_iter": 50,
        "random_state": 0,
        "dtype": dtype,
        "standardize": True,
        "verify_every": 1,
    }
    cpu = PerceptronClassifier(device="cpu", **settings).fit(X, y)
    gpu = PerceptronClassifier(device="cuda", **settings).fit(X, y)
    assert isinstance(gpu.coef_, np.ndarray) and isinstance(gpu.intercept_, np.ndarray)
    scale = np.abs(cpu.coef_).max()
    assert np.abs(gpu.coef_ - cpu.coef_).max() <= within * scale
    assert np.abs(gpu.intercept_ - cpu.intercept_).max() <= within * max(scale, 1.0)
    assert (gpu.predict(X) == cpu.predict(X)).mean() >= 0.99  # a near-tie may tip
    gpu.partial_fit(X, y)  # the next start, kept on the CPU, goes back to the GPU
    assert gpu.n_iter_ == 51


# --------------------------------------------------------------------------- the playground
@pytest.mark.parametrize("device", DEVICES)
def test_the_playground_trains_on_its_device(device: str) -> None:
    lab = Lab(device=device)
    assert lab.line.last.trainer.config.device == device
    (reply,) = lab.handle({"op": "step", "n": 3})
    assert reply["type"] == "frame" and reply["status"] is None, reply
    assert reply["step"] == 3
    assert reply["verified"]["worst"] <= reply["verified"]["tolerance"]
    assert len(reply["field"]["values"]) == 48 * 48
    assert "device" not in reply["state"]["settings"]  # the URL token opens on any machine
    (branched,) = lab.handle({"op": "branch", "settings": {"lr": 0.5}})
    assert branched["type"] == "frame"
    assert lab.line.last.trainer.config.device == device


def test_the_playground_refuses_a_bad_device_at_once() -> None:
    with pytest.raises(InputError) as raised:
        Lab(device="gpu")
    assert raised.value.argument == "device"


def test_playground_device_flag(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("uvicorn")
    args = ["playground", "--device", "gpu", "--no-browser", "--port", "0", "--lang", "en"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "--device: expected cpu, cuda, cuda:N" in err and err.count("\n") == 1
    assert main([*args[:2], "cuda", *args[3:], "--workers", "2"]) == 2
    assert "--device: expected cpu with more than one worker" in capsys.readouterr().err


def test_playground_help_names_the_device(capsys: pytest.CaptureFixture[str]) -> None:
    """The shared --device of the commands that train (cli/options.device), in both languages."""
    with pytest.raises(SystemExit):
        main(["playground", "--help", "--lang", "en"])
    english = " ".join(capsys.readouterr().out.split())
    assert "--device DEVICE where" in english and "cpu, cuda (cuda:N) or auto" in english
    with pytest.raises(SystemExit):
        main(["playground", "--help", "--lang", "es"])
    spanish = " ".join(capsys.readouterr().out.split())
    assert "--device DEVICE dónde" in spanish and "(por defecto: cpu)" in spanish


# --------------------------------------------------------------------------- watch
def _watched(
    device: str, model: nn.Module, out: Path, zero_grad: bool = True, **options: Any
) -> Any:
    """Four SGD steps of a loop whose tensors are all put on ``device`` explicitly, watched."""
    where = torch.device(device)
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(16, 3, generator=generator).to(where)
    y = (X[:, :1] > 0).to(torch.float32)
    model = model.to(where)
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    with watch(model, optimizer, loss_fn, out=out, **options) as run:
        for _ in range(4):
            if zero_grad:
                optimizer.zero_grad()
            loss = loss_fn(model(X), y)
            loss.backward()
            optimizer.step()
    return run


@pytest.mark.parametrize("device", DEVICES)
def test_watch_follows_the_loops_device_one_linear(device: str, tmp_path: Path) -> None:
    torch.manual_seed(0)
    run = _watched(device, nn.Linear(3, 1), tmp_path / "run")
    assert run.summary.watch["fully_verified"] is True
    assert run.summary.verified_steps == 4 and run.diagnoses == []
    assert all(r.X.device.type == device for r in run.records)  # the twin ran where X is
    for row in run.trace.steps:
        assert row["verified_finite_differences"] and row["fd_entries"] == 4
    trace = Trace.load(tmp_path / "run")  # kept on the CPU: reads back as any run
    assert len(trace.steps) == 4 and trace.summary is not None
    assert trace.summary.verified_steps == 4


@pytest.mark.parametrize("device", DEVICES)
def test_watch_follows_the_loops_device_any_model(device: str, tmp_path: Path) -> None:
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    run = _watched(device, mlp, tmp_path / "run")
    assert run.diagnoses == []
    for row in run.trace.steps:
        assert row["verified_finite_differences"] is True and row["fd_entries"] == 21
        assert row["verified_update"] is True


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("linear", [True, False], ids=["linear", "mlp"])
def test_watch_diagnoses_a_mistake_on_the_loops_device(
    device: str, linear: bool, tmp_path: Path
) -> None:
    torch.manual_seed(0)
    model = (
        nn.Linear(3, 1) if linear else nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    )
    run = _watched(device, model, tmp_path / "run", zero_grad=False, on_mistake="record")
    assert run.diagnoses and {d.cause for d in run.diagnoses} == {"not_zeroed"}


# --------------------------------------------------------------------------- the CLI
@pytest.mark.parametrize("device", DEVICES)
def test_train_on_a_device_agrees_at_every_verified_step(device: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "perceptron_lab.cli", "train", "iris", "--device", device]
    cmd += ["--out", str(out), "--format", "json", "--verify-every", "1"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "finished", summary["error"]
    assert summary["verified_steps"] == summary["steps"] > 0  # every step verified …
    assert summary["worst_disagreement"] <= summary["tolerance"]  # … and every one agreed
    config = json.loads((out / "config.json").read_text())
    assert config["config"]["device"] in (device, str(resolve_device(device)))
