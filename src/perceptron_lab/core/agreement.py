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
    a64 = a.detach().to(torch.float64)
    b64 = b.detach().to(torch.float64)
    if a64.numel() == 0:
        return 0.0
    gap = float((a64 - b64).abs().max())
    ref = float(b64.abs().max())
    if scale is not None:
        ref = max(ref, float(scale.detach().to(torch.float64).abs().max()))
    return gap / max(ref, TINY)
