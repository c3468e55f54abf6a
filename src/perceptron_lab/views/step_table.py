"""One StepRecord as a terminal table: every quantity beside its PyTorch twin."""

from __future__ import annotations

from rich.table import Table

from ..core.observed_step import StepRecord
from .numbers import fmt_gap, fmt_tensor


def step_table(rec: StepRecord) -> Table:
    """Rows: X·W + B, activation, loss, dL/dZ, dL/dW, dL/dB, new parameters, state."""
    opts = ", ".join(f"{k}={v}" for k, v in rec.rule_options.items() if k != "lr")
    title = f"step {rec.step} · {rec.loss_name} · {rec.rule_name} (lr={rec.lr:g}{', ' + opts if opts else ''})"
    table = Table(title=title, title_justify="left", title_style="bold")
    table.add_column("quantity")
    table.add_column("by formula")
    table.add_column("by PyTorch")
    table.add_column("disagreement", justify="right")
    table.add_row("W", fmt_tensor(rec.W), "", "")
    table.add_row("B", fmt_tensor(rec.B), "", "")
    for name, twin in rec.twins():
        other = fmt_tensor(twin.torch) if twin.torch is not None else "—"
        table.add_row(name, fmt_tensor(twin.closed), other, fmt_gap(twin.disagreement))
    return table
