"""The checkpoint: exactly what a killed run needs to continue bit for bit, and no more.

``checkpoints/step-NNNNNNNN.safetensors`` holds W, B and every optimizer state tensor
(``state.W.exp_avg`` …); ``step-NNNNNNNN.json`` beside it holds where the run stands
(step, epoch, batch within the epoch, the step the current rule began after). The data
order is a function of the seed and the epoch, so that is all the random state there
is. Only the latest checkpoint is kept; the history lives in the step table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from ..optim import State
from .atomic import write_atomic, write_text_atomic
from .run_files import StepSchema

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

    @classmethod
    def from_row(
        cls,
        row: Mapping[str, Any],
        state_keys: tuple[str, ...],
        d: int,
        k: int,
        batches_per_epoch: int,
        dtype: torch.dtype,
    ) -> Checkpoint:
        """The state after a recorded step: its W_after, B_after and state columns.

        The step table keeps every step's state, so a branch can start at any step.
        """

        def tensor(name: str, shape: tuple[int, ...]) -> torch.Tensor:
            return torch.tensor(row[name], dtype=torch.float64).to(dtype).reshape(shape)

        state: dict[str, State] = {"W": {}, "B": {}}
        for key in state_keys:
            for param, shape in (("W", (d, k)), ("B", (k,))):
                values = row.get(StepSchema.state_column(param, key))
                if values is not None:
                    state[param][key] = tensor(StepSchema.state_column(param, key), shape)
        t, epoch, batch = int(row["step"]), int(row["epoch"]) - 1, int(row["batch"])
        nxt = (epoch, batch + 1) if batch + 1 < batches_per_epoch else (epoch + 1, 0)
        position = Position(t, *nxt, rule_start=t - int(row["rule_step"]))
        return cls(tensor("W_after", (d, k)), tensor("B_after", (k,)), state, position)


def save(root: Path, ckpt: Checkpoint) -> Path:
    """Write the checkpoint (tensors first, then the JSON that makes it count); drop older ones."""
    from safetensors.torch import save_file

    folder = root / FOLDER
    name = f"step-{ckpt.position.step:08d}"
    tensors = {"W": ckpt.W.contiguous(), "B": ckpt.B.contiguous()}
    for param, entries in ckpt.state.items():
        for key, value in entries.items():
            tensors[f"state.{param}.{key}"] = value.contiguous()
    write_atomic(folder / f"{name}.safetensors", lambda tmp: save_file(tensors, str(tmp)))
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
