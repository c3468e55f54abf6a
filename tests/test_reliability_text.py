"""Text from the user is text: hostile names go through every view as typed.

A CSV file whose own name, feature names, target name and class labels hold ``$``,
``\\``, ``%``, ``_``, ``&``, ``{}``, ``$\\undefinedmacro$``, script and markup payloads and
a 300-character name is trained and shown by every command. Each exits 0; each output
holds the names in the form its format needs (plots: cut to 40 characters, never read as
math; HTML: escaped, and in Chromium no payload runs and the text reads as typed).
"""

from __future__ import annotations

import csv
import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure
from PIL import Image

from perceptron_lab.cli import main
from perceptron_lab.engine.trace import Trace
from perceptron_lab.views import escape
from perceptron_lab.views.plots import figure_bytes

from .conftest import open_offline

LONG = '"><b>' + "x" * 283 + "$ \\ % _ & {}"  # 300 characters, most with no space to wrap at
assert len(LONG) == 300
CASES = {  # an id for pytest → the hostile text
    "dollar": "$",
    "backslash": "\\",
    "percent": "%",
    "underscore": "_",
    "ampersand": "&",
    "braces": "{}",
    "macro": "$\\undefinedmacro$",
    "script-flag": "<script>window.__pwned=1</script>",
    "script-alert": "<script>alert(1)</script>",
    "img-onerror": '"><img src=x onerror=alert(1)>',
    "rich-markup": "[bold]x[/bold] [/]",
    "300-chars": LONG,
}
HOSTILE = list(CASES.values())
IDS = list(CASES)
CLASSES = HOSTILE  # every hostile string is a class label
FEATURES = ["$\\undefinedmacro$ 100% a_b & {}", LONG]
TARGET = "<script>alert(1)</script> $ \\ %"
DATA = '$\\undefinedmacro$ [bold] 100%_&{} "><img src=x onerror=alert(1)>'  # the file's stem
RUN = "run $\\undefinedmacro$ [bold] 100%_&{}"  # the run directory's name: in paths shown
PLOT_KINDS = ("loss", "boundary", "surface", "gradients", "attribution")
EXPLAIN_FORMATS = ("terminal", "markdown", "latex", "html")


def shown(name: str, longest: int = 40) -> str:
    """How a plot shows a name: whole up to 40 characters, else 39 and an ellipsis."""
    return name if len(name) <= longest else name[: longest - 1] + "…"


def svg_texts(svg: bytes) -> list[str]:
    """The texts an SVG of matplotlib draws (it writes each beside its glyphs as a comment)."""
    return [html.unescape(t) for t in re.findall(r"<!-- (.*?) -->", svg.decode(), re.S)]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile data set, trained for two epochs of three batches by the CLI."""
    root = tmp_path_factory.mktemp("hostile")
    data = root / f"{DATA}.csv"
    with data.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*FEATURES, TARGET])
        for i in range(3 * len(CLASSES)):
            c = i % len(CLASSES)
            writer.writerow([c % 4 + 0.1 * i, c // 4 - 0.05 * i, CLASSES[c]])
    out = root / RUN
    argv = ["train", str(data), "--epochs", "2", "--batch-size", "12", "--quiet", "--out", str(out)]
    assert main(argv) == 0
    return out


@pytest.fixture(scope="module")
def trace(run: Path) -> Trace:
    return Trace.load(run)


# -- one function per output: each shows every hostile string as typed -----------------


@pytest.mark.parametrize("text", HOSTILE, ids=IDS)
def test_mathtext_draws_the_text_as_typed(text: str) -> None:
    fig = Figure()
    fig.text(0.1, 0.5, escape.mathtext(text))
    assert svg_texts(figure_bytes(fig, "svg")) == [text]


_TEX_PRINTS = {
    r"\textbackslash{}": "\\",
    r"\^{}": "^",
    r"\~{}": "~",
    **{f"\\{c}": c for c in "{}$&%#_"},
}
_TEX_COMMAND = re.compile("|".join(re.escape(k) for k in sorted(_TEX_PRINTS, key=len)[::-1]))


@pytest.mark.parametrize("text", HOSTILE, ids=IDS)
def test_latex_prints_the_text_as_typed(text: str) -> None:
    tex = escape.latex(text)
    bare = _TEX_COMMAND.sub("", tex)
    assert not set(bare) & set("\\{}$&%#_^~")  # nothing left that TeX would read as markup
    assert _TEX_COMMAND.sub(lambda m: _TEX_PRINTS[m.group(0)], tex) == text


class _Reader(HTMLParser):
    """The text, the tags and the attributes an HTML fragment holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text, self.tags, self.attrs = "", [], {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.update(attrs)

    def handle_data(self, data: str) -> None:
        self.text += data


@pytest.mark.parametrize("text", HOSTILE, ids=IDS)
def test_html_is_text_in_an_element_and_in_an_attribute(text: str) -> None:
    reader = _Reader()
    reader.feed(f'<p title="{escape.html(text)}">{escape.html(text)}</p>')
    reader.close()
    assert reader.tags == ["p"]
    assert reader.attrs == {"title": text}
    assert reader.text == text


# -- every command on the hostile run ---------------------------------------------------


def commands(run: Path, out: Path) -> dict[str, list[str]]:
    """Each command a user would run on the hostile run, writing under ``out``."""
    data = run.parent / f"{DATA}.csv"
    table = {
        "train": ["train", str(data), "--epochs", "1", "--quiet", "--out", str(out / "again")],
        "show": ["show", str(run)],
    }
    for fmt in EXPLAIN_FORMATS:
        table[f"explain-{fmt}"] = ["explain", str(run), "--step", "1", "--format", fmt]
    for kind in PLOT_KINDS:
        table[f"plot-{kind}"] = [
            "plot",
            str(run),
            "--kind",
            kind,
            "--out",
            str(out / f"{kind}.png"),
        ]
    table["plot-animation"] = ["plot", str(run), "--kind", "animation", "--out", str(out / "a.gif")]
    table["report"] = ["report", str(run), "--out", str(out / "report.html")]
    table["export"] = ["export", str(run), "--tensorboard", str(out / "tb")]
    return table


COMMANDS = sorted(commands(Path("run"), Path("out")))


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_runs_on_hostile_names(
    command: str, run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(commands(run, tmp_path)[command]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "Traceback" not in captured.out


def test_show_prints_the_data_name_as_typed(run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(run)]) == 0
    assert DATA in " ".join(capsys.readouterr().out.replace("│", " ").split())


def test_a_missing_parent_is_named_as_typed(run: Path, tmp_path: Path) -> None:
    parent = tmp_path / RUN
    shutil.copytree(run, parent)
    child = tmp_path / "child"
    argv = ["train", "--branch", str(parent), "--at-step", "2", "--quiet", "--out", str(child)]
    assert main(argv) == 0
    shutil.rmtree(parent)  # the surface then says where it looked for the parent
    svg = tmp_path / "surface.svg"
    assert main(["plot", str(child), "--kind", "surface", "--out", str(svg)]) == 0
    assert any(f"parent run not found at {parent}" in t for t in svg_texts(svg.read_bytes()))


def test_the_animation_has_frames(run: Path, tmp_path: Path) -> None:
    gif = tmp_path / "a.gif"
    assert main(["plot", str(run), "--kind", "animation", "--out", str(gif)]) == 0
    with Image.open(gif) as image:
        assert getattr(image, "n_frames", 1) > 1


def _plot_cases() -> list[Any]:
    """(kind, where, the text expected there) for each name a kind draws, with an id."""
    cases = [(kind, "title", shown(DATA), "data-name") for kind in PLOT_KINDS]
    features = {"feature-1": FEATURES[0], "feature-2": FEATURES[1]}
    for kind in ("boundary", "attribution"):
        cases += [(kind, "axis", shown(name), key) for key, name in features.items()]
        cases += [(kind, "legend", f"class {shown(name)}", key) for key, name in CASES.items()]
    # --params 0,12 (k = 12 outputs): W[1,1] of the first feature, W[2,1] of the second
    for i, (key, name) in enumerate(features.items()):
        cases.append(("surface", "axis", shown(f"W[{i + 1},1] ({name})", 48), key))
    return [pytest.param(*case[:3], id="-".join((case[0], case[1], case[3]))) for case in cases]


@pytest.fixture(scope="module")
def svgs(run: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    out = tmp_path_factory.mktemp("svg")
    texts = {}
    for kind in PLOT_KINDS:
        path = out / f"{kind}.svg"
        params = ["--params", "0,12"] if kind == "surface" else []  # k = 12: one W per feature
        assert main(["plot", str(run), "--kind", kind, "--out", str(path), *params]) == 0
        texts[kind] = svg_texts(path.read_bytes())
    return texts


@pytest.mark.parametrize(("kind", "where", "expected"), _plot_cases())
def test_plots_draw_each_name_as_typed_and_short(
    kind: str, where: str, expected: str, svgs: dict[str, list[str]]
) -> None:
    texts = svgs[kind]
    if where == "title":
        assert any(expected in t for t in texts)
    else:  # an axis label or a legend entry is the whole text
        assert expected in texts
    assert not any(LONG[:40] in t for t in texts)  # the 300-character name was cut


# -- HTML in a real browser: nothing runs, nothing is fetched, the text reads as typed ---


@pytest.fixture(scope="module")
def pages(run: Path, trace: Trace, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report, the explanation's HTML and the Jupyter table of the hostile run."""
    out = tmp_path_factory.mktemp("pages")
    assert main(["report", str(run), "--out", str(out / "report.html")]) == 0
    explain = out / "explain.html"
    assert main(["explain", str(run), "--step", "1", "--out", str(explain)]) == 0
    (out / "jupyter.html").write_text(f"<!DOCTYPE html><body>{trace._repr_html_()}</body>")
    return {p.stem: p for p in out.glob("*.html")}


def watched(browser: Any, path: Path) -> dict[str, Any]:
    """What Chromium did with the page at ``path``: errors, requests, scripts, flag, text."""
    page, errors, blocked = open_offline(browser, path)
    seen = {
        "errors": errors,  # dialogs among them
        "blocked": blocked,
        "pwned": page.evaluate("typeof window.__pwned"),
        "scripts": page.evaluate("document.scripts.length"),
        "images": page.evaluate("Array.from(document.images, i => i.src.slice(0, 5))"),
        "text": " ".join(page.evaluate("document.body.textContent").split()),
        "overflow": page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        ),
    }
    page.close()
    return seen


@pytest.fixture(scope="module")
def opened(browser: Any, pages: dict[str, Path]) -> dict[str, dict[str, Any]]:
    """Each page as Chromium showed it."""
    return {name: watched(browser, path) for name, path in pages.items()}


@pytest.mark.slow
@pytest.mark.parametrize("page", ["report", "explain", "jupyter"])
def test_no_payload_runs_in_the_browser(page: str, opened: dict[str, dict[str, Any]]) -> None:
    seen = opened[page]
    assert seen["errors"] == []  # no alert() dialog, no error
    assert seen["pwned"] == "undefined"
    # the report's own two scripts (KaTeX, and the typesetting of its formulas), no other
    assert seen["scripts"] == (2 if page == "report" else 0)
    assert seen["blocked"] == []  # no request but the page itself (an <img src=x> would ask)
    assert all(src == "data:" for src in seen["images"])  # the report's own plots only


@pytest.mark.parametrize("name", [DATA, RUN, *CLASSES], ids=["data-name", "run-dir", *IDS])
def test_the_report_reads_each_name_whole(name: str, opened: dict[str, dict[str, Any]]) -> None:
    assert " ".join(name.split()) in opened["report"]["text"]


def test_the_long_name_does_not_widen_the_report(opened: dict[str, dict[str, Any]]) -> None:
    assert opened["report"]["overflow"] == 0  # no sideways scrolling of the whole page


def test_the_jupyter_table_reads_the_data_name(opened: dict[str, dict[str, Any]]) -> None:
    assert DATA in opened["jupyter"]["text"]
