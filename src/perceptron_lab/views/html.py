"""StepRecords and Traces as HTML tables, for Jupyter's rich display (``_repr_html_``).

A step: each quantity by its formula and by PyTorch, with their disagreement (as
:mod:`perceptron_lab.views.step_table` prints it in a terminal). A run: its settings,
metrics and verification, and the first and last rows of its step table. Every piece
of text is escaped; numbers are written with :func:`~perceptron_lab.views.numbers.fmt`.
The language is ``lang``, else :func:`perceptron_lab.set_language`'s, else the locale's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..core.observed_step import StepRecord
from ..engine.trace import Trace
from .escape import html as escape
from .i18n import Words, default_language
from .numbers import fmt_gap, fmt_tensor
from .report import facts

HEAD = 5  # first step rows a Trace shows
TAIL = 5  # last step rows a Trace shows


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table of escaped strings, each cell in ``<code>`` (numbers in monospace)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td><code>{escape(c)}</code></td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _facts(rows: Iterable[tuple[str, str]]) -> str:
    """Label-value rows."""
    body = "".join(
        f"<tr><th>{escape(label)}</th><td><code>{escape(value)}</code></td></tr>"
        for label, value in rows
    )
    return f"<table><tbody>{body}</tbody></table>"


def step_record_html(record: StepRecord, lang: str | None = None) -> str:
    """One step: W and B before it, then every quantity by formula, by PyTorch, and their gap."""
    lang = lang or default_language()
    rw = Words(lang, "report")  # checks the language
    w = Words(lang, "demo")
    opts = ", ".join(f"{k}={v}" for k, v in record.rule_options.items() if k != "lr")
    title = (
        f"{rw('step')} {record.step} · {record.loss_name} · {record.rule_name} "
        f"(lr={record.lr:g}{', ' + opts if opts else ''})"
    )
    rows = [["W", fmt_tensor(record.W), "", ""], ["B", fmt_tensor(record.B), "", ""]]
    for name, twin in record.twins():
        other = fmt_tensor(twin.torch) if twin.torch is not None else "—"
        rows.append([name, fmt_tensor(twin.closed), other, fmt_gap(twin.disagreement)])
    name, gap = record.worst
    if not record.verified:
        verdict = rw("not_verified")
    elif gap > record.tolerance:
        verdict = rw("over", gap=fmt_gap(gap), name=name, tol=record.tolerance)
    else:
        verdict = w("verified", gap=fmt_gap(gap), name=name)
    table = _table([w("quantity"), w("by_hand"), w("by_torch"), w("gap")], rows)
    return (
        f'<div class="perceptron-lab step" lang="{lang}"><strong>{escape(title)}</strong>'
        f"{table}<p>{escape(verdict)}</p></div>"
    )


def trace_html(trace: Trace, lang: str | None = None) -> str:
    """A run: settings, metrics and verification, then the first and last step rows."""
    lang = lang or default_language()
    rw = Words(lang, "report")
    score = trace.score_name
    n = len(trace.steps)
    picked = list(range(n)) if n <= HEAD + TAIL else [*range(HEAD), *range(n - TAIL, n)]
    rows = [facts.step_cells(trace.steps[i], score, lang) for i in picked]
    header = facts.step_header(score, lang)
    note = ""
    if len(picked) < n:
        rows.insert(HEAD, ["…"] * len(header))
        note = f"<p>{escape(rw('first_last', head=HEAD, tail=TAIL, total=n))}</p>"
    summary = [
        *facts.settings(trace, lang),
        *facts.metrics(trace, lang),
        *facts.verification(trace, lang),
    ]
    title = f"{rw('run')} — {trace.manifest.data.name}" + (
        f" ({trace.path})" if trace.path is not None else ""
    )
    return (
        f'<div class="perceptron-lab trace" lang="{lang}"><strong>{escape(title)}</strong>'
        f"{_facts(summary)}{note}{_table(header, rows)}</div>"
    )
