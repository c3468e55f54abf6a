"""A student's answers against the key: each quantity right or wrong, and why.

An answer is right when every number is within the tolerance of the key (one unit in
the last asked decimal: :func:`~.solved.tolerance`). A column (k = 1) may be written
as a flat list, a row or a column; a matrix must have the key's shape. For each wrong
answer every known mistake that can happen on the sheet (:mod:`.mistakes`) is tested
by recomputation: the answer the student would have written with that mistake, from
the sheet's own numbers, carried forward from where the mistake is made. The first
mistake (in :data:`~.mistakes.MISTAKES` order) told apart on that quantity
(:attr:`~.solved.Solution.named`) whose value matches within the same tolerance is
the diagnosis; none matching is said too. Nothing is guessed from the
size of the error.

:func:`check` is the public entry (``perceptron_lab.check``): answers from a mapping or
a file, the recipe from the course's ``exercise.json`` or the file's own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from .answers import Submission, read_answers, recipe_for, shown
from .exercise import Exercise
from .mistakes import from_answers
from .quantities import asked
from .roster import Student, read_course
from .solved import Solution, solve

SLACK = 1e-9  # float64 noise on top of the tolerance
STATUSES = ("right", "wrong", "missing", "unreadable", "shape")
BLANKS = ("", "_", "?", "...", "…")  # what an unfilled template entry holds


@dataclass(frozen=True)
class Mark:
    """One quantity's grade: its status, the key, the answer and the mistake that explains it."""

    name: str  # the answer-file name: "Z", "dL_dW", …
    status: str  # one of STATUSES
    expected: np.ndarray
    given: np.ndarray | None = None  # as read, when readable
    mistake: str | None = None  # one of MISTAKES, for a wrong answer one reproduces
    off: int = 0  # how many of the numbers are off
    detail: str = ""  # what could not be read, or the shapes that differ
    follows: str | None = None  # a wrong answer computed right from this wrong earlier one

    @property
    def right(self) -> bool:
        return self.status == "right"


@dataclass(frozen=True, repr=False)
class Grade:
    """A student's sheet graded: one :class:`Mark` per asked quantity."""

    exercise: Exercise
    marks: tuple[Mark, ...]
    tolerance: float
    reveal: bool = True  # whether its display shows the key's values (not to a student)

    @property
    def score(self) -> int:
        """How many quantities are right."""
        return sum(m.right for m in self.marks)

    @property
    def total(self) -> int:
        """How many quantities the sheet asks for."""
        return len(self.marks)

    @property
    def carried(self) -> int:
        """How many wrong answers follow right from the student's own earlier wrong ones."""
        return sum(m.follows is not None for m in self.marks)

    @property
    def mistakes(self) -> tuple[str, ...]:
        """The mistakes named, once each, in the order they first appear."""
        return tuple(dict.fromkeys(m.mistake for m in self.marks if m.mistake))

    def _repr_html_(self) -> str:  # a grade shows itself as a table in a notebook
        from ..views.grade_report import grade_html

        return grade_html(self)

    def __str__(self) -> str:
        from ..views.grade_report import grade_lines

        return "\n".join(grade_lines(self))

    __repr__ = __str__  # a notebook's plain-text output


DECIMAL_COMMA = re.compile(r"\s*[+-]?\d+,\d+\s*")  # "0,7109", as a Spanish keyboard writes it


def _plain(value: Any) -> Any:
    """``value`` with numbers written as text read as numbers: "0.25", and "0,25" too."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        text = value.replace(",", ".") if DECIMAL_COMMA.fullmatch(value) else value
        try:
            return float(text)
        except ValueError:
            return value
    return value


def _numbers(value: Any) -> np.ndarray | str:
    """``value`` as a float64 array, or what makes it unreadable."""
    if hasattr(value, "detach"):  # a torch tensor from a student's notebook
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(_plain(value), dtype=np.float64)
    except (TypeError, ValueError):
        return repr(value)
    if array.dtype == object or not np.isfinite(array).all():
        return repr(value)
    return array


def is_blank(value: Any) -> bool:
    """Whether ``value`` is an unfilled answer: None, a template's ``_`` (a notebook's
    ``...``), or a list of them."""
    if value is None or value is Ellipsis:
        return True
    if isinstance(value, str):
        return value.strip() in BLANKS
    if isinstance(value, list | tuple):
        return len(value) > 0 and all(is_blank(v) for v in value)
    return False


def _aligned(given: np.ndarray, expected: np.ndarray) -> np.ndarray | None:
    """``given`` in ``expected``'s shape when it is the same numbers, else None.

    A vector (at most one dimension over 1) may come flat, as a row or as a column.
    """
    if given.shape == expected.shape:
        return given
    vector = sum(n > 1 for n in expected.shape) <= 1
    if vector and given.size == expected.size and sum(n > 1 for n in given.shape) <= 1:
        return given.reshape(expected.shape)
    return None


def _close(given: np.ndarray, expected: np.ndarray, tol: float) -> bool:
    aligned = _aligned(given, expected)
    return aligned is not None and bool((np.abs(aligned - expected) <= tol + SLACK).all())


class Grader:
    """Grades answers to one solved sheet (its mistakes' answers were computed with it)."""

    def __init__(self, solution: Solution) -> None:
        self.solution = solution
        self.exercise = solution.exercise
        self.tol = solution.tolerance

    def diagnose(self, name: str, given: np.ndarray) -> str | None:
        """The first mistake told apart on ``name`` whose recomputed value matches ``given``."""
        for mistake, answers in self.solution.wrong.items():
            told = (mistake, name) in self.solution.named
            if told and _close(given, answers[name], self.tol):
                return mistake
        return None

    def mark(self, name: str, value: Any) -> Mark:
        """The grade of one answer."""
        expected = self.solution.answers[name]
        if is_blank(value):
            return Mark(name, "missing", expected)
        given = _numbers(value)
        if isinstance(given, str):
            return Mark(name, "unreadable", expected, detail=given)
        mistake = self.diagnose(name, given)
        aligned = _aligned(given, expected)
        if aligned is None:
            wanted = shown(expected).shape
            shapes = (
                f"{'×'.join(map(str, given.shape)) or '1'} ≠ {'×'.join(map(str, wanted)) or '1'}"
            )
            return Mark(name, "shape", expected, given, mistake, given.size, shapes)
        off = int((np.abs(aligned - expected) > self.tol + SLACK).sum())
        if off == 0:
            return Mark(name, "right", expected, aligned)
        return Mark(name, "wrong", expected, aligned, mistake, off)

    def follows(self, name: str, given: np.ndarray, earlier: dict[str, np.ndarray]) -> str | None:
        """The student's own earlier answer that ``given`` is computed right from, if any."""
        ex, nums = self.exercise, self.solution.numbers
        for source, value in from_answers(ex, nums, name, earlier):
            if _close(given, value, self.tol):
                return source
        return None

    def grade(self, answers: Mapping[str, Any]) -> Grade:
        """Every asked quantity of ``answers`` (a missing key is a missing answer).

        A wrong answer no known mistake explains is tested against the student's own
        earlier answers (:func:`~.mistakes.from_answers`): computed right from a wrong Z,
        it is an error carried forward (``Mark.follows``), not a new one.
        """
        marks = []
        earlier: dict[str, np.ndarray] = {}
        for q in asked(self.exercise):
            mark = self.mark(q.name, answers.get(q.name))
            if mark.status == "wrong" and mark.mistake is None and mark.given is not None:
                mark = replace(mark, follows=self.follows(q.name, mark.given, earlier))
            if mark.status in ("right", "wrong") and mark.given is not None:
                earlier[q.name] = mark.given
            marks.append(mark)
        return Grade(self.exercise, tuple(marks), self.tol)


def grade(solution: Solution, answers: Mapping[str, Any]) -> Grade:
    """``answers`` (name → numbers) graded against ``solution``'s key."""
    return Grader(solution).grade(answers)


def _course(exercise: Any) -> tuple[Exercise | None, tuple[Student, ...]]:
    if exercise is None or isinstance(exercise, Exercise):
        return exercise, ()
    if isinstance(exercise, str | Path):
        return read_course(Path(exercise))
    if isinstance(exercise, Mapping):
        if "recipe" in exercise:  # exercise.json's content
            students = tuple(
                Student(str(s["id"]), s.get("name")) for s in exercise.get("students", [])
            )
            return Exercise.from_dict(exercise["recipe"], "exercise"), students
        return Exercise.from_dict(dict(exercise), "exercise"), ()
    raise InputError(
        "exercise",
        "an Exercise, a recipe mapping, or the path of exercise.json",
        type(exercise).__name__,
    )


def check(
    answers: Mapping[str, Any] | str | Path,
    exercise: Exercise | Mapping[str, Any] | str | Path | None = None,
    *,
    student: str | None = None,
    lang: str | None = None,
    reveal: bool = False,
) -> Grade:
    """Grade ``answers`` against the key of the student's own sheet.

    ``answers``: quantity name → numbers (lists, NumPy arrays or tensors: ``{"Z": Z,
    "L": L}``), or the path of an answer file (YAML, JSON, CSV, a notebook).
    ``exercise``: the sheet's recipe — an :class:`Exercise`, its mapping, or the path of
    the ``exercise.json`` that ``perceptron-lab exercise`` wrote (it outranks the recipe
    an answer file carries); ``student`` the id whose variant it is (default: the
    file's). ``lang``: the language of the grade's words (default: the sheet's).
    ``reveal``: whether the grade's display shows the key's value beside a wrong or
    missing answer (not by default: the notebook's check cell is the student's).

    >>> from perceptron_lab.exercises.exercise import Exercise
    >>> sheet = Exercise(stages=("forward",), student="07")
    >>> check({"Z": [0.9, 0.1, 1.6]}, sheet).score
    1
    """
    if isinstance(answers, str | Path):
        sub = read_answers(Path(answers))
    elif isinstance(answers, Mapping):
        sub = Submission("answers", None, None, dict(answers))
    else:
        raise InputError(
            "answers",
            "a mapping of quantity → numbers, or an answer file's path",
            type(answers).__name__,
        )
    course, students = _course(exercise)
    return replace(grade_submission(sub, course, students, student, lang), reveal=reveal)


def grade_submission(
    sub: Submission,
    course: Exercise | None = None,
    students: tuple[Student, ...] = (),
    student: str | None = None,
    lang: str | None = None,
) -> Grade:
    """``sub`` graded on its recipe (:func:`~.answers.recipe_for`), worded in ``lang``."""
    recipe = recipe_for(sub, course, students, student)
    if lang is not None:
        recipe = replace(recipe, lang=lang)  # checked as the recipe checks it
    return grade(solve(recipe), sub.answers)
