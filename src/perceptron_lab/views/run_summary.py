"""A run's summary and one step's numbers as terminal tables. Reads the trace only.

Every word comes from the catalog's "terminal" section; a cell holding the user's text
(the data's name, a path, an error that quotes a column) is shown as typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..engine.trace import Trace
from .advice import advice_text
from .coefficients import class_mapping, final_weights
from .fitted_table import FittedTable
from .i18n import Words, value_word
from .numbers import fmt, fmt_gap, fmt_values

# a step row's scalars, in the order shown: each labelled by the catalog's "row_<key>"
STEP_SCALARS = (
    "n_samples",
    "lr",
    "loss",
    "accuracy",
    "r2",
    "grad_norm",
    "verified",
    "worst_quantity",
    "worst_disagreement",
)


def _metric(value: Any) -> str:
    return "—" if value is None else fmt(float(value))


def task_word(task: str | None, lang: str) -> str:
    """A task in words: binary → 'clasificación binaria'; none (a watched loop's) '—'."""
    return "—" if task is None else value_word("task", task, lang)


def score_word(name: str, w: Words) -> str:
    """A score's name in words: accuracy → 'exactitud'."""
    return w.or_else("score_" + name, name)


def verify_schedule(trace: Trace, verified: int) -> tuple[str, int | None, int]:
    """Which steps of ``trace`` were verified, as a kind, K and the steps of the run:
    "kth" (the first, the last and every K-th), "budget" (a watched loop's: the first,
    any suspect one and those its time budget allowed, K = 1 but fewer than all) or
    "every"."""
    summary = trace.summary
    every = summary.verify_every if summary else trace.manifest.verify_every
    steps = summary.steps if summary else len(trace.steps)
    if every not in (1, None):
        return "kth", every, steps
    return ("budget" if verified < steps else "every"), every, steps


def summary_table(trace: Trace, lang: str) -> FittedTable:
    """Status, data, settings, metrics, verification and time; an unfinished run says so."""
    w = Words(lang, "terminal")
    m, summary = trace.manifest, trace.summary
    rows: list[tuple[str, str]] = [
        (w("status"), value_word("status", summary.status, lang) if summary else w("unfinished"))
    ]
    if summary and summary.error:
        rows.append((w("error"), summary.error))
    data = m.data
    test = data.test_samples
    rows.append(
        (
            w("data"),
            w(
                "data_line",
                name=data.name,
                n=data.n_samples,
                d=data.n_features,
                task=task_word(data.task, lang),
            )
            + (w("held_out", n=test) if test else ""),
        )
    )
    rows.append(
        (
            w("model"),
            w(
                "model_line",
                inputs=m.input_size,
                outputs=m.output_size,
                loss=m.loss.name,
                rule=m.optimizer.name,
                lr=m.optimizer.options.get("lr", m.config.lr),
            )
            + (w("schedule_line", schedule=m.schedule) if m.schedule else ""),
        )
    )
    if data.classes:
        rows.append((Words(lang, "evaluate")("classes"), class_mapping(data.classes, lang)))
    weights = final_weights(trace, lang)
    if weights is not None:
        rows.append((Words(lang, "evaluate")("weights"), weights))
    done = summary.steps if summary else (trace.steps[-1]["step"] if trace.steps else 0)
    rows.append(
        (
            w("steps"),
            w(
                "steps_line",
                done=done,
                total=m.total_steps,
                batch=m.batch_size,
                epochs=m.config.epochs,
                seed=m.seed,
            ),
        )
    )
    name = trace.score_name
    score = score_word(name, w)
    final = summary.final if summary else (trace.history[-1] if trace.history else {})
    for side in ("train", "test"):
        if f"{side}_loss" in final:
            rows.append(
                (
                    w(side),
                    w(
                        "metrics_after",
                        loss=_metric(final[f"{side}_loss"]),
                        score=score,
                        value=_metric(final[f"{side}_{name}"]),
                    ),
                )
            )
    if summary is None and trace.steps:
        last = trace.steps[-1]
        rows.append(
            (
                w("last_step"),
                w(
                    "metrics_before",
                    loss=_metric(last["loss"]),
                    score=score,
                    value=_metric(last[name]),
                ),
            )
        )
    for advice in (summary.advice or ()) if summary else ():
        rows.append((w("warning_row"), advice_text(advice, lang)))  # measured cause and fix
    seen = trace.verification()
    kind, every, steps = verify_schedule(trace, seen.verified)
    if kind == "kth":
        schedule = w("every_kth", k=every)
    elif kind == "budget":
        schedule = w("within_budget", steps=steps)
    else:
        schedule = w("every_step")
    rows.append(
        (
            w("verified"),
            w(
                "verified_line",
                n=seen.verified,
                schedule=schedule,
                gap=fmt_gap(seen.worst),
                quantity=seen.quantity or "—",
                step=seen.step,
            )
            + (w("tolerance_line", tolerance=f"{summary.tolerance:.0e}") if summary else "")
            + (
                w(
                    "parallel_line",
                    world=summary.parallel["world"],
                    backend=summary.parallel["backend"],
                )
                if summary and summary.parallel
                else ""
            ),
        )
    )
    if summary is not None:
        rate = summary.steps_per_second
        rows.append(
            (
                w("time"),
                w("seconds", s=f"{summary.seconds:.2f}")
                + (w("rate_line", rate=f"{rate:,.0f}") if rate else ""),
            )
        )
    elif trace.path is not None:
        rows.append((w("resume"), f"perceptron-lab train --resume {trace.path}"))
    return FittedTable(w("summary_title"), ("", ""), rows, show_header=False)


def step_row_table(row: Mapping[str, Any], lang: str, full: bool = False) -> FittedTable:
    """One step of the trace: its scalars, then each vector (summarized unless ``full``)."""
    w = Words(lang, "terminal")
    rows: list[tuple[str, str]] = []
    for key in STEP_SCALARS:
        value = row.get(key)
        if value is None:
            continue
        if isinstance(value, bool):
            text = w("yes") if value else w("no")
        else:
            text = fmt(value) if isinstance(value, float) else str(value)
        rows.append((w("row_" + key), text))
    for key, value in row.items():
        if isinstance(value, list):
            rows.append((key, fmt_values(value, lang, full)))
    title = w("step_title", step=row["step"], epoch=row["epoch"], batch=row["batch"])
    return FittedTable(title, (w("quantity"), w("value")), rows)
