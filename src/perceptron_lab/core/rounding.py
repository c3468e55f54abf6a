"""Why a float32 number is not the one exact arithmetic gives.

0.3 and 0.1 have no exact binary form: float32 stores 0.30000001192092896 and
0.10000000149011612. The notebook's first logit 1·0.5 + 2·(−0.3) + 0.1 is 0 for the
decimals but −2.2352e-08 for the stored numbers — the inputs, not the arithmetic,
make it non-zero. These helpers compute such facts exactly (with fractions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import torch


def stored(value: float, dtype: torch.dtype = torch.float32) -> float:
    """The number ``dtype`` actually stores for ``value``."""
    return float(torch.tensor(value, dtype=torch.float64).to(dtype))


@dataclass(frozen=True)
class DotProduct:
    """z = Σⱼ xⱼ·wⱼ + b three ways: decimal inputs, stored inputs, and as computed."""

    decimal: float  # exact arithmetic on the decimals as written
    stored_exact: float  # exact arithmetic on the numbers the dtype stores
    computed: float  # what the dtype's arithmetic gave
    rounded_inputs: tuple[tuple[float, float], ...]  # (written, stored) for inputs that changed


def explain_dot(
    x: Sequence[float],
    w: Sequence[float],
    b: float,
    computed: float,
    dtype: torch.dtype = torch.float32,
) -> DotProduct:
    """Take z = x·w + b apart: how much of ``computed`` comes from storing the inputs."""
    inputs = [*x, *w, b]
    st = [stored(v, dtype) for v in inputs]
    dec = sum(Fraction(str(xi)) * Fraction(str(wi)) for xi, wi in zip(x, w, strict=True))
    dec += Fraction(str(b))
    exact = sum(
        Fraction(xi) * Fraction(wi) for xi, wi in zip(st[: len(x)], st[len(x) : -1], strict=True)
    )
    exact += Fraction(st[-1])
    changed = tuple(
        (v, s) for v, s in zip(inputs, st, strict=True) if Fraction(str(v)) != Fraction(s)
    )
    return DotProduct(float(dec), float(exact), computed, tuple(dict.fromkeys(changed)))
