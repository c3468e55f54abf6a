"""A run's facts as strings: settings, metrics, verification and the step table.

Read from the trace (its manifest, summary and step rows); nothing is recomputed.
Both the HTML report and the Jupyter display (:mod:`perceptron_lab.views.html`) show
these, so a number reads the same everywhere (:func:`~perceptron_lab.views.numbers.fmt`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...engine.run_files import Named
from ...engine.trace import Trace
from ..coefficients import class_mapping, final_weights
from ..i18n import Words, value_word
from ..numbers import fmt, fmt_gap
from ..run_summary import verify_schedule

Fact = tuple[str, str]  # (label, value)
VECTOR_MOST = 8  # numbers of W or B shown in one cell of the step table
MAX_ROWS = 2000  # step rows shown in full; longer runs show this many, evenly spaced


@dataclass(frozen=True)
class TableText:
    """A table of strings: its header, its rows and notes on what it leaves out."""

    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


def _named(named: Named) -> str:
    """'adam (lr=0.01, betas=[0.9, 0.999])'."""
    rest = ", ".join(f"{k}={v}" for k, v in named.options.items())
    return named.name + (f" ({rest})" if rest else "")


def settings(trace: Trace, lang: str = "en") -> list[Fact]:
    """Status, data, model, loss, optimizer, schedule, batches, seed, dtype, versions."""
    w = Words(lang, "report")
    m, summary = trace.manifest, trace.summary
    data = m.data
    status = value_word("status", summary.status, lang) if summary else w("unknown")
    facts: list[Fact] = [(w("status"), status)]
    if summary and summary.error:
        facts.append((w("error"), summary.error))
    source = str(data.recipe.get("source", ""))
    facts.append((w("data"), data.name if source in ("", data.name) else f"{data.name} ({source})"))
    size = f"{data.n_samples} × {data.n_features}" if data.n_features else w("not_recorded")
    if data.test_samples:
        size += "; " + w("held_out", n=data.test_samples)
    if m.config.standardize:
        size += "; " + w("standardized")
    facts += [(w("size"), size), (w("task"), value_word("task", str(data.task), lang))]
    if data.classes:
        facts.append((w("classes"), class_mapping(data.classes, lang)))
    done = summary.steps if summary else (int(trace.steps[-1]["step"]) if trace.steps else 0)
    facts += [
        (w("model"), _model(trace, w)),
        (w("loss"), _named(m.loss)),
        (w("optimizer"), _named(m.optimizer)),
        (w("schedule"), m.schedule or w("constant")),
        (
            w("batch_size"),
            f"{m.batch_size}"
            + (f" ({w('batches', n=m.batches_per_epoch)})" if m.batches_per_epoch else ""),
        ),
        (w("epochs"), str(m.config.epochs)),
        (w("step_count"), w("of", done=done, total=m.total_steps)),
        (w("seed"), str(m.seed)),
        (w("dtype"), m.config.dtype),
    ]
    if m.parent is not None:
        facts.append((w("parent"), w("parent_value", run=m.parent.run, step=m.parent.step)))
    facts.append((w("versions"), ", ".join(f"{k} {v}" for k, v in m.versions.items())))
    facts.append((w("fingerprint"), data.fingerprint))
    if summary is not None:
        rate = summary.steps_per_second or 0.0
        facts.append((w("time"), w("rate", seconds=summary.seconds, rate=rate)))
    return facts


def _model(trace: Trace, w: Words) -> str:
    """d → k for one layer; a watched model of another kind by its parameters."""
    m = trace.manifest
    if m.input_size is not None or not m.parameters:
        return f"{m.input_size} → {m.output_size}"
    count = sum(math.prod(shape) for _, shape in m.parameters)
    names = ", ".join(f"{name} {tuple(shape)}" for name, shape in m.parameters)
    kind = (m.watch or {}).get("model", "")
    return w("model_params", model=kind, count=count, names=names)


def metrics(trace: Trace, lang: str = "en") -> list[Fact]:
    """The final loss and accuracy (or R²) on the training set and the held-out set."""
    w = Words(lang, "report")
    final = trace.summary.final if trace.summary else {}
    score = trace.score_name
    facts: list[Fact] = []
    for split in ("train", "test"):
        for key, label in (("loss", w("loss")), (score, w(score))):
            value = final.get(f"{split}_{key}")
            if value is not None:
                facts.append((f"{label} ({w(split)})", fmt(float(value))))
    weights = final_weights(trace, lang)
    if weights is not None:
        facts.append((Words(lang, "evaluate")("weights"), weights))
    return facts


def history(trace: Trace, lang: str = "en") -> TableText:
    """One row per epoch: the loss and score on the training (and held-out) set."""
    w = Words(lang, "report")
    score = trace.score_name
    epochs = trace.history
    keys = [
        f"{split}_{key}"
        for split in ("train", "test")
        for key in ("loss", score)
        if epochs and f"{split}_{key}" in epochs[0]
    ]
    header = [w("epoch")] + [
        f"{w(key.split('_', 1)[1])} ({w(key.split('_', 1)[0])})" for key in keys
    ]
    rows = [
        [str(entry["epoch"])]
        + ["—" if _missing(entry.get(k)) else fmt(float(entry[k])) for k in keys]
        for entry in epochs
    ]
    return TableText(header, rows)


def _missing(value: Any) -> bool:
    """Not known: None, or NaN (a watched step's accuracy where no one layer gives it)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def verification(trace: Trace, lang: str = "en") -> list[Fact]:
    """How many steps PyTorch checked, the worst disagreement, where, and the tolerance."""
    w = Words(lang, "report")
    seen = trace.verification()
    summary = trace.summary
    kind, every, steps = verify_schedule(trace, seen.verified)
    tol = summary.tolerance if summary else None
    within = tol is not None and seen.worst <= tol
    key = {"every": "verified_all", "kth": "verified_value", "budget": "verified_budget"}[kind]
    return [
        (w("verified_steps"), w(key, n=seen.verified, total=steps, every=every)),
        (w("worst"), fmt_gap(seen.worst)),
        (w("quantity"), value_word("q", seen.quantity, lang) if seen.quantity else "—"),
        (w("step"), str(seen.step) if seen.quantity else "—"),
        (w("tolerance"), "—" if tol is None else f"{tol:.0e}"),
        (w("within"), w("yes") if within else w("no")),
    ]


def vector(values: Sequence[float], most: int = VECTOR_MOST) -> str:
    """'[0.5008, -0.2984]'; a longer vector shows its first ``most`` numbers and '…, +n'."""
    shown = [fmt(float(v)) for v in values[:most]]
    if len(values) > most:
        shown.append(f"… +{len(values) - most}")
    return "[" + ", ".join(shown) + "]"


def step_header(score: str, lang: str = "en") -> list[str]:
    """The step table's column names."""
    w = Words(lang, "report")
    keys = ("step", "epoch", "lr", "loss", score, "grad_norm", "verified", "worst")
    return [w(k) for k in keys] + [w("W_after"), w("B_after")]


def step_cells(row: Mapping[str, Any], score: str, lang: str = "en") -> list[str]:
    """One step row as strings, in :func:`step_header`'s order."""
    w = Words(lang, "report")

    def number(key: str) -> str:
        value = row.get(key)
        return "—" if value is None else fmt(float(value))

    gap = row.get("worst_disagreement")
    name = row.get("worst_quantity")
    worst = fmt_gap(gap) + (f" ({value_word('q', name, lang)})" if gap and name else "")
    return [
        str(row["step"]),
        str(row["epoch"]),
        number("lr"),
        number("loss"),
        number(score),
        number("grad_norm"),
        w("yes") if row.get("verified") else w("no"),
        worst,
        vector(row["W_after"]),
        # a watched model other than one nn.Linear: W_after holds every parameter, no B
        "—" if row.get("B_after") is None else vector(row["B_after"]),
    ]


def spread(n: int, limit: int) -> list[int]:
    """Indices of ``limit`` rows out of ``n``, evenly spaced, the first and the last among them."""
    if n <= limit:
        return list(range(n))
    return [i * (n - 1) // (limit - 1) for i in range(limit)]


def step_table(trace: Trace, lang: str = "en", limit: int = MAX_ROWS) -> TableText:
    """Every step's numbers (at most ``limit`` rows, evenly spaced, with a note if fewer)."""
    w = Words(lang, "report")
    steps = trace.steps
    score = trace.score_name
    picked = spread(len(steps), limit)
    notes = []
    if len(picked) < len(steps):
        notes.append(w("sampled", total=len(steps), shown=len(picked)))
    if steps and len(steps[0]["W_after"]) > VECTOR_MOST:
        notes.append(w("vector_cut", n=VECTOR_MOST))
    rows = [step_cells(steps[i], score, lang) for i in picked]
    return TableText(step_header(score, lang), rows, notes)
