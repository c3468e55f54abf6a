"""Adam, with AMSGrad (AdamW is :mod:`.adamw`)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import torch

from ..data.checks import check_positive
from . import register_rule
from .rule import State, UpdateRule, check_betas, check_weight_decay
from .worked import Element, Line, average_line, gradient_line

if TYPE_CHECKING:
    from ..losses.loss import Numbers


@register_rule
class Adam(UpdateRule):
    r"""Adam as torch.optim.Adam computes it (γ = lr, β1, β2 = betas, ε = eps, λ = weight_decay).

    g ← g + λ·θ                        (Adam: L2 penalty folded into the gradient)
    m ← β1·m + (1 − β1)·g
    v ← β2·v + (1 − β2)·g²
    v̂max ← max(v̂max, v)                (amsgrad only; then v̂max replaces v below)
    m̂ = m / (1 − β1ᵗ)
    θ ← θ − γ·m̂ / (√v / √(1 − β2ᵗ) + ε)

    ε is added after the bias correction of √v, as PyTorch does (the paper adds it to √v̂).
    """

    name = "adam"
    title = "Adam"
    twin = "Adam"
    state_symbols = (("exp_avg", "m"), ("exp_avg_sq", "v"), ("max_exp_avg_sq", r"v^{\max}"))
    symbols = ((r"\beta_1", "betas"), (r"\varepsilon", "eps"), (r"\lambda", "weight_decay"))
    uses_step = True
    shown = (("m_hat", r"\hat{m}"), ("v_hat", r"\hat{v}"))
    decoupled = False

    def __init__(
        self,
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(lr)
        self.betas = check_betas(tuple(betas))  # type: ignore[arg-type]
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_weight_decay(weight_decay)
        self.amsgrad = bool(amsgrad)

    def options(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "betas": self.betas,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
            "amsgrad": self.amsgrad,
        }

    def state_keys(self) -> tuple[str, ...]:
        keys = ("exp_avg", "exp_avg_sq")
        return (*keys, "max_exp_avg_sq") if self.amsgrad else keys

    def update(
        self,
        theta: torch.Tensor,
        g: torch.Tensor,
        state: State,
        t: int,
        lr: float,
        keep: dict[str, torch.Tensor | float] | None = None,
    ) -> tuple[torch.Tensor, State]:
        b1, b2 = self.betas
        if self.weight_decay:
            if self.decoupled:
                theta = theta * (1 - lr * self.weight_decay)
            else:
                g = self.decayed(g, theta)
        zeros = torch.zeros_like(theta)
        m = b1 * state.get("exp_avg", zeros) + (1 - b1) * g
        v = b2 * state.get("exp_avg_sq", zeros) + (1 - b2) * g * g
        new_state: State = {"exp_avg": m, "exp_avg_sq": v}
        if self.amsgrad:
            v = torch.maximum(state.get("max_exp_avg_sq", zeros), v)
            new_state["max_exp_avg_sq"] = v
        m_hat = m / (1 - b1**t)
        denom = v.sqrt() / math.sqrt(1 - b2**t) + self.eps
        if keep is not None:
            v_hat = v / (1 - b2**t)
            keep |= {"theta": theta, "g": g, "m_hat": m_hat, "v_hat": v_hat, "denominator": denom}
        return theta - lr * m_hat / denom, new_state

    def worked(self, e: Element, f: Numbers) -> list[Line]:
        b1, b2 = self.betas
        lines = []
        theta = e.theta
        if self.decoupled and self.weight_decay:
            theta = e.kept["theta"]
            lines.append(
                (
                    r"\theta \leftarrow \theta \cdot (1 - \gamma \lambda)",
                    f"{e.label} \\leftarrow {f.num(e.theta)} \\cdot (1 - {f.hyper(e.lr)} \\cdot {f.hyper(self.weight_decay)}) = {f.num(theta)}",
                )
            )
        line, g = gradient_line(e, 0.0 if self.decoupled else self.weight_decay, f)
        lines.append(line)
        lines.append(average_line("m", r"\beta_1", b1, ("g", f.term(g)), "exp_avg", e, f))
        lines.append(
            average_line("v", r"\beta_2", b2, ("g^2", f"{f.term(g)}^2"), "exp_avg_sq", e, f)
        )
        m, v_used, v_name = e.after["exp_avg"], e.after["exp_avg_sq"], "v_t"
        if self.amsgrad:
            vmax, vmax0 = e.after["max_exp_avg_sq"], e.before.get("max_exp_avg_sq", 0.0)
            lines.append(
                (
                    r"v^{\max}_t = \max(v^{\max}_{t-1}, v_t)",
                    f"v^{{\\max}}_t = \\max({f.num(vmax0)}, {f.num(v_used)}) = {f.num(vmax)}",
                )
            )
            v_used, v_name = vmax, r"v^{\max}_t"
        m_hat, v_hat = e.kept["m_hat"], e.kept["v_hat"]
        lines.append(
            (
                r"\hat{m}_t = \frac{m_t}{1 - \beta_1^{t}}",
                f"\\hat{{m}}_t = \\frac{{{f.num(m)}}}{{1 - {f.hyper(b1)}^{{{e.t}}}}} = {f.num(m_hat)}",
            )
        )
        lines.append(
            (
                rf"\hat{{v}}_t = \frac{{{v_name}}}{{1 - \beta_2^{{t}}}}",
                f"\\hat{{v}}_t = \\frac{{{f.num(v_used)}}}{{1 - {f.hyper(b2)}^{{{e.t}}}}} = {f.num(v_hat)}",
            )
        )
        lines.append(
            (
                r"\theta \leftarrow \theta - \gamma \cdot \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \varepsilon}",
                f"{e.label} \\leftarrow {f.num(theta)} - {f.hyper(e.lr)} \\cdot "
                f"\\frac{{{f.num(m_hat)}}}{{\\sqrt{{{f.num(v_hat)}}} + {f.hyper(self.eps)}}} = {f.num(e.new)}",
            )
        )
        return lines

    def note_keys(self) -> tuple[str, ...]:
        return ("adam_bias", "adam_amsgrad") if self.amsgrad else ("adam_bias",)

    @classmethod
    def name_of_twin(cls, optimizer: torch.optim.Optimizer) -> str:
        """torch.optim.Adam(decoupled_weight_decay=True) is AdamW."""
        return "adamw" if optimizer.defaults.get("decoupled_weight_decay") else cls.name

    def torch_optimizer(self, params: Iterable[Any]) -> torch.optim.Optimizer:
        return torch.optim.Adam(params, **self.options())
