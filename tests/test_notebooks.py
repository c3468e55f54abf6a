"""The example notebooks run top to bottom and print the seed notebook's numbers."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = {"es": "perceptron_es.ipynb", "en": "perceptron_en.ipynb"}
# the seed notebook's printed numbers: BCE, dL/dW, new W and new B
NOTEBOOK_NUMBERS = ("0.6591", "0.0847", "0.1551", "0.0704", "0.5008", "0.2984", "0.1007")
# words that only each language's notebook prints
WORDS = {"es": ("señal neta", "Época 1, pérdida"), "en": ("logit", "Epoch 1, Loss")}


def read(lang: str) -> Any:
    import nbformat

    return nbformat.read(EXAMPLES / NOTEBOOKS[lang], as_version=4)  # type: ignore[no-untyped-call]


def kernel_manager(tmp_path: Path) -> Any:
    """A kernel of this interpreter (the venv's python), whatever python3 spec is installed."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    spec_dir = tmp_path / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = {"argv": argv, "display_name": "Python 3", "language": "python"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    specs = KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")])
    return KernelManager(kernel_name="python3", kernel_spec_manager=specs)


def texts(nb: Any) -> str:
    """Every textual output of every code cell (streams, plain text, HTML, Markdown)."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                found.append(out["text"])
            for kind in ("text/plain", "text/html", "text/markdown"):
                found.append(out.get("data", {}).get(kind, ""))
    return "\n".join(found)


def tagged(nb: Any, tag: str) -> list[str]:
    """The 4-decimal numbers printed by the code cell tagged ``tag``."""
    (cell,) = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    printed = "".join(o["text"] for o in cell.outputs if o["output_type"] == "stream")
    return re.findall(r"\d+\.\d{4}", printed)


@pytest.mark.parametrize("lang", sorted(NOTEBOOKS))
def test_notebook_is_saved_clean(lang: str) -> None:
    nb = read(lang)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= 10
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.slow
@pytest.mark.parametrize("lang", sorted(NOTEBOOKS))
def test_notebook_runs_and_shows_the_seed_numbers(lang: str, tmp_path: Path) -> None:
    from nbclient import NotebookClient

    nb = read(lang)
    client = NotebookClient(
        nb,
        km=kernel_manager(tmp_path),
        timeout=120,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute(cleanup_kc=True)  # shuts the kernel down; a failing cell raises, named
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out["output_type"] == "error"]
    assert all(cell.execution_count for cell in nb.cells if cell.cell_type == "code")
    text = texts(nb)
    for number in NOTEBOOK_NUMBERS:
        assert number in text, number
    assert "-2.2352e-08" in text  # the float32 logit of example 1
    for word in WORDS[lang]:
        assert word in text, word
    # example 5: the Trainer prints the losses of the notebook's own loop (seeded), step for step
    looped, trained = (tagged(nb, tag) for tag in ("notebook-loop", "trainer-loop"))
    assert len(looped) == 5 and trained == looped
    # and draws the loss curve as a PNG
    assert any("image/png" in out.get("data", {}) for out in outputs)
    # the explanation is shown as Markdown, with the step's loss in it
    markdown = [o["data"]["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    assert markdown and "0.6591" in markdown[0]
    from perceptron_lab.core.observed_step import StepRecord

    if hasattr(StepRecord, "_repr_html_"):  # the record's rich display, once StepRecord has it
        html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
        assert any('class="perceptron-lab step"' in h and "0.6591" in h for h in html)
