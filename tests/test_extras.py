"""The core install works alone; a feature whose extra is missing says which one to install.

Each check runs the CLI in a fresh interpreter whose imports of the extras' libraries
fail as they do where those are not installed (a meta-path finder in front of the
others raising ModuleNotFoundError), so nothing already imported here can hide a need.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from perceptron_lab.extras import MissingExtra, require

# every library an extra brings (pyproject.toml) that the core does not
EXTRAS_ONLY = (
    "matplotlib",
    "PIL",
    "sklearn",
    "scipy",
    "pandas",
    "tensorboard",
    "starlette",
    "uvicorn",
    "websockets",
    "anywidget",
)

# in a fresh interpreter: every finder finds nothing of BLOCKED, as where it is not installed
NOT_INSTALLED = """
import sys

class Without:
    def __init__(self, finder):
        self.finder = finder

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            return None
        return self.finder.find_spec(name, path, target)

    def __getattr__(self, attribute):
        return getattr(self.finder, attribute)

sys.meta_path[:] = [Without(finder) for finder in sys.meta_path]
"""

CHILD = (
    "import contextlib, io, json, sys\n"
    "BLOCKED = set(sys.argv[1].split(','))\n"
    + NOT_INSTALLED
    + """
from perceptron_lab.cli.main import main

results = []
for argv in json.loads(sys.argv[2]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    results.append({"code": code, "out": out.getvalue(), "err": err.getvalue()})
print(json.dumps({"results": results, "loaded": sorted(m for m in BLOCKED if m in sys.modules)}))
"""
)


def run_without(blocked: tuple[str, ...], commands: list[list[str]], cwd: Path) -> dict:
    """Run each command through the CLI's main() in one interpreter lacking ``blocked``."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, ",".join(blocked), json.dumps(commands)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict = json.loads(done.stdout.splitlines()[-1])
    return result


def test_require_names_the_extra_and_the_missing_module() -> None:
    require("plots", "plotting", "json")  # installed: nothing to say
    with pytest.raises(MissingExtra) as caught:
        require("plots", "plotting", "json", "not_installed_anywhere.sub")
    assert str(caught.value) == (
        "plotting needs the plots extra: pip install 'perceptron-lab[plots]' "
        "(not_installed_anywhere is missing)"
    )
    assert isinstance(caught.value, ImportError) and caught.value.name == "not_installed_anywhere"


@pytest.mark.slow
def test_the_core_alone_demos_steps_trains_shows_explains_and_predicts(tmp_path: Path) -> None:
    (tmp_path / "mine.csv").write_text("height,weight,label\n1,2,a\n2,1,b\n3,4,a\n4,3,b\n")
    commands = [
        ["demo"],
        ["step", "--X", "1,2;3,4", "--y", "1,0", "--W", "0.5;-0.3", "--B", "0.1", "--steps", "2"],
        ["train", "--epochs", "2", "--out", "runs/seed"],
        ["train", "iris", "--epochs", "1", "--batch-size", "50", "--out", "runs/iris"],
        ["train", "mine.csv", "--target", "label", "--epochs", "2", "--out", "runs/mine"],
        ["show", "runs/iris"],
        ["show", "runs/iris", "--step", "2"],
        ["explain", "runs/mine", "--step", "1"],
        ["predict", "runs/mine", "mine.csv"],
        ["evaluate", "runs/mine", "mine.csv"],
    ]
    result = run_without(EXTRAS_ONLY, commands, tmp_path)
    for argv, done in zip(commands, result["results"], strict=True):
        assert (done["code"], done["err"]) == (0, ""), argv
    assert result["loaded"] == []
    assert "Example 3" in result["results"][0]["out"]


@pytest.mark.slow
def test_the_core_alone_watches_a_loop_and_shows_it_in_jupyter(tmp_path: Path) -> None:
    code = (
        f"BLOCKED = {set(EXTRAS_ONLY)!r}\n" + NOT_INSTALLED + "import torch, perceptron_lab\n"
        "model = torch.nn.Linear(2, 1)\n"
        "loss = torch.nn.BCEWithLogitsLoss()\n"
        "opt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "X, y = torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([[1.], [0.]])\n"
        "with perceptron_lab.watch(model, opt, loss, out='runs/w') as run:\n"
        "    for _ in range(3):\n"
        "        opt.zero_grad(); loss(model(X), y).backward(); opt.step()\n"
        "print(run.summary.verified_steps, '<table' in run.trace._repr_html_())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.split() == ["3", "True"]  # and Jupyter shows the trace as a table


def hint(command: str, feature: str, extra: str, module: str) -> str:
    return (
        f"perceptron-lab {command}: error: {feature} needs the {extra} extra: "
        f"pip install 'perceptron-lab[{extra}]' ({module} is missing)\n"
    )


@pytest.mark.slow
def test_each_feature_without_its_extra_says_what_to_install(tmp_path: Path) -> None:
    commands = [
        ["train", "--epochs", "1", "--out", "runs/seed"],
        ["plot", "runs/seed", "--kind", "loss"],
        ["report", "runs/seed", "-o", "report.html"],
        ["compare", "breast_cancer"],
        ["export", "runs/seed", "--tensorboard", "tb"],
        ["train", "--epochs", "1", "--out", "runs/tb", "--tensorboard", "tb2"],
    ]
    blocked = (*EXTRAS_ONLY, "jinja2")  # a core install may lack jinja2 (torch brings it today)
    result = run_without(blocked, commands, tmp_path)
    codes_and_errors = [(done["code"], done["err"]) for done in result["results"]]
    assert codes_and_errors == [
        (0, ""),
        (1, hint("plot", "plotting", "plots", "matplotlib")),
        (1, hint("report", "the report", "report", "jinja2")),
        (1, hint("compare", "working with scikit-learn", "sklearn", "sklearn")),
        (1, hint("export", "TensorBoard export", "tensorboard", "tensorboard")),
        (1, hint("train", "TensorBoard export", "tensorboard", "tensorboard")),
    ]
    assert not (tmp_path / "report.html").exists() and not (tmp_path / "tb").exists()


@pytest.mark.slow
def test_the_report_names_its_extra_where_only_matplotlib_is_missing(tmp_path: Path) -> None:
    commands = [
        ["train", "--epochs", "1", "--out", "runs/seed"],
        ["report", "runs/seed", "-o", "report.html"],
    ]
    result = run_without(("matplotlib",), commands, tmp_path)
    assert [(d["code"], d["err"]) for d in result["results"]] == [
        (0, ""),
        (1, hint("report", "the report", "report", "matplotlib")),
    ]


def test_to_pandas_without_pandas_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from perceptron_lab.cli.main import main
    from perceptron_lab.engine.trace import Trace

    assert main(["train", "--epochs", "1", "--out", str(tmp_path / "run")]) == 0
    trace = Trace.load(tmp_path / "run")
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if it were not installed
    with pytest.raises(MissingExtra) as caught:
        trace.to_pandas()
    assert str(caught.value) == (
        "Trace.to_pandas needs the pandas extra: pip install 'perceptron-lab[pandas]' "
        "(pandas is missing)"
    )
