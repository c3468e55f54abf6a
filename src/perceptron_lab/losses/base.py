"""What every loss is: its value, its closed-form dL/dZ, its labels, its torch.nn twin.

Notation: Z (N, k) logits, y the targets in the loss's own label set, ℓ the per-element
losses. ``reduction="mean"`` averages ℓ over its elements (as torch.nn does: over N for
softmax cross-entropy, over N·k for the elementwise losses), ``"sum"`` adds them, so
``dL/dZ`` carries a factor 1/count under "mean" — the N that separates the two.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

import torch

from ..errors import InputError
from .activations import Activation

REDUCTIONS = ("mean", "sum")


class Loss(ABC):
    """A loss L(Z, y) with its closed-form gradient and its PyTorch twin."""

    name: ClassVar[str]
    title: ClassVar[str]  # human name, English
    activation: ClassVar[Activation]  # what turns Z into predictions
    task: ClassVar[str]  # "binary", "multiclass" or "regression": the targets it learns
    labels: ClassVar[str]  # the accepted label set, in words
    formula: ClassVar[str]  # ℓ(z, y) in plain text
    gradient: ClassVar[str]  # ∂ℓ/∂z in plain text

    def __init__(self, reduction: str = "mean") -> None:
        if reduction not in REDUCTIONS:
            raise InputError("reduction", "'mean' or 'sum'", repr(reduction))
        self.reduction = reduction

    def options(self) -> dict[str, Any]:
        """The loss's settings, for the trace and for rebuilding it."""
        return {"reduction": self.reduction}

    # --- labels -------------------------------------------------------------
    @abstractmethod
    def targets(self, y: torch.Tensor, k: int) -> torch.Tensor:
        """Check ``y`` against the label set and shape it for this loss ((N, k) or (N,))."""

    @abstractmethod
    def output_size(self, y: torch.Tensor) -> int:
        """The k a model needs for these (already checked) targets."""

    # --- closed form ----------------------------------------------------------
    @abstractmethod
    def elements(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """ℓ per element: (N, k), or (N,) for losses over a whole row."""

    @abstractmethod
    def element_gradient(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """∂(Σ ℓ)/∂Z: (N, k), before the 1/count of mean reduction."""

    def value(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """L = Σ ℓ (sum) or Σ ℓ / count (mean), a 0-d tensor."""
        return self.reduce(self.elements(z, y))

    def reduce(self, values: torch.Tensor) -> torch.Tensor:
        """Σ (sum) or Σ / count (mean) over all of ``values``."""
        return values.sum() if self.reduction == "sum" else values.mean()

    def per_count(self, g: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """``g`` / count under mean reduction: the 1/N (or 1/(N·k)) of dL/dZ."""
        return g / self.elements_count(z) if self.reduction == "mean" else g

    def value_and_grad(self, z: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(L, dL/dZ) together; a loss may share work between them (training's hot path)."""
        return self.value(z, y), self.grad_z(z, y)

    def per_sample(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """ℓₙ (N,): each sample's share, reduced over outputs the way L reduces them."""
        ell = self.elements(z, y)
        if ell.dim() == 1:
            return ell
        return ell.sum(dim=1) if self.reduction == "sum" else ell.mean(dim=1)

    def grad_z(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """dL/dZ (N, k) in closed form."""
        return self.per_count(self.element_gradient(z, y), z)

    def magnitude(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The size of the numbers L is computed from (its rounding is measured against it).

        Default: L itself, for losses whose terms are never subtracted.
        """
        return self.value(z, y).abs()

    def grad_magnitude(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The size of the terms dL/dZ subtracts (e.g. σ(z) and y in σ(z) − y), (N, k)."""
        return self.per_count(self.element_gradient(z, y).abs(), z)

    def elements_count(self, z: torch.Tensor) -> int:
        """How many ℓ the mean divides by (N·k for elementwise losses)."""
        return z.numel()

    # --- PyTorch twin ---------------------------------------------------------
    @abstractmethod
    def torch_module(self) -> torch.nn.Module:
        """The torch.nn loss that is this loss's twin."""

    def torch_value(
        self, module: torch.nn.Module, z: torch.Tensor, y: torch.Tensor
    ) -> torch.Tensor:
        """L by the twin (differentiable in z)."""
        out: torch.Tensor = module(z, y)
        return out

    # --- predictions ------------------------------------------------------------
    @abstractmethod
    def predict(self, z: torch.Tensor) -> torch.Tensor:
        """Predictions in the label set: classes, ±1, or values."""

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options().items())
        return f"{type(self).__name__}({opts})"


def check_shape(y: torch.Tensor, k: int, loss: str) -> torch.Tensor:
    """Targets for an elementwise loss: (N,) is read as (N, 1); the result must be (N, k)."""
    if y.dim() == 1:
        y = y.unsqueeze(1)
    if y.dim() != 2 or y.shape[1] != k:
        raise InputError(
            "y", f"shape (N, {k}) for {loss} with k = {k} outputs", f"shape {tuple(y.shape)}"
        )
    return y


def first_bad(y: torch.Tensor, bad: torch.Tensor) -> str:
    """``'2.0 at row 3'`` for the first True of ``bad``."""
    where = torch.nonzero(bad)[0].tolist()
    return f"{y[tuple(where)].item():g} at row {where[0] + 1}"
