"""From a Dataset to what the trainer needs: the loss, its targets, tensors, first weights."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..core.notebook_model import Perceptron
from ..data import Dataset
from ..data.checks import check_finite, dtype_from_name
from ..data.dataset import DataFacts
from ..errors import InputError
from ..losses import AUTO, Loss, auto_loss, get_loss
from .config import TrainConfig


@dataclass(frozen=True)
class Tensors:
    """One dataset as the loss takes it."""

    X: torch.Tensor  # (N, d)
    y: torch.Tensor  # (N, k) or (N,) in the loss's label set


def choose_loss(dataset: DataFacts, config: TrainConfig) -> Loss:
    """The configured loss, or the task's natural one; refuses a task it can't train on."""
    name = auto_loss(dataset.task) if config.loss == AUTO else config.loss
    loss = get_loss(name, **config.loss_options)
    if dataset.task not in loss.takes:
        what = f"{dataset.n_classes} classes" if dataset.classes else "a real-valued target"
        better = auto_loss(dataset.task)
        raise InputError(
            "loss", f"a loss for {what} ({name} takes {loss.labels}; try {better})", name
        )
    return loss


def to_tensors(
    dataset: Dataset, loss: Loss, k: int, dtype: torch.dtype, device: torch.device | None = None
) -> Tensors:
    """X and the loss's targets as tensors on ``device`` (labels checked by the loss); on a
    GPU they stay there for the whole run.

    A feature the dtype cannot hold (1e39 in float32) is refused here, naming its row and
    column, before training could blame the learning rate for it.
    """
    X = torch.as_tensor(dataset.X, dtype=dtype)
    check_finite("X", X, dataset.X, dataset.feature_names)
    y = torch.as_tensor(dataset.y, dtype=dtype)
    return Tensors(X.to(device), loss.targets(y, k).to(device))


def initial_weights(d: int, k: int, seed: int, dtype: str) -> tuple[torch.Tensor, torch.Tensor]:
    """W (d, k), B (k,) as the notebook's Perceptron draws them (nn.Linear's init) from ``seed``."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = Perceptron(d, k).to(dtype_from_name(dtype))
    return model.W, model.B
