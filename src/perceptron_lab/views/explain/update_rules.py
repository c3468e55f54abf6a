"""Each update rule's algorithm, worked for one element θ of W or B.

The rules are torch.optim's (see each rule's docstring in :mod:`perceptron_lab.optim`),
with the same symbols: γ = lr, μ = momentum, τ = dampening, λ = weight_decay,
β1, β2 = betas, α = alpha, η = lr_decay, ε = eps. Optimizer state before the step comes
from ``record.state_before``, after it from ``record.state_after`` (with PyTorch's twin);
every other number the rule computed (the decayed g, m̂, v̂, the denominator, γₜ) is the
rule's own, from ``record.intermediates`` — the lines here only write them out.
A momentum buffer is written u (torch's ``momentum_buffer``), keeping b for the bias.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from ...optim.adagrad import Adagrad
from ...optim.adam import Adam
from ...optim.adamw import AdamW
from ...optim.rmsprop import RMSprop
from ...optim.rule import UpdateRule
from ...optim.sgd import SGD
from .values import hyper, num, term

Line = tuple[str, str]  # (formula in general symbols, the same with this element's numbers)

SYMBOL = {
    "momentum_buffer": "u",
    "exp_avg": "m",
    "exp_avg_sq": "v",
    "max_exp_avg_sq": r"v^{\max}",
    "square_avg": "v",
    "grad_avg": r"\bar{g}",
    "sum": "s",
}


@dataclass(frozen=True)
class Element:
    """One element θ of W or B, with everything its update reads and writes."""

    label: str  # TeX: w_{1}, w_{2,1}, b, b_{2}
    theta: float  # θ before the step
    grad: float  # ∂L/∂θ
    before: Mapping[str, float]  # optimizer state before (keys present so far)
    after: Mapping[str, float]  # optimizer state after (closed form)
    new: float  # θ after the step (closed form)
    kept: Mapping[str, float]  # the rule's intermediates for θ (UpdateRule.update's keep)


@dataclass(frozen=True)
class Rule:
    """What an element's update needs besides the element: options, t, γ, λ for it."""

    options: Mapping[str, Any]
    t: int
    lr: float
    decay: float  # λ applied to this parameter (0 for B when the run leaves B undecayed)


def _gradient(e: Element, r: Rule, decay: bool = True) -> tuple[Line, float]:
    """g = ∂L/∂θ, plus λ·θ when the rule folds weight decay into the gradient."""
    d = rf"\frac{{\partial L}}{{\partial {e.label}}}"
    g = e.kept.get("g", e.grad)
    if decay and r.decay:
        sub = rf"g = {d} + \lambda {e.label} = {num(e.grad)} + {hyper(r.decay)} \cdot {term(e.theta)} = {num(g)}"
        return (r"g = \frac{\partial L}{\partial \theta} + \lambda \theta", sub), g
    return (r"g = \frac{\partial L}{\partial \theta}", rf"g = {d} = {num(e.grad)}"), e.grad


def _sgd(e: Element, r: Rule) -> list[Line]:
    o = r.options
    line, g = _gradient(e, r)
    lines = [line]
    mu, tau = float(o["momentum"]), float(o["dampening"])
    if mu:
        u = e.after["momentum_buffer"]
        if "momentum_buffer" not in e.before:
            lines.append(("u_t = g", f"u_t = {num(u)}"))
        else:
            prev = e.before["momentum_buffer"]
            lines.append(
                (
                    r"u_t = \mu u_{t-1} + (1 - \tau) g",
                    f"u_t = {hyper(mu)} \\cdot {term(prev)} + (1 - {hyper(tau)}) \\cdot {term(g)} = {num(u)}",
                )
            )
        step = e.kept["step_direction"]
        if o["nesterov"]:
            lines.append(
                (
                    r"g \leftarrow g + \mu u_t",
                    f"g = {num(g)} + {hyper(mu)} \\cdot {term(u)} = {num(step)}",
                )
            )
        else:
            lines.append((r"g \leftarrow u_t", f"g = {num(step)}"))
        g = step
    lines.append(
        (
            r"\theta \leftarrow \theta - \gamma \cdot g",
            f"{e.label} \\leftarrow {num(e.theta)} - {hyper(r.lr)} \\cdot {term(g)} = {num(e.new)}",
        )
    )
    return lines


def _adam(e: Element, r: Rule, decoupled: bool) -> list[Line]:
    o = r.options
    b1, b2 = (float(v) for v in o["betas"])
    eps = float(o["eps"])
    lines = []
    theta = e.theta
    if decoupled and r.decay:
        theta = e.kept["theta"]
        lines.append(
            (
                r"\theta \leftarrow \theta \cdot (1 - \gamma \lambda)",
                f"{e.label} \\leftarrow {num(e.theta)} \\cdot (1 - {hyper(r.lr)} \\cdot {hyper(r.decay)}) = {num(theta)}",
            )
        )
    line, g = _gradient(e, r, decay=not decoupled)
    lines.append(line)
    m, v = e.after["exp_avg"], e.after["exp_avg_sq"]
    m0, v0 = e.before.get("exp_avg", 0.0), e.before.get("exp_avg_sq", 0.0)
    lines.append(
        (
            r"m_t = \beta_1 m_{t-1} + (1 - \beta_1) g",
            f"m_t = {hyper(b1)} \\cdot {term(m0)} + (1 - {hyper(b1)}) \\cdot {term(g)} = {num(m)}",
        )
    )
    lines.append(
        (
            r"v_t = \beta_2 v_{t-1} + (1 - \beta_2) g^2",
            f"v_t = {hyper(b2)} \\cdot {term(v0)} + (1 - {hyper(b2)}) \\cdot {term(g)}^2 = {num(v)}",
        )
    )
    v_used, v_name = v, "v_t"
    if o["amsgrad"]:
        vmax, vmax0 = e.after["max_exp_avg_sq"], e.before.get("max_exp_avg_sq", 0.0)
        lines.append(
            (
                r"v^{\max}_t = \max(v^{\max}_{t-1}, v_t)",
                f"v^{{\\max}}_t = \\max({num(vmax0)}, {num(v)}) = {num(vmax)}",
            )
        )
        v_used, v_name = vmax, r"v^{\max}_t"
    m_hat, v_hat = e.kept["m_hat"], e.kept["v_hat"]
    lines.append(
        (
            r"\hat{m}_t = \frac{m_t}{1 - \beta_1^{t}}",
            f"\\hat{{m}}_t = \\frac{{{num(m)}}}{{1 - {hyper(b1)}^{{{r.t}}}}} = {num(m_hat)}",
        )
    )
    lines.append(
        (
            rf"\hat{{v}}_t = \frac{{{v_name}}}{{1 - \beta_2^{{t}}}}",
            f"\\hat{{v}}_t = \\frac{{{num(v_used)}}}{{1 - {hyper(b2)}^{{{r.t}}}}} = {num(v_hat)}",
        )
    )
    lines.append(
        (
            r"\theta \leftarrow \theta - \gamma \cdot \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \varepsilon}",
            f"{e.label} \\leftarrow {num(theta)} - {hyper(r.lr)} \\cdot "
            f"\\frac{{{num(m_hat)}}}{{\\sqrt{{{num(v_hat)}}} + {hyper(eps)}}} = {num(e.new)}",
        )
    )
    return lines


def _rmsprop(e: Element, r: Rule) -> list[Line]:
    o = r.options
    alpha, eps, mu = float(o["alpha"]), float(o["eps"]), float(o["momentum"])
    line, g = _gradient(e, r)
    lines = [line]
    v, v0 = e.after["square_avg"], e.before.get("square_avg", 0.0)
    lines.append(
        (
            r"v_t = \alpha v_{t-1} + (1 - \alpha) g^2",
            f"v_t = {hyper(alpha)} \\cdot {term(v0)} + (1 - {hyper(alpha)}) \\cdot {term(g)}^2 = {num(v)}",
        )
    )
    if o["centered"]:
        gb, gb0 = e.after["grad_avg"], e.before.get("grad_avg", 0.0)
        lines.append(
            (
                r"\bar{g}_t = \alpha \bar{g}_{t-1} + (1 - \alpha) g",
                f"\\bar{{g}}_t = {hyper(alpha)} \\cdot {term(gb0)} + (1 - {hyper(alpha)}) \\cdot {term(g)} = {num(gb)}",
            )
        )
        s = e.kept["denominator"]
        lines.append(
            (
                r"s = \sqrt{v_t - \bar{g}_t^2} + \varepsilon",
                f"s = \\sqrt{{{num(v)} - {term(gb)}^2}} + {hyper(eps)} = {num(s)}",
            )
        )
    else:
        s = e.kept["denominator"]
        lines.append(
            (r"s = \sqrt{v_t} + \varepsilon", f"s = \\sqrt{{{num(v)}}} + {hyper(eps)} = {num(s)}")
        )
    step = r"\theta \leftarrow \theta - \gamma \cdot \frac{g}{s}"
    if mu:
        u, u0 = e.after["momentum_buffer"], e.before.get("momentum_buffer", 0.0)
        lines.append(
            (
                r"u_t = \mu u_{t-1} + \frac{g}{s}",
                f"u_t = {hyper(mu)} \\cdot {term(u0)} + \\frac{{{num(g)}}}{{{num(s)}}} = {num(u)}",
            )
        )
        step = r"\theta \leftarrow \theta - \gamma \cdot u_t"
        sub = (
            f"{e.label} \\leftarrow {num(e.theta)} - {hyper(r.lr)} \\cdot {term(u)} = {num(e.new)}"
        )
    else:
        sub = (
            f"{e.label} \\leftarrow {num(e.theta)} - {hyper(r.lr)} \\cdot "
            f"\\frac{{{num(g)}}}{{{num(s)}}} = {num(e.new)}"
        )
    lines.append((step, sub))
    return lines


def _adagrad(e: Element, r: Rule) -> list[Line]:
    o = r.options
    eta, eps, s0 = float(o["lr_decay"]), float(o["eps"]), float(o["initial_accumulator_value"])
    line, g = _gradient(e, r)
    clr = e.kept["lr_t"]
    s, s_prev = e.after["sum"], e.before.get("sum", s0)
    return [
        line,
        (
            r"\gamma_t = \frac{\gamma}{1 + (t - 1) \eta}",
            f"\\gamma_t = \\frac{{{hyper(r.lr)}}}{{1 + ({r.t} - 1) \\cdot {hyper(eta)}}} = {num(clr)}",
        ),
        (r"s_t = s_{t-1} + g^2", f"s_t = {num(s_prev)} + {term(g)}^2 = {num(s)}"),
        (
            r"\theta \leftarrow \theta - \gamma_t \cdot \frac{g}{\sqrt{s_t} + \varepsilon}",
            f"{e.label} \\leftarrow {num(e.theta)} - {num(clr)} \\cdot "
            f"\\frac{{{num(g)}}}{{\\sqrt{{{num(s)}}} + {hyper(eps)}}} = {num(e.new)}",
        ),
    ]


def _any_rule(e: Element, r: Rule) -> list[Line]:
    """A rule without a worked plan here (one registered from outside): θ before and after."""
    line, _ = _gradient(e, r, decay=False)
    step = rf"{e.label} \leftarrow {num(e.theta)} \to {num(e.new)}"
    return [line, (r"\theta \leftarrow \operatorname{rule}(\theta, g)", step)]


PLANS: dict[type[UpdateRule], Callable[[Element, Rule], list[Line]]] = {
    SGD: _sgd,
    Adam: partial(_adam, decoupled=False),
    AdamW: partial(_adam, decoupled=True),
    RMSprop: _rmsprop,
    Adagrad: _adagrad,
}


def plan(rule: UpdateRule, e: Element, r: Rule) -> list[Line]:
    """The worked update of element ``e`` under ``rule`` (its class's plan)."""
    return PLANS.get(type(rule), _any_rule)(e, r)
