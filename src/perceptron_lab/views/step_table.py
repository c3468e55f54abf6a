"""One StepRecord as a terminal table: every quantity beside its PyTorch twin."""

from __future__ import annotations

from ..core.observed_step import StepRecord
from .fitted_table import FittedTable
from .i18n import Words
from .numbers import fmt_gap, fmt_values


def step_table(rec: StepRecord, lang: str, full: bool = False) -> FittedTable:
    """Rows: X·W + B, activation, loss, dL/dZ, dL/dW, dL/dB, new parameters, state.

    A vector of more than 6 entries is summarized (its ends and norm) unless ``full``.
    """
    w, demo = Words(lang, "terminal"), Words(lang, "demo")
    opts = ", ".join(f"{k}={v}" for k, v in rec.rule_options.items() if k != "lr")
    title = w(
        "record_title",
        step=rec.step,
        loss=rec.loss_name,
        rule=rec.rule_name,
        lr=f"{rec.lr:g}",
        options=", " + opts if opts else "",
    )
    rows = [
        ("W", fmt_values(rec.W, lang, full), "", ""),
        ("B", fmt_values(rec.B, lang, full), "", ""),
    ]
    for name, twin in rec.twins():
        other = fmt_values(twin.torch, lang, full) if twin.torch is not None else "—"
        rows.append((name, fmt_values(twin.closed, lang, full), other, fmt_gap(twin.disagreement)))
    headers = (demo("quantity"), demo("by_hand"), demo("by_torch"), demo("gap"))
    return FittedTable(title, headers, rows, right=(3,))
