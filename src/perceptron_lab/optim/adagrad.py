"""Adagrad."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import torch

from ..data.checks import check_positive
from . import register_rule
from .rule import State, UpdateRule, check_weight_decay
from .worked import Element, Line, gradient_line

if TYPE_CHECKING:
    from ..losses.loss import Numbers


@register_rule
class Adagrad(UpdateRule):
    r"""Adagrad as torch.optim.Adagrad computes it (γ = lr, η = lr_decay, λ = weight_decay,
    s₀ = initial_accumulator_value, ε = eps).

    g ← g + λ·θ
    γₜ = γ / (1 + (t − 1)·η)
    s ← s + g²                       (s starts at s₀)
    θ ← θ − γₜ·g / (√s + ε)
    """

    name = "adagrad"
    title = "Adagrad"
    twin = "Adagrad"
    state_symbols = (("sum", "s"),)
    symbols = (
        (r"\eta", "lr_decay"),
        (r"\lambda", "weight_decay"),
        (r"s_0", "initial_accumulator_value"),
        (r"\varepsilon", "eps"),
    )
    uses_step = True

    def __init__(
        self,
        lr: float = 0.01,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        super().__init__(lr)
        self.lr_decay = check_positive("lr_decay", lr_decay, allow_zero=True)
        self.weight_decay = check_weight_decay(weight_decay)
        self.initial_accumulator_value = check_positive(
            "initial_accumulator_value", initial_accumulator_value, allow_zero=True
        )
        self.eps = check_positive("eps", eps)

    def options(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "lr_decay": self.lr_decay,
            "weight_decay": self.weight_decay,
            "initial_accumulator_value": self.initial_accumulator_value,
            "eps": self.eps,
        }

    def state_keys(self) -> tuple[str, ...]:
        return ("sum",)

    def update(
        self,
        theta: torch.Tensor,
        g: torch.Tensor,
        state: State,
        t: int,
        lr: float,
        keep: dict[str, torch.Tensor | float] | None = None,
    ) -> tuple[torch.Tensor, State]:
        g = self.decayed(g, theta)
        clr = lr / (1 + (t - 1) * self.lr_decay)
        s0 = torch.full_like(theta, self.initial_accumulator_value)
        s = state.get("sum", s0) + g * g
        if keep is not None:
            keep |= {"g": g, "lr_t": clr}
        return theta - clr * g / (s.sqrt() + self.eps), {"sum": s}

    def worked(self, e: Element, f: Numbers) -> list[Line]:
        line, g = gradient_line(e, self.weight_decay, f)
        clr = e.kept["lr_t"]
        s, s_prev = e.after["sum"], e.before.get("sum", self.initial_accumulator_value)
        return [
            line,
            (
                r"\gamma_t = \frac{\gamma}{1 + (t - 1) \eta}",
                f"\\gamma_t = \\frac{{{f.hyper(e.lr)}}}{{1 + ({e.t} - 1) \\cdot {f.hyper(self.lr_decay)}}} = {f.num(clr)}",
            ),
            (r"s_t = s_{t-1} + g^2", f"s_t = {f.num(s_prev)} + {f.term(g)}^2 = {f.num(s)}"),
            (
                r"\theta \leftarrow \theta - \gamma_t \cdot \frac{g}{\sqrt{s_t} + \varepsilon}",
                f"{e.label} \\leftarrow {f.num(e.theta)} - {f.num(clr)} \\cdot "
                f"\\frac{{{f.num(g)}}}{{\\sqrt{{{f.num(s)}}} + {f.hyper(self.eps)}}} = {f.num(e.new)}",
            ),
        ]

    def torch_optimizer(self, params: Iterable[Any]) -> torch.optim.Optimizer:
        return torch.optim.Adagrad(params, **self.options())
