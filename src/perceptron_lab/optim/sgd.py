"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import torch

from ..bounds import bounded
from ..data.checks import check_fraction
from ..errors import InputError
from . import register_rule
from .rule import State, UpdateRule, check_weight_decay
from .worked import Element, Line, gradient_line

if TYPE_CHECKING:
    from ..losses.loss import Numbers


@register_rule
class SGD(UpdateRule):
    r"""SGD as torch.optim.SGD computes it (γ = lr, μ = momentum, τ = dampening, λ = weight_decay).

    g ← g + λ·θ                                 (if λ ≠ 0)
    if μ ≠ 0:
        b ← g                        on the first step (t = 1)
        b ← μ·b + (1 − τ)·g          afterwards
        g ← g + μ·b  if nesterov  else  g ← b
    θ ← θ − γ·g

    Where the textbook writes v ← μ·v − γ·g, θ ← θ + v (Sutskever et al.), PyTorch keeps
    γ outside the buffer; the two agree while γ is constant and differ once it changes.
    """

    name = "sgd"
    title = "stochastic gradient descent"
    twin = "SGD"
    symbols = ((r"\mu", "momentum"), (r"\tau", "dampening"), (r"\lambda", "weight_decay"))
    counts_steps = False
    state_symbols = (("momentum_buffer", "u"),)

    def __init__(
        self,
        lr: float = 0.01,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(lr)
        self.momentum = bounded("momentum", momentum)
        self.dampening = check_fraction("dampening", dampening, closed_right=True)
        self.weight_decay = check_weight_decay(weight_decay)
        if nesterov and (self.momentum == 0 or self.dampening != 0):
            raise InputError(
                "nesterov",
                "momentum > 0 and dampening = 0",
                f"momentum={self.momentum}, dampening={self.dampening}",
            )
        self.nesterov = bool(nesterov)

    def options(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "momentum": self.momentum,
            "dampening": self.dampening,
            "weight_decay": self.weight_decay,
            "nesterov": self.nesterov,
        }

    def state_keys(self) -> tuple[str, ...]:
        return ("momentum_buffer",) if self.momentum else ()

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
        new_state: State = {}
        if self.momentum:
            b = state.get("momentum_buffer")
            b = g.clone() if b is None else self.momentum * b + (1 - self.dampening) * g
            new_state["momentum_buffer"] = b
            g_step = g + self.momentum * b if self.nesterov else b
        if keep is not None:
            keep |= {"g": g, "step_direction": g_step if self.momentum else g}
        return theta - lr * (g_step if self.momentum else g), new_state

    def worked(self, e: Element, f: Numbers) -> list[Line]:
        line, g = gradient_line(e, self.weight_decay, f)
        lines = [line]
        mu, tau = self.momentum, self.dampening
        if mu:
            u = e.after["momentum_buffer"]
            if "momentum_buffer" not in e.before:
                lines.append(("u_t = g", f"u_t = {f.num(u)}"))
            else:
                prev = e.before["momentum_buffer"]
                lines.append(
                    (
                        r"u_t = \mu u_{t-1} + (1 - \tau) g",
                        f"u_t = {f.hyper(mu)} \\cdot {f.term(prev)} + (1 - {f.hyper(tau)}) \\cdot {f.term(g)} = {f.num(u)}",
                    )
                )
            step = e.kept["step_direction"]
            if self.nesterov:
                lines.append(
                    (
                        r"g \leftarrow g + \mu u_t",
                        f"g = {f.num(g)} + {f.hyper(mu)} \\cdot {f.term(u)} = {f.num(step)}",
                    )
                )
            else:
                lines.append((r"g \leftarrow u_t", f"g = {f.num(step)}"))
            g = step
        lines.append(
            (
                r"\theta \leftarrow \theta - \gamma \cdot g",
                f"{e.label} \\leftarrow {f.num(e.theta)} - {f.hyper(e.lr)} \\cdot {f.term(g)} = {f.num(e.new)}",
            )
        )
        return lines

    def note_keys(self) -> tuple[str, ...]:
        return ("sgd_momentum",) if self.momentum else ()

    def torch_optimizer(self, params: Iterable[Any]) -> torch.optim.Optimizer:
        return torch.optim.SGD(params, **self.options())
