"""Binary cross-entropy on logits — the notebook's loss (nn.BCEWithLogitsLoss)."""

from __future__ import annotations

from typing import Any

import torch

from ..errors import InputError
from . import register_loss
from .activations import SIGMOID
from .loss import Loss, Numbers, check_shape, first_bad


def softplus(z: torch.Tensor) -> torch.Tensor:
    """softplus(z) = log(1 + exp(z)) = max(z, 0) + log1p(exp(−|z|)), stable for any z."""
    return z.clamp(min=0) + torch.log1p(torch.exp(-z.abs()))


@register_loss
class BCEWithLogits(Loss):
    """Binary cross-entropy on logits, with an optional positive-class weight p.

    ℓ = −[p·y·log σ(z) + (1 − y)·log(1 − σ(z))]
      = p·y·softplus(−z) + (1 − y)·softplus(z)        (log σ(z) = −softplus(−z))
    ∂ℓ/∂z = σ(z)·(p·y + 1 − y) − p·y                   (= σ(z) − y when p = 1)

    The notebook computes −mean(y·log σ(z) + (1 − y)·log(1 − σ(z))) on probabilities;
    the softplus form gives the same number and never takes log(0).
    """

    name = "bce"
    title = "binary cross-entropy"
    activation = SIGMOID
    labels = "probabilities in [0, 1], usually the classes 0 and 1"
    formula = "ℓ = −[p·y·log σ(z) + (1 − y)·log(1 − σ(z))]"
    gradient = "∂ℓ/∂z = σ(z)·(p·y + 1 − y) − p·y  (= σ(z) − y for p = 1)"
    task = "binary"
    takes = ("binary",)
    auto_for = "binary"
    tex_loss = r"-\left[y_{s} \log \sigma(z_{s}) + (1 - y_{s}) \log(1 - \sigma(z_{s}))\right]"
    tex_grad = r"\sigma(Z) - Y"
    twins = ("BCEWithLogitsLoss", "BCELoss")
    probability_twins = ("BCELoss",)

    def __init__(
        self, reduction: str = "mean", pos_weight: float | list[float] | None = None
    ) -> None:
        super().__init__(reduction)
        if pos_weight is not None:
            weights = [pos_weight] if isinstance(pos_weight, int | float) else list(pos_weight)
            if not weights or not all(
                isinstance(w, int | float) and w > 0 and w != float("inf") for w in weights
            ):
                raise InputError("pos_weight", "numbers > 0", repr(pos_weight))
        self.pos_weight = pos_weight

    def options(self) -> dict[str, Any]:
        return {**super().options(), "pos_weight": self.pos_weight}

    def _p(self, z: torch.Tensor) -> torch.Tensor | None:
        if self.pos_weight is None:
            return None
        return torch.as_tensor(self.pos_weight, dtype=z.dtype, device=z.device).reshape(-1)

    def targets(self, y: torch.Tensor, k: int) -> torch.Tensor:
        y = check_shape(y, k, self.title)
        bad = (y < 0) | (y > 1)
        if bool(bad.any()):
            raise InputError("y", f"labels for {self.title}: {self.labels}", first_bad(y, bad))
        return y

    def output_size(self, y: torch.Tensor) -> int:
        return 1 if y.dim() == 1 else int(y.shape[1])

    def elements(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        p = self._p(z)
        positive = y * softplus(-z) if p is None else p * y * softplus(-z)  # (N, k)
        return positive + (1 - y) * softplus(z)

    def value_and_grad(self, z: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Both from one e = exp(−|z|) (p = 1):

        ℓ = log1p(e) + y·max(−z, 0) + (1 − y)·max(z, 0) = log1p(e) + (max(z, 0) − y·z)
        σ(z) = 1 / (1 + e) for z ≥ 0, e / (1 + e) for z < 0;  ∂ℓ/∂z = σ(z) − y

        For labels 0 and 1, max(z, 0) − y·z is exact (it is max(z, 0) or max(−z, 0)).
        """
        if self.pos_weight is not None:
            return super().value_and_grad(z, y)
        # in place where a temporary is done with: the same numbers, fewer (N, k) buffers
        e = z.abs().neg_().exp_()  # (N, k), never overflows
        ell = torch.log1p(e).add_(z.clamp(min=0) - y * z)
        s = torch.where(z >= 0, 1, e).div_(e.add_(1))  # σ(z); e is 1 + e from here
        return self.reduce(ell), self.per_count(s.sub_(y), z)

    def element_gradient(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        s = 1 / (1 + torch.exp(-z))  # σ(z), (N, k)
        p = self._p(z)
        if p is None:
            return s - y
        return s * (p * y + 1 - y) - p * y

    def magnitude(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """ℓ plus |z|: torch.nn writes ℓ as (1 − y)·z + max(−z, 0) + log(…), whose terms cancel."""
        return self.reduce(self.elements(z, y) + z.abs())

    def grad_magnitude(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        s = 1 / (1 + torch.exp(-z))
        p = self._p(z)
        g = s + y if p is None else s * (p * y + 1 - y) + p * y
        return self.per_count(g, z)

    def torch_module(self) -> torch.nn.Module:
        weight = (
            None if self.pos_weight is None else torch.tensor(self.pos_weight, dtype=torch.float64)
        )
        return torch.nn.BCEWithLogitsLoss(
            reduction=self.reduction, pos_weight=weight.reshape(-1) if weight is not None else None
        )

    @classmethod
    def twin_options(cls, module: torch.nn.Module) -> dict[str, Any]:
        """The reduction, and BCEWithLogitsLoss's pos_weight as a float or a list."""
        options = super().twin_options(module)
        if isinstance(module, torch.nn.BCEWithLogitsLoss):
            weight = module.pos_weight
            values = None if weight is None else [float(v) for v in weight.reshape(-1)]
            options["pos_weight"] = values[0] if values and len(values) == 1 else values
        return options

    def torch_value(
        self, module: torch.nn.Module, z: torch.Tensor, y: torch.Tensor
    ) -> torch.Tensor:
        if isinstance(module, torch.nn.BCEWithLogitsLoss) and module.pos_weight is not None:
            module.pos_weight = module.pos_weight.to(dtype=z.dtype, device=z.device)
        return super().torch_value(module, z, y)

    def weights(self, k: int) -> list[float]:
        """p per output ([] when not set)."""
        p = self.pos_weight
        if p is None:
            return []
        weights = [float(p)] if isinstance(p, int | float) else [float(v) for v in p]
        return weights * k if len(weights) == 1 else weights

    def tex_formula(self, sub: str) -> str:
        if self.pos_weight is None:
            return super().tex_formula(sub)
        return super().tex_formula(sub).replace(r"\left[y", r"\left[p \cdot y", 1)

    def tex_gradient(self) -> str:
        return self.tex_grad if self.pos_weight is None else r"\sigma(Z) \cdot (p Y + 1 - Y) - p Y"

    def tex_loss_at(self, f: Numbers, z: float, y: float, a: float, j: int) -> str:
        p = self.weights(j + 1)
        weight = f"{f.hyper(p[j])} \\cdot " if p else ""
        an, yn = f.num(a), f.num(y)
        return (
            f"-\\left[{weight}{yn} \\cdot \\log({an}) + (1 - {yn}) \\cdot \\log(1 - {an})\\right]"
        )

    def tex_grad_at(self, f: Numbers, z: float, y: float, a: float, j: int) -> str:
        an, yn = f.num(a), f.num(y)
        p = self.weights(j + 1)
        if not p:
            return f"{an} - {yn}"
        w = f.hyper(p[j])
        return f"{an} \\cdot ({w} \\cdot {yn} + 1 - {yn}) - {w} \\cdot {yn}"

    def predict(self, z: torch.Tensor) -> torch.Tensor:
        """Class 1 where σ(z) ≥ 0.5, i.e. z ≥ 0."""
        return (z >= 0).to(torch.int64)
