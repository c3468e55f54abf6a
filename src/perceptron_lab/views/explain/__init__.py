"""Worked explanations of a training step, in English or Spanish.

The worked solution of one :class:`~perceptron_lab.core.observed_step.StepRecord`, in order: the
forward pass Z = XW + B with its shapes, the activation, the loss per sample and
reduced, dL/dZ, dL/dW and dL/dB by the chain rule, and the update rule with its
hyper-parameters and optimizer state — each as formula, then the formula with the
numbers put in, then the result beside PyTorch's value and their disagreement.
float32 surprises (the notebook's −2.2352e-08 for a logit that is 0 in exact
arithmetic) are explained where they occur.

Formats: ``markdown`` ($…$ math), ``latex`` (a whole document, or with
``standalone=False`` a body), ``beamer`` (a whole Beamer deck for pdflatex: a title
slide, one slide per derivation, a verification slide), ``html`` (a plain fragment,
formulas as Unicode text), and the terminal through :func:`explain_terminal`, which
returns a rich renderable.

>>> from perceptron_lab.observe import observe
>>> record = observe([[1, 2], [3, 4], [5, 6]], [1, 0, 1], [[0.5], [-0.3]], [0.1])[0]
>>> "0.6591" in explain(record, lang="es")
True
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Group

from ...core.observed_step import StepRecord
from ...engine.trace import Trace
from ...errors import InputError
from . import render_beamer, render_html, render_latex, render_markdown, render_terminal
from .board import StepContext
from .build import build
from .solution import Derivation, Explanation, Quantity, Section

FORMATS = ("markdown", "latex", "html", "beamer")


def explain_steps(
    records: Sequence[StepRecord],
    lang: str = "en",
    fmt: str = "markdown",
    contexts: Sequence[StepContext | None] | None = None,
    *,
    standalone: bool = True,
) -> str:
    """The worked solutions of ``records``, one after another, as one text in ``fmt``.

    ``fmt`` is one of :data:`FORMATS`: ``markdown``, ``latex``, ``beamer`` (one deck, each
    step's slides after the last's) or ``html``. ``contexts`` (one per record) adds what a
    record does not keep: the rule's step t, whether B was decayed, the epoch and batch.
    ``standalone`` (LaTeX only): a whole document rather than a body; a deck is always whole.
    """
    if fmt not in FORMATS:
        raise InputError("fmt", f"one of {', '.join(FORMATS)}", repr(fmt))
    contexts = list(contexts) if contexts is not None else [None] * len(records)
    expls = [build(r, lang, c) for r, c in zip(records, contexts, strict=True)]
    if fmt == "latex":
        bodies = [render_latex.body(e) for e in expls]
        return render_latex.document(bodies) if standalone else "\n".join(bodies)
    if fmt == "beamer":
        return render_beamer.document(expls)
    if fmt == "html":
        return "".join(render_html.render(e) for e in expls)
    return "\n---\n\n".join(render_markdown.render(e) for e in expls)


def explain(
    record: StepRecord,
    lang: str = "en",
    fmt: str = "markdown",
    *,
    context: StepContext | None = None,
    standalone: bool = True,
) -> str:
    """The worked solution of one step as Markdown, LaTeX, a Beamer deck or an HTML fragment."""
    return explain_steps([record], lang, fmt, [context], standalone=standalone)


def explain_terminal(
    record: StepRecord, lang: str = "en", *, context: StepContext | None = None
) -> Group:
    """The worked solution of one step as a rich renderable (``Console().print`` it)."""
    return render_terminal.render(build(record, lang, context))


def step_context(trace: Trace, step: int) -> StepContext:
    """What step ``step`` of a run adds to its record: rule step, bias decay, epoch, batch."""
    row = trace.step(step)  # an InputError names the steps there are

    def whole(value: Any, plus: int = 0) -> int | None:
        return None if value is None else int(value) + plus

    # a watched run (the user's own loop) may lack what the trainer writes
    return StepContext(
        rule_step=whole(row.get("rule_step")),
        decay_bias=trace.manifest.config.decay_bias,
        epoch=whole(row.get("epoch")),
        batch=whole(row.get("batch"), 1),  # the trace counts batches from 0
        batches=trace.manifest.batches_per_epoch,
        classes=trace.manifest.data.classes,
        feature_names=trace.manifest.data.feature_names,
    )


def load_run_step(run_dir: str | Path, step: int) -> tuple[StepRecord, StepContext]:
    """Step ``step`` (1-based) of a run directory, replayed in full, with its context."""
    from ...engine.replay import replay_step

    trace = Trace.load(run_dir)
    context = step_context(trace, step)
    return replay_step(trace, step), context


def explain_run_step(
    run_dir: str | Path,
    step: int,
    lang: str = "en",
    fmt: str = "markdown",
    *,
    standalone: bool = True,
) -> str:
    """The worked solution of step ``step`` of a recorded run."""
    record, context = load_run_step(run_dir, step)
    return explain(record, lang, fmt, context=context, standalone=standalone)


__all__ = [
    "FORMATS",
    "Derivation",
    "Explanation",
    "Quantity",
    "Section",
    "StepContext",
    "build",
    "explain",
    "explain_run_step",
    "explain_steps",
    "explain_terminal",
    "load_run_step",
    "step_context",
]
