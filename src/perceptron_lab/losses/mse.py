"""Mean squared error for regression with any number of outputs (nn.MSELoss)."""

from __future__ import annotations

import torch

from . import register_loss
from .activations import IDENTITY
from .loss import Loss, Numbers, check_shape


@register_loss
class MeanSquaredError(Loss):
    """Squared error of the linear output a = z against a real target y.

    ℓ = (z − y)²      ∂ℓ/∂z = 2·(z − y)

    As nn.MSELoss, "mean" divides by every element, N·k.
    """

    name = "mse"
    title = "mean squared error"
    activation = IDENTITY
    labels = "real numbers"
    formula = "ℓ = (z − y)²"
    gradient = "∂ℓ/∂z = 2·(z − y)"
    task = "regression"
    takes = ("binary", "multiclass", "regression")
    auto_for = "regression"
    score_name = "r2"
    twins = ("MSELoss",)
    tex_loss = r"(z_{s} - y_{s})^2"
    tex_grad = r"2 \cdot (Z - Y)"

    def score(self, z: torch.Tensor, y: torch.Tensor) -> float:
        """R² = 1 − Σ(y − z)² / Σ(y − ȳ)² (nan when y is constant)."""
        total = ((y - y.mean(dim=0)) ** 2).sum()
        if float(total) == 0:
            return float("nan")
        return float(1 - ((y - z) ** 2).sum() / total)

    def score_sums(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """(Σ(y − z)², n, Σy per output, Σy² per output), float64: R² of parts added up."""
        y64, z64 = y.to(torch.float64), z.to(torch.float64)
        rows = torch.tensor([float(y.shape[0])], dtype=torch.float64, device=y.device)
        y64 = y64.reshape(y.shape[0], -1)
        residual = ((y64 - z64.reshape(y64.shape)) ** 2).sum().reshape(1)
        return torch.cat([residual, rows, y64.sum(dim=0), (y64**2).sum(dim=0)])

    def score_of_sums(self, sums: torch.Tensor) -> float:
        """R² = 1 − Σ(y − z)² / Σⱼ(Σy²ⱼ − (Σyⱼ)²/n) (nan when y is constant)."""
        k = (sums.numel() - 2) // 2
        n, s1, s2 = sums[1], sums[2 : 2 + k], sums[2 + k :]
        total = float((s2 - s1**2 / n).sum())
        if total <= 1e-12 * float(s2.sum()):  # constant y, up to Σy² − (Σy)²/n's rounding
            return float("nan")
        return float(1 - sums[0] / total)

    def tex_loss_at(self, f: Numbers, z: float, y: float, a: float, j: int) -> str:
        return f"({f.num(z)} - {f.term(y)})^2"

    def tex_grad_at(self, f: Numbers, z: float, y: float, a: float, j: int) -> str:
        return f"2 \\cdot ({f.num(z)} - {f.term(y)})"

    def targets(self, y: torch.Tensor, k: int) -> torch.Tensor:
        return check_shape(y, k, self.title)

    def output_size(self, y: torch.Tensor) -> int:
        return 1 if y.dim() == 1 else int(y.shape[1])

    def elements(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return (z - y) ** 2

    def element_gradient(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return 2 * (z - y)

    def magnitude(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        m = (z.abs() + y.abs()) ** 2  # z − y cancels when z ≈ y
        return self.reduce(m)

    def grad_magnitude(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        g = 2 * (z.abs() + y.abs())
        return self.per_count(g, z)

    def torch_module(self) -> torch.nn.Module:
        return torch.nn.MSELoss(reduction=self.reduction)

    def predict(self, z: torch.Tensor) -> torch.Tensor:
        return z.clone()
