"""The answer files a student fills in and hands back: YAML, JSON, CSV or a notebook.

Each template carries the student's id and the sheet's recipe, so a returned file can
be graded alone (an instructor's ``exercise.json`` outranks it: a student cannot change
their own numbers). The forms, with ``_`` for a number still to fill in:

- YAML (``answers.yaml``)::

      student: '07'
      recipe: {stages: forward,activation,loss, loss: bce, …}
      answers:
        Z: [_, _, _]      # Z, 3 numbers
        L: _

- JSON: the same keys, ``null`` for a blank;
- CSV, as a spreadsheet edits it: one row per number, ``quantity,row,column,value``;
  the rows ``student`` and ``recipe`` hold the id and the recipe (JSON) in ``value``;
- a notebook (``.ipynb``): its metadata ``perceptron_lab`` holds student and recipe; each
  cell tagged ``answer`` assigns quantities (``Z = [[0.9], [0.1], [1.6]]``). Literal
  values are read without running anything; a cell that computes its answers (``Z = X @
  W + B``) needs the notebook run, which :func:`read_answers` does with nbclient when
  it is installed.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from .exercise import Exercise
from .quantities import asked
from .roster import Student
from .solved import Solution

KINDS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv", ".ipynb": "ipynb"}
BLANK = "_"
TIMEOUT = 120  # seconds a student's notebook may run to give its answers


@dataclass(frozen=True)
class Submission:
    """What a returned answer file holds: whose it is, its recipe and the answers."""

    source: str  # the file's path, for messages and the grade table
    student: str | None
    recipe: Exercise | None
    answers: dict[str, Any]
    ran: bool = False  # a notebook whose code was run to read its answers


def kind_of(path: Path) -> str:
    """The answer file's kind from its suffix."""
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            "answers", "a .yaml, .yml, .json, .csv or .ipynb answer file", repr(str(path))
        )
    return kind


def shown(value: np.ndarray) -> np.ndarray:
    """``value`` as a sheet asks for it: a column (n, 1) as a list of n, one number as one."""
    if value.size == 1:
        return value.reshape(())
    if value.ndim == 2 and value.shape[1] == 1:
        return value[:, 0]
    return value


def _blank_like(value: np.ndarray) -> Any:
    """The template's blanks in the shape the sheet asks ``value`` in."""
    return np.full(shown(value).shape, BLANK, dtype=object).tolist()


def _header(solution: Solution) -> dict[str, Any]:
    ex = solution.exercise
    return {"student": ex.student, "recipe": ex.to_dict()}


def _flow(value: Any) -> str:
    """A YAML flow value: ``[_, _]`` or ``[[_, _], [_, _]]`` or ``_``."""
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return str(value)


def template(solution: Solution, kind: str, note: str | None = None) -> str:
    """The blank answer file of ``solution``'s sheet in ``kind`` (yaml, json or csv).

    ``note`` (how to fill it in, in the sheet's language) heads a YAML file as a comment.
    """
    header = _header(solution)
    blanks = {q.name: _blank_like(solution.answers[q.name]) for q in asked(solution.exercise)}
    if kind == "json":
        nulls = json.loads(json.dumps(blanks).replace(f'"{BLANK}"', "null"))
        return json.dumps({**header, "answers": nulls}, indent=2, ensure_ascii=False) + "\n"
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["quantity", "row", "column", "value"])
        writer.writerow(["student", "", "", header["student"] or ""])
        writer.writerow(["recipe", "", "", json.dumps(header["recipe"])])
        for q in asked(solution.exercise):
            value = shown(solution.answers[q.name])
            for index in np.ndindex(value.shape):
                row = index[0] + 1 if value.ndim else ""
                col = index[1] + 1 if value.ndim == 2 else ""
                writer.writerow([q.name, row, col, ""])
        return out.getvalue()
    lines = [f"# {note}"] if note else []
    lines += [
        f"student: {json.dumps(header['student'])}",
        f"recipe: {json.dumps(header['recipe'])}",
    ]
    lines.append("answers:")
    lines += [f"  {name}: {_flow(blank)}" for name, blank in blanks.items()]
    return "\n".join(lines) + "\n"


def _recipe(data: Any, where: str) -> Exercise | None:
    if data is None:
        return None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise InputError(where, "the sheet's recipe as JSON", f"{exc.msg}") from None
    return Exercise.from_dict(data, where)


def _student(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _mapping(data: Any, source: str) -> Submission:
    if not isinstance(data, dict) or not isinstance(data.get("answers", {}), dict):
        raise InputError(
            "answers", "a file with student, recipe and an answers mapping", repr(source)
        )
    return Submission(
        source,
        _student(data.get("student")),
        _recipe(data.get("recipe"), "recipe"),
        dict(data.get("answers") or {}),
    )


def _yaml(text: str, source: str) -> Submission:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError("answers", f"a YAML answer file{where}", f"{source}: not YAML") from None
    return _mapping(data, source)


def _json(text: str, source: str) -> Submission:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            "answers", f"a JSON answer file (line {exc.lineno}: {exc.msg})", repr(source)
        ) from None
    return _mapping(data, source)


def _csv(raw: bytes, source: str) -> Submission:
    """A CSV as a spreadsheet saves it: separator, decimal mark and encoding sniffed."""
    from ..data.csv_dialect import plain_number, read_dialect, rows

    text, dialect = read_dialect(raw, source)
    table = [r for r in rows(text, dialect.sep) if any(cell.strip() for cell in r)]
    header = [c.strip().lower() for c in table[0][:4]] if table else []
    if header != ["quantity", "row", "column", "value"]:
        raise InputError("answers", "a CSV with the header quantity,row,column,value", repr(source))
    student = recipe = None
    cells: dict[str, dict[tuple[int, ...], str]] = {}
    for line, row in enumerate(table[1:], start=2):
        name, r, c, value = [cell.strip() for cell in [*row, "", "", "", ""][:4]]
        if name == "student":
            student = _student(value)
        elif name == "recipe":
            recipe = _recipe(value, "recipe")
        else:
            try:
                index = tuple(int(x) - 1 for x in (r, c) if x)
            except ValueError:
                raise InputError(
                    "answers", f"row and column numbers (line {line})", repr(f"{r},{c}")
                ) from None
            number = plain_number(value, dialect.decimal) if value else value
            cells.setdefault(name, {})[index] = number
    return Submission(source, student, recipe, {n: _assemble(v) for n, v in cells.items()})


def _assemble(cells: dict[tuple[int, ...], str]) -> Any:
    """A CSV quantity's cells as nested lists (blanks as None)."""

    def number(text: str) -> Any:
        if text in ("", BLANK):
            return None
        try:
            return float(text)
        except ValueError:
            return text

    if list(cells) == [()]:
        return number(cells[()])
    shape = tuple(max(i[a] for i in cells) + 1 for a in range(len(next(iter(cells)))))
    out = np.full(shape, None, dtype=object)
    for index, text in cells.items():
        out[index] = number(text)
    return out.tolist()


def _literal_cells(cells: list[dict[str, Any]]) -> tuple[dict[str, Any], bool]:
    """The answers the notebook's answer cells assign literally, and whether all were literal."""
    found: dict[str, Any] = {}
    literal = True
    for cell in cells:
        source = "".join(cell.get("source", ""))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            literal = False
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
                try:
                    value = ast.literal_eval(node.value)
                except ValueError:
                    literal = False
                    continue
                for target in node.targets:
                    found[target.id] = value  # type: ignore[attr-defined]
            elif not isinstance(node, ast.Expr | ast.Pass):
                literal = False
    return found, literal


def _ipynb(text: str, source: str, names: tuple[str, ...] | None) -> Submission:
    try:
        nb = json.loads(text)
        cells = nb["cells"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise InputError(
            "answers", "a Jupyter notebook (.ipynb, JSON with cells)", repr(source)
        ) from None
    meta = nb.get("metadata", {}).get("perceptron_lab", {})
    student, recipe = _student(meta.get("student")), _recipe(meta.get("recipe"), "recipe")
    answer_cells = [c for c in cells if "answer" in c.get("metadata", {}).get("tags", [])]
    found, literal = _literal_cells(answer_cells)
    if not literal:
        found = _run_notebook(nb, source, names or tuple(found))
    return Submission(source, student, recipe, found, ran=not literal)


def _run_notebook(nb: dict[str, Any], source: str, names: tuple[str, ...]) -> dict[str, Any]:
    """Run the notebook (nbclient) and read its answer variables back as JSON."""
    from ..extras import require

    require("notebook", "grading a notebook whose answers are computed", "nbclient", "nbformat")
    import nbclient
    import nbformat

    book = nbformat.from_dict(nb)  # type: ignore[no-untyped-call]
    code = (
        "import json as _j\n"
        "def _plain(v):\n"
        "    v = v.detach().cpu().numpy() if hasattr(v, 'detach') else v\n"
        "    return v.tolist() if hasattr(v, 'tolist') else v\n"
        f"print(_j.dumps({{n: _plain(globals()[n]) for n in {list(names)!r} if n in globals()}}))"
    )
    book.cells = [c for c in book.cells if "check" not in c.get("metadata", {}).get("tags", [])]
    book.cells.append(nbformat.v4.new_code_cell(code))  # type: ignore[no-untyped-call]
    client = nbclient.NotebookClient(
        book, timeout=TIMEOUT, kernel_name="python3", allow_errors=True
    )
    # the kernel's own warnings (its transport) are not the student's: not on our stderr
    client.execute(
        cleanup_kc=True, cwd=str(Path(source).resolve().parent), stderr=subprocess.DEVNULL
    )
    outputs = [o for o in book.cells[-1].get("outputs", []) if o.get("name") == "stdout"]
    if not outputs:
        raise InputError(
            "answers", "a notebook that runs to its answers", f"{source}: it stopped with an error"
        )
    return dict(json.loads("".join(o["text"] for o in outputs).strip().splitlines()[-1]))


def read_answers(path: Path, names: tuple[str, ...] | None = None) -> Submission:
    """The submission in ``path`` (by suffix: YAML, JSON, CSV or a notebook).

    ``names``: the quantities to read from a notebook that has to run (default: those
    its answer cells assign).
    """
    kind = kind_of(path)
    source = str(path)
    if kind == "csv":
        return _csv(path.read_bytes(), source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("answers", "a UTF-8 text file", repr(str(path))) from None
    if kind == "yaml":
        return _yaml(text, source)
    if kind == "json":
        return _json(text, source)
    return _ipynb(text, source, names)


def recipe_for(
    sub: Submission,
    course: Exercise | None = None,
    students: Sequence[Student] = (),
    student: str | None = None,
) -> Exercise:
    """The recipe ``sub`` is graded on: the course's (when given) for the submission's
    student, else the recipe the file carries. ``student`` overrides the file's id."""
    ident = student if student is not None else sub.student
    if course is None:
        if sub.recipe is None:
            raise InputError(
                "exercise",
                "the sheet's recipe: an exercise.json, or an answer file that carries it",
                f"{sub.source}: none",
            )
        return sub.recipe if ident is None else sub.recipe.for_student(ident, sub.recipe.name)
    if course.student is not None or (ident is None and not students):
        return course  # one variant's own recipe, or a sheet made for nobody in particular
    if ident is None:
        raise InputError("student", "the student's id (the file names none)", sub.source)
    names = {s.id: s.name for s in students}
    if students and ident not in names:
        raise InputError("student", "an id of the class list in exercise.json", repr(ident))
    return course.for_student(ident, names.get(ident))
