"""The notebook's Perceptron: one nn.Linear layer, Z = XW + B.

``nn.Linear`` stores its weight as (k, d) and computes X·weightᵀ + bias, so the
notebook's W (d, k) is ``layer.weight.T`` — every place the two meet says so.
"""

from __future__ import annotations

import torch
from torch import nn


class Perceptron(nn.Module):
    """A single layer of ``output_size`` neurons over ``input_size`` features."""

    def __init__(self, input_size: int = 2, output_size: int = 1) -> None:
        super().__init__()
        self.layer = nn.Linear(input_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer(x)  # type: ignore[no-any-return]  # Z (N, k)

    @property
    def W(self) -> torch.Tensor:
        """W (d, k) = layer.weight.T, detached copy."""
        return self.layer.weight.detach().T.clone()

    @property
    def B(self) -> torch.Tensor:
        """B (k,) = layer.bias, detached copy."""
        return self.layer.bias.detach().clone()

    def load(self, W: torch.Tensor, B: torch.Tensor) -> None:
        """Set layer.weight = Wᵀ and layer.bias = B (in place, no autograd history)."""
        with torch.no_grad():
            self.layer.weight.copy_(W.T)
            self.layer.bias.copy_(B)
