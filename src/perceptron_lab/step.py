"""One observed training step: every quantity by its closed form and by PyTorch.

Closed form (plain tensor arithmetic, no autograd):

    Z = X·W + B                    X (N, d), W (d, k), B (k,)  → Z (N, k)
    A = activation(Z)
    L = reduce(ℓ(Z, y))
    dL/dZ = loss.grad_z(Z, y)      (N, k)
    dL/dW = Xᵀ · dL/dZ             (d, k)
    dL/dB = Σₙ dL/dZ               (k,)
    W′, B′ = rule(W, dL/dW), rule(B, dL/dB)

PyTorch: the notebook's Perceptron (nn.Linear, weight = Wᵀ) loaded with the same W, B
and optimizer state, the torch.nn loss, ``loss.backward()`` and ``optimizer.step()``.
Each pair's disagreement is ``max|a − b| / max(max|b|, tiny)``; one over the dtype's
tolerance raises :class:`VerificationError` naming the quantity and the step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from .compare import disagreement, tolerance
from .errors import VerificationError
from .losses import Loss
from .model import Perceptron
from .optim import State, UpdateRule

PARAMS = ("W", "B")


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
        from .views.html import step_record_html

        return step_record_html(self)

    @property
    def state_after_closed(self) -> dict[str, State]:
        """The closed-form optimizer state after the step, ready for the next one."""
        return {
            p: {k: t.closed for k, t in entries.items()} for p, entries in self.state_after.items()
        }


@dataclass(frozen=True)
class TrainStep:
    """What training needs from a step, by formula: no activations, no per-sample losses."""

    Z: torch.Tensor  # (N, k)
    loss: torch.Tensor  # 0-d
    dZ: torch.Tensor  # (N, k)
    dW: torch.Tensor  # (d, k)
    dB: torch.Tensor  # (k,)
    W_after: torch.Tensor  # (d, k)
    B_after: torch.Tensor  # (k,)
    state_after: dict[str, State]


@dataclass(frozen=True)
class ClosedStep(TrainStep):
    """The closed-form half of an observed step: a TrainStep plus A and each ℓₙ."""

    A: torch.Tensor  # (N, k)
    per_sample_loss: torch.Tensor  # (N,)


def train_step(
    X: torch.Tensor,
    y: torch.Tensor,
    W: torch.Tensor,
    B: torch.Tensor,
    loss: Loss,
    rule: UpdateRule,
    state: Mapping[str, State],
    t: int,
    lr: float,
    rule_B: UpdateRule | None = None,
) -> TrainStep:
    """The step by formula alone, as in the module docstring (``rule_B`` updates B if given)."""
    Z = X @ W + B  # (N, k), as the notebook writes it
    value, dZ = loss.value_and_grad(Z, y)  # 0-d, (N, k)
    dW = X.T @ dZ  # (d, k)
    dB = dZ.sum(dim=0)  # (k,)
    W_after, state_W = rule.update(W, dW, state.get("W", {}), t, lr)
    B_after, state_B = (rule_B or rule).update(B, dB, state.get("B", {}), t, lr)
    return TrainStep(Z, value, dZ, dW, dB, W_after, B_after, {"W": state_W, "B": state_B})


def closed_step(
    X: torch.Tensor,
    y: torch.Tensor,
    W: torch.Tensor,
    B: torch.Tensor,
    loss: Loss,
    rule: UpdateRule,
    state: Mapping[str, State],
    t: int,
    lr: float,
    rule_B: UpdateRule | None = None,
) -> ClosedStep:
    """:func:`train_step` plus the activations A and the per-sample losses ℓₙ."""
    s = train_step(X, y, W, B, loss, rule, state, t, lr, rule_B)
    return ClosedStep(
        s.Z,
        s.loss,
        s.dZ,
        s.dW,
        s.dB,
        s.W_after,
        s.B_after,
        s.state_after,
        A=loss.activation.closed(s.Z),
        per_sample_loss=loss.per_sample(s.Z, y),
    )


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


class TorchTwin:
    """PyTorch's side of a run: the notebook's Perceptron, the torch.nn loss, torch.optim.

    Each stage runs on the same inputs as its closed form, so a disagreement points at
    the stage that made it (and rounding in one stage is not amplified by the next):

    - Z: ``model(X)`` (nn.Linear, weight = Wᵀ) loaded with the closed form's W, B;
    - loss and dL/dZ: the torch.nn loss on the closed-form Z, ``backward()``;
    - dL/dW, dL/dB: autograd through nn.Linear, ``Z.backward(dL/dZ)``;
    - the update: ``optimizer.step()`` from the closed form's gradient and state.

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
        closed: ClosedStep,
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
        torch.autograd.backward(Z, closed.dZ)
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
        self.optimizer.step()
        state_after = {
            name: {
                k: _to_layer(name, self.optimizer.state[p][k]).clone()
                for k in self.rule.state_keys()
            }
            for name, p in params.items()
        }
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

    def _load_state(self, state: Mapping[str, State], t: int) -> None:
        params = self._params()
        if not any(state.get(name) for name in params):
            # no state yet: a fresh optimizer initializes it the way torch.optim does
            self.optimizer = self._new_optimizer()
            return
        for name, p in params.items():
            loaded = {k: _to_layer(name, v) for k, v in state.get(name, {}).items()}
            self.optimizer.state[p] = self.rule.to_torch_state(loaded, t - 1)


def _to_layer(name: str, tensor: torch.Tensor) -> torch.Tensor:
    """W-shaped (d, k) ↔ weight-shaped (k, d): a transpose for W, nothing for B."""
    return tensor.T if name == "W" else tensor


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
        )
    twin = twin or TorchTwin(loss, rule, X.shape[1], W.shape[1], X.dtype, X.device, decay_bias)
    other = twin.step(X, y, W, B, state, t_rule, lr, closed)

    tol = tolerance(X.dtype)
    lazy: dict[str, Any] = {}

    def terms() -> dict[str, torch.Tensor]:
        if "terms" not in lazy:
            lazy["terms"] = term_scales(X, y, W, B, loss, closed.Z)
        return lazy["terms"]  # type: ignore[no-any-return]

    def state_terms() -> dict[str, State]:
        if "state" not in lazy:
            rule_B = rule.for_bias(decay_bias)
            lazy["state"] = _state_scales(rule, rule_B, W, B, terms(), state, t_rule, lr)
        return lazy["state"]  # type: ignore[no-any-return]

    def state_scale(param: str, key: str) -> Callable[[], torch.Tensor | None]:
        return lambda: state_terms()[param].get(key)

    def pair(a: torch.Tensor, b: torch.Tensor, scale: Callable[[], Any] | None = None) -> Twin:
        """The plain relative gap; over tolerance, the gap on the scale of b's terms."""
        gap = disagreement(a, b)
        if gap > tol and scale is not None:
            gap = disagreement(a, b, scale())
        return Twin(a, b, gap)

    t_update_W = other.W_after - W
    t_update_B = other.B_after - B
    record = StepRecord(
        **base,
        Z=pair(closed.Z, other.Z, lambda: terms()["Z"]),
        A=pair(closed.A, other.A),
        loss=pair(closed.loss, other.loss, lambda: terms()["loss"]),
        dZ=pair(closed.dZ, other.dZ, lambda: terms()["dZ"]),
        dW=pair(closed.dW, other.dW, lambda: terms()["dW"]),
        dB=pair(closed.dB, other.dB, lambda: terms()["dB"]),
        # θ_after = θ − Δ: rounding is relative to |θ| and |Δ|, not to a θ_after near 0
        W_after=pair(closed.W_after, other.W_after, lambda: W.abs() + update_W.abs()),
        B_after=pair(closed.B_after, other.B_after, lambda: B.abs() + update_B.abs()),
        # an update is a difference of parameters: measured on the parameters' scale
        update_W=pair(update_W, t_update_W, lambda: other.W_after),
        update_B=pair(update_B, t_update_B, lambda: other.B_after),
        state_after={
            p: {k: pair(v, other.state_after[p][k], state_scale(p, k)) for k, v in s.items()}
            for p, s in closed.state_after.items()
        },
        verified=True,
    )
    if check:
        for name, twin_q in record.twins():
            if twin_q.disagreement is not None and twin_q.disagreement > record.tolerance:
                raise VerificationError(name, step, twin_q.disagreement, record.tolerance)
    return record


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


def _state_scales(
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
    RMSprop's v − ḡ² on magnitudes), the old state's size stands in.
    """
    out: dict[str, State] = {}
    for p, r, theta, g in (("W", rule, W, scales["dW"]), ("B", rule_B, B, scales["dB"])):
        old = {k: v.abs() for k, v in state.get(p, {}).items()}
        _, new = r.update(theta.abs(), g.abs(), old, t, lr)
        out[p] = {}
        for k, v in new.items():
            size = torch.where(torch.isfinite(v), v.abs(), torch.zeros_like(v))
            out[p][k] = torch.maximum(size, old[k]) if k in old else size
    return out
