"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from ..bounds import bounded
from ..data.checks import check_fraction
from ..errors import InputError
from . import register_rule
from .rule import State, UpdateRule, check_weight_decay


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
        if self.weight_decay:
            g = g + self.weight_decay * theta
        new_state: State = {}
        if self.momentum:
            b = state.get("momentum_buffer")
            b = g.clone() if b is None else self.momentum * b + (1 - self.dampening) * g
            new_state["momentum_buffer"] = b
            g_step = g + self.momentum * b if self.nesterov else b
        if keep is not None:
            keep |= {"g": g, "step_direction": g_step if self.momentum else g}
        return theta - lr * (g_step if self.momentum else g), new_state

    def note_keys(self) -> tuple[str, ...]:
        return ("sgd_momentum",) if self.momentum else ()

    def torch_optimizer(self, params: Iterable[Any]) -> torch.optim.Optimizer:
        return torch.optim.SGD(params, **self.options())
