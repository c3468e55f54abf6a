"""L-BFGS: one iteration of torch.optim.LBFGS per step, over W and B as one vector."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import torch

from ..data.checks import check_positive
from ..errors import InputError
from . import register_rule
from .rule import State, UpdateRule
from .worked import Element, Line, gradient_line

if TYPE_CHECKING:
    from ..losses.loss import Numbers

MAX_HISTORY = 100  # torch's default m: every pair is two state columns per parameter
CURVATURE = 1e-10  # torch keeps a pair (s, y) only where y·s exceeds this


def _slots(m: int) -> tuple[str, ...]:
    """The history's state keys: old_dirs_i (yᵢ) and old_stps_i (sᵢ), i = 0 the oldest."""
    return (*(f"old_dirs_{i}" for i in range(m)), *(f"old_stps_{i}" for i in range(m)))


@register_rule
class LBFGS(UpdateRule):
    r"""L-BFGS as torch.optim.LBFGS(max_iter=1, line_search_fn=None) computes it.

    γ = lr, m = history_size. θ is W and B as one vector, in torch's order (weight = Wᵀ
    row by row, then B), g its gradient; one step is one iteration, one gradient:

    stop (θ and the state unchanged)     if max|g| ≤ tolerance_grad
    first iteration:  d = −g,  t = min(1, 1/Σ|g|)·γ
    afterwards:       y = g − g_prev,  s = t_prev·d_prev
                      keep (s, y) if y·s > 1e-10 (the oldest goes when m are kept)
                      H₀ = (y·s)/(y·y) of the newest pair (1 while none is kept)
                      d = −H·g by the two-loop recursion over the kept pairs, ρᵢ = 1/(yᵢ·sᵢ):
                        q = −g;  for i newest → oldest: αᵢ = ρᵢ·sᵢ·q,  q ← q − αᵢ·yᵢ
                        r = H₀·q; for i oldest → newest: βᵢ = ρᵢ·yᵢ·r,  r ← r + (αᵢ − βᵢ)·sᵢ
                      d = r,  t = γ
    θ ← θ + t·d        unless g·d > −tolerance_change (not a descent direction: θ stays)

    The state is torch's, laid out in fixed keys each split into its W part (d, k) and
    its B part (k,): prev_flat_grad (g_prev), td (t·d: torch keeps d and t apart and
    forms their product at the next step), old_dirs_i and old_stps_i (the pairs yᵢ, sᵢ).
    ρᵢ and H₀ are computed again from the pairs, by the same products torch formed them
    with. Without a line search one iteration evaluates the loss once, so L-BFGS here
    is exact on a full batch; on mini-batches its pairs mix batches (torch does the same).
    torch.optim.LBFGS has no weight decay, and nor has this rule.
    """

    name = "lbfgs"
    title = "L-BFGS"
    twin = "LBFGS"
    joint = True
    counts_steps = False
    symbols = ((r"m", "history_size"),)
    state_symbols = (
        ("prev_flat_grad", r"g^{\mathrm{prev}}"),
        ("td", r"t\,d"),
        *((f"old_dirs_{i}", f"y_{{{i}}}") for i in range(MAX_HISTORY)),
        *((f"old_stps_{i}", f"s_{{{i}}}") for i in range(MAX_HISTORY)),
    )
    shown = (("d", "d"),)

    def __init__(
        self,
        lr: float = 1.0,
        history_size: int = 10,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
    ) -> None:
        super().__init__(lr)
        ok = isinstance(history_size, int) and not isinstance(history_size, bool)
        if not ok or not 1 <= history_size <= MAX_HISTORY:
            raise InputError(
                "history_size", f"an integer in [1, {MAX_HISTORY}]", repr(history_size)
            )
        self.history_size = history_size
        self.tolerance_grad = check_positive("tolerance_grad", tolerance_grad, allow_zero=True)
        self.tolerance_change = check_positive(
            "tolerance_change", tolerance_change, allow_zero=True
        )

    def options(self) -> dict[str, Any]:
        return {
            "lr": self.lr,
            "history_size": self.history_size,
            "tolerance_grad": self.tolerance_grad,
            "tolerance_change": self.tolerance_change,
        }

    def state_keys(self) -> tuple[str, ...]:
        return ("prev_flat_grad", "td", *_slots(self.history_size))

    def update(
        self,
        theta: torch.Tensor,
        g: torch.Tensor,
        state: State,
        t: int,
        lr: float,
        keep: dict[str, torch.Tensor | float] | None = None,
    ) -> tuple[torch.Tensor, State]:
        """One iteration on a flat θ (n,) and its g (n,), as in the class docstring.

        ``keep`` receives "g", the direction "d" and the step length "t".
        """
        if g.abs().max() <= self.tolerance_grad:  # torch returns before changing anything
            if keep is not None:
                keep |= {"g": g, "d": torch.zeros_like(g), "t": 0.0}
            return theta, dict(state)
        m = self.history_size
        dirs = [state[f"old_dirs_{i}"] for i in range(m) if f"old_dirs_{i}" in state]
        stps = [state[f"old_stps_{i}"] for i in range(m) if f"old_stps_{i}" in state]
        prev = state.get("prev_flat_grad")
        step: Any  # t: a float, or a 0-d tensor on the first step (torch's min(1, 1/Σ|g|)·γ)
        if prev is None:
            d = g.neg()
            dirs, stps = [], []
            first: Any = min(1.0, 1.0 / g.abs().sum())  # as torch writes it
            step = first * lr
        else:
            y = g.sub(prev)
            s = state["td"]
            if y.dot(s) > CURVATURE:
                if len(dirs) == m:
                    dirs, stps = dirs[1:], stps[1:]
                dirs, stps = [*dirs, y], [*stps, s]
            d = _two_loop(g, dirs, stps)
            step = lr
        new: State = {"prev_flat_grad": g, "td": d.mul(step)}
        for i, (y_i, s_i) in enumerate(zip(dirs, stps, strict=True)):
            new[f"old_dirs_{i}"], new[f"old_stps_{i}"] = y_i, s_i
        if keep is not None:
            keep |= {"g": g, "d": d, "t": float(step)}
        if g.dot(d) > -self.tolerance_change:  # not a descent direction: torch stops
            return theta, new
        return theta.add(d, alpha=step), new

    def update_layer(
        self,
        W: torch.Tensor,
        B: torch.Tensor,
        dW: torch.Tensor,
        dB: torch.Tensor,
        state: Mapping[str, State],
        t: int,
        lr: float,
        rule_B: UpdateRule | None = None,
        keep: Mapping[str, dict[str, torch.Tensor | float]] | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, dict[str, State]]:
        """:meth:`update` on θ = (Wᵀ row by row, B), torch's flat order; the parts split back."""
        d, k = W.shape
        parts_W, parts_B = state.get("W", {}), state.get("B", {})
        flat_state = {key: flatten(v, parts_B[key]) for key, v in parts_W.items()}
        kept: dict[str, torch.Tensor | float] | None = None if keep is None else {}
        theta, new = self.update(flatten(W, B), flatten(dW, dB), flat_state, t, lr, kept)
        W_after, B_after = split(theta, d, k)
        after: dict[str, State] = {"W": {}, "B": {}}
        for key, v in new.items():
            after["W"][key], after["B"][key] = split(v, d, k)
        if keep is not None and kept is not None:
            for key, value in kept.items():
                if isinstance(value, torch.Tensor):
                    keep["W"][key], keep["B"][key] = split(value, d, k)
                else:
                    keep["W"][key] = keep["B"][key] = value
        return W_after.contiguous(), B_after, after

    def worked(self, e: Element, f: Numbers) -> list[Line]:
        line, _ = gradient_line(e, 0.0, f)
        d, t = e.kept["d"], e.kept["t"]
        return [
            line,
            (r"d = -H g", f"d = {f.num(d)}"),
            (
                r"\theta \leftarrow \theta + t \cdot d",
                f"{e.label} \\leftarrow {f.num(e.theta)} + {f.hyper(t)} \\cdot {f.term(d)} = {f.num(e.new)}",
            ),
        ]

    def note_keys(self) -> tuple[str, ...]:
        return ("lbfgs_joint",)

    def torch_groups(
        self, weight: torch.Tensor, bias: torch.Tensor, decay_bias: bool
    ) -> list[dict[str, Any]]:
        """One group: torch.optim.LBFGS takes one (it has no weight decay to keep off B)."""
        return [{"params": [weight, bias]}]

    def torch_optimizer(self, params: Iterable[Any]) -> torch.optim.Optimizer:
        return torch.optim.LBFGS(params, max_iter=1, **self.options())

    def load_torch_state(
        self,
        optimizer: torch.optim.Optimizer,
        params: Mapping[str, torch.Tensor],
        state: Mapping[str, State],
        t_done: int,
    ) -> None:
        """torch keeps L-BFGS's state on the first parameter (weight), as lists of flat vectors.

        td goes in as d with t = 1 (torch's next s = d·t is then td, bit for bit); ρᵢ and
        H₀ by the products torch formed them with; the counters as ``t_done`` iterations.
        """
        flat = {key: flatten(v, state["B"][key]) for key, v in state["W"].items()}
        m = self.history_size
        dirs = [flat[f"old_dirs_{i}"] for i in range(m) if f"old_dirs_{i}" in flat]
        stps = [flat[f"old_stps_{i}"] for i in range(m) if f"old_stps_{i}" in flat]
        optimizer.state[params["W"]] = {
            "func_evals": t_done,
            "n_iter": t_done,
            "d": flat["td"],
            "t": 1.0,
            "old_dirs": dirs,
            "old_stps": stps,
            "ro": [1.0 / y.dot(s) for y, s in zip(dirs, stps, strict=True)],
            "H_diag": _h_diag(dirs, stps),
            "prev_flat_grad": flat["prev_flat_grad"].clone(),
        }

    def read_torch_state(
        self, optimizer: torch.optim.Optimizer, params: Mapping[str, torch.Tensor]
    ) -> dict[str, State]:
        """torch's state after a step in this rule's keys: td = d·t, the pairs by slot."""
        k, d = params["W"].shape
        ours = optimizer.state[params["W"]]
        out: dict[str, State] = {"W": {}, "B": {}}
        if "prev_flat_grad" not in ours:  # stopped before its first iteration
            return out
        flat = {"prev_flat_grad": ours["prev_flat_grad"], "td": ours["d"].mul(ours["t"])}
        for i, (y, s) in enumerate(zip(ours["old_dirs"], ours["old_stps"], strict=True)):
            flat[f"old_dirs_{i}"], flat[f"old_stps_{i}"] = y, s
        for key, v in flat.items():
            w, b = split(v.clone(), d, k)
            out["W"][key], out["B"][key] = w, b
        return out


def _two_loop(g: torch.Tensor, dirs: list[torch.Tensor], stps: list[torch.Tensor]) -> torch.Tensor:
    """d = −H·g over the pairs (yᵢ, sᵢ), oldest first: torch's operations in torch's order."""
    ro = [1.0 / y.dot(s) for y, s in zip(dirs, stps, strict=True)]
    al: list[torch.Tensor] = [g.new_zeros(())] * len(dirs)
    q = g.neg()
    for i in range(len(dirs) - 1, -1, -1):
        al[i] = stps[i].dot(q) * ro[i]
        q.add_(dirs[i], alpha=-al[i])  # type: ignore[arg-type]
    r = torch.mul(q, _h_diag(dirs, stps))
    for i in range(len(dirs)):
        be_i = dirs[i].dot(r) * ro[i]
        r.add_(stps[i], alpha=al[i] - be_i)  # type: ignore[arg-type]
    return r


def _h_diag(dirs: list[torch.Tensor], stps: list[torch.Tensor]) -> torch.Tensor | int:
    """H₀ = (y·s)/(y·y) of the newest pair; torch's 1 while no pair is kept."""
    if not dirs:
        return 1
    y, s = dirs[-1], stps[-1]
    return y.dot(s) / y.dot(y)


def flatten(W_part: torch.Tensor, B_part: torch.Tensor) -> torch.Tensor:
    """(d, k) and (k,) as torch's flat vector (d·k + k,): weight = Wᵀ row by row, then B."""
    return torch.cat((W_part.T.reshape(-1), B_part))


def split(flat: torch.Tensor, d: int, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`flatten` undone: the W part (d, k) and the B part (k,)."""
    return flat[: d * k].reshape(k, d).T, flat[d * k :]
