"""From the user's torch objects to the core's: nn losses → :class:`Loss`, torch.optim → rules.

A torch.nn loss maps to the core loss whose closed form it computes, on the logits Z of
the model's nn.Linear:

    nn.BCEWithLogitsLoss(reduction, pos_weight)  → "bce"            input Z
    nn.BCELoss(reduction)                        → "bce"            input σ(Z)
    nn.CrossEntropyLoss(reduction)               → "cross_entropy"  input Z
    nn.MSELoss(reduction)                        → "mse"            input Z
    nn.MarginRankingLoss(margin=0)(z, 0, t)      → "perceptron"     input Z

``reduction="none"`` (the loop reduces the per-element losses itself) is read as "mean"
unless ``expect`` says "sum". Per-class ``weight``, ``label_smoothing`` and margins ≠ 0
have no closed form here: such a loss is recorded, not verified by formula.

An optimizer's parameter group maps to the core rule of the same name with the group's
hyper-parameters (torch.optim's argument names are the rules' option names). ``expect``
overrides options on the closed-form side only — the update the user *means* — so a
setting the optimizer has and the user did not expect shows up as a disagreement.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from ..errors import InputError
from ..losses import Loss, get_loss
from ..optim import UpdateRule, get_optimizer

# the core rule of each torch.optim class (AdamW before Adam: it is a subclass)
RULE_NAMES: dict[type[torch.optim.Optimizer], str] = {
    torch.optim.AdamW: "adamw",
    torch.optim.Adam: "adam",
    torch.optim.SGD: "sgd",
    torch.optim.RMSprop: "rmsprop",
    torch.optim.Adagrad: "adagrad",
}
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

    @property
    def sigmoids(self) -> int:
        """How many sigmoids the loss input should have on top of Z (BCELoss: 1)."""
        return 1 if self.takes_probabilities else 0


def _float(value: Any) -> Any:
    """A tensor hyper-parameter as a float; tuples elementwise; anything else unchanged."""
    if isinstance(value, torch.Tensor):
        return float(value)
    if isinstance(value, tuple | list):
        return tuple(_float(v) for v in value)
    return value


def _pos_weight(module: nn.BCEWithLogitsLoss) -> float | list[float] | None:
    weight = module.pos_weight
    if weight is None:
        return None
    values = [float(v) for v in weight.reshape(-1)]
    return values[0] if len(values) == 1 else values


def map_loss(module: Any, expect: Mapping[str, Any]) -> LossMap:
    """The core loss of ``module``; raises :class:`Unsupported` saying why there is none."""
    name = type(module).__name__
    if not isinstance(module, nn.Module):
        raise Unsupported(f"loss_fn is {name}, not an nn.Module loss: its input is not observed")
    declared: dict[str, Any] = {"reduction": getattr(module, "reduction", None)}
    takes_probabilities = False
    if isinstance(module, nn.BCEWithLogitsLoss):
        core = "bce"
        declared["pos_weight"] = _pos_weight(module)
    elif isinstance(module, nn.BCELoss):
        core, takes_probabilities = "bce", True
    elif isinstance(module, nn.CrossEntropyLoss):
        core = "cross_entropy"
        if module.label_smoothing:
            raise Unsupported(
                f"{name}(label_smoothing={module.label_smoothing}) has no closed form"
            )
    elif isinstance(module, nn.MSELoss):
        core = "mse"
    elif isinstance(module, nn.MarginRankingLoss):
        core = "perceptron"
        if module.margin != 0:
            raise Unsupported(f"{name}(margin={module.margin}): only margin 0 is the perceptron")
    else:
        raise Unsupported(f"{name} has no closed form in perceptron-lab")
    if getattr(module, "weight", None) is not None:
        raise Unsupported(f"{name} with per-class weights has no closed form here")
    options = {k: v for k, v in declared.items() if v is not None}
    if options.get("reduction") == "none":
        options["reduction"] = "mean"
    options |= {k: v for k, v in expect.items() if k in LOSS_OPTIONS}
    return LossMap(get_loss(core, **options), name, takes_probabilities, declared)


def rule_name(optimizer: torch.optim.Optimizer) -> str:
    """The core rule of ``optimizer``'s class (Adam with decoupled decay is AdamW)."""
    for cls in type(optimizer).__mro__:
        if cls in RULE_NAMES:
            name = RULE_NAMES[cls]
            if name == "adam" and optimizer.defaults.get("decoupled_weight_decay"):
                return "adamw"
            return name
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
