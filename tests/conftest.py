"""Shared fixtures: the notebook's data."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture
def notebook() -> dict[str, torch.Tensor]:
    """The seed notebook's X (3, 2), y (3,), W (2, 1), B (1,) in float32."""
    return {
        "X": torch.tensor([[1, 2], [3, 4], [5, 6]], dtype=torch.float),
        "y": torch.tensor([1.0, 0.0, 1.0]),
        "W": torch.tensor([[0.5], [-0.3]]),
        "B": torch.tensor([0.1]),
    }
