"""`perceptron-lab exercise` and `check` as an instructor runs them, and the notebooks they write.

The instructor's day: 30 Spanish variants of forward + BCE + gradient + one SGD step with
keys, in one command; students hand back answer files (one right, one with the sum
for the mean, one with the bias forgotten, one with the sigmoid applied twice, one
broken); one command grades the folder, names each mistake in Spanish and writes the
grade table. The answers the students write come from PyTorch (tests/exercise_oracle.py),
not from the package.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from perceptron_lab.cli import main
from perceptron_lab.exercises.exercise import Exercise
from perceptron_lab.exercises.solved import solve

from .cli_run import assert_refused, cli
from .exercise_oracle import rounded, torch_step

SLIPS = {"02": {}, "03": {"reduction": "sum"}, "04": {"bias": False}, "05": {"sigmoid_twice": True}}


def _fill(path: Path, answers: dict[str, Any]) -> None:
    """A student's YAML template filled in, as an editor leaves it."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        name = line.strip().split(":")[0]
        if line.startswith("  ") and name in answers:
            line = f"  {name}: {json.dumps(answers[name])}"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("curso") / "tarea1"
    code = main(
        ["exercise", "--variants", "30", "--lang", "es", "--key", "--out", str(out),
         "--stages", "forward,activation,loss,gradient,update"]
    )  # fmt: skip
    assert code == 0
    return out


def test_thirty_spanish_variants_with_keys_in_one_command(course: Path) -> None:
    sheets = sorted(p.name for p in (course / "sheets").iterdir())
    assert sheets == [f"{i:02d}.md" for i in range(1, 31)]
    assert len(list((course / "keys").iterdir())) == 30
    assert len(list((course / "answers").glob("*.yaml"))) == 30
    recipe = json.loads((course / "exercise.json").read_text())
    assert recipe["recipe"]["lang"] == "es" and len(recipe["students"]) == 30
    sheet = (course / "sheets" / "07.md").read_text()
    assert "señal neta" in sheet and "Pregunta 9" in sheet and "Question" not in sheet
    combined = (course / "key-all.md").read_text()
    # each key holds its variant's loss, as an independent PyTorch step computes it
    ex = Exercise.from_dict(recipe["recipe"])
    losses = set()
    for i in (1, 7, 30):
        student = ex.for_student(f"{i:02d}")
        L = float(torch_step(student, solve(student).numbers)["L"])
        key = (course / "keys" / f"{i:02d}.md").read_text()
        assert f"{L:.4f}" in key and f"{L:.4f}" in combined
        assert f"{L:.4f}" not in (course / "sheets" / f"{i:02d}.md").read_text()
        losses.add(round(L, 4))
    assert len(losses) == 3  # the variants differ


def test_class_folder_is_graded_and_mistakes_named_in_spanish(
    course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    handed = tmp_path / "entregas"
    handed.mkdir()
    ex = Exercise.from_dict(json.loads((course / "exercise.json").read_text())["recipe"])
    for student, slip in SLIPS.items():
        shutil.copy(course / "answers" / f"{student}.yaml", handed)
        nums = solve(ex.for_student(student)).numbers
        _fill(handed / f"{student}.yaml", rounded(torch_step(ex, nums, **slip)))
    (handed / "06.yaml").write_text("student: '06'\nanswers: [1, 2\n")  # broken YAML
    code = main(["check", str(handed), "--exercise", str(course / "exercise.json")])
    out = capsys.readouterr().out
    assert code == 0
    assert "02.yaml: 9/9" in out
    assert re.search(r"03\.yaml: 3/9 — suma en lugar de media", out)
    assert re.search(r"04\.yaml: 0/9 — sesgo omitido", out)
    assert re.search(r"05\.yaml: 1/9 — activación dos veces", out)
    assert "omitido 06.yaml" in out and "YAML" in out  # skipped, named, the rest graded
    assert "4 hojas corregidas" in out and "Errores más frecuentes" in out
    # as a Spanish spreadsheet opens it: UTF-8 with a BOM, ';' between fields
    raw = (handed / "grades.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = raw.decode("utf-8-sig").splitlines()
    rows = list(csv.DictReader(table, delimiter=";"))
    by_student = {r["estudiante"]: r for r in rows}
    assert by_student["02"]["nota"] == "9" and by_student["03"]["L"] == "suma en lugar de media"
    assert by_student["03"]["porcentaje"] == "33,3"
    assert by_student["04"]["Z"] == "sesgo omitido" and by_student["05"]["Z"] == "correcta"


def test_one_file_shows_the_key_and_the_mistake(course: Path, tmp_path: Path) -> None:
    shutil.copy(course / "answers" / "03.yaml", tmp_path)
    ex = Exercise.from_dict(json.loads((course / "exercise.json").read_text())["recipe"])
    oracle = torch_step(ex, solve(ex.for_student("03")).numbers, reduction="sum")
    _fill(tmp_path / "03.yaml", rounded(oracle))
    result = cli("check", tmp_path / "03.yaml", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "Student 03: 3 of 9 right" in result.stdout
    assert "the sum over the samples where the mean was asked (a factor of N = 3)" in result.stdout
    assert f"= {float(oracle['L']):.4f}, expected" in result.stdout


def test_refusals_are_one_line_and_write_nothing(tmp_path: Path) -> None:
    assert_refused(cli("exercise", "--size", "3", "--out", tmp_path / "a"), "--size", "N,d")
    assert not (tmp_path / "a").exists()
    full = tmp_path / "full"
    full.mkdir()
    (full / "notes.txt").write_text("mine")
    assert_refused(cli("exercise", "--out", full), "--out", "new or empty folder")
    assert sorted(p.name for p in full.iterdir()) == ["notes.txt"]
    roster = tmp_path / "clase.csv"
    roster.write_text("id,nombre\n7,Ana\n7,Eva\n")
    assert_refused(cli("exercise", "--class-list", roster, "--out", tmp_path / "b"), "repeats")
    assert_refused(cli("check", tmp_path / "nada.yaml"), "ANSWERS", "no such file")
    assert_refused(
        cli("exercise", "--loss", "mse", "--stages", "forward,activation", "--out", tmp_path / "c"),
        "--stages",
    )
    assert not any((tmp_path / n).exists() for n in ("b", "c"))


def test_class_list_names_the_sheets(tmp_path: Path) -> None:
    roster = tmp_path / "lista.csv"
    roster.write_bytes(
        "Apellidos, Nombre;DNI\r\nPérez, Ana;111\r\nGil, Juan;222\r\n".encode("cp1252")
    )
    out = tmp_path / "t"
    result = cli(
        "exercise", "--class-list", roster, "--lang", "es", "--out", out, "--answers", "csv"
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (out / "sheets").iterdir()) == ["111.md", "222.md"]
    assert "Pérez, Ana" in (out / "sheets" / "111.md").read_text()
    assert (out / "answers" / "222.csv").read_text().startswith("quantity,row,column,value")


def test_pdf_sheets_and_keys(tmp_path: Path, pdflatex: str) -> None:
    out = tmp_path / "pdf"
    result = cli(
        "exercise",
        "--variants",
        "2",
        "--format",
        "pdf",
        "--key",
        "--optimizer",
        "adam",
        "--out",
        out,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for name in ("sheets/1.pdf", "sheets/2.pdf", "keys/1.pdf", "key-all.pdf"):
        assert (out / name).read_bytes().startswith(b"%PDF"), name


# --- the notebooks --------------------------------------------------------------------------


def _run(path: Path, tmp_path: Path) -> Any:
    import nbclient
    import nbformat

    from .test_notebooks import kernel_manager

    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = nbclient.NotebookClient(
        nb, timeout=180, km=kernel_manager(tmp_path), allow_errors=False
    )
    client.execute(cleanup_kc=True, cwd=str(path.parent))
    return nb


def _output(nb: Any) -> str:
    cell = nb.cells[-1]
    assert "check" in cell.metadata.get("tags", [])
    return "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def test_notebooks_run_the_student_one_checks_the_solved_one_passes(tmp_path: Path) -> None:
    out = tmp_path / "nb"
    stages = "forward,activation,loss,gradient,update,training"
    result = cli(
        "exercise", "--format", "ipynb", "--key", "--lang", "es", "--stages", stages, "--out", out
    )
    assert result.returncode == 0, result.stderr
    student = _output(_run(out / "sheet.ipynb", tmp_path / "k1"))
    assert "0 de 12 correctas" in student and "sin respuesta" in student
    s = solve(Exercise.from_dict(json.loads((out / "exercise.json").read_text())["recipe"]))
    assert f"{float(s.answers['L']):.4f}" not in student  # the student's check keeps the key
    solved = _output(_run(out / "key.ipynb", tmp_path / "k2"))
    assert "12 de 12 correctas" in solved  # PyTorch's own loop, graded against the key


def test_a_filled_notebook_is_graded_from_the_file(tmp_path: Path) -> None:
    out = tmp_path / "nb"
    assert (
        cli(
            "exercise", "--format", "ipynb", "--stages", "forward,activation,loss", "--out", out
        ).returncode
        == 0
    )
    nb = json.loads((out / "sheet.ipynb").read_text())
    ex = Exercise.from_dict(nb["metadata"]["perceptron_lab"]["recipe"])
    s = solve(ex)
    answers = rounded(torch_step(ex, s.numbers, bias=False))
    for cell in nb["cells"]:
        if "answer" in cell["metadata"].get("tags", []):
            name = cell["source"].split(" =")[0]
            cell["source"] = f"{name} = {answers[name]!r}"
    (out / "filled.ipynb").write_text(json.dumps(nb))
    result = cli("check", out / "filled.ipynb")
    assert result.returncode == 0, result.stderr
    assert "0 of 4 right" in result.stdout and "the bias B left out" in result.stdout
    assert "code was run" not in result.stderr  # numbers are read, nothing is run
    assert np.isclose(s.answers["L"], float(torch_step(ex, s.numbers)["L"]))
    # a cell that computes its answer, the bias forgotten: the notebook is run, and says so
    for cell in nb["cells"]:
        if cell["source"].startswith("Z ="):
            cell["source"] = "Z = X @ W  # + B forgotten"
    (out / "computed.ipynb").write_text(json.dumps(nb))
    result = cli("check", out / "computed.ipynb", timeout=300)
    assert result.returncode == 0, result.stderr
    assert "its code was run (nbclient)" in result.stderr
    assert "✗ Z = " in result.stdout and "the bias B left out" in result.stdout
