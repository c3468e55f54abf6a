"""Spanish everywhere: every error's phrase, every --help, argparse's words, the CLI's lines.

The errors and the help are translated at display time by phrasebooks keyed by the
English (views/i18n/errors_es.py, help_es.py). Two tests keep them whole: one finds every
``InputError(...)`` in the package with ``ast`` and derives each literal or f-string
phrase's key; one builds the parser in Spanish and lists the help it could not translate.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

import perceptron_lab
from perceptron_lab.bounds import BOUNDS
from perceptron_lab.cli.localize import localize
from perceptron_lab.cli.main import english_parser, main
from perceptron_lab.errors import (
    DivergenceError,
    InputError,
    VerificationError,
)
from perceptron_lab.extras import MissingExtra
from perceptron_lab.views.error_text import error_text
from perceptron_lab.views.i18n import default_language, set_language
from perceptron_lab.views.i18n.errors_es import ERRORS
from perceptron_lab.views.i18n.help_es import HELP
from perceptron_lab.views.i18n.phrasebook import NUMBERED, Phrasebook, phrasebook

SRC = Path(perceptron_lab.__file__).parent

# phrases whose Spanish is their English, and why (any other one is untranslated)
SAME_IN_SPANISH = {
    "<1> = <2>": "a setting and its value",
    "batch_size >= 1": "a parameter's name and its bound",
    "pip install tensorboard": "a command to type",
    '{"x1": [...], "x2": [...], "target": [...]}': "JSON with the field names of the code",
}
# words of what came that are code, the same in every language, and why
GOT_AS_IS = {
    "--step": "a flag",
    "--kind <1>": "a flag and its value",
    "False": "Python's constant",
    "True": "Python's constant",
    "None": "Python's constant",
    "ImportError (<1>)": "Python's exception",
    "terminal": "a --format value (and Spanish too)",
    "dtype <1>": "a parameter's name and its value",
    "momentum=<1>, dampening=<2>": "parameters' names and their values",
    "arrays <1>": "'arrays' is the word the Spanish uses",
    "<1> MB": "a unit",
}


def _template(node: ast.expr) -> list[str] | None:
    """The English keys a phrase argument can say, each variable part as ``<>``; None: no literal.

    A literal, an f-string, a literal joined by ``+`` to anything, or either branch of
    ``a if c else b`` (a ``None`` branch says nothing).
    """
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "<>" for v in node.values)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left) or ["<>"], _template(node.right) or ["<>"]
        return [a + b for a in left for b in right]
    if isinstance(node, ast.IfExp):
        body, orelse = _template(node.body), _template(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _numbered(template: str) -> str:
    count = iter(range(1, 100))
    return re.sub("<>", lambda _: f"<{next(count)}>", template)


def _error_classes(trees: list[ast.Module]) -> set[str]:
    """InputError and every class of the package derived from it (RunInTheWay …)."""
    names = {"InputError"}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and b.id in names for b in node.bases
            ):
                names.add(node.name)
    return names


@cache
def _phrases() -> dict[str, str]:
    """Every literal expected, got and hint phrase of the package's InputErrors: key → where.

    A phrase of no words (``"<1> (<2>)"``) and the code in GOT_AS_IS need no Spanish.
    """
    files = sorted(SRC.rglob("*.py"))
    trees = [ast.parse(f.read_text(encoding="utf-8")) for f in files]
    classes = _error_classes(trees)
    found: dict[str, str] = {}
    for path, tree in zip(files, trees, strict=True):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in classes:
                continue
            # InputError(argument, expected, got, hint=None)
            args = node.args[1:4]
            args += [k.value for k in node.keywords if k.arg in ("expected", "got", "hint")]
            for arg in args:
                for template in _template(arg) or []:
                    key = _numbered(template)
                    words = re.search(r"[^\W\d_]{2,}", NUMBERED.sub("", key))
                    if words and key not in GOT_AS_IS:
                        found[key] = f"{path.relative_to(SRC)}:{node.lineno}"
    return found


def test_the_scan_finds_the_package_errors() -> None:
    """The scan itself: it sees hundreds of phrases, f-strings numbered as the table keys them."""
    found = _phrases()
    assert len(found) > 200
    assert "a number > 0" in found and "an integer >= <1>" in found
    assert "a run directory with <1>" in found  # an f-string
    assert "one of <1>" in found  # 'one of ' + ', '.join(...)
    assert "nothing" in found and "<1> rows" in found  # what came
    assert "<1> (<2>)" not in found and "None" not in found


def test_every_error_phrase_has_spanish() -> None:
    missing = {key: where for key, where in _phrases().items() if key not in ERRORS}
    assert missing == {}, "add each to views/i18n/errors_es.py"


@pytest.mark.parametrize("table", [ERRORS, HELP], ids=["errors", "help"])
def test_each_spanish_phrase_has_its_keys_placeholders_and_is_spanish(
    table: dict[str, str],
) -> None:
    for english, spanish in table.items():
        assert sorted(NUMBERED.findall(english)) == sorted(NUMBERED.findall(spanish)), english
        assert spanish != english or english in SAME_IN_SPANISH, english


def test_every_bound_is_described_in_spanish() -> None:
    book = phrasebook("errors", "es")
    for name, bound in BOUNDS.items():
        english = bound.describe()
        spanish = book.translate(english)
        assert spanish is not None and spanish.startswith(("un entero en ", "un número en ")), name
        assert spanish.split(" en ", 1)[1] == english.split(" in ", 1)[1], name  # the same range


def test_every_help_has_spanish() -> None:
    """Each description, flag help and heading of every command, in Spanish (help_es.py)."""
    assert localize(english_parser(), "es") == [], "add each to views/i18n/help_es.py"


def test_a_phrasebook_fills_reorders_and_nests() -> None:
    book = Phrasebook(
        {
            "an integer >= <1>": "un entero >= <1>",
            "<1> of <2>": "<2> de <1>",
            "labels for <1>: <2>": "etiquetas para <1>: <2>",
            "a number > 0": "un número > 0",
        }
    )
    assert book.translate("an integer >= 3") == "un entero >= 3"
    assert book.translate("x of y") == "y de x"  # the Spanish puts them in its order
    # the most specific key wins, and a part filled in is translated again
    assert book.translate("labels for lr: a number > 0") == "etiquetas para lr: un número > 0"
    assert book.translate("a whole new phrase") is None
    assert book.say("a whole new phrase") == "a whole new phrase"
    assert phrasebook("errors", "en").translate("anything at all") == "anything at all"


def test_english_errors_are_the_exceptions_own_words() -> None:
    """A library user's str(exc) is English; error_text in English says exactly that."""
    cases = [
        InputError("lr", "a number > 0", "-1"),
        InputError("data", "an existing file", "'x.csv'", hint="try --port 0"),
        VerificationError("dL/dW", 3, 2.5e-4, 1e-5),
        DivergenceError("the loss", 2, "lower the learning rate (lr = 10) or scale the features"),
    ]
    for exc in cases:
        assert error_text(exc, "en") == str(exc)


def test_errors_in_spanish() -> None:
    got = error_text(
        InputError("--at-step", "the step to branch from, with --branch", "nothing"), "es"
    )
    assert got == "--at-step: se esperaba el paso del que ramificar, con --branch, se recibió nada"
    line = error_text(InputError("--batch-size", "an integer >= 1", "0", hint="try --port 0"), "es")
    assert line == "--batch-size: se esperaba un entero >= 1, se recibió 0 (prueba --port 0)"
    verification = error_text(VerificationError("dL/dW", 3, 2.5e-4, 1e-5), "es")
    assert verification == (
        "paso 3: dL/dW discrepa entre la forma cerrada y PyTorch: se esperaba una discrepancia "
        "relativa <= 1e-05, se recibió 2.500e-04"
    )
    web = error_text(MissingExtra("web", "the playground", "uvicorn"), "es")
    assert (
        web
        == "el playground necesita el extra web: pip install 'perceptron-lab[web]' (falta uvicorn)"
    )
    hint = "lower the learning rate (lr = 10) or scale the features (standardize)"
    divergence = error_text(DivergenceError("the gradient norm", 2, hint), "es")
    assert divergence == (
        "paso 2: la norma del gradiente: se esperaban números finitos, se recibió NaN o Inf "
        "(baja la tasa de aprendizaje (lr = 10) o escala las características (estandariza))"
    )


@pytest.fixture
def spanish_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "es_ES.UTF-8")


def test_cli_error_in_the_locales_language(
    spanish_locale: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train", "--lr", "-1"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "perceptron-lab train: error: --lr: se esperaba un número en (0, 1000], se recibió -1.0\n"
    )


def test_cli_lang_outranks_the_locale(
    spanish_locale: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["train", "--lr", "-1", "--lang", "en"]) == 2
    assert "--lr: expected a number in (0, 1000], got -1.0" in capsys.readouterr().err


def test_argparse_errors_in_spanish(
    spanish_locale: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["plot", "nonexistent_dir"])
    assert stop.value.code == 2
    assert capsys.readouterr().err == (
        "perceptron-lab plot: error: faltan los argumentos obligatorios: --kind "
        "(mira 'perceptron-lab plot --help')\n"
    )
    with pytest.raises(SystemExit):
        main(["train", "--optimizer", "nope"])
    err = capsys.readouterr().err
    assert "argumento --optimizer: opción no válida: 'nope' (elige entre 'adagrad'" in err


def test_a_missing_run_in_spanish(
    spanish_locale: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plot", str(tmp_path / "nothing"), "--kind", "loss"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("perceptron-lab plot: error: RUN_DIR: se esperaba un directorio de ")


def test_help_in_spanish(spanish_locale: None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("uso: perceptron-lab train")
    for words in (
        "argumentos posicionales:",
        "opciones:",
        "muestra esta ayuda y termina",
        "la tasa de aprendizaje (por defecto: 0.01; un archivo de datos: 0.1; lbfgs: 1); un número en (0, "
        "1000]",
        "épocas (por defecto: 5; un archivo de datos: 50, menos para uno grande, unos 4000 pasos); un entero en [1, 1000000]",
    ):
        assert words in re.sub(r"\s+", " ", out), words
    assert "show this help" not in out and "options:" not in out


def test_help_in_english_by_flag(spanish_locale: None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["step", "--lang", "en", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: perceptron-lab step") and "show this help message" in out


def test_set_language_outranks_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    try:
        set_language("es")
        assert default_language() == "es"
        with pytest.raises(InputError, match="lang: expected one of en, es, got 'fr'"):
            set_language("fr")
        assert default_language() == "es"
    finally:
        set_language(None)
    assert default_language() == "en"


@pytest.mark.slow  # trains (torch's import alone takes seconds)
def test_command_lines_in_spanish(
    spanish_locale: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "run"
    assert main(["train", "--out", str(run), "--epochs", "1", "--quiet"]) == 0
    out = re.sub(r"\s+", " ", capsys.readouterr().out)  # the console wraps long lines
    assert f"ejecución escrita en {run} — mírala con: perceptron-lab show {run}" in out
    assert main(["train", "--resume", str(run), "--quiet"]) == 0
    out = re.sub(r"\s+", " ", capsys.readouterr().out)
    assert out == f"{run} ha terminado (1 pasos): nada que reanudar "


@pytest.mark.slow  # imports torch
def test_a_notebooks_step_table_follows_set_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from perceptron_lab.observe import observe

    monkeypatch.setenv("LC_ALL", "C")
    step = observe([[1, 2], [3, 4]], [1, 0], [[0.5], [-0.3]], [0.1], loss="bce", lr=0.1)[0]
    try:
        set_language("es")
        spanish = step._repr_html_()
    finally:
        set_language(None)
    english = step._repr_html_()
    assert 'lang="es"' in spanish and "<th>cantidad</th>" in spanish and "paso 1" in spanish
    assert 'lang="en"' in english and "<th>quantity</th>" in english
