"""Worked explanations: the notebook's numbers and words, float32 notes, Adam's m̂ and v̂,
the reduction said out loud, and a run's step explained from its trace."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import torch
from rich.console import Console
from torch import nn

from perceptron_lab.core.observed_step import StepRecord
from perceptron_lab.data import load
from perceptron_lab.engine.config import TrainConfig
from perceptron_lab.engine.trace import Trace
from perceptron_lab.engine.train import Trainer
from perceptron_lab.observe import observe
from perceptron_lab.views.explain import StepContext, explain, explain_run_step, explain_terminal
from perceptron_lab.views.numbers import fmt

from .conftest import NOTEBOOK_PRINTED

X = [[1, 2], [3, 4], [5, 6]]
Y = [1, 0, 1]
W = [[0.5], [-0.3]]
B = [0.1]
VOCABULARY = {
    "en": [
        "binary cross-entropy",
        "learning rate",
        "stochastic gradient descent",
        "bias",
        "activation function",
        "net input",
        "weights",
        "gradient",
        "loss",
        "batch",
        "epoch",
        "backpropagation",
    ],
    "es": [
        "entropía cruzada binaria",
        "tasa de aprendizaje",
        "descenso por gradiente estocástico",
        "sesgo",
        "función de activación",
        "señal neta",
        "pesos",
        "gradiente",
        "pérdida",
        "lote",
        "época",
        "retropropagación",
    ],
}


def notebook_step(dtype: str = "float32") -> StepRecord:
    return observe(X, Y, W, B, lr=0.01, dtype=dtype)[0]


def terminal_text(record: StepRecord, lang: str, context: StepContext | None = None) -> str:
    console = Console(file=io.StringIO(), width=200, record=True)
    console.print(explain_terminal(record, lang, context=context))
    return console.export_text()


FULL_BATCH = StepContext(epoch=1, batch=1, batches=1)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("fmt_name", ["markdown", "latex", "html", "terminal"])
def test_notebook_step_has_the_notebooks_numbers_and_words(lang: str, fmt_name: str) -> None:
    record = notebook_step()
    if fmt_name == "terminal":
        text = terminal_text(record, lang, FULL_BATCH)
    else:
        text = explain(record, lang, fmt_name, context=FULL_BATCH)
    for number in NOTEBOOK_PRINTED:
        assert number in text, number
    lowered = text.lower()
    for word in VOCABULARY[lang]:
        assert word in lowered, word
    # the hand computation of the notebook's first logit, and the shapes
    if fmt_name in ("markdown", "latex"):
        assert r"z_{1} = 1 \cdot 0.5000 + 2 \cdot (-0.3000) + 0.1000" in text
        assert r"X\,(3{\times}2) \cdot W\,(2{\times}1) + B\,(1) \to Z\,(3{\times}1)" in text
    else:
        assert "z₁ = 1 · 0.5000 + 2 · (-0.3000) + 0.1000 = -2.2352e-08" in text
        assert "X (3×2) · W (2×1) + B (1) → Z (3×1)" in text


def test_notebook_substitutions_are_the_hand_computations() -> None:
    """Every written-out line of the notebook's step, checked by hand arithmetic."""
    text = explain(notebook_step(), "en", "markdown")
    assert (
        r"\ell_{2} = -\left[0 \cdot \log(0.5987) + (1 - 0) \cdot \log(1 - 0.5987)\right] = 0.9130"
        in text
    )
    assert r"L = \frac{0.6931 + 0.9130 + 0.3711}{3} = 0.6591" in text
    assert r"\frac{\partial L}{\partial z_{1}} = \frac{0.5000 - 1}{3} = -0.1667" in text
    dw1 = r"\frac{\partial L}{\partial w_{1}} = 1 \cdot (-0.1667) + 3 \cdot 0.1996 + 5 \cdot (-0.1033) = -0.0847"
    assert dw1 in text
    assert r"w_{1} \leftarrow 0.5000 - 0.01 \cdot (-0.0847) = 0.5008" in text
    assert r"b \leftarrow 0.1000 - 0.01 \cdot (-0.0704) = 0.1007" in text
    # nn.Linear's (k, d) weight: its grad is the transposed dL/dW
    assert "`linear.weight.grad` is $(\\partial L/\\partial W)^\\top$: [-0.0847, -0.1551]" in text
    assert "mean over $N = 3$ samples" not in text  # said as "the average over"
    assert "the average over $N = 3$ samples" in text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_float32_note_for_the_notebook_not_in_float64(lang: str) -> None:
    f32 = explain(notebook_step("float32"), lang)
    assert "0.30000001192092896" in f32 and "0.10000000149011612" in f32
    assert "-2.2351741790771484e-08" in f32  # exact value with the stored inputs
    assert ("not 0?" if lang == "en" else "y no 0?") in f32
    f64 = explain(notebook_step("float64"), lang)
    assert "0.30000001192092896" not in f64
    assert "float32" not in f64.replace("float64", "")


def test_float32_note_only_where_a_learner_would_notice() -> None:
    # 0.25, 0.5 and 2 are exact in binary: the logit 1·0.5 + 2·(−0.25) + 0 is exactly 0
    record = observe([[1, 2]], [1], [[0.5], [-0.25]], [0.0])[0]
    assert float(record.Z.closed[0, 0]) == 0.0
    assert "stored as" not in explain(record)
    # an ordinary logit (0.4, printed 0.4000 either way) gets no note either
    record = observe([[3, 4]], [1], [[0.5], [-0.3]], [0.1])[0]
    assert "stored as" not in explain(record)


def test_adam_shows_bias_corrected_moments_as_torch_optim_has_them() -> None:
    record = observe(X, Y, W, B, optimizer="adam", lr=0.01, steps=2)[1]
    text = explain(record, "en")
    # an independent run of torch.optim.Adam on the notebook's Perceptron
    linear = nn.Linear(2, 1)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(W).T)
        linear.bias.copy_(torch.tensor(B))
    optimizer = torch.optim.Adam(linear.parameters(), lr=0.01)
    Xt, yt = torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.float32)[:, None]
    for _ in range(2):
        optimizer.zero_grad()
        nn.BCEWithLogitsLoss()(linear(Xt), yt).backward()
        optimizer.step()
    for param in (linear.weight, linear.bias):
        state = optimizer.state[param]
        assert int(state["step"]) == 2
        m_hat = state["exp_avg"] / (1 - 0.9**2)
        v_hat = state["exp_avg_sq"] / (1 - 0.999**2)
        for value in [*m_hat.reshape(-1).tolist(), *v_hat.reshape(-1).tolist()]:
            assert fmt(value) in text, value
        for value in param.detach().reshape(-1).tolist():
            assert fmt(value) in text, value
    assert r"\hat{m}_t = \frac{m_t}{1 - \beta_1^{t}}" in text
    assert r"1 - 0.9^{2}" in text and r"1 - 0.999^{2}" in text
    assert "$t = 2$" in text


def test_rule_step_from_the_context_replaces_the_step_number() -> None:
    record = observe(X, Y, W, B, optimizer="adam", steps=1)[0]
    assert "$t = 1$" in explain(record)
    text = explain(record, context=StepContext(rule_step=1))
    assert "as the run's trace records it" in text


@pytest.mark.parametrize("loss", ["bce", "mse", "perceptron", "cross_entropy"])
def test_reduction_sum_and_mean_are_said_out_loud(loss: str) -> None:
    y = [0, 2, 1] if loss == "cross_entropy" else Y
    w, b = (
        ([[0.5, 0.1, -0.2], [-0.3, 0.2, 0.4]], [0.1, 0.0, -0.1])
        if loss == "cross_entropy"
        else (W, B)
    )
    mean = observe(X, y, w, b, loss=loss)[0]
    total = observe(X, y, w, b, loss=loss, loss_options={"reduction": "sum"})[0]
    mean_text, sum_text = explain(mean), explain(total)
    assert "Reduction mean: the average over $N = 3$ samples" in mean_text
    assert "so $\\partial L/\\partial Z$ is $N = 3$ times larger than with mean" in sum_text
    assert "Reduction sum" not in mean_text and "Reduction mean" not in sum_text
    assert r"L = \frac{1}{N} \sum_{n} \ell_n" in mean_text
    assert r"L = \sum_{n} \ell_n" in sum_text
    # the factor N between the two is in the numbers too
    assert torch.allclose(total.dZ.closed, 3 * mean.dZ.closed)
    es = explain(total, "es")
    assert "se suman, no se promedian" in es and "$N = 3$ veces mayor que con mean" in es


def test_mean_over_every_element_for_several_outputs() -> None:
    record = observe(
        X, [[1, 0], [0, 1], [1, 1]], [[0.5, 0.1], [-0.3, 0.2]], [0.1, 0.0], loss="mse"
    )[0]
    text = explain(record)
    assert r"$N \cdot k = 3 \cdot 2 = 6$ elements" in text
    assert r"L = \frac{1}{N k} \sum_{n,j} \ell_{n,j}" in text
    assert f"= {fmt(float(record.loss.closed))}" in text


def test_bce_pos_weight_is_in_formula_and_numbers() -> None:
    record = observe(X, Y, W, B, loss_options={"pos_weight": 2.0})[0]
    text = explain(record)
    assert r"-\left[p \cdot y_{n} \log" in text
    assert r"\ell_{1} = -\left[2 \cdot 1 \cdot \log(0.5000)" in text
    # ℓ₁ = −2·log(0.5) = 2·log 2
    assert fmt(2 * torch.log(torch.tensor(2.0)).item()) in text


def test_big_batch_is_cut_and_says_so(tmp_path: Path) -> None:
    torch.manual_seed(0)
    record = observe(
        torch.randn(32, 6),
        torch.randint(0, 3, (32,)).float(),
        torch.randn(6, 3),
        torch.zeros(3),
        loss="cross_entropy",
    )[0]
    text = explain(record)
    assert "showing 3 of 32 samples" in text
    assert "each sum shows 4 of its 6 terms" in text
    assert "showing 3 of 18 elements" in text
    assert r"\ell_{4}" not in text  # only three samples are written out


def test_run_step_matches_the_runs_trace(tmp_path: Path) -> None:
    config = TrainConfig(epochs=1, batch_size=32, optimizer="adam", lr=0.01, loss="cross_entropy")
    Trainer(config, load("iris")).run(tmp_path)
    row = Trace.load(tmp_path).step(3)
    text = explain_run_step(tmp_path, 3, "en", "markdown")
    assert "Epoch 1, batch 3 of 5." in text
    assert "showing 3 of 32 samples" in text
    assert fmt(row["loss"]) in text
    for name in ("dW", "W_after", "state_W_exp_avg"):
        for value in row[name][:3]:  # W (4, 3) row-major: the first row is written out
            assert fmt(value) in text, (name, value)
    assert f"$t = {row['rule_step']}$" in text
    assert "as the run's trace records it" in text
