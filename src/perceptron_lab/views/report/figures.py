"""The plots that apply to a run, as PNG data: URIs to embed in one self-contained page.

Every run gets its loss curve and its gradient norms with the verification disagreement.
Runs whose data can be reloaded by recipe get the loss surface over θ[0], θ[1]; a
classifier of 2 features also gets its decision boundary and the attribution of step 1
(each sample's term of dL/dW). The plots themselves live in :mod:`perceptron_lab.views.plots`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from ...engine.trace import Trace
from ...errors import InputError
from ..i18n import Words, value_word


@dataclass(frozen=True)
class Picture:
    """One embedded plot."""

    key: str  # loss, gradients, boundary, attribution, surface
    title: str
    uri: str  # data:image/png;base64,…


def data_uri(png: bytes) -> str:
    """PNG bytes as a data: URI."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def in_plane(trace: Trace) -> bool:
    """Whether the run is a classifier of 2 features (what boundary and attribution draw)."""
    from ..analysis.plane import check_plane

    try:
        check_plane(trace)
    except InputError:
        return False
    return True


def pictures(trace: Trace, lang: str = "en") -> tuple[list[Picture], list[str]]:
    """The plots that apply to ``trace``, and notes on those left out (and why)."""
    from matplotlib.figure import Figure

    from .. import plots

    w = Words(lang, "report")
    if not trace.steps:
        return [], [w("no_steps")]
    first = int(trace.steps[0]["step"])
    wanted: list[tuple[str, str, Callable[[], Figure]]] = [
        ("loss", w("loss_curve"), lambda: plots.loss_curve(trace, lang=lang)),
        ("gradients", w("gradients"), lambda: plots.gradient_norms(trace, lang=lang)),
    ]
    notes: list[str] = []
    if trace.manifest.input_size is None:  # a watched loop of a bigger model
        notes.append(w("no_recipe"))
    else:
        if in_plane(trace):
            wanted += [
                ("boundary", w("boundary"), lambda: plots.decision_boundary(trace, lang=lang)),
                (
                    "attribution",
                    w("attribution", step=first),
                    lambda: plots.attribution(trace, first, lang=lang),
                ),
            ]
        else:
            notes.append(
                w(
                    "no_plane",
                    features=trace.manifest.data.n_features,
                    task=value_word("task", str(trace.manifest.data.task), lang),
                )
            )
        wanted.append(("surface", w("surface"), lambda: plots.loss_surface(trace, lang=lang)))
    found: list[Picture] = []
    for key, title, draw in wanted:
        try:  # a run whose data file has moved still gets the rest of its report
            png = plots.figure_bytes(draw(), "png")
        except InputError as exc:
            notes.append(w("failed", what=title, error=exc))
            continue
        found.append(Picture(key, title, data_uri(png)))
    return found, notes
