"""Every loss × update rule explained in every format and both languages, with the numbers
a plain PyTorch loop gives; LaTeX that holds together; HTML that parses; the math text."""

from __future__ import annotations

import functools
import io
import re
from html.parser import HTMLParser
from typing import Any

import pytest
import torch
from rich.console import Console
from torch import nn

from perceptron_lab.core.observed_step import StepRecord
from perceptron_lab.losses import loss_names
from perceptron_lab.observe import observe
from perceptron_lab.optim import rule_names
from perceptron_lab.views.explain import explain, explain_steps, explain_terminal
from perceptron_lab.views.explain.mathtext import segments, tex_numbers, to_unicode
from perceptron_lab.views.i18n import Words
from perceptron_lab.views.numbers import fmt

X = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
DATA: dict[str, tuple[Any, Any, Any]] = {  # y, W, B per loss
    "bce": ([1, 0, 1], [[0.5], [-0.3]], [0.1]),
    "cross_entropy": ([0, 2, 1], [[0.5, 0.1, -0.2], [-0.3, 0.2, 0.4]], [0.1, 0.0, -0.1]),
    "mse": ([1.5, -0.5, 2.0], [[0.5], [-0.3]], [0.1]),
    "perceptron": ([1, 0, 1], [[0.5], [-0.3]], [0.1]),
}
OPTIONS: dict[str, dict[str, Any]] = {
    "sgd": {"momentum": 0.9, "weight_decay": 0.01},
    "adam": {"weight_decay": 0.1},
    "adamw": {"amsgrad": True},
    "rmsprop": {"centered": True, "momentum": 0.5},
    "adagrad": {"lr_decay": 0.1, "initial_accumulator_value": 0.1},
    "lbfgs": {"history_size": 2},
}
LR = 0.05


def torch_loop(
    loss: str, rule: str, options: dict[str, Any], steps: int
) -> tuple[nn.Linear, float]:
    """The notebook's plain PyTorch loop: nn.Linear, a torch.nn loss, torch.optim."""
    y, W, B = DATA[loss]
    Xt = torch.tensor(X)
    linear = nn.Linear(len(W), len(W[0]))
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(W).T)
        linear.bias.copy_(torch.tensor(B))
    optimizer_cls = {
        "sgd": torch.optim.SGD,
        "adam": torch.optim.Adam,
        "adamw": torch.optim.AdamW,
        "rmsprop": torch.optim.RMSprop,
        "adagrad": torch.optim.Adagrad,
        "lbfgs": functools.partial(torch.optim.LBFGS, max_iter=1),  # one iteration a step
    }[rule]
    optimizer = optimizer_cls(linear.parameters(), lr=LR, **options)
    value = 0.0

    def closure() -> torch.Tensor:  # torch.optim.LBFGS asks for one; the others call it
        nonlocal value
        optimizer.zero_grad()
        z = linear(Xt)
        if loss == "bce":
            out = nn.BCEWithLogitsLoss()(z, torch.tensor(y, dtype=torch.float32)[:, None])
        elif loss == "cross_entropy":
            out = nn.CrossEntropyLoss()(z, torch.tensor(y))
        elif loss == "mse":
            out = nn.MSELoss()(z, torch.tensor(y)[:, None])
        else:
            t = torch.tensor([1.0 if v == 1 else -1.0 for v in y])[:, None]
            out = nn.MarginRankingLoss(margin=0.0)(z, torch.zeros_like(z), t)
        value = float(out.detach())
        out.backward()
        return out

    for _ in range(steps):
        optimizer.step(closure)
    return linear, value


def second_step(loss: str, rule: str) -> StepRecord:
    y, W, B = DATA[loss]
    return observe(
        X, y, W, B, loss=loss, optimizer=rule, lr=LR, steps=2, optimizer_options=OPTIONS[rule]
    )[1]


def render_all(record: StepRecord, lang: str) -> dict[str, str]:
    console = Console(file=io.StringIO(), width=160, record=True)
    console.print(explain_terminal(record, lang))
    out = {fmt_name: explain(record, lang, fmt_name) for fmt_name in ("markdown", "latex", "html")}
    return {**out, "terminal": console.export_text()}


def test_every_loss_and_rule_is_covered() -> None:
    assert set(DATA) == set(loss_names())
    assert set(OPTIONS) == set(rule_names())


@pytest.mark.parametrize("loss", sorted(DATA))
@pytest.mark.parametrize("rule", sorted(OPTIONS))
def test_every_combination_renders_with_the_right_numbers(loss: str, rule: str) -> None:
    record = second_step(loss, rule)
    linear, loss_value = torch_loop(loss, rule, OPTIONS[rule], steps=2)
    expected = [
        fmt(loss_value),
        *(fmt(v) for v in linear.weight.detach().T.reshape(-1).tolist()),
        *(fmt(v) for v in linear.bias.detach().tolist()),
    ]
    for lang in ("en", "es"):
        texts = render_all(record, lang)
        for name, text in texts.items():
            for number in expected:
                assert number in text, (lang, name, number)
        assert "\\" not in texts["terminal"]  # formulas became readable text
        html = _Tags()
        html.feed(texts["html"])
        assert "\\" not in "".join(html.text)  # readable as it is, without KaTeX
        assert any("\\" in tex for tex in html.tex)  # the TeX KaTeX typesets in a page
        title = Words(lang, "explain")(f"rule_{rule}")
        assert title in texts["markdown"]


@pytest.mark.parametrize(
    ("rule", "options", "words"),
    [
        ("sgd", {"momentum": 0.9, "nesterov": True}, [r"g \leftarrow g + \mu u_t"]),
        ("sgd", {"momentum": 0.5, "dampening": 0.3}, [r"u_t = \mu u_{t-1} + (1 - \tau) g"]),
        (
            "sgd",
            {"weight_decay": 0.1},
            [r"g = \frac{\partial L}{\partial \theta} + \lambda \theta"],
        ),
        (
            "adam",
            {"amsgrad": True},
            [r"v^{\max}_t = \max(v^{\max}_{t-1}, v_t)", r"\hat{v}_t = \frac{v^{\max}_t}"],
        ),
        (
            "adamw",
            {"weight_decay": 0.1},
            [r"\theta \leftarrow \theta \cdot (1 - \gamma \lambda)", "decoupled"],
        ),
        ("rmsprop", {}, [r"s = \sqrt{v_t} + \varepsilon"]),
        ("rmsprop", {"centered": True}, [r"s = \sqrt{v_t - \bar{g}_t^2} + \varepsilon"]),
        ("rmsprop", {"momentum": 0.9}, [r"u_t = \mu u_{t-1} + \frac{g}{s}"]),
        ("adagrad", {"lr_decay": 0.5}, [r"\gamma_t = \frac{0.05}{1 + (2 - 1) \cdot 0.5} = 0.0333"]),
        ("lbfgs", {}, [r"d = -H g", r"\theta \leftarrow \theta + t \cdot d", "two-loop"]),
    ],
)
def test_rule_options_are_worked_out(rule: str, options: dict[str, Any], words: list[str]) -> None:
    y, W, B = DATA["bce"]
    record = observe(X, y, W, B, optimizer=rule, lr=LR, steps=2, optimizer_options=options)[1]
    text = explain(record)
    for word in words:
        assert word in text, word
    for key, twin in record.state_after["W"].items():
        assert fmt(float(twin.closed[0, 0])) in text, key


def test_sgd_momentum_first_step_starts_the_buffer_at_g() -> None:
    y, W, B = DATA["bce"]
    record = observe(X, y, W, B, optimizer="sgd", optimizer_options={"momentum": 0.9})[0]
    text = explain(record)
    assert "u_t = -0.0847" in text  # u = g on the first update
    assert "The optimizer has no state yet" in text


def test_bias_left_out_of_weight_decay_when_the_run_says_so() -> None:
    from perceptron_lab.core.observed_step import observe_step
    from perceptron_lab.losses import get_loss
    from perceptron_lab.optim import get_optimizer
    from perceptron_lab.views.explain import StepContext

    y, W, B = DATA["bce"]
    rule = get_optimizer("sgd", lr=LR, weight_decay=0.1)
    args = (torch.tensor(X), torch.tensor(y, dtype=torch.float32)[:, None])
    params = (torch.tensor(W), torch.tensor(B))
    decayed = observe_step(*args, *params, get_loss("bce"), rule)
    kept = observe_step(*args, *params, get_loss("bce"), rule, decay_bias=False)
    assert r"g = \frac{\partial L}{\partial b} + \lambda b = " in explain(decayed)
    text = explain(kept, context=StepContext(decay_bias=False))
    assert r"\lambda b = " not in text and "leaves B out of the weight decay" in text
    # B moves by the gradient alone: b ← b − γ·∂L/∂b
    g, b_new = float(kept.dB.closed[0]), float(kept.B_after.closed[0])
    assert f"b \\leftarrow 0.1000 - {LR} \\cdot ({fmt(g)}) = {fmt(b_new)}" in text
    assert b_new == pytest.approx(0.1 - LR * g)


# --- LaTeX ----------------------------------------------------------------------------


def check_latex(text: str) -> None:
    """Balanced braces, matched environments and math delimiters, pdflatex-safe characters."""
    depth = 0
    body = re.sub(r"\\[{}]", "", text)
    for ch in body:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    stack: list[str] = []
    for kind, name in re.findall(r"\\(begin|end)\{([^}]+)\}", text):
        if kind == "begin":
            stack.append(name)
        else:
            assert stack.pop() == name
    assert not stack
    assert text.count(r"\(") == text.count(r"\)")
    assert "$" not in re.sub(r"\\\$", "", text).replace(r"$\times$", "").replace(
        r"$\cdot$", ""
    ).replace(r"$\to$", "")
    assert set(text) <= set(map(chr, range(32, 127))) | set("\náéíóúüñÁÉÍÓÚÜÑ¿¡")


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("loss", sorted(DATA))
def test_latex_holds_together(lang: str, loss: str) -> None:
    record = second_step(loss, "adam")
    document = explain(record, lang, "latex")
    assert document.startswith(r"\documentclass")
    assert document.rstrip().endswith(r"\end{document}")
    check_latex(document)
    body = explain(record, lang, "latex", standalone=False)
    assert r"\documentclass" not in body
    check_latex(body)
    assert r"-2.2352 \times 10^{-8}" in explain(observe(X, *DATA["bce"])[0], lang, "latex")


def test_several_steps_make_one_latex_document() -> None:
    records = observe(X, *DATA["bce"], steps=3)
    document = explain_steps(records, "en", "latex")
    assert document.count(r"\begin{document}") == 1
    assert document.count(r"\section*") == 3
    check_latex(document)


# --- HTML -----------------------------------------------------------------------------


class _Tags(HTMLParser):
    VOID = frozenset({"br", "hr", "img", "meta", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.seen: set[str] = set()
        self.text: list[str] = []  # what a reader sees
        self.tex: list[str] = []  # each formula's data-tex

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add(tag)
        for name, value in attrs:
            assert not name.startswith("on") and "http" not in (value or "")
            if name == "data-tex":
                self.tex.append(value or "")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_html_is_a_plain_well_formed_fragment(lang: str) -> None:
    text = explain(observe(X, *DATA["bce"])[0], lang, "html")
    parser = _Tags()
    parser.feed(text)
    parser.close()
    assert not parser.stack
    assert not parser.seen & {"script", "style", "link", "iframe", "img", "html", "head", "body"}
    assert (
        '<div class="formula"><div class="math" data-tex="a = \\sigma(z) = \\frac{1}{1 + \\exp(-z)}">'
        in text
    )
    assert "σ(z) = 1/(1 + exp(-z))" in text
    assert "z₁ = 1 · 0.5000 + 2 · (-0.3000) + 0.1000 = -2.2352e-08" in text
    assert "-2.2352 \\times 10^{-8}" in "".join(parser.tex)  # numbers as TeX writes them
    assert f'lang="{lang}"' in text


def test_html_escapes_what_it_writes() -> None:
    from perceptron_lab.views.explain.render_html import prose

    assert prose("a < b & `x<y` $z \\le 0$") == (
        'a &lt; b &amp; <code>x&lt;y</code> <span class="math" data-tex="z \\le 0">z ≤ 0</span>'
    )
    text = explain(observe(X, *DATA["perceptron"], loss="perceptron")[0], "en", "html")
    assert "𝟏[z ≥ 0]" in text and "max(0, -1 · (-2.2352e-08)) = 2.2352e-08" in text


# --- math text and words ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\frac{\sigma(z_1) - y_1}{N}", "(σ(z₁) - y₁)/N"),
        (r"\hat{m}_t = \frac{m_t}{1 - \beta_1^{t}}", "m̂ₜ = mₜ/(1 - β₁ᵗ)"),
        (
            r"\frac{\partial L}{\partial W} = X^\top \cdot \frac{\partial L}{\partial Z}",
            "∂L/∂W = Xᵀ · ∂L/∂Z",
        ),
        (
            r"\theta \leftarrow \theta - \gamma \cdot \frac{g}{\sqrt{s_t} + \varepsilon}",
            "θ ← θ - γ · g/(√sₜ + ε)",
        ),
        (r"s = \sqrt{v_t - \bar{g}_t^2}", "s = √(vₜ - g\u0304ₜ²)"),
        (r"v^{\max}_t", "vᵐᵃˣₜ"),
        (r"\frac{-0.2202}{0.0876}", "(-0.2202)/0.0876"),
        (r"\frac{\exp(-0.2)}{\exp(-0.2) + \exp(0.7)}", "exp(-0.2)/(exp(-0.2) + exp(0.7))"),
        (r"\frac{7.5858e-06}{2}", "7.5858e-06/2"),
        (r"\mathbf{1}[t_n z_n \le 0]", "𝟏[tₙ zₙ ≤ 0]"),
        (r"c_n \in \{0, \ldots, k - 1\}", "cₙ ∈ {0, …, k - 1}"),
        (r"x_{n,\alpha}", "x_(n,α)"),
    ],
)
def test_tex_to_unicode(tex: str, text: str) -> None:
    assert to_unicode(tex) == text


def test_tex_numbers_and_segments() -> None:
    assert (
        tex_numbers("z = -2.2352e-08 + 1e+05 - x1e-3")
        == r"z = -2.2352 \times 10^{-8} + 1 \times 10^{5} - x1e-3"
    )
    assert segments("a $x_1$ and `nn.Linear` b") == [
        ("text", "a "),
        ("math", "x_1"),
        ("text", " and "),
        ("code", "nn.Linear"),
        ("text", " b"),
    ]


def test_unknown_language_and_format_are_input_errors() -> None:
    from perceptron_lab.errors import InputError

    record = observe(X, *DATA["bce"])[0]
    with pytest.raises(InputError, match=r"^lang: expected one of en, es, got 'fr'"):
        explain(record, "fr")
    with pytest.raises(InputError, match=r"^fmt: expected one of markdown, latex, html"):
        explain(record, "en", "pdf")
