"""What a student computes by hand — correctly, or with one of the known mistakes.

:func:`by_hand` follows a sheet's formulas the way they are done at the board, in
float64, from the sheet's numbers: each stage from the previous stage's result. With a
``mistake`` it makes that one slip and carries it forward, as a student does (a wrong Z
gives a wrong A, ℓ, dL/dZ …; a gradient formula is applied to the wrong probabilities,
not differentiated through them). The mistakes, and what each changes:

- ``sum_for_mean``: L = Σₙ ℓₙ and dL/dZ = ∂ℓ/∂z without the 1/N (the sum, not the mean);
- ``bias_left_out``: Z = XW, the bias forgotten (everything after it follows);
- ``sigmoid_twice``: A = σ(σ(Z)) (softmax twice for cross-entropy), then ℓ and
  dL/dZ = (A − Y)/N computed from that A;
- ``log_without_minus``: ℓ = y·log a + (1 − y)·log(1 − a) (−log a_y → log a_y): L's
  sign flipped; the gradient, from its own formula, is right;
- ``lr_sign_flipped``: W′ = W + γ·(step): the update climbs the loss;
- ``not_zeroed``: from the second step of the training stage on, the gradient is the
  sum of this step's and every earlier one's (``.grad`` never zeroed);
- ``sigma_for_z``: σ(Z) (the activation) written where Z was asked;
- ``transposed``: a (d, k) matrix given as its (k, d) transpose (W vs Wᵀ; only k > 1).

:func:`by_hand` with no mistake is the hand-written reference the tests hold the
engine's closed form and PyTorch's twin to. :func:`from_answers` computes a quantity right
from the student's own earlier answers (A = σ(their Z), …): a wrong answer it gives is an
error carried forward, not a new mistake.
"""

from __future__ import annotations

import numpy as np
import torch

from ..losses import Loss, get_loss
from ..optim import get_optimizer
from ..optim.rule import State
from .exercise import Exercise
from .hand_numbers import Numbers

MISTAKES = (
    "sum_for_mean",
    "bias_left_out",
    "sigmoid_twice",
    "log_without_minus",
    "lr_sign_flipped",
    "not_zeroed",
    "sigma_for_z",
    "transposed",
)
# the losses whose prediction is a probability: sigmoid twice and the log's sign apply
ON_PROBABILITIES = ("bce", "cross_entropy")
MATRICES = ("dL_dW", "W_new", "W_final")  # (d, k): transposable when k > 1


def applies(ex: Exercise, mistake: str) -> bool:
    """Whether ``mistake`` can happen on ``ex``'s sheet at all."""
    if mistake in ("sigmoid_twice", "log_without_minus"):
        return ex.loss in ON_PROBABILITIES
    if mistake == "not_zeroed":
        return "training" in ex.stages and ex.steps > 1
    if mistake == "sigma_for_z":
        return ex.has_activation
    if mistake == "transposed":
        return ex.outputs > 1 and ex.d > 1
    return True


def _data(ex: Exercise, nums: Numbers, loss: Loss) -> tuple[torch.Tensor, ...]:
    """X, the targets y in the loss's label set, and Y (N, k) as probabilities compare
    with them (one-hot for cross-entropy), in float64."""
    f64 = torch.float64
    y = loss.targets(torch.tensor(nums.y, dtype=f64), ex.outputs)
    one_hot = ex.loss == "cross_entropy"
    Y = torch.nn.functional.one_hot(y.long(), ex.outputs).to(f64) if one_hot else y
    return torch.tensor(nums.X, dtype=f64), y, Y[:, None] if Y.dim() == 1 else Y


def _on_probabilities(loss: str, A: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """ℓ per element (bce) or per row (cross-entropy) from the probabilities A."""
    if loss == "bce":
        return -(Y * torch.log(A) + (1 - Y) * torch.log(1 - A))
    return -torch.log((A * Y).sum(dim=1))  # Y one-hot


def by_hand(ex: Exercise, nums: Numbers, mistake: str | None = None) -> dict[str, np.ndarray]:
    """Every quantity of ``ex``'s sheet (all stages), computed by hand with ``mistake``."""
    f64 = torch.float64
    loss = get_loss(ex.loss, reduction="sum" if mistake == "sum_for_mean" else "mean")
    name, options = ex.rule()
    rule = get_optimizer(name, lr=ex.lr, **options)
    X, y, Y = _data(ex, nums, loss)
    W = torch.tensor(nums.W, dtype=f64)
    B = torch.tensor(nums.B, dtype=f64)
    act = loss.activation.closed
    lr = -ex.lr if mistake == "lr_sign_flipped" else ex.lr
    state: dict[str, State] = {"W": {}, "B": {}}
    carried: tuple[torch.Tensor, torch.Tensor] | None = None
    out: dict[str, np.ndarray] = {}
    losses = []
    for t in range(1, (ex.steps if "training" in ex.stages else 1) + 1):
        Z = X @ W if mistake == "bias_left_out" else X @ W + B
        if mistake == "sigmoid_twice" and ex.loss in ON_PROBABILITIES:
            A = act(act(Z))
            ell = _on_probabilities(ex.loss, A, Y)
            g = A - Y
        else:
            A = act(Z)
            ell = loss.elements(Z, y)
            g = loss.element_gradient(Z, y)
        if mistake == "log_without_minus":
            ell = -ell
        L = loss.reduce(ell)
        per_sample = ell if ell.dim() == 1 else ell.mean(dim=1)
        dZ = loss.per_count(g, Z)
        dW, dB = X.T @ dZ, dZ.sum(dim=0)
        if mistake == "not_zeroed" and carried is not None:
            dW, dB = dW + carried[0], dB + carried[1]
        carried = (dW, dB)
        W_new, B_new, state = rule.update_layer(W, B, dW, dB, state, t, lr)
        if t == 1:
            first = {"Z": Z, "A": A, "loss_per_sample": per_sample, "L": L}
            first |= {"dL_dZ": dZ, "dL_dW": dW, "dL_dB": dB, "W_new": W_new, "B_new": B_new}
            out = {key: value.numpy().copy() for key, value in first.items()}
            if mistake == "sigma_for_z":
                out["Z"] = out["A"]
        losses.append(float(L))
        W, B = W_new, B_new
    if "training" in ex.stages:
        out |= {"L_steps": np.array(losses), "W_final": W.numpy(), "B_final": B.numpy()}
    if mistake == "transposed":
        out = {key: value.T.copy() if key in MATRICES else value for key, value in out.items()}
    return out


def mistaken(ex: Exercise, nums: Numbers) -> dict[str, dict[str, np.ndarray]]:
    """Each mistake that can happen on ``ex``'s sheet, and every quantity as it makes them."""
    return {m: by_hand(ex, nums, m) for m in MISTAKES if applies(ex, m)}


# what each quantity of step 1 is computed from, in the order a student works
SOURCES = {
    "A": (("Z",),),
    "loss_per_sample": (("A",), ("Z",)),
    "L": (("loss_per_sample",),),
    "dL_dZ": (("A",), ("Z",)),
    "dL_dW": (("dL_dZ",),),
    "dL_dB": (("dL_dZ",),),
    "W_new": (("dL_dW",),),
    "B_new": (("dL_dB",),),
}


def from_answers(
    ex: Exercise, nums: Numbers, name: str, given: dict[str, np.ndarray]
) -> list[tuple[str, np.ndarray]]:
    """``name`` computed right from the student's own earlier answers (``given``, in the
    key's shapes): (the answer it follows from, the value), one per way there is.

    A wrong Z with A = σ(that Z) is an error carried forward, not a second one.
    """
    f64 = torch.float64
    loss = get_loss(ex.loss)
    X, y, Y = _data(ex, nums, loss)
    out = []
    for (source,) in SOURCES.get(name, ()):
        if source not in given:
            continue
        v = torch.tensor(given[source], dtype=f64)
        if name == "A":
            value = loss.activation.closed(v)
        elif name == "loss_per_sample":
            if source == "A" and ex.loss not in ON_PROBABILITIES:
                continue
            ell = _on_probabilities(ex.loss, v, Y) if source == "A" else loss.elements(v, y)
            value = ell if ell.dim() == 1 else ell.mean(dim=1)
        elif name == "L":
            value = v.mean()
        elif name == "dL_dZ":
            if source == "A" and ex.loss not in ON_PROBABILITIES:
                continue
            value = (v - Y) / v.shape[0] if source == "A" else loss.grad_z(v, y)
        elif name == "dL_dW":
            value = X.T @ v
        elif name == "dL_dB":
            value = v.sum(dim=0)
        else:  # the update of W or B alone, from the student's gradient
            rule_name, options = ex.rule()
            rule = get_optimizer(rule_name, lr=ex.lr, **options)
            theta = torch.tensor(nums.W if name == "W_new" else nums.B, dtype=f64)
            value, _ = rule.update(theta, v, {}, 1, ex.lr)
        out.append((source, value.numpy()))
    return out
