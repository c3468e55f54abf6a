"""The words catalog: both languages say the same things, and templates fill as written."""

from __future__ import annotations

import re

import pytest

from perceptron_lab.errors import InputError
from perceptron_lab.views.i18n import CATALOG, LANGUAGES, PLACEHOLDER, Words, default_language

# Spanish written as the English on purpose: (section, key) and why. Any other Spanish
# entry equal to its English is an untranslated one.
SAME_IN_SPANISH = {
    ("demo", "dZ"): "a symbol, dL/dZ",
    ("demo", "dW"): "a symbol, dL/dW",
    ("demo", "dB"): "a symbol, dL/dB",
    ("demo", "f_ex4"): "a formula",
    ("demo", "torch_step"): "PyTorch's own code",
    ("demo", "shapes"): "shapes and symbols",
    ("explain", "rule_adam"): "an optimizer's name",
    ("explain", "rule_adamw"): "an optimizer's name",
    ("explain", "rule_rmsprop"): "an optimizer's name",
    ("explain", "rule_adagrad"): "an optimizer's name",
    ("explain", "rule_lbfgs"): "an optimizer's name",
    ("report", "error"): "'error' is Spanish too",
    ("report", "r2"): "a symbol, R²",
    ("report", "no"): "'no' is Spanish too",
    ("playground", "title"): "the product's name",
    ("playground", "param_nesterov"): "a parameter's name in code",
    ("playground", "param_betas"): "a parameter's name in code, with its symbols",
    ("playground", "param_eps"): "a parameter's name in code, with its symbol",
    ("playground", "param_amsgrad"): "a parameter's name in code",
    ("playground", "param_alpha"): "a parameter's name in code, with its symbol",
    ("playground", "param_history_size"): "a parameter's name in code, with its symbol",
    ("playground", "param_tolerance_grad"): "a parameter's name in code",
    ("playground", "param_tolerance_change"): "a parameter's name in code",
    ("playground", "tip_z"): "a symbol",
    ("playground", "tip_a"): "a symbol",
    ("playground", "tip_loss"): "a symbol",
    ("playground", "by_torch"): "a name, PyTorch",
    ("playground", "error"): "'Error' is Spanish too",
    ("errors", "where"): "'error' is Spanish too (and the program's name)",
    ("evaluate", "f1"): "a symbol, F1",
    ("evaluate", "r2"): "a symbol, R²",
    ("evaluate", "roc_auc"): "a metric's name, ROC AUC",
    ("plots", "bce_with_logits"): "PyTorch's own code",
    ("plots", "feature_total"): "a feature's name and a sum",
    ("plots", "gradient_norm"): "a formula",
    ("plots", "logit"): "'logit' is Spanish too, and a symbol",
    ("terminal", "error"): "'error' is Spanish too",
    ("terminal", "no"): "'no' is Spanish too",
    ("cli", "graded_one"): "a file's name and a score",
    ("grades", "mark_right"): "a symbol and numbers",
    ("grades", "mark_wrong_one_hidden"): "a symbol and numbers",
    ("grades", "cause"): "an arrow before a sentence",
    ("grades", "col_total"): "'total' is Spanish too",
}


def test_both_languages_have_the_same_sections_keys_and_placeholders() -> None:
    en, es = CATALOG["en"], CATALOG["es"]
    assert (
        set(en)
        == set(es)
        == {
            "demo",
            "explain",
            "report",
            "watch",
            "playground",
            "evaluate",
            "plots",
            "terminal",
            "documents",
            "errors",
            "cli",
            "advice",
            "grades",
            "sheet",
        }
    )
    for section in en:
        assert set(en[section]) == set(es[section]), section
        for key, text in en[section].items():
            # the same names with the same format specs (a Spanish <gap:.1e> too)
            ours = sorted(PLACEHOLDER.findall(text))
            theirs = sorted(PLACEHOLDER.findall(es[section][key]))
            assert ours == theirs, (section, key)


def test_every_spanish_entry_is_translated() -> None:
    """No Spanish template is its English, but for the symbols and names allowed above."""
    en, es = CATALOG["en"], CATALOG["es"]
    same = {(s, k) for s in en for k, text in en[s].items() if es[s][k] == text}
    assert same - set(SAME_IN_SPANISH) == set(), "untranslated: add Spanish, or allow it here"
    assert set(SAME_IN_SPANISH) - same == set(), "allowed but translated now: drop it here"


@pytest.mark.parametrize(
    "section",
    ["demo", "report", "watch", "playground", "evaluate", "terminal", "documents", "errors", "cli"],
)
def test_no_template_is_left_in_the_brace_syntax(section: str) -> None:
    """TeX braces belong to the explanation; elsewhere ``{name}`` would be a lost placeholder."""
    for lang in LANGUAGES:
        for key, text in CATALOG[lang][section].items():
            assert not re.search(r"\{\w+(:[^{}]*)?\}", text), (lang, key, text)


def test_a_template_fills_names_and_format_specs() -> None:
    watch = Words("en", "watch")
    line = watch("reduction", factor=3.0, got="summed", count=12, want="mean")
    assert "the loop's gradient is 3 × the closed form's" in line and "over its 12 elements" in line
    report = Words("es", "report")
    assert report("rate", seconds=1.5, rate=12345.6) == "1.50 s · 12,346 pasos/s"
    assert report("over", gap="2e-04", name="dL/dW", tol=1e-5).endswith("tolerancia 1e-05.")
    # a placeholder without a value stays as written; TeX braces are left alone
    assert Words("en", "explain")("title") == "Step <step>: the worked solution"
    assert "{" in "".join(CATALOG["en"]["explain"].values())


def test_a_literal_brace_survives() -> None:
    text = Words("en", "watch")("none_reduction", module="MSELoss")
    assert "expect={'reduction': 'sum'}" in text and "MSELoss(reduction='none')" in text


def test_or_else_falls_back_for_an_outside_name() -> None:
    say = Words("en", "explain")
    assert say.or_else("rule_sgd", "x") == "stochastic gradient descent (SGD)"
    assert say.or_else("rule_signsgd", "sign SGD") == "sign SGD"
    assert "rule_sgd" in say and "rule_signsgd" not in say


def test_language_comes_from_the_locale_and_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "es_AR.UTF-8")
    assert default_language() == "es" and Words(None, "demo").lang == "es"
    monkeypatch.setenv("LC_ALL", "C")
    assert default_language() == "en"
    with pytest.raises(InputError, match="lang: expected one of en, es, got 'fr'"):
        Words("fr", "demo")
