"""One element's update written out: the rule's formula, then the same with its numbers.

An explanation shows how a rule moved one element θ of W or B. Each rule writes its own
lines (:meth:`~perceptron_lab.optim.rule.UpdateRule.worked`) from an :class:`Element`:
θ, ∂L/∂θ, the optimizer state before and after, the new θ, and the rule's intermediates
for θ (``UpdateRule.update``'s ``keep``: the decayed g, m̂, v̂, the denominator, γₜ).
The lines only write those numbers out, formatted by the caller's
:class:`~perceptron_lab.losses.loss.Numbers`; nothing is recomputed here.

The symbols are torch.optim's: γ = lr, μ = momentum, τ = dampening, λ = weight_decay,
β1, β2 = betas, α = alpha, η = lr_decay, ε = eps; a momentum buffer is written u
(torch's ``momentum_buffer``), keeping b for the bias.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..losses.loss import Numbers

Line = tuple[str, str]  # (formula in general symbols, the same with this element's numbers)


@dataclass(frozen=True)
class Element:
    """One element θ of W or B, with everything its update read and wrote."""

    label: str  # TeX: w_{1}, w_{2,1}, b, b_{2}
    theta: float  # θ before the step
    grad: float  # ∂L/∂θ
    before: Mapping[str, float]  # optimizer state before (the keys present so far)
    after: Mapping[str, float]  # optimizer state after (closed form)
    new: float  # θ after the step (closed form)
    kept: Mapping[str, float]  # the rule's intermediates for θ
    t: int  # the rule's step count, 1 on its first update
    lr: float  # γ of this step (a schedule's, where one runs)


def gradient_line(e: Element, decay: float, f: Numbers) -> tuple[Line, float]:
    """g = ∂L/∂θ, plus λ·θ where the rule folds weight decay ``decay`` into the gradient."""
    d = rf"\frac{{\partial L}}{{\partial {e.label}}}"
    if decay:
        g = e.kept["g"]
        sub = rf"g = {d} + \lambda {e.label} = {f.num(e.grad)} + {f.hyper(decay)} \cdot {f.term(e.theta)} = {f.num(g)}"
        return (r"g = \frac{\partial L}{\partial \theta} + \lambda \theta", sub), g
    return (r"g = \frac{\partial L}{\partial \theta}", rf"g = {d} = {f.num(e.grad)}"), e.grad


def average_line(
    symbol: str,
    rate: str,
    rate_value: float,
    value: tuple[str, str],
    key: str,
    e: Element,
    f: Numbers,
) -> Line:
    """``s_t = r s_{t-1} + (1 - r) x``: the running average kept in the state ``key``.

    ``value`` is x in symbols and with its numbers (``g`` and ``-0.0847``, or ``g^2`` and
    ``(-0.0847)^2``); before the first update the average is 0.
    """
    x, x_num = value
    rv = f.hyper(rate_value)
    return (
        rf"{symbol}_t = {rate} {symbol}_{{t-1}} + (1 - {rate}) {x}",
        f"{symbol}_t = {rv} \\cdot {f.term(e.before.get(key, 0.0))} + (1 - {rv}) \\cdot {x_num} = {f.num(e.after[key])}",
    )
