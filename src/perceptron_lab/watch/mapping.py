"""From the user's torch objects to the core's: nn losses → :class:`Loss`, torch.optim → rules.

A torch.nn loss maps to the registered loss that names its class among its ``twins``
(its input the logits Z of the model's nn.Linear, σ(Z) for ``probability_twins``, log
softmax(Z) for ``log_probability_twins``: nn.NLLLoss after log_softmax is cross-entropy),
with the options ``Loss.twin_options`` reads off it — e.g. nn.BCEWithLogitsLoss(reduction,
pos_weight) and nn.BCELoss (input σ(Z)) are binary cross-entropy, and
nn.MarginRankingLoss(margin=0)(z, 0, t) is the perceptron criterion.

``reduction="none"`` (the loop reduces the per-element losses itself) is read as "mean"
unless ``expect`` says "sum". Per-class ``weight``, ``label_smoothing`` and margins ≠ 0
have no closed form here: such a loss is recorded, not verified by formula.

An optimizer's parameter group maps to the rule whose ``twin`` is its class, with the group's
hyper-parameters (torch.optim's argument names are the rules' option names). ``expect``
overrides options on the closed-form side only — the update the user *means* — so a
setting the optimizer has and the user did not expect shows up as a disagreement.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from ..errors import InputError
from ..losses import Loss, loss_class, loss_names
from ..optim import UpdateRule, get_optimizer, rule_class, rule_names
from .finite import LOG_SOFTMAX, Link

LOSS_OPTIONS = ("reduction", "pos_weight")


class Unsupported(Exception):
    """A loss, optimizer or loop the closed form does not cover; the message says why."""


@dataclass(frozen=True)
class LossMap:
    """A torch.nn loss as the core sees it."""

    loss: Loss  # the closed form (with ``expect``'s options)
    module: str  # the torch.nn class name, e.g. "BCEWithLogitsLoss"
    takes_probabilities: bool  # nn.BCELoss: its input is σ(Z), not Z
    declared: Mapping[str, Any]  # the module's own options (before ``expect``)
    takes_log_probabilities: bool = False  # nn.NLLLoss: its input is log softmax(Z)

    @property
    def link(self) -> Link:
        """What the loss input should have on top of Z: 1 σ (BCELoss), log softmax, or nothing."""
        if self.takes_log_probabilities:
            return LOG_SOFTMAX
        return 1 if self.takes_probabilities else 0


def _float(value: Any) -> Any:
    """A tensor hyper-parameter as a float; tuples elementwise; anything else unchanged."""
    if isinstance(value, torch.Tensor):
        return float(value)
    if isinstance(value, tuple | list):
        return tuple(_float(v) for v in value)
    return value


def _core_loss(module: nn.Module) -> type[Loss]:
    """The registered loss one of whose ``twins`` is ``module``'s class (or a base of it)."""
    classes = [loss_class(n) for n in loss_names()]
    for base in type(module).__mro__:
        for cls in classes:
            if base.__name__ in cls.twins:
                return cls
    raise Unsupported(f"{type(module).__name__} has no closed form in perceptron-lab")


def map_loss(module: Any, expect: Mapping[str, Any]) -> LossMap:
    """The core loss of ``module``; raises :class:`Unsupported` saying why there is none."""
    name = type(module).__name__
    if not isinstance(module, nn.Module):
        raise Unsupported(f"loss_fn is {name}, not an nn.Module loss: its input is not observed")
    cls = _core_loss(module)
    try:
        declared = cls.twin_options(module)
    except ValueError as exc:
        raise Unsupported(str(exc)) from exc
    if getattr(module, "weight", None) is not None:
        raise Unsupported(f"{name} with per-class weights has no closed form here")
    options = {k: v for k, v in declared.items() if v is not None}
    if options.get("reduction") == "none":
        options["reduction"] = "mean"
    options |= {k: v for k, v in expect.items() if k in LOSS_OPTIONS}
    bases = [b.__name__ for b in type(module).__mro__]
    takes_probabilities = any(b in cls.probability_twins for b in bases)
    takes_log = any(b in cls.log_probability_twins for b in bases)
    return LossMap(cls(**options), name, takes_probabilities, declared, takes_log)


@functools.cache
def _rules_by_twin() -> dict[str, type[UpdateRule]]:
    """Each registered rule by the torch.optim class it twins (looked up once: every step asks)."""
    return {rule_class(n).twin: rule_class(n) for n in rule_names()}


def rule_name(optimizer: torch.optim.Optimizer) -> str:
    """The core rule whose ``twin`` is ``optimizer``'s class (or the nearest base of it)."""
    by_twin = _rules_by_twin()
    for base in type(optimizer).__mro__:
        if base.__name__ in by_twin:
            rule = by_twin[base.__name__]
            if rule.joint:  # a step of closures over all parameters, not one per parameter
                raise Unsupported(
                    f"{type(optimizer).__name__} steps every parameter as one vector "
                    f"through a closure; watch checks rules that update each parameter "
                    f"alone (perceptron-lab trains {rule.name} in its own loop)"
                )
            return rule.name_of_twin(optimizer)
    raise Unsupported(f"{type(optimizer).__name__} has no closed form in perceptron-lab")


def group_options(optimizer: torch.optim.Optimizer, group: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's options as ``group`` (one of ``optimizer.param_groups``) sets them."""
    name = rule_name(optimizer)
    if group.get("maximize"):
        raise Unsupported(f"{type(optimizer).__name__}(maximize=True) ascends the gradient")
    keys = get_optimizer(name).options()
    return {k: _float(group[k]) for k in keys if k in group}


def map_rule(
    optimizer: torch.optim.Optimizer, group: Mapping[str, Any], expect: Mapping[str, Any]
) -> UpdateRule:
    """The closed-form rule of one parameter group, with ``expect``'s options on top."""
    options = group_options(optimizer, group)
    options |= {k: v for k, v in expect.items() if k in options}
    return get_optimizer(rule_name(optimizer), **options)


def check_expect(
    expect: Mapping[str, Any], optimizer: torch.optim.Optimizer | None = None
) -> dict[str, Any]:
    """``expect``'s keys must be loss options or options of ``optimizer``'s rule."""
    known = set(LOSS_OPTIONS)
    if optimizer is not None:
        with contextlib.suppress(Unsupported):
            known |= set(get_optimizer(rule_name(optimizer)).options())
    for key in expect:
        if key not in known:
            raise InputError(
                "expect", f"options of the loss or the optimizer ({', '.join(sorted(known))})", key
            )
    return dict(expect)
