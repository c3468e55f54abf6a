"""Naming the mistake: which cause makes the loop's step what it was.

When the loop disagrees with the closed form, each known cause is a hypothesis about
what the loop computed instead. The step is recomputed under it — from the loop's own
X, y, W, B and gradients, in float64 — and the cause is named only if the recomputation
matches what the loop did within 100 × the dtype's tolerance. Nothing is guessed from
the size of the gap alone. The causes, with the recomputation that confirms each:

- ``broadcast``: the loss's input (N, 1) and target (N,) broadcast to (N, N) (seen in
  the loss hook's shapes); L = reduce(ℓ(zₙ, yₘ) over all n, m), dL/dzₙ = Σₘ ∂ℓ(zₙ, yₘ)/∂z.
- ``probabilities_to_logits_loss``, ``logits_to_probability_loss``, ``double_sigmoid``:
  the loss input is σⁿ(Z) for the wrong n (found by comparing it with Z, σ(Z), σ(σ(Z)));
  dL/dZ = ℓ′(u)·du/dP·Π σ′ through the chain, with u = P (with-logits losses) or
  u = logit(P) (nn.BCELoss, whose ℓ on P is bce on logit(P)), σ′ = σ(1 − σ).
- ``nll_on_logits``: nn.NLLLoss given Z instead of log softmax(Z): ℓₙ = −Z[n, yₙ],
  dL/dZ = −onehot(y)/N.
- ``not_zeroed``: ``.grad`` held a gradient before this step's backward (seen in the loss
  hook); the loop's gradient = that leftover + this step's closed-form gradient.
- ``reduction``: the closed form with the other reduction (a factor of N, or N·k).
- ``weight_decay_loss``: an L2 penalty in the loss: g = closed form + λ·θ, λ fitted by
  least squares on W, and every entry must then match (B with or without λ·B).
- ``weight_decay`` / ``optimizer_settings``: the update matches the optimizer's own
  settings, not the expected ones (``expect``), and they differ in weight_decay / others.

Anything else is ``unexplained``, listing what was checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from ..core.agreement import disagreement, tolerance
from ..core.closed_form import closed_step
from ..errors import VerificationError
from ..losses import get_loss
from ..losses.activations import SIGMOID
from ..optim import UpdateRule
from ..views.i18n import Words
from .finite import LOG_SOFTMAX, linked
from .linear import LinearStep, grads_from_dz
from .mapping import LossMap
from .recorder import LossCall, ParamStep
from .verify import Check, predicted_update

HYPOTHESIS_FACTOR = 100  # a cause matches within 100 × the dtype's tolerance
TRANSLATED = ("got", "want", "against", "where")  # fields that are words of the catalog
# the causes a diagnosis names, each one a sentence of the catalog's "watch" section
CAUSES = (
    "not_zeroed",
    "reduction",
    "broadcast",
    "probabilities_to_logits_loss",
    "logits_to_probability_loss",
    "double_sigmoid",
    "nll_on_logits",
    "weight_decay",
    "weight_decay_loss",
    "optimizer_settings",
    "unexplained",
)


@dataclass(frozen=True)
class Diagnosis:
    """A disagreement between the loop and the closed form, and the cause that explains it."""

    cause: str  # one of CAUSES
    step: int
    quantity: str  # the check that failed worst
    disagreement: float  # its gap
    tolerance: float
    explained: float | None  # the loop against the recomputation under the cause
    details: Mapping[str, Any] = field(default_factory=dict)
    message: str = ""  # one line: "step 2: gradients not zeroed between steps: …"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "cause": self.cause,
            "step": self.step,
            "quantity": self.quantity,
            "disagreement": self.disagreement,
            "tolerance": self.tolerance,
            "explained": self.explained,
            "details": {k: _plain(v) for k, v in self.details.items()},
            "message": self.message,
        }


def _plain(value: Any) -> Any:
    return value if isinstance(value, bool | int | float | str | type(None)) else str(value)


class DiagnosisError(VerificationError):
    """The loop disagrees with the closed form; the message names the cause and the step."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__(
            diagnosis.quantity, diagnosis.step, diagnosis.disagreement, diagnosis.tolerance
        )
        self.diagnosis = diagnosis
        self.cause = diagnosis.cause
        self.args = (diagnosis.message,)  # str() and repr() say the cause, not the gap


@dataclass(frozen=True)
class Hypothesis:
    """What the loop would have had under ``cause``."""

    cause: str
    predicted: tuple[torch.Tensor, ...]  # shaped as the loop's quantities it explains
    value: torch.Tensor | None = None  # the loss module's value under the cause, if it says
    fields: Mapping[str, Any] = field(default_factory=dict)  # for the message


@dataclass(frozen=True)
class Candidates:
    """What the loop had, and the causes that could explain it, tried in order."""

    loop: tuple[torch.Tensor, ...]
    hypotheses: Iterable[Hypothesis]
    value: torch.Tensor | None = None  # the loss module's value in the loop
    # the size of the terms each of ``loop`` sums (near convergence a gradient is far
    # smaller than its terms, and the fit is measured against them, as the checks are)
    scale: tuple[torch.Tensor, ...] | None = None


def _d(t: torch.Tensor) -> torch.Tensor:
    return t.detach().to(torch.float64) if t.is_floating_point() else t


def linear_hypotheses(
    step: LinearStep,
    loss_map: LossMap,
    closed: tuple[torch.Tensor, torch.Tensor],
    rule: UpdateRule,
    lr: float,
) -> Iterator[Hypothesis]:
    """The gradient causes for a one-Linear loop; ``closed``: (dW, dB) in float64."""
    loss, module = loss_map.loss, loss_map.module
    X, Z, y = _d(step.X), _d(step.Z), _d(step.y)
    if step.broadcast is not None and not loss_map.takes_probabilities:
        shape = step.broadcast
        P = Z.reshape(step.P.shape).expand(shape)
        Y = _d(step.y_raw).expand(shape)
        dP = loss.grad_z(P, Y).sum_to_size(step.P.shape)  # Σ over the broadcast partner
        yield Hypothesis(
            "broadcast",
            grads_from_dz(X, dP.reshape(Z.shape)),
            loss.value(P, Y),
            {
                "target": tuple(step.y_raw.shape),
                "input": tuple(step.P.shape),
                "shape": "×".join(str(n) for n in shape),
            },
        )
    n = step.link
    if loss.activation is SIGMOID and isinstance(n, int) and n != loss_map.link:
        chain = [Z]  # Z, σ(Z), σ(σ(Z)), … up to the loss input P
        chain += [linked(Z, i) for i in range(1, n + 1)]
        P = chain[-1]
        u = torch.logit(P) if loss_map.takes_probabilities else P  # BCELoss(P) = bce(logit P)
        G = loss.grad_z(u, y)  # dL/du (N, k)
        if loss_map.takes_probabilities:
            G = G / (P * (1 - P))  # du/dP = 1 / (P(1 − P))
        for a in chain[:0:-1]:
            G = G * a * (1 - a)  # dσ/dz = σ(1 − σ)
        names = ["Z", "σ(Z)", "σ(σ(Z))"]
        cause = (
            "double_sigmoid"
            if n == 2
            else "logits_to_probability_loss"
            if loss_map.takes_probabilities
            else "probabilities_to_logits_loss"
        )
        yield Hypothesis(
            cause,
            grads_from_dz(X, G),
            loss.value(u, y),
            {"module": module, "chain": names[n], "wanted": names[int(loss_map.link)]},
        )
    if loss_map.link == LOG_SOFTMAX and step.link == 0:
        # nn.NLLLoss on Z itself: ℓₙ = −Z[n, yₙ], dL/dZ = −onehot(y) (/ N under "mean")
        G = -torch.nn.functional.one_hot(y.to(torch.int64), Z.shape[1]).to(Z.dtype)
        G = G / Z.shape[0] if loss.reduction == "mean" else G
        value = (G * Z).sum()
        yield Hypothesis("nll_on_logits", grads_from_dz(X, G), value, {"module": module})
    left = [step.left_W, step.left_B]
    if any(g is not None and bool(g.any()) for g in left):
        W_left, B_left = (
            torch.zeros_like(c) if g is None else _d(g) for g, c in zip(left, closed, strict=True)
        )
        yield Hypothesis(
            "not_zeroed", (closed[0] + W_left, closed[1] + B_left), None, {"quantity": "dL/dW"}
        )
    other = "sum" if loss.reduction == "mean" else "mean"
    flipped = get_loss(loss.name, **{**loss.options(), "reduction": other})
    cs = closed_step(X, y, _d(step.W), _d(step.B), flipped, rule, {"W": {}, "B": {}}, 1, lr)
    count = loss.elements_count(Z)
    if count > 1:  # with one element, mean and sum are the same
        yield _reduction((cs.dW, cs.dB), count if other == "sum" else 1 / count, count)
    W, B = _d(step.W), _d(step.B)
    denom = float((W * W).sum())
    lam = float(((_d(step.dW) - closed[0]) * W).sum()) / denom if denom > 0 else 0.0
    # a λ·θ too small to tell from rounding explains nothing
    if disagreement(closed[0] + lam * W, closed[0]) > HYPOTHESIS_FACTOR * tolerance(step.dtype):
        with_B = closed[1] + lam * B
        on_B = disagreement(step.dB, with_B) <= disagreement(step.dB, closed[1])
        yield Hypothesis(
            "weight_decay_loss",
            (closed[0] + lam * W, with_B if on_B else closed[1]),
            None,
            {"lam": lam, "where": "" if on_B else "weight_decay_W", "module": module},
        )


def _reduction(predicted: tuple[torch.Tensor, ...], factor: float, count: int) -> Hypothesis:
    return Hypothesis(
        "reduction",
        predicted,
        None,
        {
            "factor": factor,
            "count": count,
            "got": "summed" if factor > 1 else "averaged",
            "want": "mean" if factor > 1 else "sum",
        },
    )


@dataclass(frozen=True)
class Penalty:
    """What an L2 penalty λ·Σ‖θ‖²/2 in the loop's loss would be tested on, per checked entry."""

    theta: torch.Tensor  # (m,) θ at the entries
    owner: torch.Tensor  # (m,) which parameter each entry belongs to
    names: Sequence[str]  # the parameters' names
    loop: torch.Tensor  # (m,) the loop's gradient there
    module: str  # the loss the penalty is not part of


def _penalties(fd: torch.Tensor, p: Penalty) -> Iterator[Hypothesis]:
    """g = dL/dθ + λ·θ on some parameters, λ fitted by least squares.

    Only on those whose gradient differs from dL/dθ by more than rounding (a penalty on
    the weights, not on the bias), else on all of them.
    """
    residual = p.loop - fd
    off = [
        i
        for i in range(len(p.names))
        if disagreement(p.loop[p.owner == i], fd[p.owner == i]) > tolerance(torch.float32)
    ]
    for on in dict.fromkeys((tuple(off), tuple(range(len(p.names))))):  # the closer fit first
        mask = torch.isin(p.owner, torch.tensor(on, dtype=p.owner.dtype))
        theta = torch.where(mask, p.theta, 0.0)
        denom = float(theta @ theta)
        if not on or denom == 0:
            continue
        lam = float(residual @ theta) / denom
        if disagreement(fd + lam * theta, fd) > HYPOTHESIS_FACTOR * tolerance(torch.float64):
            names = ", ".join(p.names[i] for i in on)
            where = "" if len(on) == len(p.names) else "weight_decay_on"
            yield Hypothesis(
                "weight_decay_loss",
                (fd + lam * theta,),
                None,
                {"lam": lam, "where": where, "names": names, "module": p.module},
            )


def generic_hypotheses(
    fd: torch.Tensor,
    left: torch.Tensor | None,
    counts: Sequence[int],
    penalty: Penalty,
    broadcast: LossCall | None = None,
) -> Iterator[Hypothesis]:
    """The gradient causes for any model, on the entries finite differences checked.

    ``fd``: dL/dθ there; ``left``: what ``.grad`` held there before the backward;
    ``broadcast``: the loss call, where its input and target broadcast to more elements
    (finite differences, of the loss as the loop computed it, then match the loop).
    """
    if broadcast is not None and broadcast.broadcast is not None:
        shape = broadcast.broadcast
        yield Hypothesis(
            "broadcast",
            (fd,),
            None,
            {
                "target": tuple(broadcast.target.shape),
                "input": tuple(broadcast.input.shape),
                "shape": "×".join(str(n) for n in shape),
            },
        )
    if left is not None and bool(left.any()):
        yield Hypothesis("not_zeroed", (left + fd,), None, {"quantity": "dL/dθ"})
    for count in sorted(set(counts)):
        for factor in (count, 1 / count):
            yield _reduction((factor * fd,), factor, count)
    yield from _penalties(fd, penalty)


def settings_hypotheses(
    params: Sequence[ParamStep],
    expected: Sequence[UpdateRule],
    actual: Sequence[UpdateRule],
    t: int,
    optimizer: str,
) -> Iterator[Hypothesis]:
    """The update under the optimizer's own settings, where ``expect`` changed them."""
    wanted, has = expected[0].options(), actual[0].options()
    differ = {k: (wanted[k], has[k]) for k in wanted if wanted[k] != has.get(k)}
    if not differ or any(p.grad is None for p in params):
        return
    predicted = tuple(
        predicted_update(p, rule, g, t)[0]
        for p, rule in zip(params, actual, strict=True)
        if (g := p.grad) is not None  # every one has a gradient (checked above)
    )
    decay = differ.get("weight_decay", (0.0, 0.0))
    yield Hypothesis(
        "weight_decay" if set(differ) == {"weight_decay"} else "optimizer_settings",
        predicted,
        None,
        {
            "optimizer": optimizer,
            "expected": decay[0],
            "actual": decay[1],
            "settings": ", ".join(f"{k} = {a!r} (expected {e!r})" for k, (e, a) in differ.items()),
        },
    )


def _message(lang: str, step: int, cause: str, fields: Mapping[str, Any]) -> str:
    words = Words(lang, "watch")
    filled = {k: words(v, **fields) if k in TRANSLATED and v else v for k, v in fields.items()}
    return words("step", step=step, text=words(cause, **filled))


def _fit(c: Candidates, h: Hypothesis) -> float:
    """How far the loop's quantities (and loss value) are from the hypothesis'."""
    scales = c.scale or (None,) * len(c.loop)
    gap = max(disagreement(a, b, s) for a, b, s in zip(c.loop, h.predicted, scales, strict=True))
    value = c.value
    if h.value is not None and value is not None and value.dim() == 0:
        gap = max(gap, disagreement(value, h.value))
    return gap


def diagnose(
    step: int,
    failed: Sequence[Check],
    dtype: torch.dtype,
    lang: str,
    gradient: Candidates | None = None,
    update: Candidates | None = None,
) -> Diagnosis:
    """The cause of the ``failed`` checks: gradient causes if a gradient failed, else update."""
    worst = max(failed, key=lambda c: c.ratio)
    candidates = update if all(c.against == "rule" for c in failed) else gradient
    tried: list[str] = []
    tol = HYPOTHESIS_FACTOR * tolerance(dtype)
    for h in candidates.hypotheses if candidates else ():
        assert candidates is not None
        tried.append(h.cause)
        gap = _fit(candidates, h)
        if gap <= tol:
            details = {k: v for k, v in h.fields.items() if k not in TRANSLATED or v}
            return Diagnosis(
                h.cause,
                step,
                worst.quantity,
                worst.gap,
                worst.tolerance,
                gap,
                details,
                _message(lang, step, h.cause, h.fields),
            )
    fields = {
        "quantity": worst.quantity,
        "against": worst.against,
        "gap": worst.gap,
        "tol": worst.tolerance,
        "tried": ", ".join(dict.fromkeys(tried)) or Words(lang, "watch")("nothing"),
    }
    return Diagnosis(
        "unexplained",
        step,
        worst.quantity,
        worst.gap,
        worst.tolerance,
        None,
        {"tried": fields["tried"]},
        _message(lang, step, "unexplained", fields),
    )
