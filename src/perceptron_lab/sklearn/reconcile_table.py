"""perceptron-lab beside scikit-learn as terminal tables. Reads a Comparison; computes nothing."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..views.numbers import fmt, fmt_gap
from .reconcile import Comparison


def _number(value: float | None) -> str:
    return "—" if value is None else fmt(value)


def _signed_gap(value: float | None) -> str:
    """A difference ours − theirs: its sign kept, '0' when equal."""
    if value is None:
        return "—"
    return "0" if value == 0 else f"{value:+.1e}"


def header(c: Comparison) -> Text:
    """Dataset, size, classes and the penalty every matched model minimizes."""
    penalty = (
        f"L2 penalty C = {c.C:g} ↔ weight decay λ = 1/(C·N) = {c.weight_decay:.4e} on W only"
        if c.C is not None
        else "no penalty (C = inf, λ = 0)"
    )
    return Text(
        f"{c.dataset}: {c.n_samples} samples × {c.n_features} standardized features, "
        f"classes {', '.join(c.classes)} · {penalty}",
        style="bold",
    )


def settings_table(c: Comparison) -> Table:
    """Each setting that makes results differ: theirs, ours, and what matches them."""
    table = Table(title="settings that make results differ", title_justify="left")
    table.add_column("model")
    table.add_column("setting")
    table.add_column("scikit-learn")
    table.add_column("perceptron-lab")
    table.add_column("to match them")
    for s in c.settings:
        table.add_row(
            s.model, Text(s.name) + Text(f"\n{s.why}", style="dim"), s.theirs, s.ours, s.matched
        )
    return table


def fits_table(c: Comparison) -> Table:
    """Each fit on the data it was fit on: loss, penalized objective, accuracy, ‖W‖."""
    table = Table(title="fits", title_justify="left")
    table.add_column("model")
    table.add_column("settings")
    for name in ("loss", "objective", "accuracy", "‖W‖", "iterations"):
        table.add_column(name, justify="right")
    for f in c.fits:
        table.add_row(
            f.name,
            f.settings,
            _number(f.loss),
            _number(f.objective),
            fmt(f.accuracy),
            fmt(f.coef_norm),
            str(f.n_iter),
        )
    return table


def gaps_table(c: Comparison) -> Table:
    """perceptron-lab minus each scikit-learn fit."""
    table = Table(title="perceptron-lab minus scikit-learn", title_justify="left")
    table.add_column("compared with")
    for name in ("max |ΔW|", "relative", "max |ΔB|", "Δ loss", "Δ accuracy"):
        table.add_column(name, justify="right")
    for g in c.gaps:
        table.add_row(
            g.reference,
            fmt_gap(g.coef_max_abs),
            fmt_gap(g.coef_relative),
            fmt_gap(g.intercept_max_abs),
            _signed_gap(g.loss),
            _signed_gap(g.accuracy),
        )
    return table


def norms_table(c: Comparison) -> Table:
    """‖W‖ of perceptron-lab's run after chosen epochs."""
    table = Table(title="perceptron-lab's ‖W‖ by epoch", title_justify="left")
    table.add_column("epoch", justify="right")
    table.add_column("‖W‖", justify="right")
    for epoch, norm in c.norms:
        table.add_row(str(epoch), fmt(norm))
    return table


def comparison_view(c: Comparison) -> Group:
    """Everything, in reading order; ‖W‖ by epoch when there is no penalty."""
    parts: list[Text | Table] = [header(c), settings_table(c), fits_table(c), gaps_table(c)]
    if c.penalty == "none":
        parts.append(norms_table(c))
    parts += [Text(f"warning: {w}", style="yellow") for w in c.warnings]
    return Group(*parts)
