"""A watched run's derivable vectors: left out on disk, rebuilt on read, value for value.

The oracle is the watch's own in-memory rows (``run.trace``): ``Trace.load`` of the run
directory must give the same rows, although the step table holds only the vectors that
do not follow from others.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from perceptron_lab import watch
from perceptron_lab.engine.derived_columns import derivable, rebuild
from perceptron_lab.engine.trace import Trace
from perceptron_lab.watch import budget


def _same(a: Any, b: Any) -> bool:
    """Equal, NaN equal to NaN (a skipped step's accuracy of a model without one layer)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


MODELS: dict[str, tuple[Callable[[], nn.Module], Callable[..., torch.optim.Optimizer]]] = {
    "sgd": (lambda: nn.Linear(20, 3), lambda p: torch.optim.SGD(p, lr=0.05)),
    "momentum": (lambda: nn.Linear(20, 3), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    "adam_mlp": (
        lambda: nn.Sequential(nn.Linear(20, 4), nn.ReLU(), nn.Linear(4, 3)),
        lambda p: torch.optim.Adam(p, lr=0.01),
    ),
}


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_the_rows_read_back_are_the_rows_in_memory(
    kind: str, dtype: torch.dtype, tmp_path: Path
) -> None:
    g = torch.Generator().manual_seed(2)
    X = torch.randn(400, 20, generator=g, dtype=dtype)
    y = torch.randint(0, 3, (400,), generator=g)
    make, opt = MODELS[kind]
    torch.manual_seed(0)
    model = make().to(dtype)
    optimizer = opt(model.parameters())
    criterion = nn.CrossEntropyLoss()
    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
    with watch(model, optimizer, criterion, out=tmp_path / "run") as run:
        for _epoch in range(2):
            for xb, yb in loader:
                optimizer.zero_grad()
                criterion(model(xb), yb).backward()
                optimizer.step()
    memory, disk = run.trace.steps, Trace.load(tmp_path / "run").steps
    assert len(memory) == len(disk) == 26
    for a, b in zip(memory, disk, strict=True):
        assert a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    derived = pq.read_table(tmp_path / "run" / "steps")["derived"].to_pylist()
    assert "W_before" in derived[1] and "update_W" in derived[1]  # left out on disk


def test_derivable_is_exact_and_rebuild_puts_back() -> None:
    W0 = torch.tensor([0.1, 0.2], dtype=torch.float32)
    W1 = torch.tensor([0.3, -0.1], dtype=torch.float32)
    row1 = {"W_before": W0, "W_after": W1, "update_W": W1 - W0, "dW": W0, "dW_torch": W0}
    assert derivable(row1, None) == ["update_W", "dW"]
    W2 = torch.tensor([0.5, 0.0], dtype=torch.float32)
    row2 = {"W_before": W1, "W_after": W2, "update_W": W2 - W1, "dW": W1, "dW_torch": W0}
    assert derivable(row2, row1) == ["W_before", "update_W"]  # dW ≠ dW_torch: kept
    moved = {**row2, "W_before": W1 + 1e-7}  # changed between the steps: kept
    assert "W_before" not in derivable(moved, row1)
    on_disk = [
        {"W_before": W0.tolist(), "W_after": W1.tolist(), "dW_torch": W0.tolist(),
         "update_W": None, "dW": None, "derived": "update_W,dW"},
        {"W_before": None, "W_after": W2.tolist(), "dW_torch": W0.tolist(),
         "update_W": None, "dW": W1.tolist(), "derived": "W_before,update_W"},
    ]  # fmt: skip
    rows = rebuild(on_disk, torch.float32)
    assert rows[0]["update_W"] == (W1 - W0).tolist() and rows[0]["dW"] == W0.tolist()
    assert rows[1]["W_before"] == W1.tolist() and rows[1]["update_W"] == (W2 - W1).tolist()
    assert "derived" not in rows[0] and "derived" not in rows[1]


def test_a_plain_sgd_run_directory_is_about_two_vectors_a_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """W_after and the loop's gradient: the rest is rebuilt (≤ 2.5 × parameters × steps × 4).

    Past the watch's allowance (set to 0 here), as a long loop is: a verified step keeps
    its closed-form gradient beside the loop's, a third vector.
    """
    monkeypatch.setattr(budget, "ALLOWANCE", 0.0)
    g = torch.Generator().manual_seed(3)
    X = torch.randn(3200, 784, generator=g)
    y = torch.randint(0, 10, (3200,), generator=g)
    model = nn.Linear(784, 10)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    criterion = nn.CrossEntropyLoss()
    with watch(model, optimizer, criterion, out=tmp_path / "run", budget=0.01) as run:
        for xb, yb in DataLoader(TensorDataset(X, y), batch_size=64):
            optimizer.zero_grad()
            criterion(model(xb), yb).backward()
            optimizer.step()
    steps = tmp_path / "run" / "steps"
    size = sum(p.stat().st_size for p in steps.rglob("*") if p.is_file())
    assert size <= 2.5 * 7850 * len(run.trace.steps) * 4
