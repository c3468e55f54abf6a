"""Streaming a file that does not fit in memory: data/stream.py and engine/stream_batches.py.

The oracles are the in-memory path: ``load_file`` on the same file (its X, y, task,
classes and its error messages), NumPy's mean and std over the whole array, and a gather
``X_all[rows]`` of the in-memory tensors for every streamed batch.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perceptron_lab.data import Standardizer
from perceptron_lab.data.files import load_file
from perceptron_lab.data.stream import StreamFacts, StreamFile, open_stream, scan
from perceptron_lab.engine.batching import Batch
from perceptron_lab.engine.stream_batches import StreamedBatches, row_bytes
from perceptron_lab.errors import InputError
from perceptron_lab.losses import get_loss

# -- helpers -----------------------------------------------------------------------------


def whole(stream: StreamFile, facts: StreamFacts) -> tuple[np.ndarray, np.ndarray]:
    """Every block read and encoded, concatenated: what the stream holds."""
    parts = [stream.read(i) for i in range(len(stream.blocks))]
    X = np.concatenate([p[0] for p in parts])
    y = np.concatenate(
        [facts.encode(raw, first) for (_, raw), first in zip(parts, stream.offsets, strict=True)]
    )
    return X, y


def same_as_memory(path: Path, block_rows: int, **options: Any) -> tuple[StreamFile, StreamFacts]:
    """Open ``path`` as a stream and in memory, and check they hold the same data."""
    task = options.pop("task", None)
    stream = open_stream(path, block_rows=block_rows, **options)
    facts = scan(stream, task=task)
    data = load_file(path, task=task, **options)
    X, y = whole(stream, facts)
    assert X.dtype == np.float64 and X.shape == data.X.shape
    assert np.array_equal(X, data.X.astype(np.float64))
    assert y.dtype == data.y.dtype and np.array_equal(y, data.y)
    assert (facts.task, facts.classes) == (data.task, data.classes)
    assert stream.feature_names == data.feature_names
    assert stream.target_name == data.target_name
    assert stream.offsets == tuple(np.cumsum([0, *stream.blocks[:-1]]).tolist())
    expected = Standardizer().fit(data.X)
    assert np.allclose(facts.mean, expected.mean_, rtol=1e-12, atol=1e-13)
    assert np.allclose(facts.std, expected.scale_, rtol=1e-12, atol=1e-13)
    return stream, facts


def memory_error(path: Path, **options: Any) -> str:
    with pytest.raises(InputError) as caught:
        load_file(path, **options)
    return str(caught.value)


def stream_error(path: Path, block_rows: int, **options: Any) -> str:
    task = options.pop("task", None)
    with pytest.raises(InputError) as caught:
        scan(open_stream(path, block_rows=block_rows, **options), task=task)
    return str(caught.value)


def write_npy(path: Path, X: np.ndarray, y: np.ndarray) -> Path:
    np.save(path, np.column_stack([X, y]))
    return path


def spreadsheet_csv(path: Path, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A CSV as Excel in Spanish writes it: ';', decimal commas (some with '.' thousands),
    CRLF, a UTF-8 BOM, quoted notes holding ';', '""' and line ends, blank lines, a
    trailing separator."""
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(n, 2)) * 1000, 3)
    y = rng.choice(["sí", "no"], size=n)
    lines = ["altura;peso;nota;clase;"]
    for i in range(n):
        a, b = (f"{v:.3f}".replace(".", ",") for v in X[i])
        if abs(X[i, 1]) >= 1000:  # 1.234,567: '.' groups the thousands
            whole_part, frac = f"{abs(X[i, 1]):.3f}".split(".")
            sign = "-" if X[i, 1] < 0 else ""
            b = f"{sign}{int(whole_part):,}".replace(",", ".") + "," + frac
        note = '"línea 1\r\nlínea ""2""; fin"' if i % 3 == 0 else "sin nota"
        lines.append(f"{a};{b};{note};{y[i]};")
        if i % 7 == 0:
            lines.append("")
        if i % 11 == 0:
            lines.append(";;;;")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return X, y


# -- reading: the same data as load_file ---------------------------------------------------


def test_npy_is_memory_mapped_and_reads_as_load_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(1000, 4)) * [1, 10, 1e-3, 0]  # the last column constant: σ = 1
    X[:, 3] = 7.0
    path = write_npy(tmp_path / "a.npy", X, rng.integers(0, 3, 1000))
    stream, facts = same_as_memory(path, 128)
    assert stream.kind == "npy" and stream.blocks == (128,) * 7 + (104,)
    assert isinstance(stream._reader.array, np.memmap)
    assert facts.std[3] == 1.0 and facts.mean[3] == 7.0
    assert np.allclose(facts.mean, X.mean(axis=0), rtol=1e-13)
    assert np.allclose(facts.std[:3], X[:, :3].std(axis=0), rtol=1e-12)
    assert facts.task == "multiclass" and facts.classes == (0, 1, 2)


def test_npy_target_and_features_by_index(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    array = rng.normal(size=(300, 4))
    array[:, 0] = rng.integers(0, 2, 300)
    np.save(tmp_path / "t.npy", array)
    same_as_memory(tmp_path / "t.npy", 64, target=0, features=[3, 1])


def test_parquet_row_groups_are_blocks_and_big_ones_are_cut(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 1000
    table = pa.table(
        {
            "x32": rng.normal(size=n).astype(np.float32),
            "count": rng.integers(-5, 5, n),
            "flag": rng.random(n) > 0.5,
            "species": rng.choice(["setosa", "versicolor", "virginica"], n),
        }
    )
    pq.write_table(table, tmp_path / "p.parquet", row_group_size=300)
    stream, facts = same_as_memory(tmp_path / "p.parquet", 128)
    assert stream.blocks == (128, 128, 44) * 3 + (100,)
    assert facts.classes == ("setosa", "versicolor", "virginica")
    # only the chosen columns: a feature subset and another target
    same_as_memory(tmp_path / "p.parquet", 128, target="flag", features="x32,count")


def test_a_directory_of_parquet_files_is_read_in_sorted_order(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    folder = tmp_path / "parts"
    folder.mkdir()
    frames = []
    for name in ("part-2.parquet", "part-0.parquet", "part-1.parquet"):
        n = int(rng.integers(50, 200))
        t = pa.table({"a": rng.normal(size=n), "b": rng.normal(size=n), "y": rng.normal(size=n)})
        pq.write_table(t, folder / name, row_group_size=70)
        frames.append((name, t))
    (folder / "_SUCCESS").write_text("")  # a writer's marker: not data
    stream = open_stream(folder, block_rows=64)
    facts = scan(stream)
    assert [f.name for f in stream.files] == ["part-0.parquet", "part-1.parquet", "part-2.parquet"]
    expected = pa.concat_tables([t for _, t in sorted(frames)])
    X, y = whole(stream, facts)
    assert np.array_equal(X, np.column_stack([expected["a"], expected["b"]]))
    assert np.array_equal(y, np.asarray(expected["y"]))
    assert facts.task == "regression" and stream.n_rows == expected.num_rows
    # a file of other columns is named
    pq.write_table(pa.table({"a": [1.0], "c": [2.0], "y": [0.0]}), folder / "part-3.parquet")
    with pytest.raises(InputError, match=r"part-3\.parquet: expected the columns of .*part-0"):
        open_stream(folder)


def test_a_spreadsheet_csv_reads_as_load_file(tmp_path: Path) -> None:
    path = tmp_path / "hoja.csv"
    spreadsheet_csv(path, 200)
    for block_rows in (1, 7, 64, 1000):  # block edges inside quoted line ends, blank lines
        stream, facts = same_as_memory(path, block_rows, features=["altura", "peso"])
        assert stream.dialect is not None
        assert (stream.dialect.sep, stream.dialect.decimal) == (";", ",")
        assert stream.dialect.encoding == "utf-8-sig"
        assert facts.classes == ("no", "sí")
    assert len(stream.blocks) == 1
    # the quoted notes as the target: text with separators, quotes and line ends
    stream, facts = same_as_memory(path, 16, target="nota", features=["altura"])
    assert facts.classes == ('línea 1\r\nlínea "2"; fin', "sin nota")


def test_libreoffice_utf16_tabs_and_cp1252(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    rows = ["x\tz\tetiqueta"] + [
        f"{rng.normal():.4f}\t{rng.normal():.4f}\t{'größer' if i % 2 else 'kleiner'}"
        for i in range(150)
    ]
    text = "\n".join(rows) + "\n"
    utf16 = tmp_path / "lo.tsv"
    utf16.write_bytes(text.encode("utf-16"))  # with its BOM
    stream, _ = same_as_memory(utf16, 32)
    assert stream.dialect is not None and stream.dialect.encoding == "utf-16"
    big_endian = tmp_path / "be.csv"
    big_endian.write_bytes(text.replace("\t", ",").encode("utf-16-be"))
    same_as_memory(big_endian, 32, encoding="utf-16-be")
    cp1252 = tmp_path / "win.csv"
    cp1252.write_bytes(text.replace("\t", ";").replace("ö", "é").encode("cp1252"))
    stream, _ = same_as_memory(cp1252, 50)
    assert stream.dialect is not None and stream.dialect.encoding == "cp1252"


def test_old_mac_line_ends_and_a_last_line_without_one(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"a,b,y\r1,2,0\r3,4,1\r5,6,0\r7,8,1")
    stream, _ = same_as_memory(path, 3)
    assert stream.blocks == (3, 1)


# -- labels as load_file infers them --------------------------------------------------------


def test_the_task_is_inferred_from_every_block(tmp_path: Path) -> None:
    rng = np.random.default_rng(6)
    X = rng.normal(size=(400, 2))
    few = np.repeat(np.arange(20), 20)  # 20 classes, each in a later block
    many = np.arange(400) % 21  # 21 integers: regression, seen only from block 2 on
    halves = np.where(np.arange(400) < 390, 1.0, 1.5)  # a non-integer in the last block
    for y, task in ((few, "multiclass"), (many, "regression"), (halves, "regression")):
        path = write_npy(tmp_path / f"{task}{len(np.unique(y))}.npy", X, y)
        _, facts = same_as_memory(path, 50)
        assert facts.task == task
    path = write_npy(tmp_path / "forced.npy", X, many)
    _, facts = same_as_memory(path, 50, task="classification")
    assert facts.n_classes == 21
    assert "exactly 2 classes for 'binary'" in stream_error(path, 50, task="binary")
    assert stream_error(path, 50, task="binary") == memory_error(path, task="binary")


def test_a_csv_column_that_turns_out_text_is_text(tmp_path: Path) -> None:
    """load_file reads a target column with one cell that is no number as text labels."""
    path = tmp_path / "late.csv"
    labels = ["1", "2", "01"] * 30 + ["dos"]
    path.write_text("a,y\n" + "".join(f"{i},{v}\n" for i, v in enumerate(labels)))
    _, facts = same_as_memory(path, 10)
    assert facts.classes == ("01", "1", "2", "dos")
    # integers in one block, floats in another: one column of floats
    path.write_text(
        "a,y\n" + "".join(f"{i},{v}\n" for i, v in enumerate(["1", "2"] * 10 + ["3.0"]))
    )
    _, facts = same_as_memory(path, 10)
    assert facts.classes == (1, 2, 3)


def test_letter_case_clashes_and_regression_of_text_are_refused_as_in_memory(
    tmp_path: Path,
) -> None:
    path = tmp_path / "case.csv"
    path.write_text(
        "a,y\n"
        + "".join(f"{i},{'Cat' if i == 33 else 'cat' if i % 2 else 'dog'}\n" for i in range(40))
    )
    assert stream_error(path, 8) == memory_error(path)
    assert stream_error(path, 8, task="regression") == memory_error(path, task="regression")


def test_encode_refuses_a_label_scan_did_not_see(tmp_path: Path) -> None:
    path = write_npy(tmp_path / "e.npy", np.zeros((10, 1)), np.arange(10) % 2)
    stream = open_stream(path)
    facts = scan(stream)
    with pytest.raises(
        InputError, match=r"expected labels among the 2 classes .* got 7\.0 in row 13"
    ):
        facts.encode(np.array([0, 1, 7]), first_row=10)


# -- errors name the file's row, as load_file's do -------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_bad_feature_in_block_3_names_the_files_row(tmp_path: Path, bad: float) -> None:
    X = np.random.default_rng(7).normal(size=(100, 3))
    X[2 * 16 + 5, 1] = bad  # row 38 of the file: the 6th of block 3
    y = np.arange(100) % 2
    npy = write_npy(tmp_path / "bad.npy", X, y)
    message = stream_error(npy, 16)
    assert message == memory_error(npy)
    assert "row 38, column 'x2'" in message
    table = pa.table({"a": X[:, 0], "b": X[:, 1], "y": y})
    pq.write_table(table, tmp_path / "bad.parquet", row_group_size=16)
    assert stream_error(tmp_path / "bad.parquet", 16) == memory_error(tmp_path / "bad.parquet")
    lines = ["a;b;c;y"] + [
        ";".join(("" if np.isnan(v) else str(v).replace(".", ",")) for v in X[i]) + f";{y[i]}"
        for i in range(100)
    ]
    csv = tmp_path / "bad.csv"
    csv.write_text("\r\n".join(lines) + "\r\n")
    message = stream_error(csv, 16)
    assert message == memory_error(csv)
    assert "row 38 (line 39)" in message


def test_a_missing_label_and_a_ragged_row_are_named(tmp_path: Path) -> None:
    table = pa.table({"a": np.arange(50.0), "y": [None if i == 41 else i % 2 for i in range(50)]})
    pq.write_table(table, tmp_path / "m.parquet", row_group_size=10)
    message = stream_error(tmp_path / "m.parquet", 10)
    assert message == memory_error(tmp_path / "m.parquet")
    assert "row 42" in message
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,y\n" + "1,2,0\n" * 30 + '"x\ny",2\n' + "1,2,1\n" * 5)
    assert stream_error(path, 8) == memory_error(path)
    path.write_text("a,b,y\n" + "1,2,0\n" * 30 + "1,,1\n")
    assert stream_error(path, 8) == memory_error(path)


def test_a_stray_quote_is_refused_rather_than_misread(tmp_path: Path) -> None:
    """A '"' inside an unquoted field is text to csv but would flip the quote count."""
    path = tmp_path / "stray.csv"
    path.write_text("a,y\n" + "1,0\n" * 5 + "5'11\",1\n" + "2,0\n" * 5)
    with pytest.raises(InputError, match="quotes only around whole fields"):
        scan(open_stream(path, block_rows=4))


def test_what_cannot_be_streamed_is_named(tmp_path: Path) -> None:
    np.savez(tmp_path / "a.npz", X=np.zeros((2, 1)), y=np.zeros(2))
    with pytest.raises(InputError, match=r"data: expected a \.csv, \.tsv, \.parquet, \.npy file"):
        open_stream(tmp_path / "a.npz")
    with pytest.raises(InputError, match="expected an existing file"):
        open_stream(tmp_path / "none.csv")
    np.save(tmp_path / "a.npy", np.zeros((3, 2)))
    with pytest.raises(InputError, match=r"sep: expected no sep for a \.npy file"):
        open_stream(tmp_path / "a.npy", sep=";")
    with pytest.raises(InputError, match="block_rows: expected an integer >= 1"):
        open_stream(tmp_path / "a.npy", block_rows=0)
    (tmp_path / "h.csv").write_text("a,b\n\n")
    assert stream_error(tmp_path / "h.csv", 4) == memory_error(tmp_path / "h.csv")


# -- the scan ------------------------------------------------------------------------------


def test_mean_and_std_merge_stably_over_blocks(tmp_path: Path) -> None:
    """A large offset and a small spread (σ = 1e-3 on 1e8), merged over 16 blocks: μ and σ
    as exact as rational arithmetic to a few ulp, no worse than NumPy's X.mean(0), X.std(0)."""
    rng = np.random.default_rng(8)
    X = 1e8 + rng.normal(size=(5000, 2)) * [1e-3, 1.0]
    path = write_npy(tmp_path / "off.npy", X, rng.normal(size=5000))
    facts = scan(open_stream(path, block_rows=333))
    for j in range(2):
        mean = sum(Fraction(v) for v in X[:, j]) / len(X)
        std = math.sqrt(sum((Fraction(v) - mean) ** 2 for v in X[:, j]) / len(X))
        assert abs(facts.mean[j] - float(mean)) <= 2 * np.spacing(1e8)
        assert abs(facts.std[j] / std - 1) <= 1e-14
        assert abs(facts.std[j] / std - 1) <= max(abs(X[:, j].std() / std - 1), 1e-15)


def test_the_fingerprint_is_stable_and_sees_a_change(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    X, y = rng.normal(size=(300, 2)), rng.integers(0, 2, 300)
    path = write_npy(tmp_path / "f.npy", X, y)
    first = scan(open_stream(path, block_rows=64)).fingerprint
    assert scan(open_stream(path, block_rows=64)).fingerprint == first
    X[299, 1] += 1e-12
    write_npy(path, X, y)
    assert scan(open_stream(path, block_rows=64)).fingerprint != first


def test_scan_reports_its_progress(tmp_path: Path) -> None:
    path = write_npy(tmp_path / "p.npy", np.zeros((250, 1)), np.arange(250) % 2)
    seen: list[tuple[int, int]] = []
    scan(open_stream(path, block_rows=100), on_block=lambda done, total: seen.append((done, total)))
    assert seen == [(100, 250), (200, 250), (250, 250)]


# -- batches ---------------------------------------------------------------------------------

D = 3
SIZES = (1, 9, 60, 257)


@pytest.fixture(scope="module")
def streams(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """.npy files of N rows: 3 features at several scales, 3 classes."""
    folder = tmp_path_factory.mktemp("streams")
    rng = np.random.default_rng(10)
    paths = {}
    for n in SIZES:
        X = rng.normal(size=(n, D)) * [1, 100, 0.01] + [0, 5, -3]
        y = np.arange(n) % 3 if n >= 3 else np.array([0])
        np.save(folder / f"{n}.npy", np.column_stack([X, y]))
        paths[n] = folder / f"{n}.npy"
    return paths


class Spy:
    """A StreamFile's stand-in that counts the blocks read."""

    def __init__(self, stream: StreamFile) -> None:
        self._stream, self.read_blocks = stream, []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def read(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        self.read_blocks.append(i)
        return self._stream.read(i)


def source(
    path: Path, block_rows: int, batch: int, windows: int, seed: int, shuffle: bool, **kw: Any
) -> StreamedBatches:
    """A StreamedBatches over ``path`` whose window holds ``windows`` blocks' rows."""
    stream = open_stream(path, block_rows=block_rows)
    facts = scan(stream, task="regression")
    memory = max(block_rows * windows, 1) * row_bytes(D, 0)
    return StreamedBatches(
        kw.pop("spy", stream),
        facts,
        batch,
        seed,
        shuffle,
        memory=memory,
        dtype=kw.pop("dtype", torch.float64),
        standardize=kw.pop("standardize", True),
        **kw,
    )


def epoch(batches: Iterator[Batch], per_epoch: int) -> list[Batch]:
    return [next(batches) for _ in range(per_epoch)]


setups = st.tuples(
    st.sampled_from(SIZES),
    st.integers(1, 40),  # block_rows
    st.integers(1, 80),  # batch size
    st.integers(1, 4),  # blocks a window holds
    st.integers(0, 2**40),  # seed
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(setups, st.booleans())
def test_each_epoch_is_a_permutation_and_windows_fit(
    streams: dict[int, Path], setup: tuple[int, int, int, int, int], shuffle: bool
) -> None:
    n, block_rows, batch, windows, seed = setup
    batch = min(batch, block_rows * windows)
    src = source(streams[n], block_rows, batch, windows, seed, shuffle)
    for e in (0, 1):
        order = src.epoch_order(e)
        assert sorted(order.tolist()) == list(range(n))
        if not src.shuffle:
            assert order.tolist() == list(range(n))
        for window in src.windows(e):
            assert sum(src.stream.blocks[b] for b in window) <= src.window_rows
        if src.batch_size < n:
            batches = epoch(src.batches(e), src.per_epoch)
            assert torch.equal(torch.cat([b.rows for b in batches]), order)
    if src.shuffle and n > 20:
        assert not torch.equal(src.epoch_order(0), src.epoch_order(1))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(setups, st.integers(0, 3))
def test_a_resumed_source_gives_the_same_batches_reading_no_window_before(
    streams: dict[int, Path], setup: tuple[int, int, int, int, int], start: int
) -> None:
    n, block_rows, batch, windows, seed = setup
    batch = min(batch, block_rows * windows, n - 1) if n > 1 else 1
    full = source(streams[n], block_rows, batch, windows, seed, True)
    if full.batch_size == n:
        return
    e, i = 1, min(start * 3, full.per_epoch - 1)
    it = full.batches(0, 0)
    run = epoch(it, full.per_epoch) + epoch(it, full.per_epoch) + epoch(it, full.per_epoch)
    spy = Spy(full.stream)
    resumed = source(streams[n], block_rows, batch, windows, seed, True, spy=spy)
    again = resumed.batches(e, i)
    for expected in run[e * full.per_epoch + i :]:
        got = next(again)
        assert (got.epoch, got.index, got.last_of_epoch) == (
            expected.epoch,
            expected.index,
            expected.last_of_epoch,
        )
        assert torch.equal(got.X, expected.X) and torch.equal(got.y, expected.y)
        assert torch.equal(got.rows, expected.rows)
        assert torch.equal(resumed.batch_rows(got.epoch, got.index), got.rows)
    # the first blocks read are those of the window holding the batch's first row
    layout = resumed.windows(e)
    starts = np.cumsum([0, *(sum(full.stream.blocks[b] for b in w) for w in layout)])
    holding = int(np.searchsorted(starts, i * full.batch_size, side="right")) - 1
    assert spy.read_blocks[: len(layout[holding])] == list(layout[holding])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("standardize", [True, False])
def test_batches_are_the_in_memory_rows(
    streams: dict[int, Path], dtype: torch.dtype, standardize: bool
) -> None:
    """X_b = X_all[rows], y_b = targets(y_all)[rows], bit for bit, with a loss's targets."""
    path = streams[257]
    loss = get_loss("cross_entropy")
    data = load_file(path)
    X = data.X
    stream = open_stream(path, block_rows=20)
    facts = scan(stream)
    if standardize:
        X = Standardizer.from_state(facts.scaling()).transform(X)
    X_all = torch.as_tensor(X, dtype=dtype)
    y_all = loss.targets(torch.as_tensor(data.y, dtype=dtype), 3)
    src = StreamedBatches(
        stream,
        facts,
        32,
        5,
        True,
        memory=50 * row_bytes(D, 3),
        dtype=dtype,
        standardize=standardize,
        targets=lambda y: loss.targets(y, 3),
    )
    assert src.window_rows == 50
    for b in epoch(src.batches(2), src.per_epoch):
        assert b.rows is not None and b.X is not None and b.y is not None
        assert torch.equal(b.X, X_all[b.rows]) and torch.equal(b.y, y_all[b.rows])
    chunks = list(src.chunks(rows_per_chunk=45))
    assert [len(c[0]) for c in chunks] == [45] * 5 + [32]
    assert torch.equal(torch.cat([c[0] for c in chunks]), X_all)
    assert torch.equal(torch.cat([c[1] for c in chunks]), y_all)


def local(batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
    """A rank's share of a batch: its X and y, or its parts joined."""
    if batch.X is not None and batch.y is not None:
        return batch.X, batch.y
    assert batch.parts is not None
    parts = list(batch.parts())
    return torch.cat([p[0] for p in parts]), torch.cat([p[1] for p in parts])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(setups)
def test_two_ranks_together_are_the_one_process_batch(
    streams: dict[int, Path], setup: tuple[int, int, int, int, int]
) -> None:
    n, block_rows, batch, windows, seed = setup
    batch = min(batch, block_rows * windows)
    one = source(streams[n], block_rows, batch, windows, seed, True)
    ranks = [
        source(streams[n], block_rows, batch, windows, seed, True, rank=r, world=2) for r in (0, 1)
    ]
    if one.batch_size == n:  # a full batch: rank r reads blocks r, r+2, …
        shares = [list(r.chunks()) for r in ranks]
        blocks = one.stream.blocks
        for r, share in enumerate(shares):
            assert sum(len(c[0]) for c in share) == sum(blocks[r::2])
        together = torch.cat([c[0] for share in shares for c in share]).numpy()
        alone = torch.cat([c[0] for c in one.chunks()]).numpy()
        assert np.array_equal(together[np.lexsort(together.T)], alone[np.lexsort(alone.T)])
        full = next(one.batches())
        assert full.X is None and full.parts is not None and full.n == n
        return
    singles = epoch(one.batches(1), one.per_epoch)
    for r, src in enumerate(ranks):
        for b, single in zip(epoch(src.batches(1), src.per_epoch), singles, strict=True):
            X, y = local(b)
            assert single.X is not None and single.y is not None and single.rows is not None
            assert torch.equal(X, single.X[r::2]) and torch.equal(y, single.y[r::2])
            assert torch.equal(src.local_rows(single.rows), single.rows[r::2])
            assert b.n == len(single.rows)


def test_the_memory_budget_is_checked(streams: dict[int, Path]) -> None:
    stream = open_stream(streams[257], block_rows=100)
    facts = scan(stream)
    options: dict[str, Any] = {"dtype": torch.float32, "standardize": False}
    with pytest.raises(InputError, match=r"memory: expected at least 1 MB for blocks of 100 rows"):
        StreamedBatches(stream, facts, 10, 0, True, memory=99 * row_bytes(D, 3), **options)
    with pytest.raises(InputError, match="batch_size: expected at most 100 rows"):
        StreamedBatches(stream, facts, 101, 0, True, memory=100 * row_bytes(D, 3), **options)
    src = StreamedBatches(stream, facts, 257, 0, True, memory=100 * row_bytes(D, 3), **options)
    assert src.shuffle is False and src.with_batch_size(10).shuffle is True
    assert src.with_batch_size(10).window_rows == 100
    recorded = src.with_batch_size(10)
    assert StreamedBatches(
        stream, facts, 10, 0, True, memory=2**30, window_rows=recorded.window_rows, **options
    ).windows(3) == recorded.windows(3)


# -- memory: a file several times the budget --------------------------------------------------

STREAM_ONE_EPOCH = """
import json, sys
import torch
import pyarrow.parquet
from perceptron_lab.data.stream import open_stream, scan
from perceptron_lab.engine.stream_batches import StreamedBatches

def vm(key):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith(key))

def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass

path, budget = sys.argv[1], int(sys.argv[2])
reset_peak()
before = vm("VmRSS")
stream = open_stream(path)
facts = scan(stream)
scanned = vm("VmHWM") - before
reset_peak()
before = vm("VmRSS")
source = StreamedBatches(stream, facts, 256, 0, True, memory=budget, dtype=torch.float32,
                         standardize=True)
rows = 0
for batch in source.batches(0, 0):
    rows += len(batch.rows)
    if batch.last_of_epoch:
        break
print(json.dumps({"scan": scanned, "epoch": vm("VmHWM") - before, "rows": rows,
                  "window": source.window_rows}))
"""


@pytest.mark.slow
def test_an_epoch_over_a_file_five_times_the_budget_stays_within_it(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    n, d = 1_500_000, 25
    columns = {f"f{j}": rng.normal(size=n) for j in range(d)} | {"target": rng.integers(0, 2, n)}
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table(columns), path, row_group_size=200_000)  # groups cut in blocks
    del columns
    size = path.stat().st_size
    budget = 64 * 2**20
    assert size > 4 * budget
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(STREAM_ONE_EPOCH), str(path), str(budget)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    found = json.loads(done.stdout)
    assert found["rows"] == n
    assert found["epoch"] < 2 * budget, found
    assert found["scan"] < 2 * budget + 2 * 8 * d * 65536, found  # a block, a copy: 26 MB
    assert max(found["epoch"], found["scan"]) < size / 2, found
