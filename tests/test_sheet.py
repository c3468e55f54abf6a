"""Exercise sheets and answer keys (views/sheet): what they state, ask, answer and compile to.

The oracles are independent of the engine: the data are read back out of the sheet's own
TeX and compared with the Solution's numbers; the key's answers are recomputed here with
numpy from those numbers (each loss's formula, each update rule as the sheet states it)
and, for a training stage, by a plain PyTorch loop (nn.Linear, BCEWithLogitsLoss,
torch.optim.SGD, float64); pdflatex's log says whether the LaTeX fits its pages.
"""

from __future__ import annotations

import ast
import html
import re
import shutil
from html.parser import HTMLParser
from typing import Any, ClassVar

import numpy as np
import pytest
import torch

from perceptron_lab.errors import InputError
from perceptron_lab.exercises.exercise import Exercise
from perceptron_lab.exercises.hand_numbers import Numbers
from perceptron_lab.exercises.quantities import asked
from perceptron_lab.exercises.solved import Solution, solve
from perceptron_lab.views.explain.build import build
from perceptron_lab.views.sheet import (
    FORMATS,
    TypesetError,
    combined_key,
    compile_pdf,
    document,
    key,
    key_text,
    sheet_text,
    typeset,
)

TEXT = ("markdown", "latex", "html")
ALL_STAGES = ("forward", "activation", "loss", "gradient", "update", "training")


@pytest.fixture(scope="module")
def es() -> Solution:
    return solve(Exercise(student="07", name="Ana Pérez", lang="es"))


@pytest.fixture(scope="module")
def en() -> Solution:
    return solve(Exercise(student="12", name="Ben Okafor", lang="en"))


@pytest.fixture(scope="module")
def trained() -> Solution:
    return solve(Exercise(stages=("loss", "training"), steps=4, lr=0.5, student="03", lang="en"))


# --- oracles ----------------------------------------------------------------------------------


def by_numpy(ex: Exercise, nums: Numbers) -> dict[str, np.ndarray]:
    """Step 1 of the sheet by its formulas, in numpy, and one plain SGD update."""
    X, y, W, B = nums.X, nums.y, nums.W, nums.B
    N, k = X.shape[0], W.shape[1]
    Z = X @ W + B
    if ex.loss == "bce":
        A, Y = 1 / (1 + np.exp(-Z)), y[:, None]
        ell = -(Y * np.log(A) + (1 - Y) * np.log(1 - A))[:, 0]
        dZ = (A - Y) / N
    elif ex.loss == "cross_entropy":
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        A, Y = E / E.sum(axis=1, keepdims=True), np.eye(k)[y.astype(int)]
        ell = -np.log((A * Y).sum(axis=1))
        dZ = (A - Y) / N
    elif ex.loss == "mse":
        A, Y = Z, y[:, None]
        ell = ((Z - Y) ** 2)[:, 0]
        dZ = 2 * (Z - Y) / N
    else:  # the perceptron criterion, t = y ∈ {−1, +1}
        assert np.abs(Z).min() > 1e-9, "a logit on the boundary: pick another variant"
        A, T = (Z >= 0).astype(float), y[:, None]
        ell = np.maximum(0, -T * Z)[:, 0]
        dZ = -T * (T * Z <= 0) / N
    dW, dB = X.T @ dZ, dZ.sum(axis=0)
    out = {"Z": Z, "A": A, "loss_per_sample": ell, "L": np.array(ell.mean())}
    out |= {"dL_dZ": dZ, "dL_dW": dW, "dL_dB": dB}
    return out | {"W_new": W - ex.lr * dW, "B_new": B - ex.lr * dB}


def rule_step(
    rule: str, theta: np.ndarray, g: np.ndarray, s: dict[str, Any], t: int, lr: float
) -> np.ndarray:
    """One update as the sheet's intro writes the rule (θ, g, its state ``s``, step t)."""
    if rule == "sgd":
        return theta - lr * g
    if rule in ("momentum", "nesterov"):
        s["u"] = 0.9 * s.get("u", 0) + g
        return theta - lr * (g + 0.9 * s["u"] if rule == "nesterov" else s["u"])
    if rule in ("adam", "adamw"):
        if rule == "adamw":
            theta = theta * (1 - lr * 0.01)
        s["m"] = 0.9 * s.get("m", 0) + 0.1 * g
        s["v"] = 0.999 * s.get("v", 0) + 0.001 * g**2
        m_hat, v_hat = s["m"] / (1 - 0.9**t), s["v"] / (1 - 0.999**t)
        return theta - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
    if rule == "rmsprop":
        s["v"] = 0.99 * s.get("v", 0) + 0.01 * g**2
        return theta - lr * g / (np.sqrt(s["v"]) + 1e-8)
    assert rule == "adagrad"
    s["s"] = s.get("s", 0) + g**2
    return theta - lr * g / (np.sqrt(s["s"]) + 1e-10)


def trained_by_numpy(ex: Exercise, nums: Numbers) -> tuple[list[float], np.ndarray, np.ndarray]:
    """A BCE sheet's T steps with ``ex.optimizer``'s rule as the sheet states it."""
    W, B = nums.W.copy(), nums.B.copy()
    states: dict[str, dict[str, Any]] = {"W": {}, "B": {}}
    losses = []
    for t in range(1, ex.steps + 1):
        step = by_numpy(ex, Numbers(nums.X, nums.y, W, B))
        losses.append(float(step["L"]))
        W = rule_step(ex.optimizer, W, step["dL_dW"], states["W"], t, ex.lr)
        B = rule_step(ex.optimizer, B, step["dL_dB"], states["B"], t, ex.lr)
    return losses, W, B


def by_torch_loop(ex: Exercise, nums: Numbers) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """The notebook's loop: nn.Linear, BCEWithLogitsLoss, SGD, the whole batch, float64."""
    f64 = torch.float64
    layer = torch.nn.Linear(ex.d, 1, dtype=f64)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(nums.W.T, dtype=f64))
        layer.bias.copy_(torch.tensor(nums.B, dtype=f64))
    X = torch.tensor(nums.X, dtype=f64)
    y = torch.tensor(nums.y, dtype=f64)[:, None]
    loss_fn = torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(layer.parameters(), lr=ex.lr)
    rows = []
    for _ in range(ex.steps):
        optimizer.zero_grad()
        loss = loss_fn(layer(X), y)
        loss.backward()
        optimizer.step()
        W = layer.weight.detach().numpy().T.copy()
        rows.append((float(loss.detach()), W, layer.bias.detach().numpy().copy()))
    return rows


# --- reading the documents back ---------------------------------------------------------------


def matrix(tex: str, symbol: str) -> np.ndarray:
    """The numbers of ``symbol = \\begin{pmatrix} … \\end{pmatrix}`` in a document's TeX."""
    found = re.search(
        rf"(?<![\\\w]){symbol} = \\begin\{{pmatrix\}}(.*?)\\end\{{pmatrix\}}", tex, re.S
    )
    assert found is not None, symbol
    rows = [row.split("&") for row in found.group(1).split(r"\\")]
    return np.array([[float(cell) for cell in row] for row in rows])


def final_answers(md: str) -> dict[str, tuple[str, np.ndarray]]:
    """The Markdown key's final answers: name → (the value as written, its numbers)."""
    rows = re.finditer(r"^\| (\d+) \| `(\w+)` \| \$[^|]*\$ \| `([^`]*)` \|$", md, re.M)
    return {m.group(2): (m.group(3), np.array(ast.literal_eval(m.group(3)))) for m in rows}


def training_rows(md: str) -> list[list[str]]:
    """The Markdown key's training table, each row's cells (t, L_t, W after, B after)."""
    rows = re.findall(r"^\| (\d+) \| `([^`]*)` \| `([^`]*)` \| `([^`]*)` \|$", md, re.M)
    return [list(r) for r in rows]


def assert_rounds(written: str, value: np.ndarray, exact: np.ndarray, decimals: int) -> None:
    """``value`` (read from ``written``) is ``exact`` rounded to ``decimals``, each number."""
    exact = np.asarray(exact, dtype=float)
    if exact.ndim == 2 and exact.shape[1] == 1:
        exact = exact[:, 0]  # a column is written as a list
    if exact.size == 1:
        exact = exact.reshape(())  # one number as a number, as the answer file asks it
    assert value.shape == exact.shape, (written, exact)
    assert np.all(np.abs(value - exact) <= 0.5 * 10.0**-decimals + 1e-12), (written, exact)
    numbers = re.findall(r"-?\d+\.\d+", written)
    assert numbers and all(len(n.split(".")[1]) == decimals for n in numbers), written


def answer_strings(solution: Solution) -> set[str]:
    """Every asked number, rounded to the sheet's decimals as a key writes it."""
    d = solution.exercise.decimals
    return {f"{v:.{d}f}".lstrip("-") for a in solution.answers.values() for v in np.ravel(a)} - {
        f"{0:.{d}f}"
    }


class Balance(HTMLParser):
    """Every element closed, in order (void elements aside)."""

    VOID: ClassVar[set[str]] = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, (tag, self.open[-3:])
        self.open.pop()


# --- the explanation's sections say their stage -----------------------------------------------


def test_each_section_of_the_explanation_names_its_stage(es: Solution) -> None:
    stages = [s.stage for s in build(es.records[0], "en").sections]
    assert stages == ["given", "forward", "activation", "loss", "dz", "gradient", "update"]


def test_the_key_keeps_the_asked_stages_only() -> None:
    solution = solve(Exercise(stages=("forward", "gradient"), student="21"))
    k = key(solution)
    assert [s.stage for s in k.explanation.sections] == ["given", "forward", "dz", "gradient"]
    md = key_text(solution)
    assert "1. Forward pass" in md and "4. Gradient of the loss" in md
    assert "2. Activation" not in md and "6. Update" not in md and "3. Loss" not in md


# --- (a) the sheet states the data, asks each quantity, gives no answer -----------------------


@pytest.mark.parametrize("fmt", TEXT)
@pytest.mark.parametrize("which", ["es", "en"])
def test_the_sheet_states_the_data_exactly(
    which: str, fmt: str, request: pytest.FixtureRequest
) -> None:
    solution: Solution = request.getfixturevalue(which)
    text = sheet_text(solution, fmt)
    tex = html.unescape(text) if fmt == "html" else text  # HTML keeps the TeX in data-tex
    nums = solution.numbers
    assert np.array_equal(matrix(tex, "X"), nums.X)
    assert np.array_equal(matrix(tex, "y"), nums.y[:, None])
    assert np.array_equal(matrix(tex, "W"), nums.W)
    assert np.array_equal(matrix(tex, "B"), nums.B[None, :])


@pytest.mark.parametrize("fmt", TEXT)
def test_the_sheet_asks_every_quantity_under_its_answer_file_name(en: Solution, fmt: str) -> None:
    text = sheet_text(en, fmt)
    names = [q.name for q in asked(en.exercise)]
    assert len(names) == 9
    code = {"markdown": "`{}`", "latex": "\\texttt{{{}}}", "html": "<code>{}</code>"}[fmt]
    escaped = {"markdown": str, "latex": lambda n: n.replace("_", r"\_"), "html": str}[fmt]
    places = [text.index(code.format(escaped(n))) for n in names]
    assert places == sorted(places)  # in asked order
    for n in range(1, len(names) + 1):
        assert f"Question {n}." in text
    assert "Question 10." not in text
    md = sheet_text(en)
    assert "`Z`." in md and "a 3 × 1 matrix (a column of 3 numbers)" in md
    assert "Answer: a single number, with 4 decimals. In the answer file: `L`." in md
    assert md.count("give each number with 4 decimals") == 8


@pytest.mark.parametrize("fmt", TEXT)
@pytest.mark.parametrize("which", ["es", "en", "trained"])
def test_the_sheet_gives_no_answer_away(
    which: str, fmt: str, request: pytest.FixtureRequest
) -> None:
    solution: Solution = request.getfixturevalue(which)
    text = sheet_text(solution, fmt)
    L = f"{float(solution.answers['L']):.4f}"
    assert L not in text and L in key_text(solution, fmt)
    if which == "trained":
        last = f"{float(solution.answers['L_steps'][-1]):.4f}"
        assert last not in text and last in key_text(solution, fmt)
    assert [s for s in answer_strings(solution) if s in text] == []
    assert re.search(r"\d\.\d{4}", text) is None  # no number of the asked precision at all


def test_the_intro_gives_the_rule_its_hyper_parameters() -> None:
    text = {
        rule: sheet_text(solve(Exercise(optimizer=rule, student="5", lr=0.05)))
        for rule in ("sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad")
    }
    assert all(r"\gamma = 0.05$ (learning rate)" in t for t in text.values())
    assert r"$\mu = 0.9$ (momentum)" in text["momentum"]
    assert r"$\beta_1 = 0.9$, $\beta_2 = 0.999$" in text["adam"]
    assert r"\varepsilon = 1 \times 10^{-8}" in text["adam"]
    assert r"$\lambda = 0.01$ (weight decay)" in text["adamw"]
    assert r"$\alpha = 0.99$ (smoothing constant)" in text["rmsprop"]
    assert r"\varepsilon = 1 \times 10^{-10}" in text["adagrad"]
    assert r"\mu" not in text["sgd"] and r"\beta" not in text["sgd"]


# --- (b) the key's answers are the right numbers, rounded --------------------------------------


@pytest.mark.parametrize(
    "recipe",
    [
        Exercise(student="07", lang="es"),
        Exercise(student="08", loss="cross_entropy", k=3, N=4),
        Exercise(student="09", loss="mse", stages=("forward", "loss", "gradient", "update")),
        Exercise(student="10", loss="perceptron", lr=1.0),
        Exercise(student="11", decimals=3, N=5, d=3),
    ],
    ids=["bce-es", "cross_entropy", "mse", "perceptron", "3-decimals"],
)
def test_the_key_holds_each_answer_rounded_as_numpy_computes_it(recipe: Exercise) -> None:
    solution = solve(recipe)
    oracle = by_numpy(recipe, solution.numbers)
    md = key_text(solution)
    found = final_answers(md)
    assert list(found) == [q.name for q in asked(recipe)]
    others = {fmt: key_text(solution, fmt) for fmt in ("latex", "html")}
    for name, (written, value) in found.items():
        assert_rounds(written, value, oracle[name], recipe.decimals)
        assert_rounds(written, value, solution.answers[name], recipe.decimals)
        assert written in others["html"]
        assert written.split(", ")[0].lstrip("[") in others["latex"]


@pytest.mark.parametrize(
    "rule", ["sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "adagrad"]
)
def test_the_rule_the_sheet_states_is_the_rule_the_key_applies(rule: str) -> None:
    recipe = Exercise(optimizer=rule, stages=("update", "training"), steps=3, student="4")
    solution = solve(recipe)
    losses, W, B = trained_by_numpy(recipe, solution.numbers)
    found = final_answers(key_text(solution))
    oracle = by_numpy(recipe, solution.numbers)
    first_W = rule_step(rule, solution.numbers.W, oracle["dL_dW"], {}, 1, recipe.lr)
    assert_rounds(*found["W_new"], first_W, 4)
    assert_rounds(*found["L_steps"], np.array(losses), 4)
    assert_rounds(*found["W_final"], W, 4)
    assert_rounds(*found["B_final"], B, 4)


# --- (e) the training stage is the PyTorch loop's ----------------------------------------------


def test_the_training_table_is_the_torch_loop(trained: Solution) -> None:
    ex = trained.exercise
    loop = by_torch_loop(ex, trained.numbers)
    md = key_text(trained)
    rows = training_rows(md)
    assert len(rows) == ex.steps == 4
    for t, ((step, L, W, B), (loss, W_after, B_after)) in enumerate(
        zip(rows, loop, strict=True), start=1
    ):
        assert int(step) == t
        assert_rounds(L, np.array(float(L)), np.array(loss), 4)
        assert_rounds(W, np.array(ast.literal_eval(W)), W_after, 4)
        assert_rounds(B, np.array(ast.literal_eval(B)), B_after, 4)
    found = final_answers(md)
    assert_rounds(*found["L_steps"], np.array([row[0] for row in loop]), 4)
    assert_rounds(*found["W_final"], loop[-1][1], 4)
    assert "Training: 4 steps" in md
    assert "Training: 4 steps" in key_text(trained, "latex")
    assert "<h2>Training: 4 steps</h2>" in key_text(trained, "html")
    # the sheet says what L_t is: before its step's update
    assert "before that step's update" in sheet_text(trained)


# --- (d) Spanish --------------------------------------------------------------------------------


def test_a_spanish_sheet_and_key_are_in_spanish(es: Solution) -> None:
    for fmt in TEXT:
        text = sheet_text(es, fmt)
        for phrase in ("Hoja de ejercicios", "señal neta", "función de pérdida", "Pregunta 1"):
            assert phrase in text, (fmt, phrase)
        for phrase in ("tasa de aprendizaje", "Datos", "Ana Pérez (07)"):
            assert phrase in text, (fmt, phrase)
        for phrase in ("Exercise sheet", "Question", "Compute", "learning rate", "Answer", "Data"):
            assert phrase not in text, (fmt, phrase)
        key_doc = key_text(es, fmt)
        assert "Respuestas finales" in key_doc and "Paso 1" in key_doc
        assert "Final answers" not in key_doc and "Step 1" not in key_doc
    assert '<html lang="es">' in sheet_text(es, "html")


# --- (f) one key for the whole class ------------------------------------------------------------


@pytest.mark.parametrize("fmt", TEXT)
def test_the_combined_key_holds_every_variant(fmt: str) -> None:
    roster = [("01", "Ana Pérez"), ("02", "Bo Li"), ("03", "Chidi Eze")]
    solutions = [solve(Exercise(lang="en").for_student(i, name)) for i, name in roster]
    assert len({s.numbers.X.tobytes() for s in solutions}) == 3  # different ids, numbers
    text = combined_key(solutions, fmt)
    assert "Answer keys of 3 variants" in text
    for (ident, name), solution in zip(roster, solutions, strict=True):
        who = f"{name} ({ident})"
        assert (html.escape(who) if fmt == "html" else who) in text
        assert f"{float(solution.answers['L']):.4f}" in text
    if fmt == "latex":
        assert text.count(r"\clearpage") == 3 and text.count(r"\begin{document}") == 1
    if fmt == "html":
        assert text.count('<article class="variant">') == 3


# --- (g) HTML is a whole page -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sheet", "key"])
def test_html_is_a_whole_printable_page(en: Solution, kind: str) -> None:
    page = (sheet_text if kind == "sheet" else key_text)(en, "html")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<meta charset="utf-8">' in page and page.rstrip().endswith("</html>")
    assert "@media print" in page
    for outside in ("http://", "https://", "<script", "<link", "src="):
        assert outside not in page
    parser = Balance()
    parser.feed(page)
    parser.close()
    assert parser.open == []
    if kind == "key":
        for name, (written, _) in final_answers(key_text(en)).items():
            assert f"<code>{name}</code>" in page and written in page
    else:
        text = re.sub(r"<[^>]+>", " ", page)  # the numbers as a reader sees them
        for value in en.numbers.X.ravel():
            assert f" {value:g} " in text
        assert "σ(z)" in text  # a formula as Unicode text


# --- (c) LaTeX compiles and fits its pages -------------------------------------------------------


def overfull(log: str) -> list[float]:
    return [float(p) for p in re.findall(r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide", log)]


@pytest.mark.parametrize(
    "recipe",
    [
        Exercise(student="07", name="Ana Pérez", lang="es", stages=ALL_STAGES),
        Exercise(
            N=8,
            d=4,
            k=4,
            loss="cross_entropy",
            optimizer="adam",
            stages=ALL_STAGES,
            steps=5,
            student="x",
            lang="en",
        ),
    ],
    ids=["es", "adam-4-classes"],
)
def test_the_latex_sheet_and_key_compile_and_fit(pdflatex: str, recipe: Exercise) -> None:
    solution = solve(recipe)
    sheet_run = typeset(sheet_text(solution, "latex"))
    assert sheet_run.pdf.startswith(b"%PDF") and [p for p in overfull(sheet_run.log) if p > 1] == []
    pages = re.search(r"Output written on doc\.pdf \((\d+) pages?", sheet_run.log)
    assert pages is not None and int(pages.group(1)) <= 3
    key_run = typeset(key_text(solution, "latex"))
    assert key_run.pdf.startswith(b"%PDF") and [p for p in overfull(key_run.log) if p > 1] == []
    assert document(solution, "key", "pdf").startswith(b"%PDF")


def test_a_document_pdflatex_refuses_says_its_first_error(pdflatex: str) -> None:
    tex = "\\documentclass{article}\\begin{document}\\nosuchmacro\\end{document}\n"
    with pytest.raises(TypesetError, match=r"pdflatex failed: ! Undefined control sequence"):
        compile_pdf(tex)


def test_without_pdflatex_the_error_says_what_to_install(
    es: Solution, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="apt-get install texlive-latex-recommended"):
        document(es, "sheet", "pdf")


def test_formats_and_kinds_are_checked(es: Solution) -> None:
    assert FORMATS == ("markdown", "latex", "html", "pdf")
    assert document(es, "sheet", "markdown").decode("utf-8") == sheet_text(es)
    with pytest.raises(InputError, match="format: expected one of markdown, latex, html, pdf"):
        document(es, "sheet", "docx")
    with pytest.raises(InputError, match="kind"):
        document(es, "notes", "html")
