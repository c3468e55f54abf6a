"""A sheet and its answer key as format-independent models, built from a Solution.

:func:`sheet` is what the student reads: the title (with the student's name and id),
the neuron (Z = XW + B, the activation, the loss's formula, the update rule with its
hyper-parameters as ``torch.optim`` has them), the data (X, y, W, B as the sheet writes
them) and one numbered question per asked quantity, in :func:`asked`'s order — what to
compute, its shape, the decimals and the answer-file name. No answer is in it.

:func:`key` is what the instructor reads: the final answers rounded to the asked
decimals, the worked explanation of step 1 (the same engine as ``perceptron-lab
explain``) kept to the asked stages, and for a training stage the table of its T steps.

Prose is the explanation's markup (``$…$`` math, backtick code); formulas are its TeX
subset (:mod:`..explain.mathtext`), matrices are :class:`Matrix` rows of written
numbers, so each renderer writes them its own way (a ``pmatrix``, an HTML table).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ...exercises.answers import shown
from ...exercises.exercise import Exercise
from ...exercises.quantities import Asked, asked
from ...exercises.solved import Solution
from ...losses import get_loss
from ...optim import get_optimizer
from ..explain.build import build
from ..explain.build_loss import ACTIVATION_FORMULA
from ..explain.solution import Explanation
from ..explain.values import hyper, plain
from ..i18n import Words

# the explanation's sections each sheet stage keeps in the key ("given" is always kept)
SECTIONS = {
    "forward": ("forward",),
    "activation": ("activation",),
    "loss": ("loss",),
    "gradient": ("dz", "gradient"),
    "update": ("update",),
}
# the update rule of each sheet optimizer as torch.optim computes it: θ an element of W or
# B, g = ∂L/∂θ; and the options its formulas name (their values are the rule's own)
_ADAM = (
    r"m_t = \beta_1 m_{t-1} + (1 - \beta_1) g, \quad v_t = \beta_2 v_{t-1} + (1 - \beta_2) g^2, \quad m_0 = v_0 = 0",
    r"\hat{m}_t = \frac{m_t}{1 - \beta_1^{t}}, \quad \hat{v}_t = \frac{v_t}{1 - \beta_2^{t}}",
    r"\theta \leftarrow \theta - \gamma \cdot \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \varepsilon}",
)
_MOMENTUM = r"u_t = \mu u_{t-1} + g, \quad u_0 = 0"
RULE_FORMULAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sgd": ((r"\theta \leftarrow \theta - \gamma \cdot g",), ()),
    "momentum": ((_MOMENTUM, r"\theta \leftarrow \theta - \gamma \cdot u_t"), ("momentum",)),
    "nesterov": (
        (_MOMENTUM, r"\theta \leftarrow \theta - \gamma \cdot (g + \mu u_t)"),
        ("momentum",),
    ),
    "adam": (_ADAM, ("betas", "eps")),
    "adamw": (
        (r"\theta \leftarrow \theta \cdot (1 - \gamma \lambda)", *_ADAM),
        ("betas", "eps", "weight_decay"),
    ),
    "rmsprop": (
        (
            r"v_t = \alpha v_{t-1} + (1 - \alpha) g^2, \quad v_0 = 0",
            r"\theta \leftarrow \theta - \gamma \cdot \frac{g}{\sqrt{v_t} + \varepsilon}",
        ),
        ("alpha", "eps"),
    ),
    "adagrad": (
        (
            r"s_t = s_{t-1} + g^2, \quad s_0 = 0",
            r"\theta \leftarrow \theta - \gamma \cdot \frac{g}{\sqrt{s_t} + \varepsilon}",
        ),
        ("eps",),
    ),
}
# options each rule leaves at the value its formulas above assume
NEUTRAL = {
    "dampening": 0.0,
    "nesterov": None,  # the formula says which
    "amsgrad": False,
    "centered": False,
    "lr_decay": 0.0,
    "initial_accumulator_value": 0.0,
}


# --- the pieces -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Matrix:
    """A matrix or vector as the sheet writes it: its TeX symbol and rows of written numbers.

    A vector (1-d) is one row; ``shape`` is its size as written beside it (``3 × 2``, ``3``).
    """

    symbol: str  # TeX
    rows: tuple[tuple[str, ...], ...]
    shape: str
    note: str = ""  # prose: what it holds

    def tex(self) -> str:
        """``X = \\begin{pmatrix} 1 & 0 \\\\ … \\end{pmatrix}``."""
        return f"{self.symbol} = {tex_matrix(self.rows)}"


@dataclass(frozen=True)
class Block:
    """A paragraph of prose and the formulas displayed after it (TeX lines)."""

    text: str
    formulas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """One numbered question: what to compute and how to give it."""

    number: int
    name: str  # the answer-file name, ``dL_dW``
    symbol: str  # TeX
    text: str  # prose: what to compute
    answer: str  # prose: the shape, the decimals, the answer-file name


@dataclass(frozen=True)
class Sheet:
    """The student's sheet, in its language."""

    lang: str
    title: str
    instructions: str
    headings: dict[str, str]  # intro, data, questions
    intro: tuple[Block, ...]
    data: tuple[Matrix, ...]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Answer:
    """One final answer of the key: its question, name, symbol and rounded value."""

    number: int
    name: str
    symbol: str  # TeX
    value: str  # as an answer file writes it: 0.7232, [0.9000, 0.1000], [[…], […]]


@dataclass(frozen=True)
class TrainingRow:
    """One step of a training stage: t, L_t (before the update), W and B after it."""

    step: int
    loss: str
    W: str
    B: str


@dataclass(frozen=True)
class Key:
    """The instructor's answer key, in the sheet's language."""

    lang: str
    title: str
    student: str | None  # "Student: Ana (07)", None for an unnamed sheet
    intro: str
    final_title: str
    final_note: str
    columns: dict[str, str]  # question, name, symbol, value; step, loss, W, B
    answers: tuple[Answer, ...]
    explanation: Explanation  # step 1, kept to the asked stages
    training_title: str | None = None
    training_note: str | None = None
    training: tuple[TrainingRow, ...] = ()


# --- numbers as written ---------------------------------------------------------------------


def tex_matrix(rows: tuple[tuple[str, ...], ...]) -> str:
    """Rows of written numbers as a TeX ``pmatrix``."""
    body = r" \\ ".join(" & ".join(row) for row in rows)
    return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"


def written(values: np.ndarray) -> tuple[tuple[str, ...], ...]:
    """A sheet's given numbers as typed (``0.4``, ``-3``), a vector as one row."""
    array = np.asarray(values, dtype=float)
    table = array.reshape(1, -1) if array.ndim <= 1 else array
    return tuple(tuple(plain(float(v)) for v in row) for row in table)


def rounded(value: float, decimals: int) -> str:
    """``value`` to ``decimals`` places, without a sign on a zero (``-0.0000`` → ``0.0000``)."""
    text = f"{value:.{decimals}f}"
    return text.lstrip("-") if float(text) == 0 else text


def answer_text(value: np.ndarray, decimals: int) -> str:
    """A value as an answer file writes it, each number rounded to ``decimals``.

    In the shape the sheet asks it (:func:`~perceptron_lab.exercises.answers.shown`): one
    number as a number, a vector or a one-column matrix as a list, a matrix as a list of rows.
    """
    array = shown(np.asarray(value, dtype=float))
    if array.ndim == 0:
        return rounded(float(array), decimals)
    if array.ndim == 1:
        return "[" + ", ".join(rounded(float(v), decimals) for v in array) + "]"
    return "[" + ", ".join(answer_text(row, decimals) for row in array) + "]"


def shape_text(shape: tuple[int, ...], say: Words) -> str:
    """A question's shape in words: a 3 × 1 matrix (a column of 3 numbers), a single number…"""
    if len(shape) == 0:
        return say("shape_scalar")
    if len(shape) == 1:
        return say("shape_vector_one") if shape[0] == 1 else say("shape_vector", n=shape[0])
    rows, cols = shape
    if cols == 1:
        return say("shape_column", rows=rows)
    return say("shape_matrix", rows=rows, cols=cols)


def decimals_text(decimals: int, say: Words) -> str:
    """ "4 decimals", "one decimal"."""
    return say("decimals_one") if decimals == 1 else say("decimals", n=decimals)


def who(ex: Exercise) -> str | None:
    """The student as the class list names them: ``Ana (07)``, ``07``, ``Ana``; None: nobody."""
    if ex.name and ex.student is not None:
        return f"{ex.name} ({ex.student})"
    return ex.name or ex.student


def _titled(title: str, solution: Solution) -> str:
    student = who(solution.exercise)
    return f"{title} — {student}" if student else title


# --- the sheet ------------------------------------------------------------------------------


def _shapes(N: int, d: int, k: int) -> str:
    return (
        rf"X\,({N}{{\times}}{d}) \cdot W\,({d}{{\times}}{k}) + B\,({k}) \to Z\,({N}{{\times}}{k})"
    )


def hyper_text(solution: Solution) -> str:
    """The rule's hyper-parameters with the explanation's words: ``$\\gamma = 0.1$ (learning rate), …``."""
    ex = solution.exercise
    name, options = ex.rule()
    rule = get_optimizer(name, lr=ex.lr, **options)
    values = rule.options()
    symbols = {key: symbol for symbol, key in rule.symbols}
    _, keys = RULE_FORMULAS[ex.optimizer]
    for key, neutral in NEUTRAL.items():
        if key not in keys and neutral is not None and key in values:
            assert values[key] == neutral, (ex.optimizer, key, values[key])
    if "weight_decay" not in keys:
        assert values.get("weight_decay", 0.0) == 0.0, (ex.optimizer, values)
    if "momentum" not in keys:
        assert values.get("momentum", 0.0) == 0.0, (ex.optimizer, values)
    say = Words(ex.lang, "explain")
    parts = [f"$\\gamma = {hyper(values['lr'])}$ ({say('opt_lr')})"]
    for key in keys:
        if key == "betas":
            b1, b2 = values["betas"]
            parts.append(f"$\\beta_1 = {hyper(b1)}$, $\\beta_2 = {hyper(b2)}$ ({say('opt_betas')})")
        else:
            parts.append(f"${symbols[key]} = {hyper(float(values[key]))}$ ({say('opt_' + key)})")
    return say("hyper", values=", ".join(parts))


def _intro(solution: Solution, say: Words) -> tuple[Block, ...]:
    ex = solution.exercise
    loss = get_loss(ex.loss)
    N, d, k = ex.N, ex.d, ex.outputs
    forward = say("intro_forward_one", N=N, d=d) if k == 1 else say("intro_forward", N=N, d=d, k=k)
    blocks = [Block(forward, ("Z = XW + B", _shapes(N, d, k)))]
    activation = loss.activation.name
    if activation == "identity":
        blocks.append(Block(say("intro_activation_identity")))
    else:
        blocks.append(
            Block(say(f"intro_activation_{activation}"), (ACTIVATION_FORMULA[activation],))
        )
    blocks.append(
        Block(
            say(f"intro_loss_{ex.loss}"),
            (loss.tex_formula("n"), r"L = \frac{1}{N} \sum_{n} \ell_n"),
        )
    )
    if ex.loss == "perceptron":  # which side ∂ℓ/∂z takes where ℓ has a kink
        blocks.append(Block(say("intro_boundary_perceptron")))
    formulas, _ = RULE_FORMULAS[ex.optimizer]
    blocks.append(Block(say(f"intro_rule_{ex.optimizer}"), formulas))
    blocks.append(Block(hyper_text(solution)))
    if "training" in ex.stages:
        blocks.append(Block(say("intro_training", T=ex.steps)))
    return tuple(blocks)


def pairs(data: tuple[Matrix, ...]) -> list[str]:
    """The data's matrices two by two on a displayed line: ``X = (…) \\qquad y = (…)``."""
    return [r" \qquad ".join(m.tex() for m in data[i : i + 2]) for i in range(0, len(data), 2)]


def _data(solution: Solution, say: Words) -> tuple[Matrix, ...]:
    ex, nums = solution.exercise, solution.numbers
    N, d, k = ex.N, ex.d, ex.outputs
    return (
        Matrix("X", written(nums.X), f"{N} × {d}", say("data_X")),
        # a column beside X's rows: each sample's target on its row
        Matrix("y", written(nums.y[:, None]), f"{N}", say(f"data_y_{ex.loss}", last=k - 1)),
        Matrix("W", written(nums.W), f"{d} × {k}", say("data_W")),
        Matrix("B", written(nums.B), f"{k}", say("data_B")),
    )


def _question(number: int, q: Asked, solution: Solution, say: Words) -> Question:
    ex = solution.exercise
    shape = tuple(int(s) for s in np.shape(solution.answers[q.name]))
    answer = say(
        "answer_scalar" if shape == () else "answer",
        shape=shape_text(shape, say),
        decimals=decimals_text(ex.decimals, say),
        name=q.name,
    )
    return Question(number, q.name, q.tex, say(f"q_{q.name}", T=ex.steps), answer)


def sheet(solution: Solution) -> Sheet:
    """The student's sheet of ``solution``, in its exercise's language."""
    ex = solution.exercise
    say = Words(ex.lang, "sheet")
    return Sheet(
        lang=ex.lang,
        title=_titled(say("title"), solution),
        instructions=say("instructions"),
        headings={key: say(f"{key}_title") for key in ("intro", "data", "questions")},
        intro=_intro(solution, say),
        data=_data(solution, say),
        questions=tuple(_question(i, q, solution, say) for i, q in enumerate(asked(ex), start=1)),
    )


# --- the key --------------------------------------------------------------------------------


def kept_sections(explanation: Explanation, stages: tuple[str, ...]) -> Explanation:
    """``explanation`` with only the sections of ``stages`` (and what the step is given)."""
    wanted = {"given"} | {s for stage in stages for s in SECTIONS.get(stage, ())}
    return replace(
        explanation, sections=tuple(s for s in explanation.sections if s.stage in wanted)
    )


def key(solution: Solution) -> Key:
    """The answer key of ``solution``: final answers, the worked step, the training table."""
    ex = solution.exercise
    say = Words(ex.lang, "sheet")
    dec = ex.decimals
    student = who(solution.exercise)
    answers = tuple(
        Answer(i, q.name, q.tex, answer_text(solution.answers[q.name], dec))
        for i, q in enumerate(asked(ex), start=1)
    )
    explanation = kept_sections(build(solution.records[0], ex.lang), ex.stages)
    columns = {
        key: say(f"col_{key}")
        for key in ("question", "name", "symbol", "value", "step", "loss", "W", "B")
    }
    training: tuple[TrainingRow, ...] = ()
    if "training" in ex.stages:
        training = tuple(
            TrainingRow(
                r.step,
                answer_text(r.loss.closed.detach().numpy(), dec),
                answer_text(r.W_after.closed.detach().numpy(), dec),
                answer_text(r.B_after.closed.detach().numpy(), dec),
            )
            for r in solution.records
        )
    tolerance = f"{solution.tolerance:.0e}"
    return Key(
        lang=ex.lang,
        title=_titled(say("key_title"), solution),
        student=say("student", who=student) if student else None,
        intro=say("key_intro"),
        final_title=say("final_title"),
        final_note=say("final_note", decimals=decimals_text(dec, say), tolerance=tolerance),
        columns=columns,
        answers=answers,
        explanation=explanation,
        training_title=say("training_title", T=ex.steps) if training else None,
        training_note=say("training_note") if training else None,
        training=training,
    )
