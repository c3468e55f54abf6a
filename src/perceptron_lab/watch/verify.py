"""Three-way verification of one watched step: autograd, the closed form, finite differences.

For a loop over one nn.Linear with a loss and optimizer the core knows:

1. autograd — the gradient the loop's ``loss.backward()`` left in ``.grad`` — against the
   closed form dL/dW = Xᵀ·dL/dZ, dL/dB = Σₙ dL/dZ (``step.observe_step``, which also runs
   PyTorch's twin), within the dtype's tolerance;
2. finite differences in float64 of the loss as the loop computes it against the closed
   form in float64, within 1e-6;
3. autograd against finite differences, within max(1e-6, 10 × the dtype's tolerance).

Besides the gradient, Z and the loss value are compared with the closed form, and the
optimizer's update (parameters and state after ``optimizer.step()``) with the closed-form
rule applied to the loop's own gradient — which is also all that is checked, with
finite differences, for any other model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import torch

from ..core.agreement import disagreement, tolerance
from ..core.observed_step import StepRecord
from ..optim import State, UpdateRule
from .finite import FD_TOLERANCE
from .linear import LinearStep, scales
from .mapping import LossMap
from .recorder import ParamStep

WAYS = ("autograd", "closed_form", "finite_differences", "update")


@dataclass(frozen=True)
class Check:
    """One comparison: the loop's ``quantity`` against ``against`` (a key of messages)."""

    quantity: str  # "Z", "loss", "dW", "dB", "W_after", "state[W].exp_avg", "dL/dθ", …
    against: str  # "closed_form", "rule" or "finite_differences"
    gap: float  # max|a − b| / max(max|b|, max|scale|, tiny)
    tolerance: float

    @property
    def ok(self) -> bool:
        return self.gap <= self.tolerance

    @property
    def ratio(self) -> float:
        """How many tolerances apart (the worst check has the largest)."""
        if self.tolerance:
            return self.gap / self.tolerance
        return math.inf if self.gap > 0 else 0.0


@dataclass(frozen=True)
class Verdict:
    """Every check of one step, and which of the ways ran."""

    checks: tuple[Check, ...]
    ran: Mapping[str, bool] = field(default_factory=dict)  # each of WAYS
    fd_entries: int = 0  # parameter entries checked by finite differences

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def worst(self) -> Check | None:
        return max(self.checks, key=lambda c: c.ratio) if self.checks else None

    @property
    def verified(self) -> bool:
        """Every way ran and every check passed."""
        return all(self.ran.get(w, False) for w in WAYS) and not self.failed

    def passed(self, way: str) -> bool:
        """``way`` (one of WAYS) ran and every check it took part in passed."""
        return self.ran.get(way, False) and all(c.ok for c in self.checks if way in ways(c))

    def gap(self, quantity: str) -> float | None:
        """The disagreement of the check of ``quantity`` (None when it did not run)."""
        gaps = [c.gap for c in self.checks if c.quantity == quantity]
        return max(gaps) if gaps else None


def ways(check: Check) -> set[str]:
    """The ways a check involves: both sides of the comparison."""
    if check.against == "rule":
        return {"update"}
    if check.against == "finite_differences":
        other = "closed_form" if check.quantity.endswith("(closed form)") else "autograd"
        return {"finite_differences", other}
    return {"autograd", "closed_form"} if check.quantity in ("dW", "dB") else {"closed_form"}


def compare(
    quantity: str,
    against: str,
    loop: torch.Tensor,
    reference: torch.Tensor,
    tol: float,
    scale: torch.Tensor | None = None,
) -> Check:
    """The loop's value against a reference (``scale``: the size of the terms summed)."""
    return Check(quantity, against, disagreement(loop, reference, scale), tol)


def linear_checks(
    step: LinearStep,
    loss_map: LossMap,
    rec: StepRecord,
    expected: tuple[torch.Tensor, torch.Tensor] | None = None,
) -> list[Check]:
    """Z, the loss and dL/dW, dL/dB of the loop against the closed form of ``rec``.

    ``expected``: what the loop's dW, dB should be where not the closed form itself (the
    closed form through the loop's own gradient hooks).
    """
    tol = tolerance(step.dtype)
    size = scales(step, loss_map, rec.Z.closed)
    checks = [compare("Z", "closed_form", step.Z, rec.Z.closed, tol, size["Z"])]
    # nn.BCELoss takes log of float32 probabilities: its value is checked by the gradient
    # (the link is 1 σ); nn.NLLLoss after log softmax is cross-entropy, value and all.
    # A broadcast shows in the value even where it cancels in the gradient (for the
    # notebook's data Xᵀ·(y − ȳ) = 0, so dL/dW and dL/dB come out right by accident).
    if step.link == loss_map.link != 1 and step.value.dim() == 0:
        checks.append(
            compare("loss", "closed_form", step.value, rec.loss.closed, tol, size["loss"])
        )
    if step.broadcast is not None:
        # the closed form has one ℓ per element of Z; the loop's loss has more. The numbers
        # may still agree (for the notebook's data they do): the shapes are the evidence.
        extra = (step.broadcast.numel() - step.P.numel()) / step.P.numel()
        checks.append(Check("loss elements", "closed_form", extra, 0.0))
    dW, dB = expected or (rec.dW.closed, rec.dB.closed)
    checks.append(compare("dW", "closed_form", step.dW, dW, tol, size["dW"]))
    checks.append(compare("dB", "closed_form", step.dB, dB, tol, size["dB"]))
    return checks


def rule_count(param: ParamStep, t: int) -> int:
    """The rule's step number: torch.optim's state["step"] + 1, or the watch's count ``t``."""
    done = param.state_before.get("step")
    return t if done is None else int(done) + 1


def rule_state(param: ParamStep, rule: UpdateRule, layout: str = "") -> State:
    """torch.optim's state before the step, as the rule keeps it ("W": transposed to (d, k))."""
    return {
        k: (v.T if layout == "W" else v)
        for k, v in param.state_before.items()
        if k in rule.state_keys()
    }


def predicted_update(
    param: ParamStep, rule: UpdateRule, grad: torch.Tensor, t: int
) -> tuple[torch.Tensor, State]:
    """θ and state after the closed-form rule from the loop's θ, gradient and state."""
    lr = float(param.hyper["lr"])
    return rule.update(param.before, grad, rule_state(param, rule), rule_count(param, t), lr)


def update_checks(
    params: Sequence[ParamStep], rules: Sequence[UpdateRule | None], labels: Sequence[str], t: int
) -> list[Check]:
    """Each parameter and its optimizer state after the step against the closed-form rule.

    The rules are elementwise, so they run in nn's own layout (no transposes needed).
    """
    checks: list[Check] = []
    for param, rule, label in zip(params, rules, labels, strict=True):
        if rule is None or param.grad is None:
            continue
        tol = tolerance(param.before.dtype)
        after, state = predicted_update(param, rule, param.grad, t)
        size = param.before.abs() + (after - param.before).abs()
        checks.append(compare(f"{label}_after", "rule", param.after, after, tol, size))
        for key, value in state.items():
            if key in param.state_after:
                old = param.state_before.get(key)
                checks.append(
                    compare(
                        f"state[{label}].{key}", "rule", param.state_after[key], value, tol, old
                    )
                )
    return checks


def fd_checks(
    loop: torch.Tensor | None,
    fd: torch.Tensor,
    closed: torch.Tensor | None,
    scale: torch.Tensor | None,
    noise: torch.Tensor,
    dtype: torch.dtype,
) -> list[Check]:
    """Finite differences against the float64 closed form and against autograd.

    All arguments are the same checked entries of the flattened parameters (float64).
    ``scale`` is the size of the terms the gradient sums; ``noise`` what rounding alone
    can move a difference by — an absolute error a check of tolerance τ allows by taking
    noise/τ into its scale, so a gradient near 0 is not held to a relative error of it.
    ``loop`` None: the loop's gradient is not the loss's (a hook changed it), only the
    closed form is held to the differences.
    """

    def sized(tol: float) -> torch.Tensor:
        allowed = noise / tol
        return allowed if scale is None else torch.maximum(scale, allowed)

    checks: list[Check] = []
    if closed is not None:
        checks.append(
            compare(
                "dL/dθ (closed form)",
                "finite_differences",
                closed,
                fd,
                FD_TOLERANCE,
                sized(FD_TOLERANCE),
            )
        )
    if loop is not None:
        tol = max(FD_TOLERANCE, 10 * tolerance(dtype))
        checks.append(compare("dL/dθ (autograd)", "finite_differences", loop, fd, tol, sized(tol)))
    return checks
