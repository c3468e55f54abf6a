"""Training's fused L, dL/dZ against the loss's own value and gradient, taken apart."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from perceptron_lab.losses import get_loss
from perceptron_lab.losses.loss import Loss


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 300),
    k=st.integers(2, 12),
    scale=st.sampled_from([1e-3, 1.0, 30.0]),
    dtype=st.sampled_from([torch.float32, torch.float64]),
    reduction=st.sampled_from(["mean", "sum"]),
    seed=st.integers(0, 2**31),
)
def test_cross_entropy_fused_is_bit_identical(
    n: int, k: int, scale: float, dtype: torch.dtype, reduction: str, seed: int
) -> None:
    """One exp shared by L and dL/dZ: the same operations, so the same bits."""
    g = torch.Generator().manual_seed(seed)
    z = torch.randn(n, k, generator=g, dtype=dtype) * scale
    y = torch.randint(0, k, (n,), generator=g)
    loss = get_loss("cross_entropy", reduction=reduction)
    fused = loss.value_and_grad(z, y)
    apart = Loss.value_and_grad(loss, z, y)  # value(z, y), grad_z(z, y)
    assert torch.equal(fused[0], apart[0]) and torch.equal(fused[1], apart[1])
    # that they are PyTorch's value and gradient: tests/test_agreement.py, for every loss


@pytest.mark.parametrize("labels", [[0, 1, 1], [2, 0, 1]])
def test_cross_entropy_fused_leaves_the_logits_alone(labels: list[int]) -> None:
    z = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 0.0], [3.0, 3.0, 3.0]])
    before = z.clone()
    get_loss("cross_entropy").value_and_grad(z, torch.tensor(labels))
    assert torch.equal(z, before)
