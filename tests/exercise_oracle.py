"""The oracle of exercise tests: a PyTorch step as tutorials write it, with a student's slip.

``torch_step`` runs nn.Linear, the torch.nn loss, backward() and an SGD step on a
sheet's numbers — optionally with one mistake made the way a student makes it — and
returns the sheet's quantities; ``rounded`` writes them as a student does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from perceptron_lab.exercises.exercise import Exercise
from perceptron_lab.exercises.hand_numbers import Numbers


def torch_step(
    ex: Exercise,
    nums: Numbers,
    *,
    reduction: str = "mean",
    bias: bool = True,
    sigmoid_twice: bool = False,
    sign: float = 1.0,
) -> dict[str, np.ndarray]:
    """One SGD step as a tutorial writes it, with the asked slip; the sheet's quantities."""
    f64 = torch.float64
    X = torch.tensor(nums.X, dtype=f64)
    y = torch.tensor(nums.y, dtype=f64)[:, None]
    linear = torch.nn.Linear(ex.d, 1, bias=True, dtype=f64)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(nums.W.T, dtype=f64))
        linear.bias.copy_(torch.tensor(nums.B, dtype=f64))
    opt = torch.optim.SGD(linear.parameters(), lr=ex.lr)
    opt.zero_grad()
    Z = X @ linear.weight.T + (linear.bias if bias else 0)
    Z.retain_grad()
    if sigmoid_twice:  # the student's A, and the gradient formula (A − y)/N applied to it
        A = torch.sigmoid(torch.sigmoid(Z))
        ell = torch.nn.functional.binary_cross_entropy(A, y, reduction="none")
        scale = 1.0 if reduction == "sum" else 1.0 / len(y)
        dZ = ((A - y) * scale).detach()
        Z.backward(dZ)
    else:
        A = torch.sigmoid(Z)
        ell = torch.nn.functional.binary_cross_entropy_with_logits(Z, y, reduction="none")
        (ell.sum() if reduction == "sum" else ell.mean()).backward()
        dZ = Z.grad
    L = ell.sum() if reduction == "sum" else ell.mean()
    dW, dB = linear.weight.grad.T.clone(), dZ.sum(dim=0)
    with torch.no_grad():
        W_new = linear.weight.T - sign * ex.lr * dW
        B_new = linear.bias - sign * ex.lr * dB
    out = {
        "Z": Z, "A": A, "loss_per_sample": ell[:, 0], "L": L, "dL_dZ": dZ,
        "dL_dW": dW, "dL_dB": dB, "W_new": W_new, "B_new": B_new,
    }  # fmt: skip
    return {k: v.detach().numpy() for k, v in out.items()}


def rounded(values: dict[str, np.ndarray], decimals: int = 4) -> dict[str, Any]:
    """Answers as a student writes them: rounded, columns as flat lists."""
    out = {}
    for name, value in values.items():
        value = np.round(value, decimals)
        out[name] = (
            value[:, 0].tolist() if value.ndim == 2 and value.shape[1] == 1 else value.tolist()
        )
    return out
