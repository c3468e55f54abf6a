"""What a command imports: --help nothing heavy; demo and train neither torch._dynamo nor sympy.

Each case runs in a subprocess (a fresh ``sys.modules``; and ``defer_dynamo`` changes
torch.optim's classes for the whole process, which pytest's must not see). The oracle of
the deferred optimizers is torch's own: the same steps in a process that did not defer.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from perceptron_lab.cli import build_parser
from perceptron_lab.cli.options import command_parsers

HEAVY = ("torch", "numpy", "pyarrow", "pandas", "scipy", "sklearn", "matplotlib", "rich")
# what a training command does not need: torch.optim's lazy dynamo, autograd's sympy, the
# analysis stack
NEEDLESS = ("torch._dynamo", "sympy", "scipy", "sklearn", "matplotlib")


def _python(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def _imported_by(argv: list[str], names: tuple[str, ...]) -> dict[str, object]:
    """The CLI's main run on ``argv`` in a fresh process: its exit code and which ``names`` it imported."""
    code = (
        "import contextlib, io, json, sys\n"
        "from perceptron_lab.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main({argv!r})\n"
        f"print(json.dumps({{'code': code, 'imported': [m for m in {names!r} if m in sys.modules]}}))\n"
    )
    result: dict[str, object] = json.loads(_python(code).splitlines()[-1])
    return result


def test_every_help_imports_nothing_heavy() -> None:
    commands = [p.prog.split()[-1] for p in command_parsers(build_parser())]
    assert {"demo", "train", "show", "step", "explain"} <= set(commands)
    code = (
        "import contextlib, io, sys\n"
        "from perceptron_lab.cli.main import main\n"
        f"for argv in [['--help'], *[[c, '--help'] for c in {commands!r}]]:\n"
        "    with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "        try:\n"
        "            main(argv)\n"
        "        except SystemExit as exc:\n"
        "            assert exc.code == 0, argv\n"
        "    assert 'usage:' in out.getvalue(), argv\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    assert _python(code).strip() == "[]"


NUMBERS = ["--X", "1,2;3,4;5,6", "--y", "1,0,1", "--W", "0.5;-0.3", "--B", "0.1"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv", [["demo"], ["explain", *NUMBERS, "--optimizer", "adam"]], ids=["demo", "explain"]
)
def test_demo_imports_neither_dynamo_nor_sympy(argv: list[str]) -> None:
    ran = _imported_by(argv, ("torch", *NEEDLESS, "pandas", "pyarrow"))
    assert ran == {"code": 0, "imported": ["torch"]}


@pytest.mark.slow
def test_train_imports_neither_dynamo_nor_sympy(tmp_path: object) -> None:
    argv = ["train", "iris", "--standardize", "--epochs", "2", "--out", f"{tmp_path}/run"]
    ran = _imported_by(argv, ("torch", *NEEDLESS))
    assert ran == {"code": 0, "imported": ["torch"]}


def test_show_of_a_finished_run_reads_its_summary_and_imports_nothing_heavy(
    tmp_path: object,
) -> None:
    """config.json and summary.json hold what it prints: no step part is opened."""
    from perceptron_lab.cli.main import main

    assert main(["train", "seed", "--epochs", "3", "--out", f"{tmp_path}/run", "--quiet"]) == 0
    heavy = ("torch", "numpy", "pyarrow", "pandas")
    ran = _imported_by(["show", f"{tmp_path}/run"], heavy)
    assert ran == {"code": 0, "imported": []}
    stepped = _imported_by(["show", f"{tmp_path}/run", "--step", "2"], heavy)
    assert stepped["code"] == 0 and "torch" not in stepped["imported"]  # type: ignore[operator]
    assert "pandas" not in stepped["imported"]  # type: ignore[operator]


# Adam with weight decay and SGD with momentum: construction, zero_grad, step, state_dict
# and load_state_dict (every wrapper torch.optim binds torch._dynamo in), printed exactly
STEPS = """
import json, sys, torch
{setup}
torch.manual_seed(0)
X, y = torch.randn(8, 3, dtype=torch.float64), torch.randn(8, 1, dtype=torch.float64)
out = {{}}
for name, make in [
    ("adam", lambda p: torch.optim.Adam(p, lr=0.1, weight_decay=0.01)),
    ("sgd", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
]:
    layer = torch.nn.Linear(3, 1, dtype=torch.float64)
    opt = make(layer.parameters())
    for _ in range(3):
        opt.zero_grad()
        torch.nn.functional.mse_loss(layer(X), y).backward()
        with torch.enable_grad():  # torch's step runs without grad whatever the mode outside
            opt.step()
        assert torch.is_grad_enabled()
    opt.load_state_dict(opt.state_dict())
    opt.step()
    out[name] = [v.hex() for t in layer.parameters() for v in t.detach().flatten().tolist()]
out["dynamo"] = "torch._dynamo" in sys.modules
print(json.dumps(out))
"""


@pytest.mark.slow
def test_deferred_optimizers_step_as_torch_does_without_importing_dynamo() -> None:
    deferring = "from perceptron_lab.cli.lazy_dynamo import defer_dynamo\ndefer_dynamo()"
    deferred = json.loads(_python(STEPS.format(setup=deferring)))
    torchs = json.loads(_python(STEPS.format(setup="")))
    assert deferred.pop("dynamo") is False
    assert torchs.pop("dynamo") is True  # torch's own path imports it: what the deferral saves
    assert deferred == torchs


@pytest.mark.slow
def test_importing_perceptron_lab_leaves_torch_optim_as_torch_made_it() -> None:
    # a library user's process (watch around their loop, maybe compiled) is torch's own
    library = "import perceptron_lab, perceptron_lab.watch, perceptron_lab.engine.train"
    out = _python(STEPS.format(setup=library))
    assert json.loads(out)["dynamo"] is True


@pytest.mark.slow
def test_once_dynamo_is_imported_torch_wrappers_take_over() -> None:
    code = """
import torch
from perceptron_lab.cli.lazy_dynamo import defer_dynamo
defer_dynamo()
from torch.optim import Optimizer
p = torch.nn.Parameter(torch.ones(2))
opt = torch.optim.SGD([p], lr=0.5)
opt.zero_grad()
cached = getattr(Optimizer.zero_grad.__wrapped__, "__dynamo_disable")
assert cached.__module__ == "perceptron_lab.cli.lazy_dynamo", cached
import torch._dynamo
breaks = []
torch._dynamo.graph_break = lambda msg="": breaks.append(msg)
opt.zero_grad()  # now torch's disable(fn), cached as torch caches it
p.grad = torch.ones(2)
opt.step()  # now torch's step, with its two graph breaks
cached = getattr(Optimizer.zero_grad.__wrapped__, "__dynamo_disable")
print(cached.__module__, len(breaks), p.tolist())
"""
    assert _python(code).split() == ["torch._dynamo.eval_frame", "2", "[0.5,", "0.5]"]
