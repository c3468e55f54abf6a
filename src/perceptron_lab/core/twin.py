"""PyTorch's side of an observed step: the notebook's Perceptron, a torch.nn loss, torch.optim.

Each stage runs on the same inputs as its closed form (see :class:`TorchTwin`), so a
disagreement points at the stage that made it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torch

from ..losses import Loss
from ..optim import State, UpdateRule
from .closed_form import TrainStep
from .notebook_model import Perceptron


@dataclass(frozen=True)
class TorchStep:
    """The PyTorch half of a step."""

    Z: torch.Tensor
    A: torch.Tensor
    loss: torch.Tensor
    dZ: torch.Tensor
    dW: torch.Tensor
    dB: torch.Tensor
    W_after: torch.Tensor
    B_after: torch.Tensor
    state_after: dict[str, State]


@dataclass(frozen=True)
class PartsTorch:
    """PyTorch's half of a step over a batch in parts (no batch-sized quantity is kept)."""

    loss: torch.Tensor
    dW: torch.Tensor
    dB: torch.Tensor
    W_after: torch.Tensor
    B_after: torch.Tensor
    state_after: dict[str, State]


class TorchTwin:
    """PyTorch's side of a run: the notebook's Perceptron, the torch.nn loss, torch.optim.

    Each stage runs on the same inputs as its closed form, so a disagreement points at
    the stage that made it (and rounding in one stage is not amplified by the next):

    - Z: ``model(X)`` (nn.Linear, weight = Wᵀ) loaded with the closed form's W, B;
    - loss and dL/dZ: the torch.nn loss on the closed-form Z, ``backward()``;
    - dL/dW, dL/dB: autograd through nn.Linear from dL/dZ (``Z.backward(dL/dZ)``);
    - the update: ``optimizer.step(closure)`` from the closed form's gradient and state
      (the closure hands back the loss, which torch.optim.LBFGS asks for).

    That the stages chain into the same run as a plain PyTorch loop is tested separately.
    """

    def __init__(
        self,
        loss: Loss,
        rule: UpdateRule,
        d: int,
        k: int,
        dtype: torch.dtype,
        device: torch.device | str | None = None,
        decay_bias: bool = True,
    ) -> None:
        self.loss = loss
        self.rule = rule
        self.decay_bias = decay_bias
        self.model = Perceptron(d, k).to(dtype=dtype, device=device)
        self.loss_module = loss.torch_module()
        self.optimizer = self._new_optimizer()

    def _new_optimizer(self) -> torch.optim.Optimizer:
        layer = self.model.layer
        return self.rule.torch_optimizer(
            self.rule.torch_groups(layer.weight, layer.bias, self.decay_bias)
        )

    def _params(self) -> dict[str, torch.Tensor]:
        return {"W": self.model.layer.weight, "B": self.model.layer.bias}

    def step(
        self,
        X: torch.Tensor,
        y: torch.Tensor,
        W: torch.Tensor,
        B: torch.Tensor,
        state: Mapping[str, State],
        t: int,
        lr: float,
        closed: TrainStep,
    ) -> TorchStep:
        """Run the step's stages in PyTorch, each on the closed form's inputs."""
        self.model.load(W, B)
        params = self._params()
        Z = self.model(X)  # (N, k) = X·weightᵀ + bias
        z_in = closed.Z.clone().requires_grad_(True)
        value = self.loss.torch_value(self.loss_module, z_in, y)
        torch.autograd.backward(value)
        assert z_in.grad is not None
        self.optimizer.zero_grad()
        # the gradient of Σ Z ⊙ dL/dZ hands nn.Linear 1·dL/dZ, exactly dL/dZ: Z.backward(dL/dZ)'s
        # numbers, without the sympy import (1 s) autograd makes for an explicit gradient
        torch.autograd.backward((Z * closed.dZ).sum())
        grads = {name: p.grad for name, p in params.items()}
        assert grads["W"] is not None and grads["B"] is not None
        dW = grads["W"].T.clone()  # weight.grad is (k, d)
        dB = grads["B"].clone()
        with torch.no_grad():
            grads["W"].copy_(closed.dW.T)
            grads["B"].copy_(closed.dB)
        self._load_state(state, t)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        # the closure hands back the loss (the gradients are set): torch.optim.LBFGS asks
        # for it once per iteration, the others return it
        self.optimizer.step(lambda: float(value.detach()))
        state_after = self.rule.read_torch_state(self.optimizer, params)
        return TorchStep(
            Z=Z.detach().clone(),
            A=self.loss.activation.twin(closed.Z),
            loss=value.detach().clone(),
            dZ=z_in.grad.clone(),
            dW=dW,
            dB=dB,
            W_after=self.model.W,
            B_after=self.model.B,
            state_after=state_after,
        )

    # -------------------------------------------------- a batch in parts (accumulated)
    def begin_parts(self, W: torch.Tensor, B: torch.Tensor) -> None:
        """Start a batch in parts: the model loaded with W, B and no gradient yet."""
        self.model.load(W, B)
        for p in self._params().values():
            p.grad = None
        self._parts_value = torch.zeros((), dtype=W.dtype, device=W.device)

    def add_part(self, X: torch.Tensor, y: torch.Tensor) -> None:
        """One part: ``loss_module(model(X), y)`` times the part's count (its Σ ℓ), then
        ``backward()``: autograd adds the part's gradient into ``.grad``."""
        Z = self.model(X)
        value = self.loss.torch_value(self.loss_module, Z, y)
        if self.loss.reduction == "mean":
            value = value * self.loss.elements_count(Z)
        torch.autograd.backward(value)
        self._parts_value = self._parts_value + value.detach()

    def finish_parts(
        self,
        W: torch.Tensor,
        B: torch.Tensor,
        state: Mapping[str, State],
        t: int,
        lr: float,
        dW: torch.Tensor,
        dB: torch.Tensor,
        per: float,
    ) -> PartsTorch:
        """L and the gradient accumulated over the parts, divided by ``per`` (the count, or
        1 for a sum), then ``optimizer.step()`` from the closed form's gradient ``dW``, ``dB``."""
        params = self._params()
        grads = {name: p.grad for name, p in params.items()}
        assert grads["W"] is not None and grads["B"] is not None
        dW_torch = grads["W"].T / per  # weight.grad is (k, d)
        dB_torch = grads["B"] / per
        value = self._parts_value / per
        with torch.no_grad():
            grads["W"].copy_(dW.T)
            grads["B"].copy_(dB)
        self._load_state(state, t)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.optimizer.step(lambda: float(value))
        state_after = self.rule.read_torch_state(self.optimizer, params)
        return PartsTorch(value, dW_torch, dB_torch, self.model.W, self.model.B, state_after)

    def _load_state(self, state: Mapping[str, State], t: int) -> None:
        params = self._params()
        if not any(state.get(name) for name in params):
            # no state yet: a fresh optimizer initializes it the way torch.optim does (one
            # that holds none, as plain SGD's, is as fresh)
            if any(self.optimizer.state.values()):
                self.optimizer = self._new_optimizer()
            return
        self.rule.load_torch_state(self.optimizer, params, state, t - 1)
