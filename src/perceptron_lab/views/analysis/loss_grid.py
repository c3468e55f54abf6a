"""The loss over a plane of two parameters, and the path the optimizer took across it.

θ = [W (d, k) flattened row-major…, B (k,)…]. Two indices (p, q) of θ vary over a grid
u × v; every other parameter stays at its final value θ_T. At each grid point

    L(u, v) = loss(X·W + B, y)   over the whole training set X (N, d),

with W, B read from θ (θ[p] = u, θ[q] = v). All G grid points are evaluated at once
(torch.func.vmap of the loss over the G parameter vectors, in chunks that keep
G_chunk·N·k numbers in memory). The path is (θ[p], θ[q]) before the first step and
after each step; a branched run also brings its parent's path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import torch

from ...engine.run_data import run_data, shape
from ...engine.trace import Trace
from ...errors import InputError
from ...losses import Loss
from .parameters import check_params, parameter_name, theta_path

CHUNK_NUMBERS = 1 << 22  # most logits (G_chunk·N·k) held at once
GRID = 60  # grid points per axis
MARGIN = 0.25  # of the path's span, on each side


@dataclass(frozen=True)
class LossSurface:
    """L over a grid of two parameters, and the paths across it."""

    params: tuple[int, int]  # (p, q), indices into θ
    names: tuple[str, str]  # e.g. ("W[1,1] (x1)", "B[1]")
    u: np.ndarray  # (nu,) values of θ[p], increasing, θ_T[p] among them
    v: np.ndarray  # (nv,) values of θ[q], increasing, θ_T[q] among them
    loss: np.ndarray  # (nv, nu): L at θ[p] = u[j], θ[q] = v[i]
    theta: np.ndarray  # (d·k + k,) θ_T, the values every other parameter keeps
    steps: np.ndarray  # (T+1,) the step each path point came after (0: the start)
    path: np.ndarray  # (T+1, 2) (θ[p], θ[q]) along the run
    parent_steps: np.ndarray | None  # (T'+1,) the parent run's steps
    parent_path: np.ndarray | None  # (T'+1, 2) the parent run's path
    branch_step: int | None  # K, the parent's step the run branched from
    parent_missing: str | None  # a parent run directory that could not be read


def grid_loss(
    loss: Loss, X: torch.Tensor, y: torch.Tensor, thetas: torch.Tensor, d: int, k: int
) -> torch.Tensor:
    """(G,) L(X·W_g + B_g, y) for each row θ_g of ``thetas`` (G, d·k + k)."""
    Ws = thetas[:, : d * k].reshape(-1, d, k)  # (G, d, k)
    Bs = thetas[:, d * k :]  # (G, k)
    chunk = max(1, CHUNK_NUMBERS // max(1, X.shape[0] * k))

    def value(W: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
        return loss.value(X @ W + B, y)  # (N, k) logits -> 0-d

    out: torch.Tensor = torch.func.vmap(value, chunk_size=chunk)(Ws, Bs)
    return out


def _axis(values: np.ndarray, final: float, n: int) -> np.ndarray:
    """n points spanning ``values`` with a margin, plus ``final`` itself."""
    low, high = float(values.min()), float(values.max())
    span = high - low
    pad = MARGIN * span if span > 0 else max(0.5 * abs(final), 0.5)
    return np.unique(np.append(np.linspace(low - pad, high + pad, n), final))


def _parent(
    trace: Trace, parent: Trace | Literal["auto"] | None
) -> tuple[Trace | None, str | None]:
    """The parent Trace to draw and, if ``auto`` found none where config says, its path."""
    if parent != "auto":
        return parent, None
    link = trace.manifest.parent
    if link is None:
        return None, None
    where = Path(link.run)
    if not where.is_dir():
        return None, str(where)
    return Trace.load(where), None


def loss_surface_grid(
    trace: Trace,
    params: Sequence[int] = (0, 1),
    parent: Trace | Literal["auto"] | None = "auto",
    n: int = GRID,
) -> LossSurface:
    """L over a grid of θ[p], θ[q] around the run's path (and its parent's, if branched).

    ``parent="auto"`` reads the parent run named in config.json (``{"run", "step"}``);
    pass a Trace to choose one, or None to leave it out.
    """
    d, k = shape(trace)
    p, q = check_params(params, d, k)
    steps, thetas = theta_path(trace)  # (T+1,), (T+1, P)
    final = thetas[-1]
    parent_trace, missing = _parent(trace, parent)
    parent_steps = parent_path = None
    if parent_trace is not None:
        if shape(parent_trace) != (d, k):
            raise InputError("parent", f"a run with W of shape ({d}, {k})", str(parent_trace.path))
        parent_steps, parent_thetas = theta_path(parent_trace)
        parent_path = parent_thetas[:, [p, q]]
    both = thetas[:, [p, q]] if parent_path is None else np.vstack([thetas[:, [p, q]], parent_path])
    u = _axis(both[:, 0], final[p], n)
    v = _axis(both[:, 1], final[q], n)
    grid = np.tile(final, (len(v) * len(u), 1))  # (G, P), row i·nu + j is (u[j], v[i])
    gu, gv = np.meshgrid(u, v)  # (nv, nu) each
    grid[:, p], grid[:, q] = gu.ravel(), gv.ravel()
    data = run_data(trace)
    values = grid_loss(
        data.loss, data.train_t.X, data.train_t.y, torch.as_tensor(grid, dtype=data.dtype), d, k
    )
    features = list(trace.manifest.data.feature_names)
    link = trace.manifest.parent
    return LossSurface(
        params=(p, q),
        names=(parameter_name(p, d, k, features), parameter_name(q, d, k, features)),
        u=u,
        v=v,
        loss=values.to(torch.float64).numpy().reshape(len(v), len(u)),
        theta=final,
        steps=steps,
        path=thetas[:, [p, q]],
        parent_steps=parent_steps,
        parent_path=parent_path,
        branch_step=link.step if link and parent_trace is not None else None,
        parent_missing=missing,
    )
