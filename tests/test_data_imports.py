"""Importing perceptron_lab.data stays light: no pandas, pyarrow, scikit-learn, torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("pandas", "pyarrow", "sklearn", "torch")


def _run(code: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.split()


def test_import_does_not_load_heavy_libraries() -> None:
    code = (
        "import sys, perceptron_lab\n"
        "before = set(sys.modules)\n"
        "import perceptron_lab.data\n"
        f"print(*[m for m in {HEAVY!r} if m in set(sys.modules) - before])\n"
    )
    assert _run(code) == []


def test_loading_never_imports_torch(tmp_path: Path) -> None:
    csv_path = tmp_path / "d.csv"
    csv_path.write_text("a,b,y\n1,2,0\n3,4,1\n")
    code = (
        "import sys, perceptron_lab\n"
        "torch_before = 'torch' in sys.modules\n"
        "from perceptron_lab.data import load, split, standardize\n"
        f"load({str(csv_path)!r}); standardize(*split(load('iris')))\n"
        "print(torch_before or 'torch' not in sys.modules)\n"
    )
    assert _run(code) == ["True"]
