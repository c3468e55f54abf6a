"""The playground in Jupyter: a widget whose messages are the page's, answered by a Lab here.

In this process the widget's ``send`` is captured (no front end); in a real kernel
(nbclient) the cell's output is a widget view, and ``widget.run`` is the trajectory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

import perceptron_lab
from perceptron_lab.engine.trace import Trace

from .test_notebooks import kernel_manager


def test_the_widget_answers_the_pages_messages_and_gives_its_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    widget = perceptron_lab.playground("xor", crosses="x1*x2", settings={"lr": 0.5})
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(widget, "send", sent.append)
    widget._answer(widget, {"op": "hello", "lang": "es"}, [])
    assert [m["type"] for m in sent] == ["hello", "frame"]
    assert sent[0]["words"] and sent[1]["names"] == ["x1", "x2", "x1·x2"]
    for _ in range(3):
        widget._answer(widget, {"op": "step", "n": 100}, [])
    last = sent[-1]
    assert last["step"] == 300 and "".join(t for _, t in last["worked"]["title"]).startswith("Paso")
    run = widget.run
    assert isinstance(run, Trace) and [r["step"] for r in run][-1] == 300 and run.finished
    W = torch.tensor(run.steps[-1]["W_after"]).reshape(3, 1)
    assert W.tolist() == last["W"]
    X = torch.tensor([[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 1, 1]], dtype=torch.float32)
    B = torch.tensor(run.steps[-1]["B_after"])
    assert ((X @ W + B)[:, 0] > 0).tolist() == [False, True, True, False]  # xor, learned


def test_a_bad_message_to_the_widget_is_an_error_message() -> None:
    widget = perceptron_lab.playground("seed")
    sent: list[dict[str, Any]] = []
    widget.send = sent.append  # type: ignore[method-assign]
    widget._answer(widget, {"op": "step", "n": "many"}, [])
    assert sent == [
        {
            "type": "error",
            "op": "step",
            "message": "n: expected a whole number of steps in [1, 100], got 'many'",
        }
    ]


@pytest.mark.slow
def test_in_a_kernel_the_cell_shows_a_widget(tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    cells = [
        "import perceptron_lab\nwidget = perceptron_lab.playground('moons', size=50)\nwidget",
        "widget.lab.handle({'op': 'step', 'n': 10})\nrun = widget.run\nprint(len(run), run.summary.status)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    NotebookClient(nb, km=kernel_manager(tmp_path), timeout=120).execute(cleanup_kc=True)
    shown = nb.cells[0].outputs
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in shown)
    assert (
        nb.cells[1].outputs[0]["text"].strip() == "10 finished"
    )  # 10 full-batch steps: 10 whole epochs
