"""A step whose batch comes in parts: a streamed full batch, or a rank's share of a batch.

For the parts c = 1 … P of a batch (X_c, y_c), with ``count`` = Σ_c count_c the number of
ℓ the mean divides by (N, or N·k for elementwise losses) and g_c = ∂(Σ ℓ)/∂Z_c:

    Z_c   = X_c·W + B
    L     = Σ_c Σ ℓ(Z_c, y_c) / count           (reduction "sum": without the / count)
    dL/dW = Σ_c X_cᵀ·g_c / count
    dL/dB = Σ_c Σₙ g_c / count

Data-parallel ranks add their sums with one all-reduce (``reduce``) before the division:
the same numbers as one process's, but for the order of the additions. Only a part is
ever in memory, so a batch larger than memory still takes an exact full-batch step.

PyTorch's twin is the textbook gradient accumulation: for each part,
``loss_module(model(X_c), y_c) · count_c / count`` and ``.backward()`` (the gradients add
up in ``.grad``), then one ``optimizer.step()`` — nn.Linear, the torch.nn loss, autograd
and torch.optim end to end, on the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import torch

from ..losses import Loss
from ..optim import State, UpdateRule
from .agreement import disagreement, tolerance
from .observed_step import state_scales
from .twin import TorchTwin

Parts = Iterable[tuple[torch.Tensor, torch.Tensor]]  # (X_c (n_c, d), y_c) in the loss's label set
Reduce = Callable[[torch.Tensor], torch.Tensor]  # sums over ranks (all-reduce), in place


@dataclass(frozen=True)
class Sums:
    """Σ over the parts (and ranks) of what a step needs, before the division by ``count``."""

    value: torch.Tensor  # Σ ℓ, 0-d
    dW: torch.Tensor  # Σ X_cᵀ·g_c, (d, k)
    dB: torch.Tensor  # Σ g_c, (k,)
    count: float  # Σ count_c
    rows: int  # Σ n_c
    score: torch.Tensor  # Loss.score_sums added up (float64)

    def flat(self) -> torch.Tensor:
        """One vector of the sums (for one all-reduce): value, count, rows, dW, dB; the
        score's sums ride along in the same dtype."""
        head = torch.tensor([float(self.value), self.count, float(self.rows)], dtype=self.dW.dtype)
        return torch.cat([head, self.dW.reshape(-1), self.dB, self.score.to(self.dW.dtype)])

    def unflat(self, flat: torch.Tensor) -> Sums:
        """The sums back from :meth:`flat`'s vector (after the all-reduce)."""
        n_w, n_b = self.dW.numel(), self.dB.numel()
        return Sums(
            flat[0],
            flat[3 : 3 + n_w].reshape(self.dW.shape),
            flat[3 + n_w : 3 + n_w + n_b],
            float(flat[1]),
            round(float(flat[2])),
            flat[3 + n_w + n_b :].to(torch.float64),
        )


@dataclass(frozen=True)
class PartsStep:
    """A step over a batch in parts, by formula: L, dL/dW, dL/dB, the update and the score."""

    loss: torch.Tensor  # 0-d
    dW: torch.Tensor  # (d, k)
    dB: torch.Tensor  # (k,)
    W_after: torch.Tensor
    B_after: torch.Tensor
    state_after: dict[str, State]
    score: float
    rows: int  # N, the batch's rows (over every rank)
    local: tuple[torch.Tensor, torch.Tensor]  # this rank's own Σ X_cᵀ·g_c / count, Σ g_c / count


def add_parts(
    parts: Parts,
    W: torch.Tensor,
    B: torch.Tensor,
    loss: Loss,
    *,
    twin: TorchTwin | None = None,
    scales: bool = False,
) -> tuple[Sums, Sums | None]:
    """The closed form's sums over ``parts``; with ``scales`` also the sums of the terms'
    sizes (|X_c|ᵀ·|g_c|, …, for measuring a disagreement on them). With ``twin``, PyTorch
    accumulates its gradient over the same parts (scaled once the count is known: the
    twin's ``.grad`` holds Σ_c ∂(Σ ℓ_c)/∂θ, divided in :func:`check_parts`)."""
    value = torch.zeros((), dtype=W.dtype, device=W.device)
    dW, dB = torch.zeros_like(W), torch.zeros_like(B)
    size_W, size_B, size_L = torch.zeros_like(W), torch.zeros_like(B), torch.zeros_like(value)
    count, rows = 0.0, 0
    score: torch.Tensor | None = None
    if twin is not None:
        twin.begin_parts(W, B)
    for X_c, y_c in parts:
        Z = X_c @ W + B  # (n_c, k)
        g = loss.element_gradient(Z, y_c)  # (n_c, k), ∂(Σ ℓ)/∂Z
        ell = loss.elements(Z, y_c)
        value = value + ell.sum()
        dW += X_c.T @ g
        dB += g.sum(dim=0)
        count += loss.elements_count(Z)
        rows += X_c.shape[0]
        part_score = loss.score_sums(Z, y_c)
        score = part_score if score is None else score + part_score
        if scales:
            g_abs = g.abs()
            size_W += X_c.abs().T @ g_abs
            size_B += g_abs.sum(dim=0)
            size_L = size_L + loss.magnitude(Z, y_c) * (
                loss.elements_count(Z) if loss.reduction == "mean" else 1
            )
        if twin is not None:
            twin.add_part(X_c, y_c)
    if score is None:
        score = torch.zeros(0, dtype=torch.float64)
    sums = Sums(value, dW, dB, count, rows, score)
    sizes = Sums(size_L, size_W, size_B, count, rows, score) if scales else None
    return sums, sizes


def parts_step(
    sums: Sums,
    W: torch.Tensor,
    B: torch.Tensor,
    loss: Loss,
    rule: UpdateRule,
    state: Mapping[str, State],
    t: int,
    lr: float,
    rule_B: UpdateRule | None = None,
    reduce: Reduce | None = None,
) -> PartsStep:
    """The step from this rank's ``sums`` (all-reduced over ranks by ``reduce`` first)."""
    local = sums
    if reduce is not None:
        sums = sums.unflat(reduce(sums.flat()))
    per = sums.count if loss.reduction == "mean" else 1.0
    value, dW, dB = sums.value / per, sums.dW / per, sums.dB / per
    W_after, B_after, state_after = rule.update_layer(W, B, dW, dB, state, t, lr, rule_B)
    score = loss.score_of_sums(sums.score)
    return PartsStep(
        value,
        dW,
        dB,
        W_after,
        B_after,
        state_after,
        score,
        sums.rows,
        (local.dW / per, local.dB / per),
    )


@dataclass(frozen=True)
class PartsVerdict:
    """What checking a step in parts found: the worst quantity and PyTorch's gradient."""

    quantity: str
    gap: float
    dW_torch: torch.Tensor
    dB_torch: torch.Tensor


def check_parts(
    closed: PartsStep,
    twin: TorchTwin,
    sizes: Sums,
    W: torch.Tensor,
    B: torch.Tensor,
    rule: UpdateRule,
    state: Mapping[str, State],
    t: int,
    lr: float,
    decay_bias: bool,
) -> PartsVerdict:
    """PyTorch's accumulated gradient (over the same rows) and its optimizer step against
    the closed form's: L, dL/dW, dL/dB, W′, B′, the updates and the optimizer state, each
    measured as :func:`~perceptron_lab.core.observed_step.compare` measures them (the
    sums' term sizes ``sizes`` where a plain gap exceeds the tolerance)."""
    per = sizes.count if twin.loss.reduction == "mean" else 1.0
    other = twin.finish_parts(W, B, state, t, lr, closed.dW, closed.dB, per)
    tol = tolerance(W.dtype)
    scale = {"loss": sizes.value / per, "dW": sizes.dW / per, "dB": sizes.dB / per}

    def pair(name: str, a: torch.Tensor, b: torch.Tensor) -> float:
        gap = disagreement(a, b)
        return disagreement(a, b, scale[name]) if gap > tol else gap

    update_W, update_B = closed.W_after - W, closed.B_after - B
    gaps = {
        "loss": pair("loss", closed.loss, other.loss),
        "dW": pair("dW", closed.dW, other.dW),
        "dB": pair("dB", closed.dB, other.dB),
        "W_after": disagreement(closed.W_after, other.W_after, W.abs() + update_W.abs()),
        "B_after": disagreement(closed.B_after, other.B_after, B.abs() + update_B.abs()),
        "update_W": disagreement(update_W, other.W_after - W, other.W_after),
        "update_B": disagreement(update_B, other.B_after - B, other.B_after),
    }
    state_sizes: dict[str, State] | None = None
    for p, entries in closed.state_after.items():
        for key, value in entries.items():
            theirs = other.state_after[p][key]
            gap = disagreement(value, theirs)
            if gap > tol:
                if state_sizes is None:
                    rule_B = rule.for_bias(decay_bias)
                    terms = {"dW": scale["dW"], "dB": scale["dB"]}
                    state_sizes = state_scales(rule, rule_B, W, B, terms, state, t, lr)
                gap = disagreement(value, theirs, state_sizes[p].get(key))
            gaps[f"state[{p}].{key}"] = gap
    name = max(gaps, key=lambda n: gaps[n])
    return PartsVerdict(name, gaps[name], other.dW, other.dB)
