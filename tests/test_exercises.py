"""Exercise sheets: their numbers, their keys against PyTorch, and grading with named mistakes.

The oracle for a key is an independent PyTorch step written here as tutorials write it
(nn.Linear, the torch.nn loss, backward, torch.optim); the oracle for each mistake is
the same PyTorch step made with that mistake (reduction="sum", no bias, sigmoid applied
twice, …), rounded as a student rounds, and graded: the grader must name that mistake.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from perceptron_lab import check
from perceptron_lab.errors import InputError
from perceptron_lab.exercises.answers import read_answers, template
from perceptron_lab.exercises.exercise import Exercise, stages_of, variant_seed
from perceptron_lab.exercises.grading import grade
from perceptron_lab.exercises.hand_numbers import Numbers
from perceptron_lab.exercises.mistakes import by_hand
from perceptron_lab.exercises.quantities import asked
from perceptron_lab.exercises.roster import read_class_list
from perceptron_lab.exercises.solved import solve

from .exercise_oracle import rounded, torch_step

ALL = ("forward", "activation", "loss", "gradient", "update", "training")
# the exercise: forward + BCE + gradient + one SGD step, in Spanish
SHEET = Exercise(stages=("forward", "activation", "loss", "gradient", "update"), lang="es")


# --- the key is PyTorch's ------------------------------------------------------------------


@pytest.mark.parametrize("student", ["01", "17", "ana.garcia@uni.es"])
def test_key_matches_an_independent_pytorch_step(student: str) -> None:
    solution = solve(SHEET.for_student(student))
    oracle = torch_step(SHEET, solution.numbers)
    for q in asked(SHEET):
        np.testing.assert_allclose(solution.answers[q.name], oracle[q.name], rtol=0, atol=1e-12)


def test_training_stage_matches_a_pytorch_loop() -> None:
    ex = Exercise(stages=("training",), optimizer="momentum", steps=4, student="3")
    s = solve(ex)
    X = torch.tensor(s.numbers.X)
    y = torch.tensor(s.numbers.y)[:, None]
    model = torch.nn.Linear(ex.d, 1, dtype=torch.float64)
    with torch.no_grad():
        model.weight.copy_(torch.tensor(s.numbers.W.T))
        model.bias.copy_(torch.tensor(s.numbers.B))
    opt = torch.optim.SGD(model.parameters(), lr=ex.lr, momentum=0.9)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(ex.steps):  # the loop as tutorials write it
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    np.testing.assert_allclose(s.answers["L_steps"], losses, rtol=0, atol=1e-12)
    np.testing.assert_allclose(s.answers["W_final"], model.weight.detach().T.numpy(), atol=1e-12)
    np.testing.assert_allclose(s.answers["B_final"], model.bias.detach().numpy(), atol=1e-12)


@pytest.mark.parametrize(
    ("loss", "optimizer", "size"),
    [
        ("cross_entropy", "adam", (4, 2, 3)),
        ("mse", "rmsprop", (3, 3, None)),
        ("perceptron", "sgd", (5, 2, None)),
    ],
)
def test_by_hand_is_the_engine(loss: str, optimizer: str, size: tuple) -> None:
    stages = tuple(s for s in ALL if s != "activation" or loss != "mse")
    ex = Exercise(stages=stages, loss=loss, optimizer=optimizer, N=size[0], d=size[1], k=size[2])
    s = solve(ex)
    hand = by_hand(ex, s.numbers)
    for name, value in s.answers.items():
        np.testing.assert_allclose(value, hand[name], rtol=0, atol=1e-12, err_msg=name)
    assert all(r.verified for r in s.records)


# --- the numbers ---------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**63 - 1),
    student=st.text(min_size=1, max_size=12),
    n=st.integers(2, 6),
    d=st.integers(1, 4),
    decimals=st.integers(2, 5),
)
def test_numbers_are_hand_computable_and_grading_is_sound(
    seed: int, student: str, n: int, d: int, decimals: int
) -> None:
    ex = Exercise(stages=ALL, N=n, d=d, seed=seed, student=student, decimals=decimals)
    s = solve(ex)
    X, W, B = s.numbers.X, s.numbers.W, s.numbers.B
    assert np.array_equal(X, np.round(X)) and np.abs(X).max() <= 3
    assert np.allclose(W * 10, np.round(W * 10)) and (W != 0).all() and (B != 0).all()
    z = X @ W + B
    assert np.abs(z).max() <= 3 and set(s.numbers.y) == {0.0, 1.0}
    total = len(asked(ex))
    assert grade(s, rounded(s.answers, decimals)).score == total
    # a student who makes one mistake: where the grader names a mistake, it is one that
    # gives that very answer; where the mistake is told apart, the answer is wrong
    for mistake, wrong in s.wrong.items():
        answers = rounded({q.name: wrong[q.name] for q in asked(ex)}, decimals)
        for mark in grade(s, answers).marks:
            if (mistake, mark.name) in s.named:
                assert not mark.right and mark.mistake is not None, (mistake, mark)
            if mark.mistake is not None:
                named = s.wrong[mark.mistake][mark.name]
                assert np.abs(named - wrong[mark.name]).max() <= 2 * s.tolerance


def test_few_decimals_still_grade_soundly() -> None:
    """At 2 decimals a flipped update hardly moves the training losses: not named there."""
    ex = Exercise(stages=ALL, decimals=2, student="44")
    s = solve(ex)
    assert ("lr_sign_flipped", "W_new") in s.named
    flipped = rounded({q.name: s.wrong["lr_sign_flipped"][q.name] for q in asked(ex)}, 2)
    marks = {m.name: m for m in grade(s, flipped).marks}
    assert marks["W_new"].mistake == "lr_sign_flipped"
    assert all(m.mistake in (None, "lr_sign_flipped") for m in marks.values())


def test_same_id_same_sheet_and_ids_differ() -> None:
    a = solve(SHEET.for_student("07"))
    again = solve(SHEET.for_student("07"))
    assert np.array_equal(a.numbers.X, again.numbers.X) and a.answers["L"] == again.answers["L"]
    sheets = {solve(SHEET.for_student(f"{i:02d}")).numbers.X.tobytes() for i in range(1, 31)}
    assert len(sheets) >= 28  # 30 students, (almost) all different
    # the seed is SHA-256 of "seed/id": stable across processes and machines
    assert variant_seed(0, "07") == variant_seed(0, "07") != variant_seed(1, "07")
    assert variant_seed(5, None) == 5


def test_recipe_refuses_what_cannot_be_done_by_hand() -> None:
    with pytest.raises(InputError, match="stages"):
        stages_of("forward,backprop")
    with pytest.raises(InputError, match="size: expected N an integer from 1 to 20"):
        Exercise(N=500)
    with pytest.raises(InputError, match="optimizer"):
        Exercise(optimizer="lbfgs")
    with pytest.raises(InputError, match="activation"):
        Exercise(stages=("forward", "activation"), loss="mse")
    assert stages_of("update,forward") == ("forward", "update")  # the notebook's order


# --- grading: right answers, and each mistake named --------------------------------------------


def test_correct_sheet_gets_full_marks_rounded_or_truncated() -> None:
    s = solve(SHEET.for_student("12"))
    oracle = torch_step(SHEET, s.numbers)
    g = grade(s, rounded(oracle))
    assert (g.score, g.total) == (9, 9) and not g.mistakes
    truncated = {k: (np.trunc(v * 1e4) / 1e4).tolist() for k, v in oracle.items()}
    assert grade(s, truncated).score == 9
    # one unit beyond the tolerance is wrong, and is no known mistake
    off = rounded(oracle)
    off["L"] = off["L"] + 0.0003
    g = grade(s, off)
    mark = next(m for m in g.marks if m.name == "L")
    assert mark.status == "wrong" and mark.mistake is None and g.score == 8


def _diagnoses(s, answers) -> dict[str, str | None]:
    return {m.name: m.mistake for m in grade(s, answers).marks if not m.right}


def test_sum_instead_of_mean_is_named() -> None:
    s = solve(SHEET.for_student("21"))
    wrong = _diagnoses(s, rounded(torch_step(SHEET, s.numbers, reduction="sum")))
    assert set(wrong) == {"L", "dL_dZ", "dL_dW", "dL_dB", "W_new", "B_new"}
    assert set(wrong.values()) == {"sum_for_mean"}


def test_bias_forgotten_is_named() -> None:
    s = solve(SHEET.for_student("22"))
    wrong = _diagnoses(s, rounded(torch_step(SHEET, s.numbers, bias=False)))
    assert "Z" in wrong and set(wrong.values()) == {"bias_left_out"}


def test_sigmoid_twice_is_named() -> None:
    s = solve(SHEET.for_student("23"))
    wrong = _diagnoses(s, rounded(torch_step(SHEET, s.numbers, sigmoid_twice=True)))
    assert "A" in wrong and "Z" not in wrong
    assert set(wrong.values()) == {"sigmoid_twice"}


def test_update_sign_and_log_sign_and_sigma_for_z_are_named() -> None:
    s = solve(SHEET.for_student("24"))
    right = torch_step(SHEET, s.numbers)
    climbed = rounded(torch_step(SHEET, s.numbers, sign=-1.0))
    assert _diagnoses(s, climbed) == {"W_new": "lr_sign_flipped", "B_new": "lr_sign_flipped"}
    no_minus = rounded(right) | {"L": -round(float(right["L"]), 4)}
    assert _diagnoses(s, no_minus) == {"L": "log_without_minus"}
    sigma = rounded(right) | {"Z": np.round(right["A"][:, 0], 4).tolist()}
    assert _diagnoses(s, sigma) == {"Z": "sigma_for_z"}


def test_gradient_not_zeroed_is_named_in_training() -> None:
    ex = Exercise(stages=("training",), steps=3, student="31")
    s = solve(ex)
    X, y = torch.tensor(s.numbers.X), torch.tensor(s.numbers.y)[:, None]
    model = torch.nn.Linear(ex.d, 1, dtype=torch.float64)
    with torch.no_grad():
        model.weight.copy_(torch.tensor(s.numbers.W.T))
        model.bias.copy_(torch.tensor(s.numbers.B))
    opt = torch.optim.SGD(model.parameters(), lr=ex.lr)
    losses = []
    for _ in range(ex.steps):  # optimizer.zero_grad() forgotten
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(X), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    answers = {
        "L_steps": np.round(losses, 4).tolist(),
        "W_final": np.round(model.weight.detach()[0].numpy(), 4).tolist(),
        "B_final": round(model.bias.item(), 4),
    }
    wrong = _diagnoses(s, answers)
    assert set(wrong) == {"L_steps", "W_final", "B_final"}
    assert set(wrong.values()) == {"not_zeroed"}


def test_transposed_matrix_is_named() -> None:
    ex = Exercise(stages=("gradient",), loss="cross_entropy", k=3, student="5")
    s = solve(ex)
    answers = {k: np.round(v, 4).tolist() for k, v in s.answers.items()}
    answers["dL_dW"] = np.round(s.answers["dL_dW"].T, 4).tolist()
    marks = {m.name: m for m in grade(s, answers).marks}
    assert marks["dL_dW"].status == "shape" and marks["dL_dW"].mistake == "transposed"
    assert marks["dL_dZ"].right and marks["dL_dB"].right


def test_blank_and_unreadable_answers() -> None:
    s = solve(SHEET.for_student("40"))
    marks = {m.name: m for m in grade(s, {"Z": ["_", "_", "_"], "A": "no sé"}).marks}
    assert marks["Z"].status == "missing" and marks["L"].status == "missing"
    assert marks["A"].status == "unreadable"


# --- answer files ------------------------------------------------------------------------------


def _fill_yaml(text: str, answers: dict[str, list]) -> str:
    lines = []
    for line in text.splitlines():
        key = line.strip().split(":")[0]
        if line.startswith("  ") and key in answers:
            line = f"  {key}: {json.dumps(answers[key])}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_yaml_template_filled_in_is_graded(tmp_path) -> None:
    s = solve(SHEET.for_student("08"))
    text = template(s, "yaml")
    assert "_" in text and str(round(float(s.answers["L"]), 4)) not in text
    path = tmp_path / "08.yaml"
    path.write_text(_fill_yaml(text, rounded(torch_step(SHEET, s.numbers, bias=False))))
    g = check(path)  # the file carries its student and recipe
    assert g.exercise.student == "08" and g.score == 0
    assert set(g.mistakes) == {"bias_left_out"}
    assert "sesgo" in str(g)  # named in the sheet's language


def test_csv_as_a_spanish_spreadsheet_saves_it(tmp_path) -> None:
    s = solve(SHEET.for_student("09"))
    right = rounded(torch_step(SHEET, s.numbers))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")  # as Excel in Spanish
    for cells in csv.reader(io.StringIO(template(s, "csv"))):
        if cells[0] in right and cells[3] == "":
            value = np.asarray(right[cells[0]], dtype=float)
            index = tuple(int(c) - 1 for c in cells[1:3] if c)
            number = float(value[index] if index else value.reshape(-1)[0])
            cells[3] = f"{number:.4f}".replace(".", ",")  # decimal commas
        writer.writerow(cells)
    raw = out.getvalue().encode("utf-8-sig")  # with a BOM
    path = tmp_path / "09.csv"
    path.write_bytes(raw)
    sub = read_answers(path)
    assert sub.student == "09" and sub.recipe is not None
    assert check(path).score == 9


def test_json_answers_and_course_file_outranks_the_files_recipe(tmp_path) -> None:
    s = solve(SHEET.for_student("10"))
    data = json.loads(template(s, "json"))
    data["answers"] = rounded(torch_step(SHEET, s.numbers))
    data["recipe"]["seed"] = 99  # a student changes the numbers
    path = tmp_path / "10.json"
    path.write_text(json.dumps(data))
    assert check(path).score < 9  # graded against other numbers
    course = {"recipe": SHEET.to_dict(), "students": [{"id": "10", "name": "Ana"}]}
    g = check(path, course)
    assert g.score == 9 and g.exercise.name == "Ana"


def test_class_list_as_exported(tmp_path) -> None:
    path = tmp_path / "clase.csv"
    path.write_bytes(
        "Matrícula;Nombre completo\r\nA-01;María Pérez\r\nA-02;Juan Núñez\r\n".encode("cp1252")
    )
    students = read_class_list(path)
    assert [(s.id, s.name) for s in students] == [("A-01", "María Pérez"), ("A-02", "Juan Núñez")]
    path.write_text("id,name\n1,Ana\n1,Eva\n")
    with pytest.raises(InputError, match="line 3 repeats line 2"):
        read_class_list(path)


def test_decimal_commas_and_a_wrong_shape() -> None:
    """A Spanish keyboard's "0,7109" is a number; one number for a column is a shape error."""
    s = solve(SHEET.for_student("41"))
    right = rounded(torch_step(SHEET, s.numbers))
    commas = {k: [f"{v:.4f}".replace(".", ",") for v in right[k]] for k in ("Z", "A")}
    marks = {m.name: m for m in grade(s, right | commas).marks}
    assert marks["Z"].right and marks["A"].right and all(m.right for m in marks.values())
    marks = {m.name: m for m in grade(s, right | {"Z": right["Z"][0]}).marks}
    assert marks["Z"].status == "shape" and marks["Z"].detail == "1 ≠ 3"


def test_an_arithmetic_slip_is_carried_forward_not_counted_again() -> None:
    """A wrong z, then every later answer computed right from it by PyTorch: carried forward."""
    s = solve(SHEET.for_student("42"))
    nums = s.numbers
    slipped = Numbers(nums.X, nums.y, nums.W, nums.B + np.array([0.5]))  # a slip in Z only
    wrong = torch_step(SHEET, slipped)
    answers = rounded(wrong)
    # W′ and B′ step from the sheet's own W and B, with the slipped gradient
    answers["W_new"] = np.round(nums.W[:, 0] - SHEET.lr * wrong["dL_dW"][:, 0], 4).tolist()
    answers["B_new"] = round(float(nums.B[0] - SHEET.lr * wrong["dL_dB"][0]), 4)
    g = grade(s, answers)
    marks = {m.name: m for m in g.marks}
    assert marks["Z"].status == "wrong" and marks["Z"].follows is None
    # ℓ and dL/dZ follow from the student's A or, where A's rounding shows, from their Z
    expected = {"A": {"Z"}, "loss_per_sample": {"A", "Z"}, "L": {"loss_per_sample"},
                "dL_dZ": {"A", "Z"}, "dL_dW": {"dL_dZ"}, "dL_dB": {"dL_dZ"},
                "W_new": {"dL_dW"}, "B_new": {"dL_dB"}}  # fmt: skip
    assert all(marks[n].follows in sources for n, sources in expected.items()), marks
    assert g.score == 0 and g.carried == 8
    # a wrong A that is not σ of the student's Z is not carried forward
    answers["A"] = [0.5, 0.5, 0.5]
    assert {m.name: m.follows for m in grade(s, answers).marks}["A"] is None


def test_class_list_id_found_by_a_word_of_its_header(tmp_path) -> None:
    """A Spanish Excel export: "Nº;Apellidos, Nombre;Correo electrónico", cp1252, CRLF."""
    path = tmp_path / "clase.csv"
    text = "Nº;Apellidos, Nombre;Correo electrónico\r\n1;Pérez Gil, Ana;ana@uni.es\r\n"
    path.write_bytes(text.encode("cp1252"))
    assert [(s.id, s.name) for s in read_class_list(path)] == [("ana@uni.es", "Pérez Gil, Ana")]
