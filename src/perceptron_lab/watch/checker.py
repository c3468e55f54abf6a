"""Checking one watched step: verify it three ways, diagnose it if the loop disagrees.

For a loop over one nn.Linear whose loss and optimizer the core knows, the step is
rebuilt in the core's layout (linear.py) and run by ``step.observe_step`` (the closed
form and PyTorch's twin), then the loop's own Z, loss, gradient and update are compared
with it, and finite differences of the loop's loss with both (verify.py). Any other step
— another model, a loss without a closed form, gradient accumulation, a closure — is
recorded: its update checked against the optimizer's rule where there is one, its
gradient against finite differences where the loss can be recomputed. A failed check
goes to diagnose.py for its cause. Each step gives one :class:`Outcome`: the row of
the step table, the verdict, the diagnosis.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from ..core.agreement import disagreement, tolerance
from ..core.closed_form import closed_step
from ..core.observed_step import StepRecord, observe_step
from ..core.twin import TorchTwin
from ..errors import InputError
from ..optim import UpdateRule
from ..views.i18n import Words
from .diagnose import (
    Candidates,
    Diagnosis,
    Penalty,
    diagnose,
    generic_hypotheses,
    linear_hypotheses,
    settings_hypotheses,
)
from .finite import entries, finite_differences, link, model_loss, rounding, term_scale, to64
from .linear import LinearStep, linear_step, scales
from .mapping import LossMap, Unsupported, map_loss, map_rule
from .recorder import LossCall, ParamStep, StepCapture
from .rundir import DataStore
from .verify import (
    WAYS,
    Check,
    Verdict,
    fd_checks,
    linear_checks,
    rule_count,
    rule_state,
    update_checks,
)

VECTOR_CAP = 10_000  # models with more parameters keep no per-step parameter vectors


@dataclass(frozen=True)
class FiniteDifferences:
    """dL/dθ by finite differences at some entries of the flattened parameters."""

    values: torch.Tensor  # (m,) float64, on the CPU (computed on the loop's device)
    which: torch.Tensor  # (m,) indices into the flattened parameters (CPU)
    total: int  # how many entries there are
    noise: torch.Tensor  # (m,) what rounding alone can move each difference by (CPU)
    scale: torch.Tensor | None  # (m,) the per-sample terms' size, where the loss splits (CPU)


@dataclass(frozen=True)
class Outcome:
    """One checked step: its row, its verdict, its diagnosis."""

    scalars: dict[str, Any]
    vectors: dict[str, torch.Tensor]
    verdict: Verdict
    diagnosis: Diagnosis | None


def _flat(tensors: list[torch.Tensor]) -> torch.Tensor:
    """The tensors flattened into one float64 vector on the CPU (as finite differences are)."""
    return torch.cat([t.detach().to("cpu", torch.float64).reshape(-1) for t in tensors])


def _cpu64(t: torch.Tensor) -> torch.Tensor:
    """A float64 vector on the CPU (the same numbers: moving a tensor is exact)."""
    return t.detach().to("cpu", torch.float64)


def _loss_value(call: LossCall | None) -> float:
    """The loss call's value (the mean of a reduction="none" loss); NaN without one."""
    if call is None or not isinstance(call.output, torch.Tensor):
        return math.nan
    return float(call.output if call.output.dim() == 0 else call.output.mean())


def _decay_bias(rule: UpdateRule, rule_B: UpdateRule) -> bool:
    """True if B is updated by the same rule as W, False if only without weight decay."""
    if rule_B.options() == rule.options():
        return True
    if rule_B.options() == rule.for_bias(False).options():
        return False
    raise Unsupported("the weight's and the bias's parameter groups differ beyond weight decay")


class StepChecker:
    """Verifies and diagnoses each captured step of one watched loop."""

    def __init__(
        self,
        model: nn.Module | None,
        optimizer: torch.optim.Optimizer,
        at: tuple[int, int] | None,
        *,
        expect: dict[str, Any],
        lang: str,
        max_fd_entries: int,
        note: Callable[..., None],
    ) -> None:
        self.model = model
        self.optimizer = optimizer
        self.loss_map: LossMap | None = None  # the loss's closed form, if it has one
        self.loss64: nn.Module | None = None  # a float64 copy of the loss, for finite differences
        self.loss_key: Any = None  # which loss module (and options) the two are of
        self.loss_module: Any = None  # the module object last mapped
        self.at = at  # (weight, bias) indices among the optimizer's parameters: one nn.Linear
        self.expect = expect
        self.lang = lang
        self.max_fd_entries = max_fd_entries
        self.note = note  # note(key, **fields): what was not verified, and why
        self.records: list[StepRecord] = []
        self.data = DataStore()
        self.decay_bias = True
        self.twin_key: tuple[Any, ...] | None = None
        self.twin_obj: TorchTwin | None = None
        self.last: list[torch.Tensor] | None = None

    def suspect(self, capture: StepCapture) -> bool:
        """Does the capture show a sign of a mistake (to be verified whatever the budget)?

        A gradient left over from before the backward (no zero_grad), input and target
        shapes that broadcast, a loss with new options, more or fewer than one backward.
        Cheap: no recomputation.
        """
        call = capture.loss_call
        if call is None:
            return capture.loss_calls != 0 or capture.closure
        changed = self.use(call.module)
        left = any(g is not None and bool(g.any()) for g in call.leftover)
        return changed or left or call.broadcast is not None or capture.loss_calls != 1

    def __call__(self, capture: StepCapture, full: bool = True) -> Outcome:
        """Check one step (with the hooks quiet and the random state saved by the caller).

        ``full`` False: record the step and check nothing that costs a recomputation.
        """
        if capture.loss_call is not None:
            self.use(capture.loss_call.module)
        self._moved(capture)
        if any(p.edited for p in capture.params):
            self.note("gradient_edit", step=capture.t, edit=self._edit(capture.params))
        if capture.closure:
            self.note("closure", step=capture.t)
            return self._recorded(capture, update=False, gradient=False)
        if capture.loss_calls > 1:
            self.note("accumulation", step=capture.t, calls=capture.loss_calls)
            return self._recorded(capture, gradient=False)
        capture = self._scaled(capture)
        if not full:
            return self._skipped(capture)
        if capture.model_call is None or capture.loss_call is None:
            unseen = "unseen_loss" if capture.loss_call is None else "unseen_model"
            self.note(unseen, step=capture.t)
            return self._recorded(capture)
        if self.at is not None and self.loss_map is not None:
            try:
                return self._one_linear(capture, self.loss_map, *self.at)
            except Unsupported as exc:
                self.note("no_closed_form", why=str(exc))
        return self._recorded(capture)

    def _scaled(self, capture: StepCapture) -> StepCapture:
        """The capture with the multiple c of the loss its gradient is checked as.

        The loop backpropagated c·L: ``F.cross_entropy(z, y, reduction="sum") / N`` is the
        mean, ``loss / accumulation_steps`` a share. One multiple is not taken at its word:
        a mean loss times its count N (or N·k) is a sum where the mean was meant — checked
        as c = 1, so that the reduction mistake is diagnosed.
        """
        c, call = capture.loss_scale, capture.loss_call
        tol = tolerance(capture.params[0].before.dtype)
        if abs(c - 1) <= tol or call is None:
            return dataclasses.replace(capture, loss_scale=1.0)
        lm = self.loss_map
        reduction = lm.loss.reduction if lm else getattr(call.module, "reduction", "mean")
        P = call.input
        counts = (P.shape[0] if P.dim() else 1, P.numel())
        if reduction == "mean" and any(n > 1 and abs(c - n) <= tol * n for n in counts):
            return dataclasses.replace(capture, loss_scale=1.0)
        self.note("loss_scale", step=capture.t, scale=c)
        return capture

    def use(self, module: Any) -> bool:
        """The loss the next steps are checked with: ``module``, or the one a functional call equals.

        Mapped once per module and options (a functional loss brings a new, equal module
        each call); call it before the hooks exist for a loss module of the user's own, so
        that its float64 copy carries none.
        """
        if module is self.loss_module:  # the loop's own loss module, as the last step's
            return False
        self.loss_module = module
        key: Any = module
        if module is not self.loss_key:
            options = {k: v for k, v in vars(module).items() if not k.startswith("_")}
            buffers = [(n, b.tolist()) for n, b in module.named_buffers()]
            key = (type(module), repr(options), repr(buffers))
        if key is self.loss_key or key == self.loss_key:
            return False
        self.loss_key = key
        self.loss_map = None
        self.loss64 = copy.deepcopy(module).to(torch.float64)
        try:
            self.loss_map = map_loss(module, self.expect)
        except Unsupported as exc:
            self.note("no_closed_form", why=str(exc))
            return True
        if self.loss_map.declared.get("reduction") == "none" and "reduction" not in self.expect:
            self.note("none_reduction", module=self.loss_map.module)
        return True

    def _edit(self, params: tuple[ParamStep, ...]) -> str:
        """What the loop did to the gradient between backward() and step(), in words.

        A clip by norm scales every gradient by one factor c < 1 (``clip_grad_norm_``); a
        clip by value v leaves min(max(g, −v), v) (``clip_grad_value_``).
        """
        words = Words(self.lang, "watch")
        before = _flat([p.loss_grad for p in params])
        after = _flat([p.grad if p.grad is not None else p.loss_grad for p in params])
        c = float(after @ before) / max(float(before @ before), 1e-300)
        if 0 < c < 1 and torch.allclose(after, c * before, rtol=1e-5, atol=1e-12):
            return words("clipped_norm", norm=float(after.norm()), before=float(before.norm()))
        v = float(after.abs().max())
        if torch.allclose(after, before.clamp(-v, v), rtol=1e-6, atol=1e-12):
            return words("clipped_value", value=v)
        return words("changed")

    def _one_linear(self, capture: StepCapture, lm: LossMap, w_at: int, b_at: int) -> Outcome:
        """A one-nn.Linear step: verified three ways."""
        step = linear_step(capture, lm, w_at, b_at)
        groups = self.optimizer.param_groups
        rule = map_rule(self.optimizer, groups[step.weight.group], self.expect)
        rule_B = map_rule(self.optimizer, groups[step.bias.group], self.expect)
        self.decay_bias = _decay_bias(rule, rule_B)
        lr = float(step.weight.hyper["lr"])
        if float(step.bias.hyper["lr"]) != lr:
            raise Unsupported("the weight and the bias have different learning rates")
        t_rule = rule_count(step.weight, capture.t)
        rec = observe_step(
            step.X,
            step.y,
            step.W,
            step.B,
            lm.loss,
            rule,
            state={"W": rule_state(step.weight, rule, "W"), "B": rule_state(step.bias, rule)},
            step=capture.t,
            rule_step=t_rule,
            lr=lr,
            twin=self._twin(lm, rule, step),
            decay_bias=self.decay_bias,
        )
        self.records.append(rec)
        pair = [step.weight, step.bias]
        gradient = linear_checks(step, lm, rec)
        hooked = self._hooked(pair, gradient, rec)
        if hooked is not None:
            gradient = linear_checks(step, lm, rec, hooked)
        checks = gradient + update_checks(pair, [rule, rule_B], ["W", "B"], capture.t)
        closed = closed_step(
            to64(step.X), to64(step.y), to64(step.W), to64(step.B), lm.loss, rule, {}, 1, lr
        )
        fd = self._fd(capture)
        size = scales(step, lm, rec.Z.closed)
        if fd is not None:
            by_index = {w_at: (closed.dW.T, size["dW"].T), b_at: (closed.dB, size["dB"])}
            closed_flat = _flat([by_index[i][0] for i in range(2)])
            scale_flat = _flat([by_index[i][1] for i in range(2)])
            loop_flat = _flat([p.loss_grad for p in capture.params]) / capture.loss_scale
            checks += fd_checks(
                None if hooked is not None else loop_flat[fd.which],
                fd.values,
                closed_flat[fd.which],
                scale_flat[fd.which],
                fd.noise,
                step.dtype,
            )
        ran = {"autograd": True, "closed_form": True, "finite_differences": fd is not None}
        verdict = Verdict(tuple(checks), ran | {"update": True}, len(fd.which) if fd else 0)
        diagnosis = None
        if verdict.failed:
            actual = [map_rule(self.optimizer, groups[p.group], {}) for p in pair]
            name = type(self.optimizer).__name__
            diagnosis = diagnose(
                capture.t,
                verdict.failed,
                step.dtype,
                self.lang,
                gradient=Candidates(
                    (step.dW, step.dB),
                    linear_hypotheses(step, lm, (closed.dW, closed.dB), rule, lr),
                    step.value,
                    (size["dW"], size["dB"]),
                ),
                update=Candidates(
                    (step.weight.after, step.bias.after),
                    settings_hypotheses(pair, [rule, rule_B], actual, capture.t, name),
                ),
            )
        batch, start, stop = self.data.add(step.X, step.y)
        scalars = self._scalars(capture, verdict, diagnosis, t_rule, start, stop)
        scalars |= {
            "batch": batch,
            "loss": float(lm.loss.reduce(step.value)),
            lm.loss.score_name: lm.loss.score(step.Z, step.y),
        }
        return Outcome(scalars, self._vectors(capture, rec), verdict, diagnosis)

    def _skipped(self, capture: StepCapture) -> Outcome:
        """A step the budget leaves unverified: its row, nothing recomputed."""
        verdict = Verdict((), {}, 0)
        t_rule = rule_count(capture.params[0], capture.t)
        scalars = self._scalars(capture, verdict, None, t_rule, -1, -1)
        lm, call = self.loss_map, capture.loss_call
        score = lm.loss.score_name if lm else "accuracy"
        scalars |= {"batch": -1, "loss": _loss_value(call), score: math.nan}
        linear = capture.linear_call
        if self.at is not None and lm is not None and linear is not None and call is not None:
            Z = linear.output  # the score as the verified steps have it, without the rest
            with contextlib.suppress(InputError, RuntimeError, AttributeError):
                scalars[score] = lm.loss.score(
                    Z, lm.loss.targets(call.target.to(Z.dtype), Z.shape[1])
                )
        if self.at is None:
            del scalars["sample_start"], scalars["sample_stop"]
        return Outcome(scalars, self._vectors(capture, None), verdict, None)

    def _hooked(
        self, pair: list[ParamStep], checks: list[Check], rec: StepRecord
    ) -> tuple[torch.Tensor, torch.Tensor] | None:
        """The closed form through the loop's gradient hooks, where they changed dW or dB.

        A hook registered with ``register_hook`` on the weight or the bias runs in the
        loop's backward and may change the gradient (``lambda g: g.clamp(-c, c)``). Only
        then — a gradient check failed — is it run on the closed form (W = weight.T), once,
        outside the loop's backward: a hook that only looks (logs) changes nothing and is
        never called by the watch.
        """
        if not any(p.hooks for p in pair) or all(
            c.ok for c in checks if c.quantity in ("dW", "dB")
        ):
            return None
        weight, bias = pair

        def through(p: ParamStep, g: torch.Tensor) -> torch.Tensor:
            g = g.detach().clone()
            with torch.no_grad():
                for hook in p.hooks:
                    out = hook(g)
                    g = g if out is None else out
            return g

        names = ", ".join(p.name for p in pair if p.hooks)
        self.note("gradient_hook", names=names)
        return through(weight, rec.dW.closed.T).T, through(bias, rec.dB.closed)

    def _recorded(
        self, capture: StepCapture, update: bool = True, gradient: bool = True
    ) -> Outcome:
        """Any other step: the update against the rule, the gradient by finite differences.

        ``update``/``gradient`` False: that check cannot hold for this step (a closure
        recomputes the gradient inside the step; accumulated gradients are no one loss's).
        """
        params = capture.params
        rules = [self._rule(p) for p in params] if update else []
        checks = update_checks(params, rules, [p.name for p in params], capture.t) if rules else []
        fd = self._fd(capture) if gradient else None
        loop = _flat([p.loss_grad for p in params]) / capture.loss_scale  # dL/dθ
        if fd is not None:
            dtype = params[0].before.dtype
            found = fd_checks(loop[fd.which], fd.values, None, fd.scale, fd.noise, dtype)
            if any(p.hooks for p in params) and not all(c.ok for c in found):
                # a hook of the loop's changed the gradient: nothing to run it on here
                self.note(
                    "gradient_hook_unchecked", names=", ".join(p.name for p in params if p.hooks)
                )
                fd = None
            else:
                checks += found
        call = capture.loss_call
        rowwise = self.loss_map is not None and self.loss_map.loss.rowwise
        broadcast = None if call is None or rowwise or not gradient else call.broadcast
        if broadcast is not None and call is not None:
            # finite differences agree with the loop: both differentiate the broadcast loss.
            # The shapes are the evidence, as in the one-nn.Linear checks.
            extra = (broadcast.numel() - call.input.numel()) / call.input.numel()
            checks.append(Check("loss elements", "closed_form", extra, 0.0))
        known = [r for r in rules if r is not None]
        ran = {
            "autograd": fd is not None,
            "closed_form": False,
            "finite_differences": fd is not None,
            "update": bool(rules) and len(known) == len(rules),
        }
        verdict = Verdict(tuple(checks), ran, len(fd.which) if fd else 0)
        diagnosis = None
        if verdict.failed:
            grad_causes = update_causes = None
            if fd is not None and call is not None:
                left = [
                    torch.zeros_like(p.before) if g is None else g / capture.loss_scale
                    for p, g in zip(params, call.leftover, strict=True)
                ]
                counts = [call.input.shape[0] if call.input.dim() else 1, call.input.numel()]
                theta = _flat([p.before for p in params])[fd.which]
                owner = torch.cat(
                    [torch.full((p.before.numel(),), i) for i, p in enumerate(params)]
                )
                grad_causes = Candidates(
                    (loop[fd.which],),
                    scale=None if fd.scale is None else (fd.scale,),
                    hypotheses=generic_hypotheses(
                        fd.values,
                        _flat(left)[fd.which],
                        counts,
                        Penalty(
                            theta,
                            owner[fd.which],
                            [p.name for p in params],
                            loop[fd.which],
                            type(call.module).__name__,
                        ),
                        call if broadcast is not None else None,
                    ),
                )
            if len(known) == len(rules):
                groups = self.optimizer.param_groups
                actual = [map_rule(self.optimizer, groups[p.group], {}) for p in params]
                name = type(self.optimizer).__name__
                update_causes = Candidates(
                    tuple(p.after for p in params),
                    settings_hypotheses(params, known, actual, capture.t, name),
                )
            dtype = params[0].before.dtype
            diagnosis = diagnose(
                capture.t, verdict.failed, dtype, self.lang, grad_causes, update_causes
            )
        t_rule = rule_count(params[0], capture.t)
        scalars = self._scalars(capture, verdict, diagnosis, t_rule, -1, -1)
        lm = self.loss_map
        scalars |= {
            "batch": -1,
            "loss": _loss_value(call),
            lm.loss.score_name if lm else "accuracy": math.nan,
        }
        if self.at is None:
            del scalars["sample_start"], scalars["sample_stop"]
        return Outcome(scalars, self._vectors(capture, None), verdict, diagnosis)

    # ------------------------------------------------------------------ helpers
    def _fd(self, capture: StepCapture) -> FiniteDifferences | None:
        """Finite differences of the loss as the loop computed it, or None (noted why)."""
        call, loss_call, model = capture.model_call, capture.loss_call, self.model
        if self.max_fd_entries == 0 or call is None or loss_call is None or self.loss64 is None:
            return None
        if model is None:
            return None
        try:
            P = loss_call.input
        except Unsupported as exc:
            self.note("no_fd", why=str(exc))
            return None
        n = link(call.output, P) if isinstance(call.output, torch.Tensor) else None
        if n is None:
            self.note("no_fd", why=Words(self.lang, "watch")("fd_link"))
            return None
        names = [p.name for p in capture.params]
        rest = loss_call.args[1:] if loss_call.args else ()
        rest_kw = {k: v for k, v in loss_call.kwargs.items() if k != "input"}
        reduction = self.loss_map.loss.reduction if self.loss_map else "mean"
        loss_at = model_loss(
            model,
            names,
            call.args,
            call.kwargs,
            self.loss64,
            n,
            rest,
            rest_kw,
            P.shape,
            reduction,
        )
        theta = [p.before for p in capture.params]
        observed = loss_call.output
        if observed.dim():
            observed = observed.sum() if reduction == "sum" else observed.mean()
        at = loss_at(theta).detach()
        if disagreement(at, observed) > 100 * tolerance(observed.dtype):
            self.note("no_fd", why=Words(self.lang, "watch")("fd_reproduce"))
            return None
        total = sum(t.numel() for t in theta)
        which = entries(total, self.max_fd_entries)
        if len(which) < total:
            self.note("fd_capped", checked=len(which), total=total)
        values = finite_differences(loss_at, theta, which)
        noise = rounding(float(at), theta, which)
        terms = term_scale(
            model,
            names,
            theta,
            call.args,
            self.loss64,
            n,
            loss_call.target,
            P.shape,
            reduction,
        )
        scale = None if terms is None or call.kwargs or len(rest) != 1 or rest_kw else terms[which]
        # computed on the loop's device; compared on the CPU, as every flattened vector is
        return FiniteDifferences(
            _cpu64(values), which, total, _cpu64(noise), None if scale is None else _cpu64(scale)
        )

    def _rule(self, param: ParamStep) -> UpdateRule | None:
        try:
            return map_rule(self.optimizer, self.optimizer.param_groups[param.group], self.expect)
        except Unsupported as exc:
            self.note("no_rule", why=str(exc))
            return None

    def _twin(self, lm: LossMap, rule: UpdateRule, step: LinearStep) -> TorchTwin:
        """PyTorch's twin for observe_step, rebuilt only when the settings change."""
        d, k = step.W.shape
        key = (repr(lm.loss), repr(rule), self.decay_bias, step.dtype, d, k, step.X.device)
        if self.twin_obj is None or key != self.twin_key:
            self.twin_obj = TorchTwin(
                lm.loss, rule, d, k, step.dtype, step.X.device, self.decay_bias
            )
            self.twin_key = key
        return self.twin_obj

    def _moved(self, capture: StepCapture) -> None:
        """Note parameters changed between the previous step and this one, outside the step."""
        pairs = zip(capture.params, self.last or [], strict=self.last is not None)
        moved = [(p.before, last) for p, last in pairs if not torch.equal(p.before, last)]
        if moved:  # the usual loop changes nothing between steps: bit-identical
            gap = max(disagreement(before, last) for before, last in moved)
            if gap > tolerance(capture.params[0].before.dtype):
                self.note("moved", step=capture.t, gap=gap)
        self.last = [p.after for p in capture.params]

    def _scalars(
        self,
        capture: StepCapture,
        verdict: Verdict,
        diagnosis: Diagnosis | None,
        t_rule: int,
        start: int,
        stop: int,
    ) -> dict[str, Any]:
        params = capture.params
        worst = verdict.worst
        fd_gap = verdict.gap("dL/dθ (closed form)")
        fd_autograd = verdict.gap("dL/dθ (autograd)")
        x = capture.linear_call or capture.model_call
        n = x.args[0].shape[0] if x is not None and isinstance(x.args[0], torch.Tensor) else 0
        return {
            "step": capture.t,
            "epoch": capture.t,
            "rule_step": t_rule,
            "n_samples": n,
            "lr": float(params[0].hyper["lr"]),
            "grad_norm": math.sqrt(sum(float((p.loss_grad.double() ** 2).sum()) for p in params)),
            "verified": verdict.verified,
            "worst_quantity": worst.quantity if worst else "",
            "worst_disagreement": worst.gap if worst else 0.0,
            **{f"verified_{way}": verdict.passed(way) for way in WAYS},
            "fd_entries": verdict.fd_entries,
            "fd_disagreement": math.nan if fd_gap is None else fd_gap,  # closed form, float64
            "fd_autograd_disagreement": math.nan if fd_autograd is None else fd_autograd,
            "diagnosis": diagnosis.cause if diagnosis else "",
            "sample_start": start,
            "sample_stop": stop,
        }

    def _vectors(self, capture: StepCapture, rec: StepRecord | None) -> dict[str, torch.Tensor]:
        """The step's vector columns, in the core's layout for one nn.Linear."""
        params = capture.params
        if self.at is None:
            if sum(p.before.numel() for p in params) > VECTOR_CAP:
                self.note("big", size=sum(p.before.numel() for p in params), cap=VECTOR_CAP)
                return {}
            dtype = params[0].before.dtype  # as the run computes: update = after − before
            before = _flat([p.before for p in params]).to(dtype)
            after = _flat([p.after for p in params]).to(dtype)
            return {
                "W_before": before,
                "dW": _flat([p.loss_grad for p in params]).to(dtype),
                "W_after": after,
                "update_W": after - before,
            }
        w, b = params[self.at[0]], params[self.at[1]]
        gW, gB = w.loss_grad.T, b.loss_grad  # W = weight.T
        vectors = {
            "W_before": w.before.T,
            "B_before": b.before,
            "dW": rec.dW.closed if rec else gW,
            "dB": rec.dB.closed if rec else gB,
            "dW_torch": gW,
            "dB_torch": gB,
            "W_after": w.after.T,
            "B_after": b.after,
            "update_W": (w.after - w.before).T,
            "update_B": b.after - b.before,
        }
        for name, p in (("W", w), ("B", b)):
            for key, value in p.state_after.items():
                if key != "step" and value.shape == p.before.shape:
                    vectors[f"state_{name}_{key}"] = value.T if name == "W" else value
        return vectors
