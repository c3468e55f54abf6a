"""Activation functions A = activation(Z), each in closed form beside its PyTorch twin.

Z: (N, k) logits ("señal neta"). Every activation maps Z elementwise (softmax: row-wise)
to A: (N, k).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import torch

from ..errors import InputError


class _ZFunction(Protocol):
    def __call__(self, z: torch.Tensor) -> torch.Tensor: ...


@dataclass(frozen=True)
class Activation:
    """An activation: its name, formula, closed form and PyTorch twin."""

    name: str
    formula: str  # plain-text formula in the notebook's symbols
    closed: _ZFunction  # plain tensor arithmetic
    twin: _ZFunction  # PyTorch's own function


def _sigmoid(z: torch.Tensor) -> torch.Tensor:
    """σ(z) = 1 / (1 + exp(−z)), the notebook's hand formula (exp(−z) = inf gives 0, not NaN)."""
    return 1 / (1 + torch.exp(-z))


def _softmax(z: torch.Tensor) -> torch.Tensor:
    """softmax(z)ᵢ = exp(zᵢ − m) / Σⱼ exp(zⱼ − m), m = maxⱼ zⱼ (shifting by m avoids overflow)."""
    e = torch.exp(z - z.max(dim=1, keepdim=True).values)  # (N, k)
    return e / e.sum(dim=1, keepdim=True)


def _identity(z: torch.Tensor) -> torch.Tensor:
    """a = z (linear regression's neuron)."""
    return z.clone()


def _step(z: torch.Tensor) -> torch.Tensor:
    """Heaviside step H(z) = 1 if z ≥ 0 else 0 (Rosenblatt's perceptron output)."""
    return (z >= 0).to(z.dtype)


def _step_twin(z: torch.Tensor) -> torch.Tensor:
    return torch.heaviside(z, torch.ones((), dtype=z.dtype, device=z.device))


def _sigmoid_twin(z: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(z)


SIGMOID = Activation("sigmoid", "σ(z) = 1 / (1 + exp(−z))", _sigmoid, _sigmoid_twin)
SOFTMAX = Activation(
    "softmax",
    "softmax(z)ᵢ = exp(zᵢ) / Σⱼ exp(zⱼ)",
    _softmax,
    lambda z: torch.softmax(z, dim=1),
)
IDENTITY = Activation("identity", "a = z", _identity, lambda z: torch.nn.Identity()(z).clone())
STEP = Activation("step", "H(z) = 1 if z ≥ 0 else 0", _step, _step_twin)

ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (SIGMOID, SOFTMAX, IDENTITY, STEP)}


def get_activation(name: str) -> Activation:
    """Look an activation up by name."""
    if name not in ACTIVATIONS:
        raise InputError("activation", f"one of {', '.join(ACTIVATIONS)}", repr(name))
    return ACTIVATIONS[name]
