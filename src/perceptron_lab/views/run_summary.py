"""A run's summary and one step's numbers as terminal tables. Reads the trace only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table

from .numbers import fmt, fmt_gap


def _metric(value: Any) -> str:
    return "—" if value is None else fmt(float(value))


def _schedule(every: Any) -> str:
    """'every step', or 'the first, the last and every K-th'."""
    return "every step" if every in (1, None) else f"the first, the last and every {every}th"


def summary_table(config: Mapping[str, Any], summary: Mapping[str, Any]) -> Table:
    """Status, data, settings, metrics, verification and time."""
    cfg = config.get("config", {})
    data = config.get("data", {})
    table = Table(title="run summary", title_justify="left", title_style="bold", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    table.add_row("status", str(summary.get("status", "running or killed")))
    if summary.get("error"):
        table.add_row("error", str(summary["error"]))
    test = data.get("test_samples", 0)
    table.add_row(
        "data",
        f"{data.get('name')} — {data.get('n_samples')} samples × "
        f"{data.get('n_features')} features ({data.get('task')})"
        + (f", {test} held out for test" if test else ""),
    )
    loss = config.get("loss", {})
    opt = config.get("optimizer", {})
    table.add_row(
        "model",
        f"{config.get('model', {}).get('input_size')} → "
        f"{config.get('model', {}).get('output_size')} · loss {loss.get('name')} · "
        f"{opt.get('name')} (lr {opt.get('lr')})"
        + (f" · schedule {config['schedule']}" if config.get("schedule") else ""),
    )
    table.add_row(
        "steps",
        f"{summary.get('steps')} of {summary.get('total_steps')} "
        f"(batch size {config.get('batch_size')}, {cfg.get('epochs')} epochs, "
        f"seed {config.get('seed')})",
    )
    final = summary.get("final", {})
    name = summary.get("score_name", "accuracy")
    table.add_row(
        "train",
        f"loss {_metric(final.get('train_loss'))} · {name} {_metric(final.get(f'train_{name}'))}",
    )
    if "test_loss" in final:
        table.add_row(
            "test",
            f"loss {_metric(final.get('test_loss'))} · {name} {_metric(final.get(f'test_{name}'))}",
        )
    table.add_row(
        "verified",
        f"{summary.get('verified_steps')} steps ({_schedule(summary.get('verify_every'))})"
        " · worst disagreement "
        f"{fmt_gap(summary.get('worst_disagreement'))} ({summary.get('worst_quantity') or '—'}"
        f", step {summary.get('worst_step')}) · tolerance {summary.get('tolerance'):.0e}",
    )
    seconds = summary.get("seconds") or 0.0
    rate = summary.get("steps_per_second")
    table.add_row("time", f"{seconds:.2f} s" + (f" · {rate:,.0f} steps/s" if rate else ""))
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
