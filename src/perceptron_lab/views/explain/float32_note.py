"""Why a float32 logit is not the number exact arithmetic gives — the notebook's
−2.2352e-08 for 1·0.5 + 2·(−0.3) + 0.1, which is 0 for the decimals as written.

A note is written for a logit z = Σᵢ xᵢ·wᵢ + b only where a learner would notice: z is
tiny next to its terms (|z| ≤ :data:`TINY` · (Σᵢ |xᵢ|·|wᵢ| + |b|)) and its four printed
decimals differ from the exact decimal result. :func:`perceptron_lab.core.rounding.explain_dot`
takes it apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from ...core.observed_step import StepRecord
from ...core.rounding import DotProduct, explain_dot, stored
from ..numbers import fmt
from .values import TERMS, plain

TINY = 1e-3


def written(value: float, dtype: torch.dtype = torch.float32) -> float:
    """The shortest decimal that ``dtype`` stores as ``value`` (what was probably typed)."""
    for digits in range(1, 18):
        candidate = float(f"{value:.{digits}g}")
        if stored(candidate, dtype) == value:
            return candidate
    return value


def tiny_logits(
    rec: StepRecord, cells: Sequence[tuple[int, int]]
) -> list[tuple[int, int, DotProduct]]:
    """The cells (n, j) of Z that deserve a float32 note, with their dot products taken apart."""
    if rec.X.dtype != torch.float32:
        return []
    found = []
    for n, j in cells:
        x = [written(v) for v in rec.X[n].tolist()]
        w = [written(v) for v in rec.W[:, j].tolist()]
        b = written(float(rec.B[j]))
        z = float(rec.Z.closed[n, j])
        scale = sum(abs(a * c) for a, c in zip(x, w, strict=True)) + abs(b)
        if scale == 0 or abs(z) > TINY * scale:
            continue
        dot = explain_dot(x, w, b, z)
        if fmt(dot.decimal) != fmt(dot.computed):
            found.append((n, j, dot))
    return found


def expression(rec: StepRecord, n: int, j: int) -> str:
    """x·w + b with the numbers as typed, in TeX: ``1 \\cdot 0.5 + 2 \\cdot (-0.3) + 0.1``."""
    x = [written(v) for v in rec.X[n].tolist()]
    w = [written(v) for v in rec.W[:, j].tolist()]

    def paren(v: float) -> str:
        return f"({plain(v)})" if v < 0 else plain(v)

    terms = [
        f"{plain(a) if i == 0 else paren(a)} \\cdot {paren(c)}"
        for i, (a, c) in enumerate(zip(x, w, strict=True))
    ]
    shown = terms[:TERMS] + ([r"\ldots"] if len(terms) > TERMS else [])
    return " + ".join([*shown, paren(written(float(rec.B[j])))])


def notes(
    rec: StepRecord,
    cells: Sequence[tuple[int, int]],
    label: Callable[[int, int], str],
    say: Callable[..., str],
) -> list[str]:
    """One prose note per surprising logit; ``label(n, j)`` is its TeX name, ``say`` the words."""
    out = []
    for n, j, dot in tiny_logits(rec, cells):
        stored_as = say("and").join(
            say("stored_as", written=plain(a), stored=repr(b)) for a, b in dot.rounded_inputs
        )
        values = dict(
            z=label(n, j),
            computed=fmt(dot.computed),
            decimal=plain(dot.decimal),
            expression=expression(rec, n, j),
            exact=repr(dot.stored_exact),
            inputs=stored_as,
        )
        if not dot.rounded_inputs:
            out.append(say("float32_arithmetic", **values))
        elif dot.stored_exact == dot.computed:
            out.append(say("float32_inputs", **values))
        else:
            out.append(say("float32_both", **values))
    return out
