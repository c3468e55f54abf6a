"""The run report: one self-contained HTML file of a run, in English or Spanish.

It holds the run's settings and data, its metrics and per-epoch history, the
verification against PyTorch, the plots that apply, the worked solutions of the first
and the last step, and every step's numbers. Nothing in it is fetched from a network.

>>> from perceptron_lab.views.report import write_report
>>> write_report("runs/moons", "runs/moons/report.html", lang="es")  # doctest: +SKIP
"""

from __future__ import annotations

from .context import report_context
from .render import render_report, write_report

__all__ = ["render_report", "report_context", "write_report"]
