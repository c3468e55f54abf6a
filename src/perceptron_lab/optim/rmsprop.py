"""RMSprop, plain or centered, with momentum."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import torch

from ..bounds import bounded
from ..data.checks import check_fraction, check_positive
from . import register_rule
from .rule import State, UpdateRule, check_weight_decay
from .worked import Element, Line, average_line, gradient_line

if TYPE_CHECKING:
    from ..losses.loss import Numbers


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
    state_symbols = (("square_avg", "v"), ("grad_avg", r"\bar{g}"), ("momentum_buffer", "u"))
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
        g = self.decayed(g, theta)
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

    def worked(self, e: Element, f: Numbers) -> list[Line]:
        line, g = gradient_line(e, self.weight_decay, f)
        alpha, eps, mu = self.alpha, self.eps, self.momentum
        v = e.after["square_avg"]
        lines = [
            line,
            average_line("v", r"\alpha", alpha, ("g^2", f"{f.term(g)}^2"), "square_avg", e, f),
        ]
        s = e.kept["denominator"]
        if self.centered:
            gb = e.after["grad_avg"]
            lines.append(
                average_line(r"\bar{g}", r"\alpha", alpha, ("g", f.term(g)), "grad_avg", e, f)
            )
            lines.append(
                (
                    r"s = \sqrt{v_t - \bar{g}_t^2} + \varepsilon",
                    f"s = \\sqrt{{{f.num(v)} - {f.term(gb)}^2}} + {f.hyper(eps)} = {f.num(s)}",
                )
            )
        else:
            lines.append(
                (
                    r"s = \sqrt{v_t} + \varepsilon",
                    f"s = \\sqrt{{{f.num(v)}}} + {f.hyper(eps)} = {f.num(s)}",
                )
            )
        if mu:
            u, u0 = e.after["momentum_buffer"], e.before.get("momentum_buffer", 0.0)
            lines.append(
                (
                    r"u_t = \mu u_{t-1} + \frac{g}{s}",
                    f"u_t = {f.hyper(mu)} \\cdot {f.term(u0)} + \\frac{{{f.num(g)}}}{{{f.num(s)}}} = {f.num(u)}",
                )
            )
            step = (
                r"\theta \leftarrow \theta - \gamma \cdot u_t",
                f"{f.hyper(e.lr)} \\cdot {f.term(u)}",
            )
        else:
            step = (
                r"\theta \leftarrow \theta - \gamma \cdot \frac{g}{s}",
                f"{f.hyper(e.lr)} \\cdot \\frac{{{f.num(g)}}}{{{f.num(s)}}}",
            )
        lines.append(
            (step[0], f"{e.label} \\leftarrow {f.num(e.theta)} - {step[1]} = {f.num(e.new)}")
        )
        return lines

    def note_keys(self) -> tuple[str, ...]:
        return ("rmsprop_centered",) if self.centered else ()

    def torch_optimizer(self, params: Iterable[Any]) -> torch.optim.Optimizer:
        return torch.optim.RMSprop(params, **self.options())
