"""The perceptron criterion — Rosenblatt's rule is SGD on it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

from ..errors import InputError
from . import register_loss
from .activations import STEP
from .loss import Loss, Numbers, check_shape, first_bad

if TYPE_CHECKING:
    import numpy as np


@register_loss
class PerceptronCriterion(Loss):
    """ℓ = max(0, −t·z) with t = ±1: zero on a correct side, |z| on a mistake.

    ∂ℓ/∂z = −t where t·z ≤ 0 (a mistake, or exactly on the boundary), else 0.

    SGD with batch size 1 and learning rate γ on it is Rosenblatt's rule:
    on a mistake w ← w + γ·t·x and b ← b + γ·t; otherwise nothing changes.
    Labels 0/1 are read as t = −1/+1. The torch.nn twin is
    nn.MarginRankingLoss(margin=0)(z, 0, t) = max(0, −t·(z − 0)).
    """

    name = "perceptron"
    title = "perceptron criterion"
    activation = STEP
    labels = "the classes −1 and +1 (0 and 1 are read as −1 and +1)"
    formula = "ℓ = max(0, −t·z)"
    gradient = "∂ℓ/∂z = −t if t·z ≤ 0 else 0"
    task = "binary"
    takes = ("binary",)
    probabilistic = False  # a step gives no probabilities
    twins = ("MarginRankingLoss",)
    tex_loss = r"\max(0, -t_{s} \cdot z_{s})"
    tex_grad = r"-T \odot \mathbf{1}[T \odot Z \le 0]"

    def class_index(self, targets: torch.Tensor) -> np.ndarray:
        """Class (t + 1) / 2 of t = ±1."""
        index = super().class_index((targets.detach().to(torch.float64) + 1) / 2)
        assert index is not None
        return index

    def twin_text(self) -> str:
        return f"nn.MarginRankingLoss(margin=0, reduction='{self.reduction}')"

    def tex_loss_at(self, f: Numbers, z: float, y: float, a: float, j: int) -> str:
        return f"\\max(0, -{f.term(y)} \\cdot {f.term(z)})"

    def tex_grad_at(self, f: Numbers, z: float, y: float, a: float, j: int) -> str:
        return f"-{f.term(y)} \\cdot {1 if y * z <= 0 else 0}"

    def targets(self, y: torch.Tensor, k: int) -> torch.Tensor:
        y = check_shape(y, k, self.title)
        bad = (y != -1) & (y != 0) & (y != 1)
        if bool(bad.any()):
            raise InputError("y", f"labels for the {self.title}: {self.labels}", first_bad(y, bad))
        if bool((y == -1).any()) and bool((y == 0).any()):
            raise InputError("y", "labels ±1 or 0/1, not both", "−1, 0 and 1 mixed")
        return torch.where(y == 0, -torch.ones_like(y), y)

    def output_size(self, y: torch.Tensor) -> int:
        return 1 if y.dim() == 1 else int(y.shape[1])

    def elements(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return (-y * z).clamp(min=0)

    def element_gradient(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.where(y * z <= 0, -y, torch.zeros_like(y))

    @classmethod
    def twin_options(cls, module: torch.nn.Module) -> dict[str, Any]:
        margin = getattr(module, "margin", 0.0)
        if margin != 0:
            raise ValueError(
                f"{type(module).__name__}(margin={margin}): only margin 0 is the perceptron"
            )
        return super().twin_options(module)

    def twin_call_problem(self, args: tuple[Any, ...]) -> str | None:
        """MarginRankingLoss(z, x2, t) is the perceptron for x2 = 0 only."""
        if bool(args[1].any()):
            return "MarginRankingLoss(z, x2, t) with x2 ≠ 0 is not the perceptron"
        return None

    def torch_module(self) -> torch.nn.Module:
        return torch.nn.MarginRankingLoss(margin=0.0, reduction=self.reduction)

    def torch_value(
        self, module: torch.nn.Module, z: torch.Tensor, y: torch.Tensor
    ) -> torch.Tensor:
        out: torch.Tensor = module(z, torch.zeros_like(z), y)
        return out

    def predict(self, z: torch.Tensor) -> torch.Tensor:
        """t̂ = +1 where z ≥ 0 (H(z) = 1), else −1."""
        return torch.where(z >= 0, 1, -1).to(torch.int64)
