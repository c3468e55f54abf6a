"""The watch's step columns: compact tensors in memory, the same rows as one dict per step."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from torch import nn, optim

from perceptron_lab.watch import watch
from perceptron_lab.watch.step_columns import START, StepColumns


def _flat(t: torch.Tensor) -> list[float]:
    """A tensor as the step table's reader gives a vector: float64 values, row-major."""
    return t.detach().double().reshape(-1).tolist()


def linear_loop(
    steps: int, dtype: torch.dtype = torch.float32, d: int = 3, adam: bool = False
) -> tuple[Any, list[dict[str, list[float]]]]:
    """An nn.Linear(d, 1) + BCEWithLogits loop, watched; the expected vectors per step.

    The expected values are copied off the loop's own tensors around each step
    (W = weight.T of shape (d, 1), B = bias of shape (1,)).
    """
    torch.manual_seed(0)
    X = torch.randn(6, d, dtype=dtype)
    y = (X[:, :1] > 0).to(dtype)
    model = nn.Linear(d, 1).to(dtype)
    loss_fn = nn.BCEWithLogitsLoss()
    opt: optim.Optimizer
    opt = optim.Adam(model.parameters(), lr=0.05) if adam else optim.SGD(model.parameters(), lr=0.1)
    expected: list[dict[str, list[float]]] = []
    with watch(model, opt, loss_fn) as run:
        for _ in range(steps):
            opt.zero_grad()
            loss_fn(model(X), y).backward()
            W0, B0 = model.weight.detach().T.clone(), model.bias.detach().clone()
            gW, gB = model.weight.grad.T.clone(), model.bias.grad.clone()  # type: ignore[union-attr]
            opt.step()
            W1, B1 = model.weight.detach().T.clone(), model.bias.detach().clone()
            row = {
                "W_before": _flat(W0),
                "B_before": _flat(B0),
                "dW_torch": _flat(gW),
                "dB_torch": _flat(gB),
                "W_after": _flat(W1),
                "B_after": _flat(B1),
                "update_W": _flat(W1 - W0),
                "update_B": _flat(B1 - B0),
            }
            if adam:
                for name, p in (("W", model.weight), ("B", model.bias)):
                    for key in ("exp_avg", "exp_avg_sq"):
                        value = opt.state[p][key]
                        row[f"state_{name}_{key}"] = _flat(value.T if name == "W" else value)
            expected.append(row)
    return run, expected


def _check_rows(run: Any, expected: list[dict[str, list[float]]]) -> None:
    rows = run.trace.steps
    assert len(rows) == len(expected)
    for t, (row, want) in enumerate(zip(rows, expected, strict=True), start=1):
        assert row["step"] == t
        for name, values in want.items():
            assert row[name] == values, (t, name)  # exact: the same floats as before
        assert row["dW"] == pytest.approx(want["dW_torch"], rel=1e-5, abs=1e-7)  # closed form
        assert all(isinstance(v, float) for v in row["W_after"])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_rows_are_the_loops_tensors_in_the_runs_dtype(dtype: torch.dtype) -> None:
    run, expected = linear_loop(3, dtype)
    _check_rows(run, expected)
    tensors = run._rows.tensors()
    assert set(tensors) >= {"W_before", "dW", "W_after"}
    # W_after − W_before, bit for bit: never held, rebuilt in the rows (checked above)
    assert "update_W" not in tensors
    assert {t.dtype for t in tensors.values()} == {dtype}
    assert {t.device.type for t in tensors.values()} == {"cpu"}
    assert tensors["W_after"].shape == (3, 3)  # (steps, d·k)
    assert run.trace.manifest.config.batch_size == 6  # first(): the first row's scalars


def test_optimizer_state_columns() -> None:
    run, expected = linear_loop(3, adam=True)
    _check_rows(run, expected)


def test_growth_past_the_first_allocation_keeps_every_row() -> None:
    run, expected = linear_loop(50)
    assert run._rows.capacity == 64  # 8 → 16 → 32 → 64
    _check_rows(run, expected)
    assert run.summary.steps == 50 and run.trace.manifest.total_steps == 50


def test_rows_are_built_once_until_more_come() -> None:
    cols = StepColumns()
    cols.append({"step": 1}, {"v": torch.tensor([1.0, 2.0])})
    rows = cols.rows()
    assert cols.rows() is rows
    cols.append({"step": 2}, {"v": torch.tensor([3.0, 4.0])})
    more = cols.rows()
    assert more[0] is rows[0] and more[1] == {"step": 2, "v": [3.0, 4.0]}


def test_a_missing_vector_is_null() -> None:
    cols = StepColumns()
    cols.append({"step": 1}, {"a": torch.ones(2), "b": None, "c": torch.zeros(1)})
    cols.append({"step": 2}, {"a": None, "b": torch.full((3,), 2.0)})  # c left out
    cols.append({"step": 3}, {"a": torch.ones(2), "b": torch.ones(3), "c": torch.ones(1)})
    assert cols.rows() == (
        {"step": 1, "a": [1.0, 1.0], "b": None, "c": [0.0]},
        {"step": 2, "a": None, "b": [2.0, 2.0, 2.0], "c": None},
        {"step": 3, "a": [1.0, 1.0], "b": [1.0, 1.0, 1.0], "c": [1.0]},
    )
    assert len(cols) == 3 and cols.first() == {"step": 1}


def test_rows_keep_their_own_scalars_in_order() -> None:
    cols = StepColumns()
    cols.append({"step": 1, "x": 0.5}, {})
    cols.append({"x": None, "step": 2, "y": "z"}, {})
    assert [list(r.items()) for r in cols.rows()] == [
        [("step", 1), ("x", 0.5)],
        [("x", None), ("step", 2), ("y", "z")],
    ]
    assert StepColumns().first() == {} and StepColumns().rows() == ()


def test_a_wider_value_widens_its_column_without_rounding() -> None:
    cols = StepColumns()
    cols.append({}, {"v": torch.tensor([0.1], dtype=torch.float32)})
    cols.append({}, {"v": torch.tensor([0.1], dtype=torch.float64)})
    assert cols.tensors()["v"].dtype == torch.float64
    first, second = (r["v"][0] for r in cols.rows())
    assert first == float(torch.tensor(0.1, dtype=torch.float32)) and second == 0.1


def test_columns_keep_their_names_and_widths() -> None:
    cols = StepColumns()
    cols.append({}, {"v": torch.ones(2, 2)})
    with pytest.raises(ValueError, match="width 4"):
        cols.append({}, {"v": torch.ones(3)})
    with pytest.raises(ValueError, match="not in the first row: w"):
        cols.append({}, {"w": torch.ones(1)})


def test_other_models_rows_are_every_parameter_flattened() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    opt = optim.SGD(model.parameters(), lr=0.1)
    loss_fn = nn.MSELoss()
    X, y = torch.randn(5, 3), torch.randn(5, 1)
    after = []
    with watch(model, opt, loss_fn, on_mistake="record") as run:
        for _ in range(START + 1):
            opt.zero_grad()
            loss_fn(model(X), y).backward()
            opt.step()
            after.append(torch.cat([p.detach().reshape(-1) for p in model.parameters()]))
    assert [r["W_after"] for r in run.trace.steps] == [_flat(a) for a in after]


def test_memory_for_linear_784_10() -> None:
    torch.manual_seed(0)
    model = nn.Linear(784, 10)
    opt = optim.SGD(model.parameters(), lr=0.1)
    loss_fn = nn.CrossEntropyLoss()
    X, y = torch.randn(16, 784), torch.randint(0, 10, (16,))
    with watch(model, opt, loss_fn, max_fd_entries=0) as run:
        for _ in range(20):
            opt.zero_grad()
            loss_fn(model(X), y).backward()
            opt.step()
    tensors = run._rows._vectors.values()
    columns = len(run._rows._vectors)
    assert sum(t.nbytes for t in tensors if t is not None) <= run.nbytes
    assert run.nbytes < 20 * columns * 7850 * 4 * 1.5
    assert len(run.trace.steps[-1]["W_after"]) == 7840
