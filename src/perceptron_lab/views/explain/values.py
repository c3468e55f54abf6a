"""Numbers as the explanation writes them, on top of :mod:`perceptron_lab.views.numbers`.

Results use :func:`~perceptron_lab.views.numbers.fmt` (four decimals, scientific for
small values, as PyTorch prints). Inside a substitution, whole numbers are written
bare (``1 \\cdot 0.5000``) and a negative term after an operator gets parentheses
(``2 \\cdot (-0.3000)``). Big tensors are cut to their first rows and columns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

from ..numbers import fmt, fmt_tensor

ROWS = 3  # samples (or rows) written out in a substitution
COLS = 3  # outputs written out per sample
TERMS = 4  # terms written out in a sum
ELEMENTS = 3  # parameter elements written out in an update
VALUES = 8  # a tensor with more values is cut when printed


def num(value: float) -> str:
    """A number in a substitution: ``1`` for whole numbers, else :func:`fmt`."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e5:
        return str(int(value))
    return fmt(value)


def term(value: float) -> str:
    """:func:`num`, in parentheses when negative (for use after an operator)."""
    text = num(value)
    return f"({text})" if text.startswith("-") else text


def hyper(value: float) -> str:
    """A hyper-parameter as written: ``0.01``, ``0.999``, ``1e-08``."""
    return f"{value:g}"


def plain(value: float) -> str:
    """A short decimal as typed: ``0.3``, ``-2``, ``1e-08``."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def terms(values: Sequence[float]) -> list[str]:
    """Terms of a sum: the first as :func:`num`, the others as :func:`term`."""
    return [num(v) if i == 0 else term(v) for i, v in enumerate(values)]


def products(left: Sequence[float], right: Sequence[float]) -> list[str]:
    """Terms ``a \\cdot b`` of a dot product (TeX), signs as :func:`terms` writes them."""
    return [f"{a} \\cdot {term(c)}" for a, c in zip(terms(left), right, strict=True)]


def total(terms: Sequence[str], count: int) -> str:
    """``a + b + c`` (TeX), ending in ``+ \\ldots`` when ``count`` exceeds the terms shown."""
    return " + ".join(terms) + (r" + \ldots" if count > len(terms) else "")


def tensor_text(t: torch.Tensor) -> str:
    """A tensor's values; past :data:`VALUES` values, the first few and its shape."""
    t = t.detach()
    if not t.is_floating_point():  # class labels
        flat = [str(int(v)) for v in t.reshape(-1)[:VALUES]]
        more = f", …] ({t.numel()})" if t.numel() > VALUES else "]"
        return "[" + ", ".join(flat) + more
    if t.numel() <= VALUES:
        return fmt_tensor(t)
    shape = "×".join(str(s) for s in t.shape)
    if t.dim() <= 1 or 1 in t.shape:
        head = ", ".join(fmt(float(v)) for v in t.reshape(-1)[:6])
        return f"[{head}, …] ({shape})"
    rows = [
        "[" + ", ".join(fmt(float(v)) for v in row[:4]) + (", …" if t.shape[1] > 4 else "") + "]"
        for row in t[:ROWS]
    ]
    more = ", …" if t.shape[0] > ROWS else ""
    return "[" + ", ".join(rows) + more + f"] ({shape})"
