"""CSVs as spreadsheets write them: separator, decimal mark and encoding sniffed or given.

The oracle is pandas.read_csv told the separator, decimal mark and encoding explicitly:
the numbers perceptron-lab reads must equal the ones pandas reads.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from perceptron_lab.cli.main import main
from perceptron_lab.data import load
from perceptron_lab.data.files import dialect_of, read_columns
from perceptron_lab.engine.datasource import data_spec, load_split
from perceptron_lab.engine.trace import Trace
from perceptron_lab.errors import InputError

# Spanish Excel: ';' separators, decimal commas, '.' for thousands, accents in the header,
# a row of separators only and a blank line at the end (Excel writes both)
SPANISH = (
    "tamaño;presión;¿compró?\r\n"
    "1,5;1.234,56;sí\r\n"
    "-2,25;2.000;no\r\n"
    "3;0,5;sí\r\n"
    "4,75;12,125;no\r\n"
    ";;\r\n"
    "\r\n"
)
PANDAS_SPANISH = {"sep": ";", "decimal": ",", "thousands": "."}


def _pandas(path: Path, **kwargs: object) -> pd.DataFrame:
    return pd.read_csv(path, **kwargs).dropna(how="all")


def _same_as_pandas(path: Path, frame: pd.DataFrame, target: str) -> None:
    ds = load(path)
    features = [c for c in frame.columns if c != target]
    assert ds.feature_names == tuple(features)
    np.testing.assert_array_equal(ds.X, frame[features].to_numpy(dtype=np.float64))
    labels = frame[target].astype(str).str.strip().to_numpy()
    assert ds.classes is not None
    np.testing.assert_array_equal(np.asarray(ds.classes)[ds.y], labels)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", codecs.BOM_UTF8), ("cp1252", b""), ("utf-16-le", codecs.BOM_UTF16_LE)],
)
def test_excel_spanish_reads_as_pandas_reads_it(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "ventas.csv"
    path.write_bytes(bom + SPANISH.encode(encoding))
    told = "utf-16" if bom == codecs.BOM_UTF16_LE else "utf-8-sig" if bom else encoding
    frame = _pandas(path, encoding=told, **PANDAS_SPANISH)
    assert list(frame.columns) == ["tamaño", "presión", "¿compró?"]
    _same_as_pandas(path, frame, "¿compró?")
    dialect = dialect_of(path)
    assert (dialect.sep, dialect.decimal) == (";", ",")
    assert codecs.lookup(dialect.encoding).name == codecs.lookup(told).name


def test_libreoffice_utf16_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "hoja.tsv"
    with codecs.open(str(path), "w", encoding="utf-16") as handle:  # BOM first, as LibreOffice
        handle.write("ancho\talto\tclase\n0,5\t1.500,25\tsí\n1,25\t-3\tno\n2\t4,5\tsí\n")
    assert path.read_bytes()[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    frame = _pandas(path, sep="\t", encoding="utf-16", **{"decimal": ",", "thousands": "."})
    _same_as_pandas(path, frame, "clase")
    csv_path = path.rename(tmp_path / "hoja.csv")  # the same bytes named .csv: tab is sniffed
    _same_as_pandas(csv_path, frame, "clase")


def test_quoted_fields_with_separators_quotes_and_line_ends(tmp_path: Path) -> None:
    text = (
        'name,x1,x2,y\n"Smith, J.",1.5,2,yes\n"He said ""hi""",3,-4,no\n"two\nlines",0.25,1e3,yes\n'
    )
    path = tmp_path / "q.csv"
    path.write_text(text, encoding="utf-8")
    frame = pd.read_csv(path)
    ds = load(path, features="x1,x2")
    np.testing.assert_array_equal(ds.X, frame[["x1", "x2"]].to_numpy(dtype=np.float64))
    assert ds.classes == ("no", "yes")
    columns, numeric, rows = read_columns(path)
    assert (columns, numeric, rows) == (["name", "x1", "x2", "y"], ["x1", "x2"], 3)
    semicolons = tmp_path / "qs.csv"
    semicolons.write_text('nombre;x1;y\n"Pérez; A.";1,5;sí\n"dijo ""hola""";2;no\n')
    frame = pd.read_csv(semicolons, sep=";", decimal=",")
    ds = load(semicolons, features="x1")
    np.testing.assert_array_equal(ds.X[:, 0], frame["x1"].to_numpy(dtype=np.float64))


def test_trailing_separator_is_no_column(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a;b;y;\n1,5;2;0;\n3;4,25;1;\n-1;0;1;\n")
    frame = pd.read_csv(path, sep=";", decimal=",", usecols=[0, 1, 2])
    ds = load(path)
    assert ds.feature_names == ("a", "b")
    np.testing.assert_array_equal(ds.X, frame[["a", "b"]].to_numpy(dtype=np.float64))
    only_rows = tmp_path / "r.csv"  # the header without one, the rows with one
    only_rows.write_text("a;b;y\n1,5;2;0;\n3;4,25;1;\n-1;0;1;\n")
    np.testing.assert_array_equal(load(only_rows).X, ds.X)


def test_plain_csv_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("a,b,y\n1.5,2,0\n3,4.25,1\n")
    dialect = dialect_of(path)
    assert (dialect.sep, dialect.decimal, dialect.encoding) == (",", ".", "utf-8")
    np.testing.assert_array_equal(load(path).X, pd.read_csv(path)[["a", "b"]].to_numpy())


def _message(path: Path, **kwargs: object) -> str:
    with pytest.raises(InputError) as info:
        load(path, **kwargs)  # type: ignore[arg-type]
    return str(info.value)


def test_field_count_error_says_the_separator_and_how_it_was_chosen(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a;b;y\n1;2;0\n3;4;1;9\n5;6;1\n")
    message = _message(path)
    assert message.startswith(
        f"{path}: expected 3 fields on line 3, as in the header (separator ';', detected), got 4"
    )
    assert "--sep" in message
    spanish = tmp_path / "es.csv"
    spanish.write_text(SPANISH, encoding="utf-8")
    message = _message(spanish, sep=",")
    assert "expected 1 fields on line 2, as in the header (separator ',', given), got 3" in message


def test_decimal_comma_under_comma_separation_is_ambiguous(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('x,z,y\n"1,5",2,0\n"1,234",3,1\n')
    message = _message(path)
    assert "'1,5'" in message and "ambiguous" in message and "--decimal" in message
    ds = load(path, decimal=",")
    np.testing.assert_array_equal(ds.X[:, 0], pd.read_csv(path, decimal=",")["x"].to_numpy())


def test_given_encoding_that_does_not_fit_says_so(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes("año;y\n1;sí\n2;no\n".encode("cp1252"))
    message = _message(path, encoding="utf-8")
    assert message.startswith(f"{path}: expected a text file in utf-8 (given), got undecodable")
    assert load(path, encoding="latin-1").feature_names == ("año",)


@pytest.mark.parametrize(
    ("kwargs", "start"),
    [
        ({"sep": "|"}, "sep: expected one of ',', ';', tab, got '|'"),
        ({"decimal": ";"}, "decimal: expected one of '.', ',', got ';'"),
        ({"encoding": "klingon"}, "encoding: expected an encoding Python knows"),
    ],
)
def test_bad_choices(tmp_path: Path, kwargs: dict[str, str], start: str) -> None:
    path = tmp_path / "p.csv"
    path.write_text("a,y\n1,0\n2,1\n")
    assert _message(path, **kwargs).startswith(start)


def test_tab_is_named_tab(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a\tb\ty\n1\t2\t0\n3\t4\t1\n")
    assert dialect_of(path, sep="tab").sep == "\t"
    assert load(path, sep="\\t").feature_names == ("a", "b")


def test_no_csv_options_for_other_formats(tmp_path: Path) -> None:
    path = tmp_path / "a.npy"
    np.save(path, np.ones((3, 2)))
    assert _message(path, sep=";").startswith("sep: expected no sep for a .npy file")
    with pytest.raises(InputError, match=r"^decimal: expected no decimal for the built-in"):
        load("seed", decimal=",")


def test_recipe_records_the_dialect_and_reloads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "es.csv"
    path.write_bytes(codecs.BOM_UTF8 + SPANISH.encode("utf-8"))
    spec = data_spec(str(path))
    assert {k: spec[k] for k in ("sep", "decimal", "encoding", "detected")} == {
        "sep": ";",
        "decimal": ",",
        "encoding": "utf-8-sig",
        "detected": ["decimal", "encoding", "sep"],
    }
    reloaded, _ = load_split(json.loads(json.dumps(spec)), test_size=0.0, seed=0, scale=False)
    np.testing.assert_array_equal(reloaded.X, load(path).X)
    given = data_spec(str(path), sep=";")
    assert given["detected"] == ["decimal", "encoding"]
    assert "sep" not in data_spec("seed")


@pytest.mark.slow  # two trainings through the CLI
def test_training_on_a_spanish_csv_gives_the_plain_csv_model(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    X = np.round(rng.normal(size=(24, 2)) * 1000, 2)  # thousands and two decimals
    y = np.where(X[:, 0] + X[:, 1] > 0, "sí", "no")
    plain = tmp_path / "plain.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "clase": y}).to_csv(plain, index=False)
    spanish = tmp_path / "spanish.csv"
    rows = [f"{_es(a)};{_es(b)};{c}" for a, b, c in zip(X[:, 0], X[:, 1], y, strict=True)]
    spanish.write_bytes("\r\n".join(["a;b;clase", *rows, ""]).encode("cp1252"))
    weights = []
    for name, path in (("p", plain), ("s", spanish)):
        out = tmp_path / name
        argv = ["train", str(path), "--epochs", "2", "--out", str(out), "--quiet"]
        assert main([*argv, "--standardize", "--format", "json"]) == 0
        checkpoint = Trace.load(out).checkpoint()
        assert checkpoint is not None
        weights.append(checkpoint.W.numpy())
    np.testing.assert_array_equal(weights[0], weights[1])


def _es(value: float) -> str:
    """``value`` as Spanish Excel writes it: 1.234,56."""
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def test_cli_flags_reach_the_reader(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "es.csv"
    path.write_text(SPANISH, encoding="utf-8")
    assert main(["train", str(path), "--sep", "|", "--epochs", "1"]) == 2
    assert "--sep: expected one of ',', ';', tab, got '|'" in capsys.readouterr().err
    assert main(["train", str(path), "--sep", ",", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert "(separator ',', given), got 3 (choose another with --sep" in err


def test_playground_upload_of_a_spanish_csv(tmp_path: Path) -> None:
    from perceptron_lab.playground.lab import Lab

    lab = Lab({"name": "seed"}, {"lr": 0.1})
    lab.handle({"op": "hello"})
    (up,) = lab.handle({"op": "upload", "name": "ventas.csv", "text": "\ufeff" + SPANISH})
    assert up["columns"] == ["tamaño", "presión", "¿compró?"] and up["rows"] == 4
    assert up["numeric"] == ["tamaño", "presión"]
    data = {"upload": "ventas.csv", "features": ["tamaño", "presión"], "target": "¿compró?"}
    (f,) = [m for m in lab.handle({"op": "data", "data": data}) if m.get("type") == "frame"]
    assert f["data"]["classes"] == ["no", "sí"]
    path = tmp_path / "ventas.csv"
    path.write_text(SPANISH, encoding="utf-8")
    frame = _pandas(path, **PANDAS_SPANISH)
    train = np.array(f["data"]["train"])  # (N, 3): x1, x2, the class index
    np.testing.assert_array_equal(train[:, :2], frame[["tamaño", "presión"]].to_numpy())
    np.testing.assert_array_equal(train[:, 2], (frame["¿compró?"] == "sí").to_numpy())


def test_playground_starts_on_a_cp1252_file(tmp_path: Path) -> None:
    from perceptron_lab.playground.recipe import start_data

    path = tmp_path / "ventas.csv"
    path.write_bytes(SPANISH.encode("cp1252"))
    data, uploads = start_data(str(path))
    assert data["features"] == ["tamaño", "presión"] and data["target"] == "¿compró?"
    assert uploads == {"ventas.csv": SPANISH}
