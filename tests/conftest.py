"""Shared fixtures: the notebook's data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch

# The seed notebook's printed numbers of examples 1–4 (logits, probabilities, BCE,
# dL/dW, dL/dB, new W, new B), as PyTorch prints them.
NOTEBOOK_PRINTED = (
    "-2.2352e-08",
    "0.4000",
    "0.8000",
    "0.5987",
    "0.6900",
    "0.6591",
    "-0.0847",
    "-0.1551",
    "-0.0704",
    "0.5008",
    "-0.2984",
    "0.1007",
)


@pytest.fixture(scope="module")
def one_torch_thread() -> Iterator[None]:
    """Many small fits: torch's thread pool only adds overhead on shared cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def notebook() -> dict[str, torch.Tensor]:
    """The seed notebook's X (3, 2), y (3,), W (2, 1), B (1,) in float32."""
    return {
        "X": torch.tensor([[1, 2], [3, 4], [5, 6]], dtype=torch.float),
        "y": torch.tensor([1.0, 0.0, 1.0]),
        "W": torch.tensor([[0.5], [-0.3]]),
        "B": torch.tensor([0.1]),
    }
