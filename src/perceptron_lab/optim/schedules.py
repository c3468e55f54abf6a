"""Learning-rate schedules: the rate γₜ for each step, in closed form, plus its torch twin.

A schedule turns the base rate γ (the update rule's ``lr``) into the rate γₜ used by
each step. ``t`` counts from 0 here: ``lr(0, γ)`` is the rate of the first optimizer
step, ``lr(t, γ)`` that of the (t+1)-th — the update rules in :mod:`perceptron_lab.optim`
count from 1, so their step t uses ``schedule.lr(t - 1, γ)``.

The torch twin is the ``torch.optim.lr_scheduler`` scheduler with the same settings,
built on a fresh optimizer whose lr is γ, stepped once per optimizer step, *after*
``optimizer.step()`` (torch's order). Then ``optimizer.param_groups[i]["lr"]`` before
the (t+1)-th ``optimizer.step()`` is γₜ. torch's scheduler counts "epochs"
(``last_epoch``); here one scheduler step is one optimizer step, so ``last_epoch = t``.

torch updates the rate *recursively* (γₜ from γₜ₋₁, so schedulers can be chained);
the closed forms below are the ones torch writes in ``_get_closed_form_lr``. The two
agree to rounding; where the recursion drifts further, the class says by how much.

On the command line a schedule is ``name[:key=value,...]`` — ``"constant"``,
``"step:step_size=10,gamma=0.5"``, ``"exponential:gamma=0.95"``, ``"cosine:T_max=100"``;
:func:`parse_schedule` reads it and ``str(schedule)`` writes it back.
"""

from __future__ import annotations

import inspect
import math
import numbers
import re
from abc import ABC, abstractmethod
from typing import Any, ClassVar

import torch
from torch.optim.lr_scheduler import LRScheduler

from ..data.checks import check_positive
from ..errors import InputError


class Schedule(ABC):
    """A learning-rate schedule t ↦ γₜ in closed form, plus its torch.optim.lr_scheduler twin."""

    name: ClassVar[str]  # the registry / --schedule name
    example: ClassVar[str]  # a --schedule value that builds one, for error hints

    @abstractmethod
    def options(self) -> dict[str, Any]:
        """Every setting, under torch's argument names (for the trace and config JSON)."""

    @abstractmethod
    def _lr(self, t: int, base_lr: float) -> float:
        """γₜ for checked ``t`` and ``base_lr``."""

    @abstractmethod
    def torch_scheduler(self, optimizer: torch.optim.Optimizer) -> LRScheduler:
        """The torch scheduler with the same settings; build it on a fresh optimizer."""

    def lr(self, t: int, base_lr: float) -> float:
        """γₜ: the rate of the (t+1)-th optimizer step (t = 0 is the first), base rate γ."""
        if not _is_int(t) or t < 0:
            raise InputError("t", "an integer >= 0 (0 is the first step)", repr(t))
        return self._lr(int(t), check_positive("base_lr", base_lr))

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options().items())
        return f"{type(self).__name__}({opts})"

    def __str__(self) -> str:
        """The ``--schedule`` form: ``parse_schedule(str(s))`` rebuilds ``s``."""
        opts = ",".join(f"{k}={v!r}" for k, v in self.options().items())
        return f"{self.name}:{opts}" if opts else self.name


class Constant(Schedule):
    """γₜ = γ for every step t.

    Twin: ``torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0, total_iters=0)``,
    which multiplies the rate by 1 once and never changes it again.
    """

    name = "constant"
    example = "constant"

    def options(self) -> dict[str, Any]:
        return {}

    def _lr(self, t: int, base_lr: float) -> float:
        return base_lr

    def torch_scheduler(self, optimizer: torch.optim.Optimizer) -> LRScheduler:
        return torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0, total_iters=0)


class StepLR(Schedule):
    """Step decay (γ = base lr, s = step_size, g = gamma):

    γₜ = γ · g^⌊t / s⌋

    so the rate is multiplied by g after every s steps: s = 2, g = 0.5, γ = 1 gives
    1, 1, 0.5, 0.5, 0.25, … Twin: ``torch.optim.lr_scheduler.StepLR(optimizer, s, g)``,
    which multiplies the current rate by g whenever t is a non-zero multiple of s; its
    product of ⌊t / s⌋ factors equals the power g^⌊t / s⌋ to a few ulps.

    step_size: an integer >= 1. gamma: in (0, 1] (torch also accepts g > 1, a growing
    rate; perceptron-lab keeps schedules decaying).
    """

    name = "step"
    example = "step:step_size=10,gamma=0.5"

    def __init__(self, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = _check_int("step_size", step_size, minimum=1)
        self.gamma = _check_decay("gamma", gamma)

    def options(self) -> dict[str, Any]:
        return {"step_size": self.step_size, "gamma": self.gamma}

    def _lr(self, t: int, base_lr: float) -> float:
        return base_lr * self.gamma ** (t // self.step_size)

    def torch_scheduler(self, optimizer: torch.optim.Optimizer) -> LRScheduler:
        return torch.optim.lr_scheduler.StepLR(
            optimizer, step_size=self.step_size, gamma=self.gamma
        )


class ExponentialLR(Schedule):
    """Exponential decay (γ = base lr, g = gamma):

    γₜ = γ · gᵗ

    Textbooks often write γ·e^(−k·t); torch's g is e^(−k). Twin:
    ``torch.optim.lr_scheduler.ExponentialLR(optimizer, g)``, which multiplies the current
    rate by g every step; its t-fold product equals gᵗ to a few ulps.

    gamma: in (0, 1] (1 is a constant rate).
    """

    name = "exponential"
    example = "exponential:gamma=0.95"

    def __init__(self, gamma: float) -> None:
        self.gamma = _check_decay("gamma", gamma)

    def options(self) -> dict[str, Any]:
        return {"gamma": self.gamma}

    def _lr(self, t: int, base_lr: float) -> float:
        return base_lr * self.gamma**t

    def torch_scheduler(self, optimizer: torch.optim.Optimizer) -> LRScheduler:
        return torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=self.gamma)


class CosineAnnealingLR(Schedule):
    """Cosine annealing (γ = base lr, T = T_max, η = eta_min):

    γₜ = η + (γ − η) · (1 + cos(π·t / T)) / 2

    from γ at t = 0 down to η at t = T. After T torch neither stops at η nor restarts
    (SGDR's warm restarts are ``CosineAnnealingWarmRestarts``, not this): it keeps
    following the same cosine, so the rate climbs back to γ at t = 2T, falls to η at 3T,
    and so on with period 2T. The formula above, for every t >= 0, is torch's closed form
    (``_get_closed_form_lr``), and is what this class computes. η > γ is allowed, as in
    torch: the rate then rises from γ to η.

    Twin: ``torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T, η)``. It computes
    the rate recursively, γₜ − η = (γₜ₋₁ − η)·(1 + cos(π·t/T)) / (1 + cos(π·(t−1)/T)),
    and at t = T+1, 3T+1, … (where that ratio would divide by 0) it adds
    (γ − η)·(1 − cos(π/T))/2 instead. For t <= T the ratios telescope and the recursion
    agrees with the closed form to a few ulps per step (measured: < 5·ε·t relative,
    ε = 2⁻⁵² in float64). Past T it does not: the increment (1 − cos(π/T))/2 and the
    closed form's (1 + cos(π·(T+1)/T))/2 are both ≈ (π/T)²/4 and differ by rounding of
    order ε, a relative error of order ε·T², which the ratios then carry, with
    ε·max(γ, η) from the addition of η amplified the same way. Measured over 300 steps
    with T <= 299: up to 1.3e-12 relative to the rate (7.5e-12 when η = 10γ). What
    training uses is the recursion's value, ``param_groups[i]["lr"]``; the tests compare
    against it, allowing 1e-12·γₜ for t <= T and 1e-12·γₜ + ε·max(γ, η)·(T² + t) past T
    (5× the largest excess over 1e-12·γₜ measured).

    T_max: an integer >= 1 (steps from γ down to η). eta_min: a number >= 0.
    """

    name = "cosine"
    example = "cosine:T_max=100"

    def __init__(self, T_max: int, eta_min: float = 0.0) -> None:
        self.T_max = _check_int("T_max", T_max, minimum=1)
        self.eta_min = check_positive("eta_min", eta_min, allow_zero=True)

    def options(self) -> dict[str, Any]:
        return {"T_max": self.T_max, "eta_min": self.eta_min}

    def _lr(self, t: int, base_lr: float) -> float:
        # the same expression, in the same order, as torch's _get_closed_form_lr
        eta = self.eta_min
        return eta + (base_lr - eta) * (1 + math.cos(math.pi * t / self.T_max)) / 2

    def torch_scheduler(self, optimizer: torch.optim.Optimizer) -> LRScheduler:
        return torch.optim.lr_scheduler.CosineAnnealingLR(
            optimizer, T_max=self.T_max, eta_min=self.eta_min
        )


SCHEDULES: dict[str, type[Schedule]] = {
    cls.name: cls for cls in (Constant, StepLR, ExponentialLR, CosineAnnealingLR)
}


def get_schedule(name: str, **options: Any) -> Schedule:
    """Build a schedule by name: ``get_schedule("step", step_size=10, gamma=0.5)``.

    An unknown name, an unknown or missing option, or a bad value is an InputError.
    """
    return _build("schedule", name, options)


def parse_schedule(text: str) -> Schedule:
    """Read the ``--schedule`` form ``name[:key=value,...]``.

    ``"step:step_size=10,gamma=0.5"`` -> ``StepLR(step_size=10, gamma=0.5)``. A value that
    looks like an integer is an int, any other a float. Every error is an InputError
    whose argument is ``schedule``.
    """
    arg = "schedule"
    name, colon, rest = text.strip().partition(":")
    name = name.strip()
    if name not in SCHEDULES:
        raise InputError(arg, f"one of {', '.join(SCHEDULES)}", repr(name), hint=_examples())
    cls = SCHEDULES[name]
    options: dict[str, int | float] = {}
    if colon:
        for piece in rest.split(","):
            key, eq, value = (part.strip() for part in piece.partition("="))
            if not (key and eq and value):
                raise InputError(
                    arg,
                    f"key=value pairs separated by ',' after {name + ':'!r}",
                    repr(piece.strip()),
                    hint=f"e.g. {cls.example!r}",
                )
            if key in options:
                raise InputError(arg, "each option once", f"{key} twice")
            options[key] = _parse_number(key, value)
    try:
        return _build(arg, name, options)
    except InputError as exc:
        if exc.argument == arg:
            raise
        raise InputError(arg, f"{exc.expected} for {exc.argument}", exc.got, exc.hint) from exc


def _build(arg: str, name: str, options: dict[str, Any]) -> Schedule:
    """``SCHEDULES[name](**options)``, with unknown and missing options named."""
    if name not in SCHEDULES:
        raise InputError(arg, f"one of {', '.join(SCHEDULES)}", repr(name))
    cls = SCHEDULES[name]
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    params = [
        p
        for p in inspect.signature(cls.__init__).parameters.values()
        if p.kind in named and p.name != "self"
    ]
    known = [p.name for p in params]
    unknown = [k for k in options if k not in known]
    if unknown:
        expected = (
            f"options of {name!r} ({', '.join(known)})" if known else f"no options for {name!r}"
        )
        raise InputError(arg, expected, ", ".join(unknown), hint=f"e.g. {cls.example!r}")
    missing = [p.name for p in params if p.default is p.empty and p.name not in options]
    if missing:
        raise InputError(
            arg,
            f"{name!r} with {', '.join(missing)} set",
            f"no {', '.join(missing)}",
            hint=f"e.g. {cls.example!r}",
        )
    return cls(**options)


def _parse_number(key: str, value: str) -> int | float:
    if re.fullmatch(r"[+-]?\d+", value):
        return int(value)
    try:
        return float(value)
    except ValueError:
        raise InputError("schedule", f"a number for {key}", repr(value)) from None


def _examples() -> str:
    return "e.g. " + ", ".join(repr(cls.example) for cls in SCHEDULES.values())


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_int(name: str, value: int, *, minimum: int) -> int:
    """An integer (not a bool, not a float) >= ``minimum``."""
    if not _is_int(value) or value < minimum:
        raise InputError(name, f"an integer >= {minimum}", repr(value))
    return int(value)


def _check_decay(name: str, value: float) -> float:
    """A decay factor in (0, 1]."""
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1
    if not ok:
        raise InputError(name, "a number in (0, 1]", repr(value))
    return float(value)


__all__ = [
    "SCHEDULES",
    "Constant",
    "CosineAnnealingLR",
    "ExponentialLR",
    "Schedule",
    "StepLR",
    "get_schedule",
    "parse_schedule",
]
