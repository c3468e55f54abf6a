"""One observed training step: every quantity by its closed form and by PyTorch.

The closed form (closed.py: Z = XW + B, L, dL/dZ, dL/dW = Xᵀ·dL/dZ, dL/dB = Σₙ dL/dZ,
the update rule) and PyTorch's twin (twin.py: the notebook's Perceptron, the torch.nn
loss, autograd, torch.optim, each stage on the same inputs) both run, and every pair is
compared: ``max|a − b| / max(max|b|, tiny)``, or on the size of the terms where the
result cancelled. One over the dtype's tolerance raises :class:`VerificationError`
naming the quantity and the step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from ..errors import VerificationError
from ..losses import Loss
from ..optim import State, UpdateRule
from .agreement import disagreement, tolerance
from .closed_form import TrainStep, closed_step
from .twin import TorchStep, TorchTwin


@dataclass(frozen=True)
class Twin:
    """One quantity computed twice: ``closed`` (by formula) and ``torch`` (by PyTorch)."""

    closed: torch.Tensor
    torch: torch.Tensor | None = None
    disagreement: float | None = None  # max|closed − torch| / max(max|torch|, tiny)


@dataclass(frozen=True)
class StepRecord:
    """Everything one step computed. Immutable; its tensors are its own, except the batch
    X, y, which it shares with the caller (nothing in perceptron-lab writes to a batch)."""

    step: int  # 1-based step number t
    loss_name: str
    loss_options: Mapping[str, Any]
    rule_name: str
    rule_options: Mapping[str, Any]
    lr: float  # γ used by this step
    X: torch.Tensor  # (N, d)
    y: torch.Tensor  # targets in the loss's label set: (N, k) or (N,)
    W: torch.Tensor  # (d, k) before the step
    B: torch.Tensor  # (k,) before the step
    state_before: Mapping[str, State]  # per parameter ("W", "B"), torch.optim's keys
    Z: Twin  # (N, k) logits, the notebook's "señal neta"
    A: Twin  # (N, k) activations
    per_sample_loss: torch.Tensor  # (N,) ℓₙ, closed form
    loss: Twin  # 0-d
    dZ: Twin  # (N, k) dL/dZ
    dW: Twin  # (d, k) dL/dW (PyTorch's: layer.weight.grad.T)
    dB: Twin  # (k,) dL/dB
    W_after: Twin  # (d, k)
    B_after: Twin  # (k,)
    update_W: Twin  # (d, k) W_after − W
    update_B: Twin  # (k,) B_after − B
    state_after: Mapping[str, Mapping[str, Twin]] = field(default_factory=dict)
    # per parameter, the rule's named intermediates (closed form; see UpdateRule.update)
    intermediates: Mapping[str, Mapping[str, torch.Tensor | float]] = field(default_factory=dict)
    verified: bool = False  # whether PyTorch's twin ran
    tolerance: float = 0.0

    def twins(self) -> Iterator[tuple[str, Twin]]:
        """Every (name, Twin) pair in the order the step computes them."""
        for name in (
            "Z",
            "A",
            "loss",
            "dZ",
            "dW",
            "dB",
            "W_after",
            "B_after",
            "update_W",
            "update_B",
        ):
            yield name, getattr(self, name)
        for param, entries in self.state_after.items():
            for key, twin in entries.items():
                yield f"state[{param}].{key}", twin

    def disagreements(self) -> dict[str, float]:
        """Each verified quantity's disagreement."""
        return {n: t.disagreement for n, t in self.twins() if t.disagreement is not None}

    @property
    def worst(self) -> tuple[str, float]:
        """The quantity that disagrees most, and by how much (("", 0.0) if unverified)."""
        found = self.disagreements()
        if not found:
            return ("", 0.0)
        name = max(found, key=lambda n: found[n])
        return name, found[name]

    def _repr_html_(self) -> str:
        """Jupyter's rich display: every quantity by formula and by PyTorch."""
        from ..views.html import step_record_html

        return step_record_html(self)

    @property
    def state_after_closed(self) -> dict[str, State]:
        """The closed-form optimizer state after the step, ready for the next one."""
        return {
            p: {k: t.closed for k, t in entries.items()} for p, entries in self.state_after.items()
        }


def observe_step(
    X: torch.Tensor,
    y: torch.Tensor,
    W: torch.Tensor,
    B: torch.Tensor,
    loss: Loss,
    rule: UpdateRule,
    *,
    state: Mapping[str, State] | None = None,
    step: int = 1,
    rule_step: int | None = None,
    lr: float | None = None,
    twin: TorchTwin | None = None,
    verify: bool = True,
    check: bool = True,
    decay_bias: bool = True,
) -> StepRecord:
    """Run one step both ways and return its :class:`StepRecord`.

    ``X`` (N, d), ``y`` already checked by ``loss.targets``, ``W`` (d, k), ``B`` (k,).
    ``state`` is the optimizer state per parameter (empty before the first step),
    ``step`` the 1-based step number t, ``rule_step`` the rule's own count of updates
    (default t; it differs when a run switched optimizers), ``lr`` γ for this step.
    With ``verify`` PyTorch's twin runs too (``twin`` reuses one across steps); with
    ``check`` a disagreement over tolerance raises :class:`VerificationError`.
    ``decay_bias=False`` keeps B out of the rule's weight decay (as scikit-learn's penalty).
    """
    state = state or {"W": {}, "B": {}}
    lr = rule.lr if lr is None else lr
    t_rule = step if rule_step is None else rule_step
    closed = closed_step(X, y, W, B, loss, rule, state, t_rule, lr, rule.for_bias(decay_bias))
    update_W = closed.W_after - W
    update_B = closed.B_after - B
    base: dict[str, Any] = dict(
        step=step,
        loss_name=loss.name,
        loss_options=loss.options(),
        rule_name=rule.name,
        rule_options=rule.options(),
        lr=lr,
        X=X,  # the batch is shared, not copied: nothing in perceptron-lab writes to it
        y=y,
        W=W.clone(),
        B=B.clone(),
        state_before={p: {k: v.clone() for k, v in s.items()} for p, s in state.items()},
        per_sample_loss=closed.per_sample_loss,
        tolerance=tolerance(X.dtype),
    )
    if not verify:
        return StepRecord(
            **base,
            Z=Twin(closed.Z),
            A=Twin(closed.A),
            loss=Twin(closed.loss),
            dZ=Twin(closed.dZ),
            dW=Twin(closed.dW),
            dB=Twin(closed.dB),
            W_after=Twin(closed.W_after),
            B_after=Twin(closed.B_after),
            update_W=Twin(update_W),
            update_B=Twin(update_B),
            state_after={
                p: {k: Twin(v) for k, v in s.items()} for p, s in closed.state_after.items()
            },
            intermediates=closed.intermediates,
        )
    twin = twin or TorchTwin(loss, rule, X.shape[1], W.shape[1], X.dtype, X.device, decay_bias)
    other = twin.step(X, y, W, B, state, t_rule, lr, closed)
    pairs = compare(X, y, W, B, loss, rule, state, t_rule, lr, decay_bias, closed, other)
    state_after = pairs.pop("state")
    record = StepRecord(
        **base,
        A=Twin(closed.A, other.A, disagreement(closed.A, other.A)),
        **pairs,  # type: ignore[arg-type]
        state_after=state_after,  # type: ignore[arg-type]
        intermediates=closed.intermediates,
        verified=True,
    )
    if check:
        for name, twin_q in record.twins():
            if twin_q.disagreement is not None and twin_q.disagreement > record.tolerance:
                raise VerificationError(name, step, twin_q.disagreement, record.tolerance)
    return record


def observe_steps(
    X: torch.Tensor,
    y: torch.Tensor,
    W: torch.Tensor,
    B: torch.Tensor,
    loss: Loss,
    rule: UpdateRule,
    steps: int,
) -> list[StepRecord]:
    """``steps`` full-batch steps from W and B, each observed (both ways, checked), one
    PyTorch twin for them all; each starts from the last one's W′, B′ and state."""
    twin = TorchTwin(loss, rule, X.shape[1], W.shape[1], X.dtype, X.device)
    records: list[StepRecord] = []
    state: Mapping[str, State] | None = None
    for t in range(1, steps + 1):
        record = observe_step(X, y, W, B, loss, rule, state=state, step=t, twin=twin)
        records.append(record)
        W, B, state = record.W_after.closed, record.B_after.closed, record.state_after_closed
    return records


@dataclass(frozen=True)
class Verdict:
    """What verifying a training step found: its worst quantity and PyTorch's gradient."""

    quantity: str
    gap: float
    dW_torch: torch.Tensor
    dB_torch: torch.Tensor


def verify_step(
    X: torch.Tensor,
    y: torch.Tensor,
    W: torch.Tensor,
    B: torch.Tensor,
    loss: Loss,
    rule: UpdateRule,
    closed: TrainStep,
    *,
    state: Mapping[str, State],
    rule_step: int,
    lr: float,
    twin: TorchTwin,
    decay_bias: bool = True,
) -> Verdict:
    """PyTorch's twin on a step training already took by formula (``closed``).

    The same comparisons as :func:`observe_step` — Z, L, dL/dZ, dL/dW, dL/dB, W′, B′, the
    updates and the optimizer state — without what only an explanation needs (A, each ℓₙ,
    the rule's intermediates) and without computing the closed form again.
    """
    other = twin.step(X, y, W, B, state, rule_step, lr, closed)
    pairs = compare(X, y, W, B, loss, rule, state, rule_step, lr, decay_bias, closed, other)
    gaps = {name: q.disagreement for name, q in pairs.items() if isinstance(q, Twin)}
    for param, entries in pairs["state"].items():  # type: ignore[union-attr]
        for key, q in entries.items():
            gaps[f"state[{param}].{key}"] = q.disagreement
    name = max(gaps, key=lambda n: gaps[n] or 0.0)
    return Verdict(name, gaps[name] or 0.0, other.dW, other.dB)


def compare(
    X: torch.Tensor,
    y: torch.Tensor,
    W: torch.Tensor,
    B: torch.Tensor,
    loss: Loss,
    rule: UpdateRule,
    state: Mapping[str, State],
    t_rule: int,
    lr: float,
    decay_bias: bool,
    closed: TrainStep,
    other: TorchStep,
) -> dict[str, Twin | dict[str, dict[str, Twin]]]:
    """Each quantity of a step twice, with its disagreement (``"state"``: per parameter).

    Batch-sized quantities are measured plainly, and on the size of their terms only
    where the plain gap exceeds the tolerance (the terms cost a pass over the batch).
    """
    tol = tolerance(X.dtype)
    lazy: dict[str, Any] = {}
    update_W = closed.W_after - W
    update_B = closed.B_after - B

    def terms() -> dict[str, torch.Tensor]:
        if "terms" not in lazy:
            lazy["terms"] = term_scales(X, y, W, B, loss, closed.Z)
        return lazy["terms"]  # type: ignore[no-any-return]

    def state_terms() -> dict[str, State]:
        if "state" not in lazy:
            rule_B = rule.for_bias(decay_bias)
            lazy["state"] = state_scales(rule, rule_B, W, B, terms(), state, t_rule, lr)
        return lazy["state"]  # type: ignore[no-any-return]

    def state_scale(param: str, key: str) -> Callable[[], torch.Tensor | None]:
        return lambda: state_terms()[param].get(key)

    def pair(a: torch.Tensor, b: torch.Tensor, scale: Callable[[], Any] | None = None) -> Twin:
        """The plain relative gap; over tolerance, the gap on the scale of b's terms."""
        gap = disagreement(a, b)
        if gap > tol and scale is not None:
            gap = disagreement(a, b, scale())
        return Twin(a, b, gap)

    def on_scale(a: torch.Tensor, b: torch.Tensor, scale: torch.Tensor) -> Twin:
        """The gap on the scale of b's terms, always (a parameter-sized scale costs nothing)."""
        return Twin(a, b, disagreement(a, b, scale))

    return {
        "Z": pair(closed.Z, other.Z, lambda: terms()["Z"]),
        "loss": pair(closed.loss, other.loss, lambda: terms()["loss"]),
        "dZ": pair(closed.dZ, other.dZ, lambda: terms()["dZ"]),
        "dW": pair(closed.dW, other.dW, lambda: terms()["dW"]),
        "dB": pair(closed.dB, other.dB, lambda: terms()["dB"]),
        # θ_after = θ − Δ: rounding is relative to |θ| and |Δ|, not to a θ_after near 0
        "W_after": on_scale(closed.W_after, other.W_after, W.abs() + update_W.abs()),
        "B_after": on_scale(closed.B_after, other.B_after, B.abs() + update_B.abs()),
        # an update is a difference of parameters: measured on the parameters' scale
        "update_W": on_scale(update_W, other.W_after - W, other.W_after),
        "update_B": on_scale(update_B, other.B_after - B, other.B_after),
        "state": {
            p: {k: pair(v, other.state_after[p][k], state_scale(p, k)) for k, v in s.items()}
            for p, s in closed.state_after.items()
        },
    }


def term_scales(
    X: torch.Tensor, y: torch.Tensor, W: torch.Tensor, B: torch.Tensor, loss: Loss, Z: torch.Tensor
) -> dict[str, torch.Tensor]:
    """The size of the terms Z, L, dL/dZ, dL/dW and dL/dB are sums or differences of.

    Rounding is relative to these, not to a result that cancelled to almost nothing:
    |X|·|W| + |B| for Z, |X|ᵀ·|dL/dZ terms| for dL/dW, and so on.
    """
    dZ_scale = loss.grad_magnitude(Z, y)  # (N, k)
    X_abs = X.abs()  # (N, d)
    return {
        "Z": X_abs @ W.abs() + B.abs(),
        "loss": loss.magnitude(Z, y),
        "dZ": dZ_scale,
        "dW": X_abs.T @ dZ_scale,
        "dB": dZ_scale.sum(dim=0),
    }


def state_scales(
    rule: UpdateRule,
    rule_B: UpdateRule,
    W: torch.Tensor,
    B: torch.Tensor,
    scales: Mapping[str, torch.Tensor],
    state: Mapping[str, State],
    t: int,
    lr: float,
) -> dict[str, State]:
    """The size of the terms each new optimizer-state tensor is made of.

    The rule itself, run on magnitudes (|θ|, the gradient's term sizes, |old state|),
    adds up what its formula subtracts: with weight decay, g = dL/dW + λ·W cancels to
    about 0 at a penalized optimum, and a momentum buffer or Adam's m built from it is
    only as exact as its terms are large. Where that run is not finite (centered
    RMSprop's v − ḡ² on magnitudes), the old state's size stands in. The run is the
    layer's step, so L-BFGS (W and B as one vector) takes it too, though its twin runs its
    very operations and its state agrees to the bit.
    """
    old = {p: {k: v.abs() for k, v in state.get(p, {}).items()} for p in ("W", "B")}
    dW, dB = scales["dW"].abs(), scales["dB"].abs()
    _, _, new = rule.update_layer(W.abs(), B.abs(), dW, dB, old, t, lr, rule_B)
    out: dict[str, State] = {}
    for p, entries in new.items():
        out[p] = {}
        for k, v in entries.items():
            size = torch.where(torch.isfinite(v), v.abs(), torch.zeros_like(v))
            out[p][k] = torch.maximum(size, old[p][k]) if k in old[p] else size
    return out
