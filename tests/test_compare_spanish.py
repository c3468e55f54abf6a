"""``compare`` in Spanish: every sentence of its detail has a Spanish entry, and a real run
under ``--lang es`` leaves no English sentence and no number changed.

The plan (sklearn/reconcile_plan.py) and the comparison (sklearn/reconcile.py) write the
detail in English; the terminal table says it through the "compare" phrasebook
(views/i18n/compare_es.py). The sentences are built here by walking the plan's paths:
binary and multiclass data, with the L2 penalty and without, each fit, each warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from perceptron_lab.cli.main import main
from perceptron_lab.data import load
from perceptron_lab.sklearn.reconcile import Fit, _scikit_learn_models, _warnings
from perceptron_lab.sklearn.reconcile_plan import PENALTIES, Plan, plan
from perceptron_lab.views.i18n.compare_es import COMPARE
from perceptron_lab.views.i18n.phrasebook import Phrasebook

# sentences whose Spanish is their English: formulas and code
SAME_IN_SPANISH = re.compile(
    r"alpha = 1/\(C·N\) = .*|alpha = λ = .*|loss='log_loss'|penalty=None"
    r"|'optimal': η_t = .*|tol=1e-3, n_iter_no_change=5, max_iter=1000"
)
ARGUMENTS = re.compile(r"\w+=[^,]+(, \w+=[^,]+)*")  # a fit's keyword arguments: code
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _plans() -> Iterator[Plan]:
    for name in ("and", "iris"):  # binary, multiclass
        for penalty in PENALTIES:
            yield plan(load(name), penalty=penalty, C=0.5, epochs=200, lr=0.05, seed=3)


def _fit(name: str, accuracy: float) -> Fit:
    return Fit(name, "", [[1.0]], [0.0], True, 0.1, 0.1, accuracy, 1.0, 10)


def _sentences() -> Iterator[str]:
    """Every sentence of compare's detail the plan and the comparison can write."""
    for steps in _plans():
        for s in steps.settings:
            yield from (s.name, s.theirs, s.ours, s.matched, s.why)
        yield steps.ours_settings
        for name, settings, _ in _scikit_learn_models(steps):
            yield name
            if not ARGUMENTS.fullmatch(settings):
                yield settings
        if steps.penalty == "none":  # ‖W‖ running off, the classes separable or not
            norms = [(1, 1.0), (100, 2.0), (200, 3.0)]
            for accuracy in (1.0, 0.9):
                fits = [_fit("perceptron-lab", accuracy)]
                fits.append(_fit("LogisticRegression (matched)", accuracy))
                yield from _warnings(fits, norms, steps)


def test_every_sentence_of_the_detail_has_its_spanish() -> None:
    book = Phrasebook(COMPARE)
    sentences = sorted(set(_sentences()))
    missing = [s for s in sentences if book.translate(s) is None]
    assert not missing, "no Spanish in views/i18n/compare_es.py for:\n" + "\n".join(missing)
    same = [s for s in sentences if book.say(s) == s and not SAME_IN_SPANISH.fullmatch(s)]
    assert not same, "Spanish that is the English:\n" + "\n".join(same)
    assert book.say("SGDClassifier (defaults)") == "SGDClassifier (por defecto)"
    assert book.say("alpha = λ = 1.7575e-03") == "alpha = λ = 1.7575e-03"


def _compare(lang: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["compare", "--lang", lang]) == 0
    return capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.usefixtures("one_torch_thread")
def test_compare_in_spanish_says_the_detail_in_spanish(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    spanish, english = _compare("es", capsys), _compare("en", capsys)
    for word in ("why", "optimum", "stops early", "defaults", "matched", "epochs", "penalty on"):
        assert word in english and word not in spanish, word
    for word in ("por qué", "óptimo", "se detiene pronto", "(por defecto)", "(igualado)", "épocas"):
        assert word in spanish, word
    assert sorted(NUMBER.findall(spanish)) == sorted(NUMBER.findall(english))
