"""A run's summary and one step's numbers as terminal tables. Reads the trace only.

rich reads markup (``[bold]``) in a cell given as a string, so a cell holding the user's
text (the data's name, a path, an error that quotes a column) is a ``Text``: shown as typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table
from rich.text import Text

from ..engine.trace import Trace
from .advice import advice_text
from .coefficients import class_mapping, final_weights
from .numbers import fmt, fmt_gap


def _metric(value: Any) -> str:
    return "—" if value is None else fmt(float(value))


def ordinal(n: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 32nd."""
    last = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{last}"


def _schedule(every: Any) -> str:
    """'every step', or 'the first, the last and every K-th' (every 32nd)."""
    return "every step" if every in (1, None) else f"the first, the last and every {ordinal(every)}"


def summary_table(trace: Trace) -> Table:
    """Status, data, settings, metrics, verification and time; an unfinished run says so."""
    m, summary = trace.manifest, trace.summary
    table = Table(title="run summary", title_justify="left", title_style="bold", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    table.add_row("status", summary.status if summary else "unfinished (running, or killed)")
    if summary and summary.error:
        table.add_row("error", Text(summary.error))
    data = m.data
    test = data.test_samples
    table.add_row(
        "data",
        Text(
            f"{data.name} — {data.n_samples} samples × {data.n_features} features ({data.task})"
            + (f", {test} held out for test" if test else "")
        ),
    )
    table.add_row(
        "model",
        f"{m.input_size} → {m.output_size} · loss {m.loss.name} · "
        f"{m.optimizer.name} (lr {m.optimizer.options.get('lr', m.config.lr)})"
        + (f" · schedule {m.schedule}" if m.schedule else ""),
    )
    if data.classes:
        table.add_row("classes", Text(class_mapping(data.classes)))
    weights = final_weights(trace)
    if weights is not None:
        table.add_row("weights", Text(weights))
    done = summary.steps if summary else (trace.steps[-1]["step"] if trace.steps else 0)
    table.add_row(
        "steps",
        f"{done} of {m.total_steps} (batch size {m.batch_size}, {m.config.epochs} epochs, "
        f"seed {m.seed})",
    )
    name = trace.score_name
    final = summary.final if summary else (trace.history[-1] if trace.history else {})
    for side in ("train", "test"):
        if f"{side}_loss" in final:
            table.add_row(
                side,
                f"loss {_metric(final[f'{side}_loss'])} (after the last update) · "
                f"{name} {_metric(final[f'{side}_{name}'])}",
            )
    if summary is None and trace.steps:
        last = trace.steps[-1]
        table.add_row(
            "last step",
            f"loss {_metric(last['loss'])} (before its update) · {name} {_metric(last[name])}",
        )
    for advice in (summary.advice or ()) if summary else ():
        table.add_row("warning", Text(advice_text(advice)))  # measured cause and fix
    seen = trace.verification()
    every = summary.verify_every if summary else m.verify_every
    tolerance = f" · tolerance {summary.tolerance:.0e}" if summary else ""
    table.add_row(
        "verified",
        f"{seen.verified} steps ({_schedule(every)}) · worst disagreement "
        f"{fmt_gap(seen.worst)} ({seen.quantity or '—'}, step {seen.step}){tolerance}",
    )
    if summary is not None:
        rate = summary.steps_per_second
        table.add_row(
            "time", f"{summary.seconds:.2f} s" + (f" · {rate:,.0f} steps/s" if rate else "")
        )
    elif trace.path is not None:
        table.add_row("resume", Text(f"perceptron-lab train --resume {trace.path}"))
    return table


def step_row_table(row: Mapping[str, Any]) -> Table:
    """One step of the trace: scalars, then each vector (formula and PyTorch side by side)."""
    table = Table(
        title=f"step {row['step']} (epoch {row['epoch']}, batch {row['batch']})",
        title_justify="left",
        title_style="bold",
    )
    table.add_column("quantity")
    table.add_column("value")
    for key in (
        "n_samples",
        "lr",
        "loss",
        "accuracy",
        "r2",
        "grad_norm",
        "verified",
        "worst_quantity",
        "worst_disagreement",
    ):
        if key in row and row[key] is not None:
            value = row[key]
            table.add_row(key, fmt(value) if isinstance(value, float) else str(value))
    for key, value in row.items():
        if isinstance(value, list):
            table.add_row(key, "[" + ", ".join(fmt(v) for v in value) + "]")
    return table
