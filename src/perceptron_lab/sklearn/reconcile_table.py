"""perceptron-lab beside scikit-learn in the terminal: a verdict first, then the detail.

Reads a Comparison; computes nothing. The verdict is one line per scikit-learn fit: it
agrees when its coefficients are within ``AGREE`` of ours, relative to its largest
(max |ΔW| / max |W_theirs|), else it differs by how much; the detail after it is the
settings that make results differ, the fits and the gaps, folded to the width.
The settings' own sentences, the fits' names and settings and the warnings are the
Comparison's, in English (as its JSON keeps them): each is said in the language at display,
by the "compare" phrasebook (views/i18n/compare_es.py).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from ..views.fitted_table import FittedTable
from ..views.i18n import Words
from ..views.i18n.phrasebook import phrasebook
from ..views.numbers import fmt, fmt_gap
from .reconcile import Comparison, Gap

AGREE = 1e-2  # relative coefficient gap under which a fit "agrees" (1 %)


def _number(value: float | None) -> str:
    return "—" if value is None else fmt(value)


def _signed_gap(value: float | None) -> str:
    """A difference ours − theirs: its sign kept, '0' when equal."""
    if value is None:
        return "—"
    return "0" if value == 0 else f"{value:+.1e}"


def verdict_line(g: Gap, w: Words) -> str:
    """Whether perceptron-lab agrees with one scikit-learn fit, and by how much they differ."""
    model = phrasebook("compare", w.lang).say(g.reference)
    accuracy = (
        w("same_accuracy") if g.accuracy == 0 else w("accuracy_gap", gap=_signed_gap(g.accuracy))
    )
    if g.coef_relative is None:
        return w("verdict_other", model=model, accuracy=accuracy)
    key = "verdict_agrees" if g.coef_relative <= AGREE else "verdict_differs"
    return w(
        key,
        model=model,
        relative=fmt_gap(g.coef_relative),
        loss=_signed_gap(g.loss),
        accuracy=accuracy,
    )


def verdict(c: Comparison, lang: str) -> Group:
    """A few lines: each fit agrees or differs (and by how much); then the warnings."""
    w, say = Words(lang, "terminal"), phrasebook("compare", lang).say
    lines: list[Text | Padding] = [Text(w("verdict_title"), style="bold")]
    lines += [Padding(Text(verdict_line(g, w)), (0, 0, 0, 2), expand=False) for g in c.gaps]
    lines.append(
        Padding(
            Text(w("verdict_rule", limit=fmt_gap(AGREE)), style="dim"), (0, 0, 0, 2), expand=False
        )
    )
    lines += [Text(w("warning", text=say(text)), style="yellow") for text in c.warnings]
    return Group(*lines)


def header(c: Comparison, lang: str) -> Text:
    """Dataset, size, classes and the penalty every matched model minimizes."""
    w = Words(lang, "terminal")
    penalty = (
        w("penalty_l2", C=f"{c.C:g}", lam=f"{c.weight_decay:.4e}")
        if c.C is not None
        else w("penalty_none")
    )
    return Text(
        w(
            "compared_data",
            name=c.dataset,
            n=c.n_samples,
            d=c.n_features,
            classes=", ".join(c.classes),
            penalty=penalty,
        ),
        style="bold",
    )


def settings_table(c: Comparison, lang: str) -> FittedTable:
    """Each setting that makes results differ: theirs, ours, and what matches them (stacked)."""
    w, say = Words(lang, "terminal"), phrasebook("compare", lang).say
    rows = [
        (
            Text(f"{w.or_else('model_' + s.model, s.model)} · {say(s.name)}"),
            Text(say(s.why), style="dim"),
            Text(say(s.theirs)),
            Text(say(s.ours)),
            Text(say(s.matched)),
        )
        for s in c.settings
    ]
    headers = ("", w("why"), "scikit-learn", "perceptron-lab", w("to_match"))
    return FittedTable(w("settings_title"), headers, rows, stack=True)


def fits_table(c: Comparison, lang: str) -> Group:
    """Each fit on the data it was fit on: loss, penalized objective, accuracy, ‖W‖; then
    the settings each was built with."""
    w, demo = Words(lang, "terminal"), Words(lang, "demo")
    say = phrasebook("compare", lang).say
    headers = (w("fit"), demo("loss"), w("objective"), w("score_accuracy"), "‖W‖", w("iterations"))
    rows = [
        (
            say(f.name),
            _number(f.loss),
            _number(f.objective),
            fmt(f.accuracy),
            fmt(f.coef_norm),
            str(f.n_iter),
        )
        for f in c.fits
    ]
    built = [(say(f.name), say(f.settings)) for f in c.fits]
    return Group(
        FittedTable(w("fits_title"), headers, rows, right=range(1, 6)),
        FittedTable(w("built_title"), ("", ""), built, show_header=False, stack=True),
    )


def gaps_table(c: Comparison, lang: str) -> FittedTable:
    """perceptron-lab minus each scikit-learn fit."""
    w, say = Words(lang, "terminal"), phrasebook("compare", lang).say
    headers = (
        w("compared_with"),
        "max |ΔW|",
        w("relative"),
        "max |ΔB|",
        w("d_loss"),
        w("d_accuracy"),
    )
    rows = [
        (
            say(g.reference),
            fmt_gap(g.coef_max_abs),
            fmt_gap(g.coef_relative),
            fmt_gap(g.intercept_max_abs),
            _signed_gap(g.loss),
            _signed_gap(g.accuracy),
        )
        for g in c.gaps
    ]
    return FittedTable(w("gaps_title"), headers, rows, right=range(1, 6))


def norms_table(c: Comparison, lang: str) -> FittedTable:
    """‖W‖ of perceptron-lab's run after chosen epochs."""
    w = Words(lang, "terminal")
    rows = [(str(epoch), fmt(norm)) for epoch, norm in c.norms]
    return FittedTable(w("norms_title"), (Words(lang, "demo")("epoch"), "‖W‖"), rows, right=(0, 1))


def comparison_view(c: Comparison, lang: str) -> Group:
    """The verdict, then everything in reading order; ‖W‖ by epoch when there is no penalty."""
    parts: list[RenderableType] = [
        verdict(c, lang),
        header(c, lang),
        settings_table(c, lang),
        fits_table(c, lang),
        gaps_table(c, lang),
    ]
    if c.penalty == "none":
        parts.append(norms_table(c, lang))
    spaced: list[RenderableType] = []
    for part in parts:  # a blank line between the sections
        spaced += [part, Text()]
    return Group(*spaced[:-1])
