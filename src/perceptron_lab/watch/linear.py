"""One step of a loop over a single nn.Linear, in the notebook's notation.

The recorder sees nn.Linear's own layout — weight (k, d), bias (k,) — and this module
turns it into the core's: W = weight.T (d, k), B = bias (k,), X (N, d), Z = XW + B
(N, k), targets in the loss's label set. Gradients, states and parameters after the
step are transposed the same way (W-shaped quantities are weight-shaped transposed).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ..core.observed_step import term_scales
from ..errors import InputError
from .finite import Link, link
from .mapping import LossMap, Unsupported
from .recorder import ParamStep, StepCapture


@dataclass(frozen=True)
class LinearStep:
    """A step of a one-nn.Linear loop: what the loop had, in the core's layout."""

    X: torch.Tensor  # (N, d) the Linear's input
    Z: torch.Tensor  # (N, k) the Linear's output in the loop
    P: torch.Tensor  # the loss input as the loop passed it (Z, σ(Z), …; any shape)
    y_raw: torch.Tensor  # the loss target as the loop passed it
    y: torch.Tensor  # the same target in the loss's label set, (N, k) or (N,)
    value: torch.Tensor  # the loss module's output
    W: torch.Tensor  # (d, k) before the step
    B: torch.Tensor  # (k,)
    dW: torch.Tensor  # (d, k) the loop's gradient of L (weight.grad.T / loss_scale; 0 if None)
    dB: torch.Tensor  # (k,)
    left_W: torch.Tensor | None  # (d, k) weight.grad before this step's backward, if any
    left_B: torch.Tensor | None  # (k,)
    W_after: torch.Tensor  # (d, k) after optimizer.step()
    B_after: torch.Tensor  # (k,)
    weight: ParamStep  # the raw records, for the optimizer's hyper-parameters and state
    bias: ParamStep
    link: Link | None  # what turns Z into P: n σ, or log softmax (None: none of them)
    broadcast: torch.Size | None  # the loss's shape when input and target broadcast to more

    @property
    def dtype(self) -> torch.dtype:
        return self.X.dtype


def find_linear(model: nn.Module, params: list[torch.Tensor]) -> nn.Linear:
    """The model's only nn.Linear, if the model is one (its weight and bias are all it has)."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if len(linears) != 1:
        raise Unsupported(f"the model has {len(linears)} nn.Linear layers, not one")
    layer = linears[0]
    if layer.bias is None:
        raise Unsupported("the nn.Linear has no bias")
    own = {id(layer.weight), id(layer.bias)}
    if {id(p) for p in model.parameters()} != own:
        raise Unsupported("the model has parameters besides its nn.Linear's weight and bias")
    if {id(p) for p in params} != own:
        raise Unsupported("the optimizer does not update exactly the nn.Linear's weight and bias")
    return layer


def linear_step(
    capture: StepCapture, loss_map: LossMap, weight_at: int, bias_at: int
) -> LinearStep:
    """The core-layout view of ``capture`` (``*_at``: the weight's and bias's index)."""
    call, loss_call = capture.linear_call, capture.loss_call
    if call is None or loss_call is None:
        raise Unsupported("no forward of the nn.Linear and of the loss was seen in the step")
    X, Z = call.args[0], call.output
    if not isinstance(X, torch.Tensor) or not isinstance(Z, torch.Tensor) or Z.dim() != 2:
        raise Unsupported("the nn.Linear's input is not a batch of rows (N, d)")
    if X.dtype not in (torch.float32, torch.float64):
        raise Unsupported(f"the loop computes in {X.dtype}; the closed form takes float32/64")
    P, y_raw = loss_call.input, loss_call.target
    problem = loss_map.loss.twin_call_problem(loss_call.args)
    if problem:
        raise Unsupported(problem)
    k = Z.shape[1]
    try:
        y = loss_map.loss.targets(y_raw.to(X.dtype), k)
    except InputError as exc:
        raise Unsupported(f"the targets do not fit {loss_map.loss.title}: {exc}") from exc
    broadcast = None if loss_map.loss.rowwise else loss_call.broadcast
    w, b = capture.params[weight_at], capture.params[bias_at]

    def core(weight_shaped: torch.Tensor) -> torch.Tensor:
        # W = weight.T, laid out as the core's own (d, k) tensors are, so that X·W rounds
        # the same way here as in a replay (a transposed view takes another BLAS path)
        return weight_shaped.T.contiguous()

    left_w, left_b = loss_call.leftover[weight_at], loss_call.leftover[bias_at]
    c = capture.loss_scale  # the loop backpropagated c·L: its gradient / c is dL/dθ
    return LinearStep(
        X=X,
        Z=Z,
        P=P,
        y_raw=y_raw,
        y=y,
        value=loss_call.output,
        W=core(w.before),
        B=b.before,
        dW=core(w.loss_grad) / c,
        dB=b.loss_grad / c,
        left_W=None if left_w is None else core(left_w) / c,
        left_B=None if left_b is None else left_b / c,
        W_after=core(w.after),
        B_after=b.after,
        weight=w,
        bias=b,
        link=link(Z, P),
        broadcast=broadcast,
    )


def grads_from_dz(X: torch.Tensor, dZ: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The chain rule through Z = XW + B: dL/dW = Xᵀ·dL/dZ (d, k), dL/dB = Σₙ dL/dZ (k,)."""
    return X.T @ dZ, dZ.sum(dim=0)


def scales(step: LinearStep, loss_map: LossMap, Z: torch.Tensor) -> dict[str, torch.Tensor]:
    """The size of the terms each quantity sums (rounding is relative to them), as step.py has it."""
    return term_scales(step.X, step.y, step.W, step.B, loss_map.loss, Z)
