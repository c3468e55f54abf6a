"""The report as one self-contained HTML page, rendered with jinja2 (autoescaped).

Self-contained: styles sit in ``<style>`` elements, plots are PNG ``data:`` URIs, KaTeX's
script is inline and its fonts are woff2 ``data:`` URLs (it typesets the math on load,
``templates/typeset.js``), and nothing is fetched — no scripts, fonts or stylesheets
from anywhere. The file is
written atomically (a temporary name in the same folder, then ``os.replace``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ...engine.atomic import write_text_atomic
from ...engine.trace import Trace
from ..i18n import check_language
from .context import report_context

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATE = "report.html.j2"


@cache
def environment() -> Environment:
    """The jinja2 environment of the templates shipped in ``report/templates/``."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("perceptron_lab.views.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report(source: Trace | str | Path, lang: str = "en") -> str:
    """The report of a run (a :class:`Trace` or its directory) as one HTML document."""
    from ...engine.run_data import check_data
    from ...extras import require

    require("report", "the report", "jinja2", "matplotlib")  # before any work
    check_language(lang)  # a bad language fails before any work
    trace = source if isinstance(source, Trace) else Trace.load(source)
    check_data(trace)  # changed data is refused: the replayed steps and plots would be wrong
    return environment().get_template(TEMPLATE).render(report_context(trace, lang))


def write_report(source: Trace | str | Path, path: str | Path, lang: str = "en") -> Path:
    """Write the report of a run to ``path``, atomically; returns the path."""
    target = Path(path)
    write_text_atomic(target, render_report(source, lang))
    return target
