"""AdamW: Adam with decoupled weight decay (torch.optim.AdamW)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from . import register_rule
from .adam import Adam


@register_rule
class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay (torch.optim.AdamW).

    θ ← θ·(1 − γ·λ)   before the Adam step, instead of g ← g + λ·θ; then as Adam.
    """

    name = "adamw"
    title = "AdamW"
    twin = "AdamW"
    decoupled = True

    def __init__(
        self,
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(lr, betas, eps, weight_decay, amsgrad)

    def torch_optimizer(self, params: Iterable[Any]) -> torch.optim.Optimizer:
        return torch.optim.AdamW(params, **self.options())
