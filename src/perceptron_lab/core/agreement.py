"""How far apart two computations of the same quantity are.

The measure is ``max|a − b| / max(max|b|, tiny)``: the largest elementwise gap,
relative to the size of the reference ``b`` (PyTorch's value). A sum or difference whose
terms cancel is measured on the size of those terms instead: new parameters and updates
always, batch-sized quantities where the plain gap exceeds the tolerance (their terms'
size costs a pass over the batch). Tolerances: float64
1e-10, float32 1e-5. float32 rounding is a fact to explain, not an error: 0.1 and 0.3
are not representable, so the notebook's logit 0.5 − 2·0.3 + 0.1 comes out as
−2.2352e-08 rather than 0.
"""

from __future__ import annotations

import math

import torch

TOLERANCES: dict[torch.dtype, float] = {torch.float64: 1e-10, torch.float32: 1e-5}
TINY = 1e-30


def tolerance(dtype: torch.dtype) -> float:
    """The verification tolerance for ``dtype`` (float16/bfloat16 get 1e-2)."""
    return TOLERANCES.get(dtype, 1e-2)


def disagreement(a: torch.Tensor, b: torch.Tensor, scale: torch.Tensor | None = None) -> float:
    """``max|a − b| / max(max|b|, max|scale|, tiny)``.

    ``scale`` is the size of the terms ``b`` is a sum or difference of: rounding is
    relative to them, not to their (possibly cancelled) result. For dL/dW = Xᵀ·dL/dZ
    it is |X|ᵀ·|dL/dZ|; for an update Δ = θ_after − θ_before it is |θ|. Without it the
    measure is plain ``max|a − b| / max(max|b|, tiny)``.
    """
    a, b = a.detach(), b.detach()
    if a.numel() == 0:
        return 0.0
    if a.dtype != b.dtype:
        a, b = a.to(torch.float64), b.to(torch.float64)
    # max|·| as the ∞-norm: one operation each. In the dtype itself: a − b of two close
    # numbers is exact (Sterbenz), and a far one is far whatever its last bits
    gap = float(_max_abs(a - b))
    ref = float(_max_abs(b))
    if scale is not None:
        ref = max(ref, float(_max_abs(scale.detach())))
    return gap / max(ref, TINY)


def _max_abs(t: torch.Tensor) -> torch.Tensor:
    """max|t| (NaN if t holds one)."""
    norm: torch.Tensor = torch.linalg.vector_norm(t, ord=math.inf)
    return norm
