"""Per-sample capture: each sample's Z, activation, loss and gradient, within a cap.

The per-sample gradient of ℓₙ (the sample's own, unreduced loss) with respect to W and B
comes from torch.func: ``vmap(grad(ℓ))`` over the batch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from ..losses import Loss
from .column_table import write_part


class SampleRecorder:
    """Records up to ``cap`` per-sample rows into ``folder`` as Parquet parts."""

    def __init__(self, folder: Path, loss: Loss, cap: int) -> None:
        self.folder = folder
        self.loss = loss
        self.cap = cap
        self.rows: list[dict[str, Any]] = []
        folder.mkdir(parents=True, exist_ok=True)
        self.parts = sorted(folder.glob("part-*.parquet"))
        self.kept = sum(_count(p) for p in self.parts)

    def record(
        self,
        step: int,
        indices: torch.Tensor | None,
        X: torch.Tensor,
        y: torch.Tensor,
        W: torch.Tensor,
        B: torch.Tensor,
    ) -> None:
        """Add the batch's samples (until the cap is reached)."""
        room = self.cap - self.kept - len(self.rows)
        if room <= 0:
            return
        n = min(room, X.shape[0])
        X, y = X[:n], y[:n]
        from torch.func import grad, vmap

        loss = self.loss

        def sample_loss(
            W_: torch.Tensor, B_: torch.Tensor, x: torch.Tensor, t: torch.Tensor
        ) -> torch.Tensor:
            z = (x @ W_ + B_).unsqueeze(0)  # (1, k)
            return loss.elements(z, t.unsqueeze(0)).sum()

        gW, gB = vmap(grad(sample_loss, argnums=(0, 1)), in_dims=(None, None, 0, 0))(W, B, X, y)
        Z = X @ W + B
        A = loss.activation.closed(Z)
        ell = loss.elements(Z, y)
        ell = ell if ell.dim() == 1 else ell.sum(dim=1)
        ids = indices[:n].tolist() if indices is not None else list(range(n))
        for i in range(n):
            self.rows.append(
                {
                    "step": step,
                    "sample": ids[i],
                    "z": Z[i].tolist(),
                    "a": A[i].tolist(),
                    "y": y[i].reshape(-1).tolist(),
                    "loss": float(ell[i]),
                    "grad_W": gW[i].reshape(-1).tolist(),
                    "grad_B": gB[i].reshape(-1).tolist(),
                }
            )

    def flush(self) -> None:
        """Write waiting rows as the next part."""
        if not self.rows:
            return
        import pyarrow as pa

        path = self.folder / f"part-{len(self.parts):05d}.parquet"
        write_part(path, pa.Table.from_pylist(self.rows))
        self.parts.append(path)
        self.kept += len(self.rows)
        self.rows = []


def _count(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)
