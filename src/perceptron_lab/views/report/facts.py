"""A run's facts as strings: settings, metrics, verification and the step table.

Read from the trace's config.json, summary.json and step rows; nothing is recomputed.
Both the HTML report and the Jupyter display (:mod:`perceptron_lab.views.html`) show
these, so a number reads the same everywhere (:func:`~perceptron_lab.views.numbers.fmt`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..numbers import fmt, fmt_gap
from .words import report_words

Fact = tuple[str, str]  # (label, value)
VECTOR_MOST = 8  # numbers of W or B shown in one cell of the step table
MAX_ROWS = 2000  # step rows shown in full; longer runs show this many, evenly spaced


@dataclass(frozen=True)
class TableText:
    """A table of strings: its header, its rows and notes on what it leaves out."""

    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


def _options(options: Mapping[str, Any]) -> str:
    """'adam (lr=0.01, betas=[0.9, 0.999])' from {'name': …, 'lr': 0.01, 'betas': …}."""
    rest = ", ".join(f"{k}={v}" for k, v in options.items() if k != "name")
    return f"{options.get('name', '?')}" + (f" ({rest})" if rest else "")


def score_name(summary: Mapping[str, Any], steps: Sequence[Mapping[str, Any]] = ()) -> str:
    """'accuracy' or 'r2': the summary's, else the one the step rows carry."""
    if summary.get("score_name"):
        return str(summary["score_name"])
    return "r2" if steps and "r2" in steps[0] else "accuracy"


def settings(config: Mapping[str, Any], summary: Mapping[str, Any], lang: str = "en") -> list[Fact]:
    """Status, data, model, loss, optimizer, schedule, batches, seed, dtype, versions."""
    w = report_words(lang)
    cfg = config.get("config", {})
    data = config.get("data", {})
    model = config.get("model", {})
    facts: list[Fact] = [(w["status"], str(summary.get("status") or w["unknown"]))]
    if summary.get("error"):
        facts.append((w["error"], str(summary["error"])))
    name, source = str(data.get("name", "?")), str(data.get("source", ""))
    facts.append((w["data"], name if source in ("", name) else f"{name} ({source})"))
    size = f"{data.get('n_samples')} × {data.get('n_features')}"
    if data.get("test_samples"):
        size += "; " + w["held_out"].format(n=data["test_samples"])
    if cfg.get("standardize"):
        size += "; " + w["standardized"]
    facts += [(w["size"], size), (w["task"], str(data.get("task", "?")))]
    if data.get("classes"):
        facts.append((w["classes"], ", ".join(map(str, data["classes"]))))
    facts += [
        (w["model"], f"{model.get('input_size')} → {model.get('output_size')}"),
        (w["loss"], _options(config.get("loss") or {"name": cfg.get("loss", "?")})),
        (w["optimizer"], _options(config.get("optimizer") or {"name": cfg.get("optimizer")})),
        (w["schedule"], str(config.get("schedule") or w["constant"])),
        (
            w["batch_size"],
            f"{config.get('batch_size')} ("
            + w["batches"].format(n=config.get("batches_per_epoch", "?"))
            + ")",
        ),
        (w["epochs"], str(cfg.get("epochs", "?"))),
        (
            w["step_count"],
            w["of"].format(done=summary.get("steps", "?"), total=config.get("total_steps", "?")),
        ),
        (w["seed"], str(config.get("seed", cfg.get("seed", "?")))),
        (w["dtype"], str(cfg.get("dtype", "?"))),
    ]
    parent = config.get("parent")
    if parent:
        facts.append(
            (w["parent"], w["parent_value"].format(run=parent["run"], step=parent["step"]))
        )
    versions = config.get("versions", {})
    facts.append((w["versions"], ", ".join(f"{k} {v}" for k, v in versions.items())))
    facts.append((w["fingerprint"], str(data.get("fingerprint", "?"))))
    if summary.get("seconds") is not None:
        rate = summary.get("steps_per_second") or 0.0
        facts.append((w["time"], w["rate"].format(seconds=summary["seconds"], rate=rate)))
    return facts


def metrics(summary: Mapping[str, Any], lang: str = "en") -> list[Fact]:
    """The final loss and accuracy (or R²) on the training set and the held-out set."""
    w = report_words(lang)
    final = summary.get("final", {})
    score = score_name(summary)
    facts: list[Fact] = []
    for split in ("train", "test"):
        for key, label in (("loss", w["loss"]), (score, w[score])):
            value = final.get(f"{split}_{key}")
            if value is not None:
                facts.append((f"{label} ({w[split]})", fmt(float(value))))
    return facts


def history(summary: Mapping[str, Any], lang: str = "en") -> TableText:
    """One row per epoch: the loss and score on the training (and held-out) set."""
    w = report_words(lang)
    score = score_name(summary)
    epochs = summary.get("history", [])
    keys = [
        f"{split}_{key}"
        for split in ("train", "test")
        for key in ("loss", score)
        if epochs and f"{split}_{key}" in epochs[0]
    ]
    header = [w["epoch"]] + [
        f"{w[key.split('_', 1)[1]]} ({w[key.split('_', 1)[0]]})" for key in keys
    ]
    rows = [
        [str(entry["epoch"])]
        + ["—" if entry.get(k) is None else fmt(float(entry[k])) for k in keys]
        for entry in epochs
    ]
    return TableText(header, rows)


def verification(summary: Mapping[str, Any], lang: str = "en") -> list[Fact]:
    """How many steps PyTorch checked, the worst disagreement, where, and the tolerance."""
    w = report_words(lang)
    if "verified_steps" not in summary:
        return []
    worst, tol = summary.get("worst_disagreement"), summary.get("tolerance")
    within = worst is not None and tol is not None and worst <= tol
    return [
        (
            w["verified_steps"],
            w[
                "verified_all" if summary.get("verify_every") in (1, None) else "verified_value"
            ].format(
                n=summary["verified_steps"],
                total=summary.get("steps", "?"),
                every=summary.get("verify_every", "?"),
            ),
        ),
        (w["worst"], fmt_gap(worst)),
        (w["quantity"], str(summary.get("worst_quantity") or "—")),
        (w["step"], str(summary.get("worst_step", "—"))),
        (w["tolerance"], "—" if tol is None else f"{tol:.0e}"),
        (w["within"], w["yes"] if within else w["no"]),
    ]


def vector(values: Sequence[float], most: int = VECTOR_MOST) -> str:
    """'[0.5008, -0.2984]'; a longer vector shows its first ``most`` numbers and '…, +n'."""
    shown = [fmt(float(v)) for v in values[:most]]
    if len(values) > most:
        shown.append(f"… +{len(values) - most}")
    return "[" + ", ".join(shown) + "]"


def step_header(score: str, lang: str = "en") -> list[str]:
    """The step table's column names."""
    w = report_words(lang)
    keys = ("step", "epoch", "lr", "loss", score, "grad_norm", "verified", "worst")
    return [w[k] for k in keys] + [w["W_after"], w["B_after"]]


def step_cells(row: Mapping[str, Any], score: str, lang: str = "en") -> list[str]:
    """One step row as strings, in :func:`step_header`'s order."""
    w = report_words(lang)

    def number(key: str) -> str:
        value = row.get(key)
        return "—" if value is None else fmt(float(value))

    gap = row.get("worst_disagreement")
    worst = fmt_gap(gap) + (
        f" ({row['worst_quantity']})" if gap and row.get("worst_quantity") else ""
    )
    return [
        str(row["step"]),
        str(row["epoch"]),
        number("lr"),
        number("loss"),
        number(score),
        number("grad_norm"),
        w["yes"] if row.get("verified") else w["no"],
        worst,
        vector(row["W_after"]),
        vector(row["B_after"]),
    ]


def spread(n: int, limit: int) -> list[int]:
    """Indices of ``limit`` rows out of ``n``, evenly spaced, the first and the last among them."""
    if n <= limit:
        return list(range(n))
    return [i * (n - 1) // (limit - 1) for i in range(limit)]


def step_table(
    steps: Sequence[Mapping[str, Any]],
    summary: Mapping[str, Any],
    lang: str = "en",
    limit: int = MAX_ROWS,
) -> TableText:
    """Every step's numbers (at most ``limit`` rows, evenly spaced, with a note if fewer)."""
    w = report_words(lang)
    score = score_name(summary, steps)
    picked = spread(len(steps), limit)
    notes = []
    if len(picked) < len(steps):
        notes.append(w["sampled"].format(total=len(steps), shown=len(picked)))
    if steps and len(steps[0]["W_after"]) > VECTOR_MOST:
        notes.append(w["vector_cut"].format(n=VECTOR_MOST))
    rows = [step_cells(steps[i], score, lang) for i in picked]
    return TableText(step_header(score, lang), rows, notes)
