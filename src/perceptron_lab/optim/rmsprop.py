"""RMSprop, plain or centered, with momentum."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from ..bounds import bounded
from ..data.checks import check_fraction, check_positive
from . import register_rule
from .rule import State, UpdateRule, check_weight_decay


@register_rule
class RMSprop(UpdateRule):
    r"""RMSprop as torch.optim.RMSprop computes it (γ = lr, α = alpha, ε = eps, μ = momentum, λ = weight_decay).

    g ← g + λ·θ
    v ← α·v + (1 − α)·g²
    ḡ ← α·ḡ + (1 − α)·g ;  s = √(v − ḡ²) + ε      (centered)
    s = √v + ε                                    (otherwise)
    b ← μ·b + g / s ;  θ ← θ − γ·b                (μ > 0)
    θ ← θ − γ·g / s                               (μ = 0)
    """

    name = "rmsprop"
    title = "RMSprop"
    twin = "RMSprop"
    symbols = (
        (r"\alpha", "alpha"),
        (r"\varepsilon", "eps"),
        (r"\lambda", "weight_decay"),
        (r"\mu", "momentum"),
    )

    def __init__(
        self,
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        super().__init__(lr)
        self.alpha = check_fraction("alpha", alpha)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_weight_decay(weight_decay)
        self.momentum = bounded("momentum", momentum)
        self.centered = bool(centered)

    def options(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "alpha": self.alpha,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
            "momentum": self.momentum,
            "centered": self.centered,
        }

    def state_keys(self) -> tuple[str, ...]:
        keys: tuple[str, ...] = ("square_avg",)
        if self.momentum:
            keys += ("momentum_buffer",)
        if self.centered:
            keys += ("grad_avg",)
        return keys

    def update(
        self,
        theta: torch.Tensor,
        g: torch.Tensor,
        state: State,
        t: int,
        lr: float,
        keep: dict[str, torch.Tensor | float] | None = None,
    ) -> tuple[torch.Tensor, State]:
        a = self.alpha
        if self.weight_decay:
            g = g + self.weight_decay * theta
        zeros = torch.zeros_like(theta)
        v = a * state.get("square_avg", zeros) + (1 - a) * g * g
        new_state: State = {"square_avg": v}
        if self.centered:
            g_avg = a * state.get("grad_avg", zeros) + (1 - a) * g
            new_state["grad_avg"] = g_avg
            # v − ḡ² cancels when g is steady; addcmul rounds it once, as torch.optim does
            s = torch.addcmul(v, g_avg, g_avg, value=-1).sqrt() + self.eps
        else:
            s = v.sqrt() + self.eps
        if keep is not None:
            keep |= {"g": g, "denominator": s}
        if self.momentum:
            b = self.momentum * state.get("momentum_buffer", zeros) + g / s
            new_state["momentum_buffer"] = b
            return theta - lr * b, new_state
        return theta - lr * g / s, new_state

    def note_keys(self) -> tuple[str, ...]:
        return ("rmsprop_centered",) if self.centered else ()

    def torch_optimizer(self, params: Iterable[Any]) -> torch.optim.Optimizer:
        return torch.optim.RMSprop(params, **self.options())
