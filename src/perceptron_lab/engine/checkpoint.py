"""The checkpoint: exactly what a killed run needs to continue bit for bit, and no more.

``checkpoints/step-NNNNNNNN.safetensors`` holds W, B and every optimizer state tensor
(``state.W.exp_avg`` …); ``step-NNNNNNNN.json`` beside it holds where the run stands
(step, epoch, batch within the epoch, the step the current rule began after). The data
order is a function of the seed and the epoch, so that is all the random state there
is. Only the latest checkpoint is kept; the history lives in the step table.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

    from ..optim import State
from ..errors import InputError
from .atomic import write_atomic, write_text_atomic

FOLDER = "checkpoints"


@dataclass(frozen=True)
class Position:
    """Where a run stands after a step."""

    step: int  # steps done
    epoch: int  # 0-based epoch of the next batch
    batch: int  # 0-based batch within that epoch
    rule_start: int = 0  # the step after which the current update rule began (a branch's K)
    # the rule's own step count t at the next step is step + 1 - rule_start: kept here, never
    # inferred from the optimizer state (plain SGD has none, and its t goes on after a resume)


@dataclass(frozen=True)
class Checkpoint:
    """Parameters, optimizer state and position."""

    W: torch.Tensor  # (d, k)
    B: torch.Tensor  # (k,)
    state: dict[str, State]
    position: Position

    def fresh_rule(self) -> Checkpoint:
        """The same W, B and place, with an empty optimizer state whose updates count anew.

        How a changed update rule starts (a branch): its t is 1 at the next step.
        """
        fresh = replace(self.position, rule_start=self.position.step)
        return replace(self, state={"W": {}, "B": {}}, position=fresh)


def save(root: Path, ckpt: Checkpoint) -> Path:
    """Write the checkpoint (tensors first, then the JSON that makes it count); drop older ones."""
    from safetensors.torch import save as serialize

    folder = root / FOLDER
    name = f"step-{ckpt.position.step:08d}"
    tensors = {"W": ckpt.W.cpu().contiguous(), "B": ckpt.B.cpu().contiguous()}
    for param, entries in ckpt.state.items():
        for key, value in entries.items():
            tensors[f"state.{param}.{key}"] = value.cpu().contiguous()

    def write(tmp: Path) -> None:  # by Python: a full disk is an OSError naming the file
        tmp.write_bytes(serialize(tensors))

    write_atomic(folder / f"{name}.safetensors", write)
    meta = folder / f"{name}.json"
    write_text_atomic(meta, json.dumps({"position": asdict(ckpt.position)}))
    for old in folder.glob("step-*"):
        if old.stem != name:
            old.unlink()
    return meta


def newest(root: Path) -> tuple[Path, Position] | None:
    """The newest complete checkpoint's JSON file and its position (None: no checkpoint).

    The position must be whole numbers and its step the one the file's name says: an
    edited checkpoint is an InputError naming the file.
    """
    for meta in sorted((root / FOLDER).glob("step-*.json"), reverse=True):
        if not meta.with_suffix(".safetensors").is_file():
            continue
        try:
            position = Position(**json.loads(meta.read_text())["position"])
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise InputError("path", "a checkpoint's position", f"{exc!r} in {meta}") from None
        numbers = asdict(position).values()
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
            raise InputError("path", "a position of whole numbers", f"{position} in {meta}")
        if meta.stem != f"step-{position.step:08d}":
            raise InputError(
                "path", f"the step its name says ({meta.stem})", f"step {position.step} in {meta}"
            )
        return meta, position
    return None


def latest(root: Path) -> Checkpoint | None:
    """The newest complete checkpoint, None if there is none; a damaged one is an InputError."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    found = newest(root)
    if found is None:
        return None
    meta, position = found
    weights = meta.with_suffix(".safetensors")
    try:
        tensors = load_file(str(weights))
    except (OSError, SafetensorError) as exc:
        raise InputError("path", "a readable checkpoint", f"{exc} in {weights}") from None
    if not {"W", "B"} <= tensors.keys():
        raise InputError("path", "a checkpoint holding W and B", f"{sorted(tensors)} in {weights}")
    state: dict[str, State] = {"W": {}, "B": {}}
    for key, value in tensors.items():
        if key.startswith("state."):
            _, param, name = key.split(".", 2)
            state.setdefault(param, {})[name] = value
    return Checkpoint(tensors["W"], tensors["B"], state, position)
