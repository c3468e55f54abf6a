"""Data files: CSV/TSV, Parquet, .npy and .npz round-trips, column choice, and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from perceptron_lab.data import load
from perceptron_lab.errors import InputError


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame(
        {
            "length": rng.normal(size=12),
            "width": rng.normal(size=12) * 1e-3,
            "count": rng.integers(0, 9, size=12),
            "species": ["setosa", "versicolor", "virginica"] * 4,
        }
    )


def _error(tmp_path: Path, name: str, content: str | bytes, **kwargs: object) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return _load_error(path, **kwargs)


def _load_error(path: Path, **kwargs: object) -> str:
    with pytest.raises(InputError) as info:
        load(path, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert "\n" not in message
    return message


def _check_species(ds: object, frame: pd.DataFrame) -> None:
    from perceptron_lab.data import Dataset

    assert isinstance(ds, Dataset)
    assert ds.feature_names == ("length", "width", "count") and ds.target_name == "species"
    np.testing.assert_array_equal(ds.X, frame[["length", "width", "count"]].to_numpy(float))
    assert ds.task == "multiclass" and ds.classes == ("setosa", "versicolor", "virginica")
    np.testing.assert_array_equal(ds.y, [0, 1, 2] * 4)


def test_csv_round_trip(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "flowers.csv"
    frame.to_csv(path, index=False)
    ds = load(path)  # target: the last column
    _check_species(ds, frame)
    assert ds.name == "flowers"
    assert load(str(path)).fingerprint == ds.fingerprint


def test_tsv_round_trip(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "flowers.tsv"
    frame.to_csv(path, index=False, sep="\t")
    _check_species(load(path), frame)


def test_parquet_round_trip(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "flowers.parquet"
    frame.to_parquet(path, index=False)
    _check_species(load(path), frame)


def test_csv_default_target_by_name_and_numeric_labels(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("a,Label,b\n1,0,2.5\n3,1,4.5\n5,1,6.5\n\n")  # a trailing blank line is fine
    ds = load(path)
    assert ds.target_name == "Label" and ds.feature_names == ("a", "b")
    assert ds.task == "binary" and ds.classes == (0, 1)
    np.testing.assert_array_equal(ds.X, [[1, 2.5], [3, 4.5], [5, 6.5]])
    np.testing.assert_array_equal(ds.y, [0, 1, 1])


def test_csv_target_and_features_selection(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "flowers.csv"
    frame.to_csv(path, index=False)
    ds = load(path, target="length", features="width, count")
    assert ds.feature_names == ("width", "count") and ds.task == "regression"
    np.testing.assert_array_equal(ds.y, frame["length"].to_numpy())
    ds = load(path, features=["count"])
    assert ds.feature_names == ("count",) and ds.target_name == "species"
    ds = load(path, target="count", features=["length"], task="regression")
    assert ds.task == "regression" and ds.y.dtype == np.float64


def test_npy_round_trip_and_target_index(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    data = np.column_stack([rng.normal(size=(10, 3)), np.arange(10) % 2])  # (10, 4)
    path = tmp_path / "arr.npy"
    np.save(path, data)
    ds = load(path)
    assert ds.feature_names == ("x1", "x2", "x3") and ds.task == "binary"
    np.testing.assert_array_equal(ds.X, data[:, :3])
    np.testing.assert_array_equal(ds.y, data[:, 3])
    ds = load(path, target="0")
    assert ds.task == "regression" and ds.feature_names == ("x1", "x2", "x3")
    np.testing.assert_array_equal(ds.y, data[:, 0])
    np.testing.assert_array_equal(ds.X, data[:, 1:])
    ds = load(path, target=3, features=[2, 0])
    np.testing.assert_array_equal(ds.X, data[:, [2, 0]])


def test_npz_round_trip(tmp_path: Path) -> None:
    X = np.arange(12, dtype=float).reshape(6, 2)
    y = np.array(["no", "yes", "no", "yes", "yes", "no"])
    path = tmp_path / "xy.npz"
    np.savez(path, X=X, y=y)
    ds = load(path)
    np.testing.assert_array_equal(ds.X, X)
    assert ds.classes == ("no", "yes") and ds.feature_names == ("x1", "x2")
    np.testing.assert_array_equal(ds.y, [0, 1, 0, 1, 1, 0])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load("foo.csv")
    assert str(info.value).startswith(
        "data: expected an existing file or one of the built-in datasets (seed, and, or, xor,"
    )
    assert str(info.value).endswith(", got 'foo.csv'")


def test_unknown_extension(tmp_path: Path) -> None:
    message = _error(tmp_path, "data.txt", "a,b\n1,2\n")
    assert message.startswith("data: expected a file ending in .csv")
    assert "data.txt'" in message


@pytest.mark.parametrize(
    ("name", "content", "got"),
    [
        ("e.csv", "", "an empty file"),
        ("e.csv", "\n\n", "an empty file"),
        ("h.csv", "a,b,y\n", "a header but no data rows"),
        ("e.parquet", b"", "an empty file"),
        ("e.npy", b"", "an empty file"),
    ],
)
def test_empty_files(tmp_path: Path, name: str, content: str | bytes, got: str) -> None:
    message = _error(tmp_path, name, content)
    assert message.startswith(f"{tmp_path / name}: expected ")
    assert message.endswith(f"got {got}")


def test_ragged_csv_names_line_and_field_counts(tmp_path: Path) -> None:
    message = _error(tmp_path, "r.csv", "a,b,y\n1,2,0\n3,4,1\n5,6\n")
    assert message == (
        f"{tmp_path / 'r.csv'}: expected 3 fields on line 4, as in the header "
        "(separator ',', detected), got 2 (choose another with --sep (sep= in Python))"
    )


def test_non_numeric_feature_names_column_row_and_value(tmp_path: Path) -> None:
    message = _error(tmp_path, "n.csv", "a,b,y\n1,2,0\n3,oops,1\n5,zz,0\n")
    assert "feature column 'b'" in message and "'oops'" in message
    assert "row 2 (line 3)" in message


@pytest.mark.parametrize(
    ("cell", "bad"), [("", "an empty cell"), ("nan", "'nan'"), ("inf", "'inf'"), (" ", "an empty")]
)
def test_non_finite_feature_cells(tmp_path: Path, cell: str, bad: str) -> None:
    message = _error(tmp_path, "f.csv", f"a,b,y\n1,2,0\n3,4,1\n5,{cell},0\n")
    assert message.startswith(f"{tmp_path / 'f.csv'}: expected a finite number in every feature")
    assert bad in message and "row 3 (line 4), column 'b'" in message


def test_parquet_null_and_nan_cells(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pd.DataFrame({"a": [1.0, 2.0, None], "y": [0, 1, 0]}).to_parquet(path)
    message = _load_error(path)
    assert "an empty cell in row 3, column 'a'" in message
    pd.DataFrame({"a": [1.0, np.inf, 3.0], "y": [0, 1, 0]}).to_parquet(path)
    message = _load_error(path)
    assert "inf in row 2, column 'a'" in message


def test_npy_nan_names_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "a.npy"
    np.save(path, np.array([[1.0, 2.0, 0], [np.nan, 4.0, 1]]))
    message = _load_error(path)
    assert "NaN in row 2, column 'x1'" in message


def test_empty_target_cell(tmp_path: Path) -> None:
    message = _error(tmp_path, "t.csv", "a,y\n1,cat\n2,\n3,dog\n")
    assert "target" in message and "an empty cell in row 2 (line 3)" in message


def test_missing_target_column_lists_the_columns(tmp_path: Path) -> None:
    message = _error(tmp_path, "c.csv", "a,b,y\n1,2,0\n3,4,1\n", target="species")
    assert message.startswith("target: expected a column of ")
    assert "(a, b, y)" in message and message.endswith("got 'species'")


def test_missing_feature_column(tmp_path: Path) -> None:
    message = _error(tmp_path, "c.csv", "a,b,y\n1,2,0\n3,4,1\n", features="a,zz")
    assert message.startswith("features: expected a column of ") and "'zz'" in message
    message = _error(tmp_path, "c.csv", "a,b,y\n1,2,0\n3,4,1\n", features="a,y")
    assert message.startswith("features: expected columns other than the target 'y'")


def test_one_class_only_in_a_file(tmp_path: Path) -> None:
    message = _error(tmp_path, "o.csv", "a,y\n1,1\n2,1\n")
    assert message == "target: expected at least 2 classes, got only the class 1"


def test_non_numeric_target_values_are_class_labels(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text('x,y\n1,"yes"\n2, no\n3,yes\n')
    ds = load(path)
    assert ds.classes == ("no", "yes")
    np.testing.assert_array_equal(ds.y, [1, 0, 1])


@pytest.mark.parametrize(
    ("name", "content", "facts"),
    [
        ("bad.parquet", b"not parquet at all", ["expected a readable Parquet file"]),
        ("bad.npy", b"not numpy", ["expected a readable .npy file"]),
        ("bad.npz", b"not a zip", ["expected a readable .npz file"]),
        ("bin.csv", b"a,y\n\x81\x8d,1\n", ["numbers in feature column 'a'", "'\\x81\\x8d'"]),
        ("dup.csv", "a,a,y\n1,2,0\n", ["repeated a"]),
        ("one.csv", "y\n0\n1\n", ["at least one feature column"]),
    ],
)
def test_unreadable_files(
    tmp_path: Path, name: str, content: str | bytes, facts: list[str]
) -> None:
    message = _error(tmp_path, name, content)
    for fact in facts:
        assert fact in message, message


def test_npy_shape_and_pickle_errors(tmp_path: Path) -> None:
    np.save(tmp_path / "v.npy", np.arange(4.0))
    message = _load_error(tmp_path / "v.npy")
    assert "2-D array" in message and "(4,)" in message
    np.save(tmp_path / "o.npy", np.array([[1, "a"]], dtype=object), allow_pickle=True)
    message = _load_error(tmp_path / "o.npy")
    assert message.startswith(f"{tmp_path / 'o.npy'}: expected a readable .npy file")
    np.save(tmp_path / "t.npy", np.ones((3, 2)))
    message = _load_error(tmp_path / "t.npy", target=5)
    assert message.startswith("target: expected a column") and "0..1" in message


def test_npz_without_x_and_y_names_the_keys(tmp_path: Path) -> None:
    path = tmp_path / "k.npz"
    np.savez(path, features=np.ones((2, 2)), labels=np.array([0, 1]))
    message = _load_error(path)
    assert "arrays named 'X' and 'y'" in message and "'features', 'labels'" in message


def test_size_is_refused_for_files(tmp_path: Path) -> None:
    message = _error(tmp_path, "d.csv", "a,y\n1,0\n2,1\n", size=10)
    assert message.startswith("size: expected no size for a file")


def test_errors_print_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _error(tmp_path, "n.csv", "a,y\n1,0\nx,1\n")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
