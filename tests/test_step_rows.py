"""The step table as stored (format 4) and read back lazily (engine.step_rows).

The oracle is the session's own rows in memory (``Trainer.run(None)``: every vector of
every step, W_before and the update included, as format 3 stored them): the rows read
back from a run directory — which keeps only what cannot be derived, in the run's dtype
— must be the same, number for number, through every way of reading them.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
import torch

from perceptron_lab.data import from_arrays
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.step_rows import StepRows, StepTable
from perceptron_lab.engine.trace import Trace
from perceptron_lab.engine.train import Trainer

VECTORS = ("W_before", "B_before", "W_after", "B_after", "update_W", "update_B", "dW", "dB")


def _same(a: Any, b: Any) -> bool:
    """Equal bit for bit as Python values (NaN equal to NaN; −0.0 is not 0.0)."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _data(n: int = 60, d: int = 5, seed: int = 0) -> Any:
    g = np.random.default_rng(seed)
    X = g.standard_normal((n, d))
    y = (X @ g.standard_normal(d) > 0).astype(np.int64)
    return from_arrays(X, y)


def _config(**changes: Any) -> TrainConfig:
    settings: dict[str, Any] = {"epochs": 3, "batch_size": 8, "lr": 0.1, "seed": 1}
    return TrainConfig(**(settings | changes))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("path", ["blocks", "rows"])
def test_the_rows_read_back_are_the_sessions_rows(
    dtype: str, optimizer: str, path: str, tmp_path: Path
) -> None:
    """Both write paths (a stretch of steps, one row at a time: on_step asks for rows)."""
    config = _config(dtype=dtype, optimizer=optimizer, verify_every=4)
    memory = Trainer(config, _data()).run(None).trace
    assert memory is not None
    hook = {"on_step": lambda row: None} if path == "rows" else {}
    Trainer(config, _data()).run(tmp_path / "run", **hook)
    disk = Trace.load(tmp_path / "run")
    assert isinstance(disk.steps, StepRows) and len(disk) == len(memory) == 24
    for mine, read in zip(memory.steps, disk.steps, strict=True):
        assert set(mine) <= set(read)
        for key, value in read.items():
            assert _same(mine.get(key), value), (read["step"], key)
    for name in VECTORS:  # a whole column at once: the same numbers as the rows
        column = disk.array(name)
        expected = np.asarray([row[name] for row in memory.steps], dtype=column.dtype)
        assert column.tobytes() == expected.tobytes(), name


def test_a_float32_run_stores_float32_and_only_what_cannot_be_derived(tmp_path: Path) -> None:
    Trainer(_config(), _data()).run(tmp_path / "run")
    table = pq.read_table(tmp_path / "run" / "steps")
    kinds = {f.name: str(f.type.value_type) for f in table.schema if hasattr(f.type, "list_size")}
    assert set(kinds.values()) == {"float"}  # float32, the run's dtype
    derived = table["derived"].to_pylist()
    assert derived[0] == "update_W,update_B" or derived[0].startswith("update_W,update_B")
    assert all(d.startswith("W_before,B_before,update_W,update_B") for d in derived[1:])
    for name in ("W_before", "update_W", "update_B"):  # stored on the first row only, or never
        held = table[name].is_valid().to_pylist()
        assert sum(held) == (1 if name == "W_before" else 0), name


def test_a_resumed_run_stores_w_before_where_it_starts_again(tmp_path: Path) -> None:
    """After a resume the first new row holds its W_before; the rows are still the oracle's."""
    config = _config(epochs=4)
    run = tmp_path / "run"
    memory = Trainer(config, _data()).run(None).trace
    assert memory is not None
    Trainer(_config(epochs=2), _data()).run(run)
    first = Trace.load(run)
    ckpt = first.checkpoint()
    assert ckpt is not None
    Trainer(config, _data()).run(run, start=ckpt, before=first)
    disk = Trace.load(run)
    derived = pq.read_table(run / "steps")["derived"].to_pylist()
    assert [i for i, d in enumerate(derived) if "W_before" not in d] == [0, 16]
    for mine, read in zip(memory.steps, disk.steps, strict=True):
        assert all(_same(mine[name], read[name]) for name in VECTORS), read["step"]


def test_a_d100_run_stores_at_most_1300_bytes_a_step(tmp_path: Path) -> None:
    """The issue's bound, for d = 100, k = 1, a float32 SGD run verified as by default."""
    config = TrainConfig(epochs=2, batch_size=1, lr=0.05, seed=0)
    Trainer(config, _data(n=1000, d=100)).run(tmp_path / "run")
    size = sum(p.stat().st_size for p in (tmp_path / "run" / "steps").glob("*.parquet"))
    assert size / 2000 <= 1300


def test_rows_index_slice_and_filter_lazily(tmp_path: Path) -> None:
    config = _config(verify_every=5)
    memory = Trainer(config, _data()).run(None).trace
    assert memory is not None
    Trainer(config, _data()).run(tmp_path / "run")
    disk = Trace.load(tmp_path / "run")
    rows = disk.steps
    assert isinstance(rows, StepRows)
    assert "parts" not in vars(rows.table)  # a finished run's parts: opened when first needed
    expected = list(memory.steps)
    assert rows[-1]["step"] == 24 and rows[3]["step"] == 4
    tail = rows[10:]  # a slice's first row derives its W_before from the row before
    assert isinstance(tail, StepRows) and len(tail) == 14
    assert _same(tail[0]["W_before"], expected[10]["W_before"])
    assert _same(tail.values("update_W"), [r["update_W"] for r in expected[10:]])
    verified = [r["step"] for r in expected if r["verified"]]
    assert [r["step"] for r in rows.scalars(["step"], where="verified")] == verified
    assert disk.column("loss") == [r["loss"] for r in expected]
    assert disk.step(17)["step"] == 17 and rows.position(99) is None
    with pytest.raises(IndexError):
        rows[24]


def test_a_table_of_parts_unlike_each_other_reads_nulls_where_a_part_lacks_a_column() -> None:
    import pyarrow as pa

    one = pa.table({"step": pa.array([1, 2], pa.int64())})
    two = pa.table({"step": pa.array([3], pa.int64()), "train_loss": pa.array([0.5])})
    rows = StepRows(StepTable([one, two]))
    assert [dict(r) for r in rows] == [
        {"step": 1, "train_loss": None},
        {"step": 2, "train_loss": None},
        {"step": 3, "train_loss": 0.5},
    ]
    assert rows.scalars(["step"], where="train_loss") == [{"step": 3}]
    assert np.isnan(rows.array("train_loss")[:2]).all()


def test_a_derived_update_is_the_subtraction_in_the_runs_dtype() -> None:
    """float32: W_after − W_before rounded to float32, not the float64 difference."""
    after = torch.tensor([0.1, 1e8, -3.3], dtype=torch.float32)
    before = torch.tensor([0.3, 1.0, 2.2], dtype=torch.float32)
    import pyarrow as pa

    def column(t: torch.Tensor) -> Any:
        return pa.FixedSizeListArray.from_arrays(pa.array(t.numpy()), 3)

    table = pa.table(
        {
            "step": pa.array([1, 2], pa.int64()),
            "derived": pa.array(["update_W", "W_before,update_W"]),
            "W_after": pa.concat_arrays([column(after), column(after * 2)]),
            "W_before": pa.concat_arrays([column(before), pa.nulls(1, pa.list_(pa.float32(), 3))]),
            "update_W": pa.nulls(2, pa.list_(pa.float32(), 3)),
        }
    )
    rows = StepRows(StepTable([table]))
    want = torch.stack([after - before, after * 2 - after]).numpy()
    assert rows.array("update_W").tobytes() == want.tobytes()
    assert rows.values("update_W") == want.tolist() == [r["update_W"] for r in rows]
    assert rows.values("W_before")[1] == after.tolist()


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("int64", [1, None, -7, 2**40]),
        ("float64", [0.5, None, float("nan"), -0.0, 1e300]),
        ("bool_", [True, None, False, True, True, False, False, False, True]),
        ("string", ["dW", None, "", "W_before,update_W", "ñ"]),
    ],
)
def test_a_parts_scalars_built_on_numpy_buffers_are_what_pyarrow_builds(
    kind: str, values: list[Any]
) -> None:
    """The oracle: pa.array itself (which the writer avoids: it imports pandas)."""
    import pyarrow as pa

    from perceptron_lab.engine.column_table import bool_array, scalar_array

    built, expected = scalar_array(values, kind), pa.array(values, type=getattr(pa, kind)())
    assert built.type == expected.type and built.null_count == expected.null_count
    assert _same(built.to_pylist(), expected.to_pylist())
    assert _same(built.slice(1).to_pylist(), expected.slice(1).to_pylist())  # offsets too
    flags = [bool(v) for v in values]
    assert bool_array(flags).to_pylist() == flags
