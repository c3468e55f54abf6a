"""The playground page in a real browser: Debian's Chromium, headless, driven by Playwright.

The server runs on a free loopback port (tests/playground_server.py); every request the
page makes beyond it is refused and listed (the page works offline), every console
error, uncaught exception or dialog is a failure. The numbers the page shows are
checked against ``perceptron-lab step`` run on the same data and settings.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from perceptron_lab.cli.main import main
from perceptron_lab.playground.lab import Lab

from .conftest import errors_of
from .playground_server import serving

VIEW = {"width": 1440, "height": 900}


@contextlib.contextmanager
def opened(browser: Any, base: str) -> Iterator[tuple[Any, list[str], list[str]]]:
    """The page, its errors and the requests it tried beyond the server."""
    page = browser.new_page(viewport=VIEW)
    errors = errors_of(page)
    blocked: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith((f"http://{base}/", f"ws://{base}/")) or url.startswith("data:"):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.goto(f"http://{base}/")
    page.wait_for_selector("[data-ready='1']", timeout=30_000)
    try:
        yield page, errors, blocked
    finally:
        page.close()


def shown(page: Any) -> dict[str, Any]:
    """What the page says it drew last: step, W, B, branch, curves, loss (its own JSON)."""
    return json.loads(page.text_content("[data-testid=frame-json]"))  # type: ignore[no-any-return]


def flat(rows: list[list[float]]) -> list[float]:
    return [v for row in rows for v in row]


def press(page: Any, button: str, step: int) -> dict[str, Any]:
    page.click(f"[data-testid=btn-{button}]")
    page.wait_for_selector(f"[data-step='{step}']", timeout=30_000)
    return shown(page)


def cli_steps(W: list[list[float]], B: list[float], steps: int) -> list[dict[str, Any]]:
    """``perceptron-lab step`` on the notebook's data from W, B: its JSON, one per step."""
    out = io.StringIO()
    weights = ";".join(",".join(repr(v) for v in row) for row in W)
    argv = ["step", "--X", "1,2;3,4;5,6", "--y", "1,0,1", f"--W={weights}", f"--B={B[0]!r}"]
    with contextlib.redirect_stdout(out):
        assert main([*argv, "--lr", "0.1", "--steps", str(steps), "--format", "json"]) == 0
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_the_page_steps_back_branches_and_speaks_spanish_with_the_engines_numbers(
    browser: Any, tmp_path: Path
) -> None:
    with (
        serving(lambda: Lab({"name": "seed"}, {"lr": 0.1})) as (base, app),
        opened(browser, base) as (page, errors, blocked),
    ):
        start = shown(page)
        assert start["step"] == 0
        expected = cli_steps(start["W"], start["B"], 3)
        seen = [press(page, "step", t) for t in (1, 2, 3)]
        for got, want in zip(seen, expected, strict=True):
            assert flat(got["W"]) == pytest.approx(flat(want["W_after"]["closed"]), rel=1e-6)
            assert got["B"] == pytest.approx(want["B_after"]["closed"], rel=1e-6)
            assert got["loss"] is not None
        # the weights table shows the same numbers
        cell = float(page.text_content("[data-testid=W-0-0]"))
        assert cell == pytest.approx(seen[-1]["W"][0][0], rel=1e-6)
        assert float(page.text_content("[data-testid=dW-0-0]")) == pytest.approx(
            expected[-1]["dW"]["closed"][0][0], rel=1e-6
        )
        # back two, forward again: the same numbers
        press(page, "back", 2)
        assert press(page, "back", 1)["W"] == seen[0]["W"]
        again = [press(page, "step", t) for t in (2, 3)]
        assert [a["W"] for a in again] == [s["W"] for s in seen[1:]]
        # the worked step in Spanish, with PyTorch's value beside each result
        page.click("[data-testid=btn-lang]")
        page.locator("[data-testid=worked]").get_by_text("Paso 3", exact=False).first.wait_for(
            timeout=30_000
        )
        worked = page.text_content("[data-testid=worked]")
        assert "PyTorch" in worked and "discrepancia" in worked.lower()
        # branch with another learning rate: two curves
        page.fill("[data-testid=ctl-lr]", "0.9")
        page.click("[data-testid=btn-branch]")
        after = press(page, "step", 4)
        assert after["branch"] == 1 and after["curves_count"] == 2
        (tab,) = app.state.tabs.tabs.values()
        assert tab.lab.line.settings["lr"] == 0.9 and tab.lab.lines[0].settings["lr"] == 0.1
        # a point added with a click is in the next step's batch
        box = page.locator("[data-testid=plane]").bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.3)
        page.wait_for_timeout(500)
        press(page, "step", 5)
        assert len(tab.lab.line.last.points.train_u) == 4
        assert tab.lab.line.last.session.rows.row(5).batch.X.shape[0] == 4
        # a bad file: a message in the page, and the page goes on
        bad = tmp_path / "ragged.csv"
        bad.write_text("a,b,label\n1,2,0\n3,4\n")
        page.set_input_files("[data-testid=upload]", str(bad))
        message = page.locator("[data-testid=message]")
        message.wait_for(state="visible", timeout=30_000)
        assert "3 fields on line 3" in message.text_content()
        assert press(page, "step", 6)["step"] == 6
        page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
        assert errors == [] and blocked == []


def test_a_too_big_file_is_refused_in_the_page_before_it_is_sent(
    browser: Any, tmp_path: Path
) -> None:
    big = tmp_path / "big.csv"
    big.write_text("a,b,label\n" + "1,2,0\n" * 500_000)  # 3 MB
    with serving() as (base, _), opened(browser, base) as (page, errors, blocked):
        page.set_input_files("[data-testid=upload]", str(big))
        message = page.locator("[data-testid=message]")
        message.wait_for(state="visible", timeout=30_000)
        text = message.text_content()
        assert "big.csv" in text and "3.0 MB" in text and "2.0 MB" in text
        assert press(page, "step", 1)["step"] == 1
        assert errors == [] and blocked == []


def test_the_widgets_module_is_the_same_page_driven_by_a_lab_in_python(browser: Any) -> None:
    """anywidget's interface (model.send, model.on('msg:custom')) bridged to a Lab here."""
    from perceptron_lab.playground.widget import module_text, style_text

    lab = Lab({"name": "xor", "crosses": ["x1*x2"]}, {"lr": 0.5})
    page = browser.new_page(viewport=VIEW)
    errors = errors_of(page)
    page.expose_function("kernel", lambda text: json.dumps(lab.handle(json.loads(text))))
    page.set_content(
        f"<html><head><style>{style_text()}</style></head><body><div id=cell></div></body></html>"
    )
    bridge = """
      const blob = new Blob([source], {type: 'text/javascript'});
      const mod = await import(URL.createObjectURL(blob));
      const handlers = [];
      const model = {
        send(msg) { window.kernel(JSON.stringify(msg)).then(t => JSON.parse(t).forEach(r => handlers.forEach(h => h(r)))); },
        on(name, cb) { if (name === 'msg:custom') handlers.push(cb); },
        off() {}, get() { return undefined; }, set() {}, save_changes() {},
      };
      mod.default.render({ model, el: document.getElementById('cell') });
    """
    page.evaluate(f"async (source) => {{ {bridge} }}", module_text())
    page.wait_for_selector("#cell[data-ready='1']", timeout=30_000)
    for t in range(1, 4):
        page.click("#cell [data-testid=btn-step10]")
        page.wait_for_selector(f"#cell[data-step='{10 * t}']", timeout=30_000)
    assert lab.step == 30 and errors == []
    assert float(page.text_content("#cell [data-testid=W-2-0]")) == pytest.approx(
        float(lab.line.last.session.state.W[2, 0]), rel=1e-6
    )
    page.close()


def test_playing_fast_skips_the_worked_step_and_pausing_shows_it(browser: Any) -> None:
    sent: list[str] = []
    with (
        serving(lambda: Lab({"name": "moons", "size": 60}, {"lr": 0.5})) as (base, _),
        opened(browser, base) as (page, errors, blocked),
    ):
        page.on("websocket", lambda ws: ws.on("framesent", lambda text: sent.append(text)))
        page.reload()
        page.wait_for_selector("[data-ready='1']", timeout=30_000)
        page.locator("[data-testid=ctl-speed]").fill("60")
        page.click("[data-testid=btn-play]")
        for _ in range(300):  # bounded: 30 s at most
            if int(page.get_attribute("[data-ready='1']", "data-step") or 0) >= 15:
                break
            page.wait_for_timeout(100)
        page.click("[data-testid=btn-play]")  # pause
        worked = page.locator("[data-testid=worked]")
        step = int(page.get_attribute("[data-ready='1']", "data-step") or 0)
        assert step >= 15
        worked.get_by_text("Step ", exact=False).first.wait_for(timeout=30_000)
        page.wait_for_timeout(500)  # the step in flight when paused lands
        step = int(page.get_attribute("[data-ready='1']", "data-step") or 0)
        assert f"Step {step}:" in worked.text_content()
        steps = [json.loads(m) for m in sent if '"op":"step"' in m]
        assert len(steps) >= 15 and all(m.get("worked") is False for m in steps)
        assert any('"op":"show"' in m for m in sent)
        assert errors == [] and blocked == []
