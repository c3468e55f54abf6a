"""The class: students' ids and names, from ``--variants N`` or a class list CSV, and
``exercise.json``, which records them with the sheet's recipe for ``check``.

A class list is read as a spreadsheet exports it (separator, encoding sniffed as for
data files). Its id column is the first whose header names one (id, student, código,
dni, legajo, matrícula, carné, email, correo …), else the first column; its name column
the first whose header names one (name, nombre, apellidos …), else none. A list
without a header row is taken as ids (and names in the second column). Ids must be
non-empty and unique: a student's numbers come from the id. Names hold commas ("Pérez,
Ana"), so a list whose first line has a semicolon is read as semicolon-separated.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import InputError
from .exercise import Exercise

ID_HEADERS = (
    "id",
    "student",
    "student_id",
    "codigo",
    "code",
    "dni",
    "legajo",
    "matricula",
    "carne",
    "carnet",
    "email",
    "correo",
    "usuario",
    "user",
    "alumno_id",
)
NAME_WORDS = ("name", "nombre", "apellido", "alumno", "estudiante")  # a header holding one


@dataclass(frozen=True)
class Student:
    """One student of the class list: the id their numbers come from, and a name."""

    id: str
    name: str | None = None


def _plain(header: str) -> str:
    """A header compared without accents, case or spacing: 'Matrícula ' → 'matricula'."""
    text = unicodedata.normalize("NFKD", header.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace(" ", "_").replace("-", "_")


def numbered(count: int) -> tuple[Student, ...]:
    """``count`` students with ids 01, 02, … (zero-padded to sort as numbers)."""
    width = len(str(count))
    return tuple(Student(f"{i:0{width}d}") for i in range(1, count + 1))


def read_class_list(path: Path) -> tuple[Student, ...]:
    """The students of a class list CSV, in its order."""
    from ..data.csv_dialect import read_dialect, rows

    raw = path.read_bytes()
    # names hold commas ("Pérez, Ana") and never semicolons: a list with them is ';'-separated
    first = raw.split(b"\n", 1)[0]
    text, dialect = read_dialect(raw, str(path), default_sep=";" if b";" in first else ",")
    table = [[c.strip() for c in r] for r in rows(text, dialect.sep) if any(c.strip() for c in r)]
    if not table:
        raise InputError(
            "class_list", "a CSV of students (an id column, a name column)", f"{str(path)!r}: empty"
        )
    header = [_plain(h) for h in table[0]]
    id_col = next((i for i, h in enumerate(header) if h in ID_HEADERS), None)
    if id_col is None:  # "Correo electrónico", "Nº de matrícula": a word of the header
        words = [set(re.split(r"[^a-z0-9]+", h)) for h in header]
        id_col = next((i for i, w in enumerate(words) if w & set(ID_HEADERS)), None)
    name_col = next(
        (i for i, h in enumerate(header) if i != id_col and any(w in h for w in NAME_WORDS)), None
    )
    body = table[1:]
    if id_col is None and name_col is None:  # no header row: ids (and names) only
        body, id_col, name_col = table, 0, 1 if len(table[0]) > 1 else None
    id_col = name_col if id_col is None else id_col  # only a name column: names are the ids
    assert id_col is not None
    students: list[Student] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(body, start=len(table) - len(body) + 1):
        ident = row[id_col] if id_col < len(row) else ""
        if not ident:
            raise InputError("class_list", f"an id on every row (line {line})", "an empty cell")
        if ident in seen:
            raise InputError(
                "class_list", f"unique ids (line {line} repeats line {seen[ident]})", repr(ident)
            )
        seen[ident] = line
        name = row[name_col] if name_col is not None and name_col < len(row) else None
        students.append(Student(ident, name or None))
    if not students:
        raise InputError(
            "class_list", "at least one student below the header", f"{str(path)!r}: none"
        )
    return tuple(students)


COURSE_FILE = "exercise.json"


def course_json(ex: Exercise, students: Sequence[Student]) -> str:
    """``exercise.json``: the sheet's recipe (no student) and the class, for ``check``."""
    data = {
        "recipe": replace(ex, student=None, name=None).to_dict(),
        "students": [{"id": s.id, "name": s.name} for s in students],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read_course(path: Path) -> tuple[Exercise, tuple[Student, ...]]:
    """The recipe and the class an ``exercise.json`` (or its folder) records."""
    path = path / COURSE_FILE if path.is_dir() else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            "exercise", f"the {COURSE_FILE} that exercise wrote", f"{str(path)!r}: no such file"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError(
            "exercise", f"the {COURSE_FILE} that exercise wrote", f"{str(path)!r}: not JSON"
        ) from None
    if not isinstance(data, dict) or "recipe" not in data:
        raise InputError(
            "exercise", f"the {COURSE_FILE} that exercise wrote (recipe, students)", repr(str(path))
        )
    students = tuple(
        Student(str(s["id"]), s.get("name"))
        for s in data.get("students", [])
        if isinstance(s, dict) and "id" in s
    )
    return Exercise.from_dict(data["recipe"], "exercise"), students
