"""The checkpoint: exactly what a killed run needs to continue bit for bit, and no more.

``checkpoints/step-NNNNNNNN.safetensors`` holds W, B and every optimizer state tensor
(``state.W.exp_avg`` …); ``step-NNNNNNNN.json`` beside it holds where the run stands
(step, epoch, batch within the epoch, the step the current rule began after). The data
order is a function of the seed and the epoch, so that is all the random state there
is. Only the latest checkpoint is kept; the history lives in the step table.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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


def save(root: Path, ckpt: Checkpoint) -> Path:
    """Write the checkpoint (tensors first, then the JSON that makes it count); drop older ones."""
    from safetensors.torch import save as serialize

    folder = root / FOLDER
    name = f"step-{ckpt.position.step:08d}"
    tensors = {"W": ckpt.W.contiguous(), "B": ckpt.B.contiguous()}
    for param, entries in ckpt.state.items():
        for key, value in entries.items():
            tensors[f"state.{param}.{key}"] = value.contiguous()

    def write(tmp: Path) -> None:  # by Python: a full disk is an OSError naming the file
        tmp.write_bytes(serialize(tensors))

    write_atomic(folder / f"{name}.safetensors", write)
    meta = folder / f"{name}.json"
    write_text_atomic(meta, json.dumps({"position": asdict(ckpt.position)}))
    for old in folder.glob("step-*"):
        if old.stem != name:
            old.unlink()
    return meta


def latest(root: Path) -> Checkpoint | None:
    """The newest complete checkpoint, None if there is none."""
    from safetensors.torch import load_file

    folder = root / FOLDER
    for meta in sorted(folder.glob("step-*.json"), reverse=True):
        weights = meta.with_suffix(".safetensors")
        if not weights.is_file():
            continue
        tensors = load_file(str(weights))
        state: dict[str, State] = {"W": {}, "B": {}}
        for key, value in tensors.items():
            if key.startswith("state."):
                _, param, name = key.split(".", 2)
                state[param][name] = value
        position = Position(**json.loads(meta.read_text())["position"])
        return Checkpoint(tensors["W"], tensors["B"], state, position)
    return None
