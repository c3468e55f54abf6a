"""Checkpoints: the exact state to continue a run, written atomically.

``checkpoints/step-NNNNNNNN.safetensors`` holds W, B and every optimizer state tensor
(``state.W.exp_avg`` …); ``step-NNNNNNNN.json`` beside it holds where the run stands
(step, epoch, batch within the epoch) and the per-epoch metrics so far — the data order is a function of the seed and
the epoch, so that is all the random state there is.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from ..optim import State
from .atomic import write_atomic, write_text_atomic

FOLDER = "checkpoints"


@dataclass(frozen=True)
class Position:
    """Where a run stands after a step."""

    step: int  # steps done
    epoch: int  # 0-based epoch of the next batch
    batch: int  # 0-based batch within that epoch
    rule_start: int = 0  # the step after which the current update rule began (a branch's K)


@dataclass(frozen=True)
class Checkpoint:
    """Parameters, optimizer state and position."""

    W: torch.Tensor  # (d, k)
    B: torch.Tensor  # (k,)
    state: dict[str, State]
    position: Position
    history: list[dict[str, Any]] = field(default_factory=list)  # per-epoch metrics so far


def save(root: Path, ckpt: Checkpoint) -> Path:
    """Write the checkpoint (tensors first, then the JSON that makes it count)."""
    from safetensors.torch import save_file

    folder = root / FOLDER
    name = f"step-{ckpt.position.step:08d}"
    tensors = {"W": ckpt.W.contiguous(), "B": ckpt.B.contiguous()}
    for param, entries in ckpt.state.items():
        for key, value in entries.items():
            tensors[f"state.{param}.{key}"] = value.contiguous()
    write_atomic(folder / f"{name}.safetensors", lambda tmp: save_file(tensors, str(tmp)))
    meta = {"position": asdict(ckpt.position), "history": ckpt.history}
    write_text_atomic(folder / f"{name}.json", json.dumps(meta))
    return folder / f"{name}.json"


def latest(root: Path, at_step: int | None = None) -> Checkpoint | None:
    """The newest complete checkpoint (or the one at ``at_step``), None if there is none."""
    from safetensors.torch import load_file

    folder = root / FOLDER
    found = sorted(folder.glob("step-*.json"))
    if at_step is not None:
        found = [p for p in found if p.stem == f"step-{at_step:08d}"]
    for meta in reversed(found):
        weights = meta.with_suffix(".safetensors")
        if not weights.is_file():
            continue
        tensors = load_file(str(weights))
        state: dict[str, State] = {"W": {}, "B": {}}
        for key, value in tensors.items():
            if key.startswith("state."):
                _, param, name = key.split(".", 2)
                state[param][name] = value
        data = json.loads(meta.read_text())
        return Checkpoint(
            tensors["W"], tensors["B"], state, Position(**data["position"]), data["history"]
        )
    return None


def steps_available(root: Path) -> list[int]:
    """The steps that have a checkpoint."""
    return sorted(int(p.stem.split("-")[1]) for p in (root / FOLDER).glob("step-*.json"))
