"""Everything the report's template shows, gathered from a :class:`Trace`.

The settings, metrics, per-epoch history and verification come from config.json and
summary.json; the step table from the step rows; the plots from
:mod:`perceptron_lab.views.plots`; the worked first and last steps from
:mod:`perceptron_lab.views.explain` on the steps replayed in full
(:func:`~perceptron_lab.engine.replay.replay_step`).
"""

from __future__ import annotations

from typing import Any

from ... import __version__
from ...engine.trace import Trace
from ...errors import InputError
from .. import katex
from ..i18n import Words
from . import facts
from .branch import branch
from .figures import pictures


def explained_steps(trace: Trace, lang: str = "en") -> tuple[str, list[str]]:
    """The worked solutions of the run's first and last steps as one HTML fragment.

    Returns ("", [why]) when the steps cannot be replayed (e.g. the data file moved).
    """
    from ...engine.replay import replay_step
    from ..explain import explain_steps, step_context

    w = Words(lang, "report")
    if not trace.steps:
        return "", [w("no_steps")]
    ends = sorted({int(trace.steps[0]["step"]), int(trace.steps[-1]["step"])})
    try:
        records = [replay_step(trace, n) for n in ends]
    except InputError as exc:
        return "", [w("failed", what=w("explanations"), error=exc)]
    contexts = [step_context(trace, n) for n in ends]
    return explain_steps(records, lang, "html", contexts), []


def report_context(trace: Trace, lang: str = "en") -> dict[str, Any]:
    """The template's variables for the report of ``trace`` in ``lang`` ('en' or 'es')."""
    from markupsafe import Markup

    w = Words(lang, "report")
    name = trace.manifest.data.name
    figures, figure_notes = pictures(trace, lang)
    explanation, explanation_notes = explained_steps(trace, lang)
    source = str(trace.path) if trace.path is not None else name
    return {
        "lang": lang,
        "w": w,
        "title": f"{w('title')} — {name}",
        "made_by": w("made_by", version=__version__, source=source),
        "settings": facts.settings(trace, lang),
        "branch": branch(trace, lang),
        "d": Words(lang, "documents"),
        "metrics": facts.metrics(trace, lang),
        "history": facts.history(trace, lang),
        "verification": facts.verification(trace, lang),
        "pictures": figures,
        "picture_notes": figure_notes,
        # explain's HTML renderer escapes every piece of text it writes
        "explanation": Markup(explanation),
        "explanation_notes": explanation_notes,
        "steps": facts.step_table(trace, lang),
        # KaTeX, inlined (fonts as data: URLs): the page typesets its math offline
        "katex_style": Markup(katex.style()),
        "katex_script": Markup(katex.script()),
    }
