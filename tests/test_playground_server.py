"""The playground's server: tabs of their own, bad messages answered, idle tabs freed, CSP.

A real uvicorn on a free loopback port (tests/playground_server.py) and the websockets
client, as a browser would connect; the page itself is tested in Chromium
(test_playground_browser.py).
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import websockets

from perceptron_lab.playground.lab import UPLOAD_BYTES

from .playground_server import serving


async def _talk(ws: Any, message: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps(message))
    return json.loads(await ws.recv())  # type: ignore[no-any-return]


def _connect(base: str, **kw: Any) -> Any:
    return websockets.connect(f"ws://{base}/ws", max_size=2**24, open_timeout=20, **kw)


def test_each_tab_is_its_own_lab_and_a_dropped_one_comes_back() -> None:
    async def scenario(base: str) -> None:
        async with _connect(base) as a, _connect(base) as b:
            hello_a = await _talk(a, {"op": "hello"})
            await a.recv()
            hello_b = await _talk(b, {"op": "hello"})
            await b.recv()
            assert hello_a["session"] != hello_b["session"]
            for _ in range(3):
                fa = await _talk(a, {"op": "step", "n": 1})
            fb = await _talk(b, {"op": "step", "n": 1})
            assert (fa["step"], fb["step"]) == (3, 1)
        async with _connect(base) as again:  # the same tab, reconnected
            await _talk(again, {"op": "hello", "session": hello_a["session"]})
            back = json.loads(await again.recv())
            assert back["step"] == 3 and back["W"] == fa["W"]

    with serving() as (base, _):
        asyncio.run(scenario(base))


def test_bad_messages_get_a_line_and_the_server_serves_on() -> None:
    async def scenario(base: str) -> None:
        async with _connect(base) as ws:
            first = await _talk(ws, {"op": "step", "n": 1})
            assert first == {"type": "error", "op": "step", "message": "op: expected hello first"}
            await _talk(ws, {"op": "hello"})
            await ws.recv()
            assert (await _talk(ws, {"not": "an op"}))["message"].startswith("op: expected one of")
            await ws.send("{not json")
            assert json.loads(await ws.recv())["message"] == "message: expected a JSON object"
            huge = await _talk(
                ws, {"op": "upload", "name": "big.csv", "text": "1" * (UPLOAD_BYTES + 10)}
            )
            assert "a file of at most 2 MB" in huge["message"]
            assert (await _talk(ws, {"op": "step", "n": 1}))["step"] == 1
        with pytest.raises(websockets.exceptions.ConnectionClosed):  # past the message cap
            async with _connect(base) as ws:
                await _talk(ws, {"op": "hello"})
                await ws.recv()
                await ws.send(json.dumps({"op": "upload", "name": "x", "text": "1" * 8_000_000}))
                await ws.recv()
        async with _connect(base) as ws:  # and the next tab is served
            assert (await _talk(ws, {"op": "hello"}))["type"] == "hello"

    with serving() as (base, _):
        asyncio.run(scenario(base))


def test_a_page_of_another_origin_is_refused() -> None:
    async def scenario(base: str) -> None:
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            async with _connect(base, origin="http://evil.example"):
                pass
        assert refused.value.response.status_code == 403
        async with _connect(base, origin=f"http://{base}") as ws:
            assert (await _talk(ws, {"op": "hello"}))["type"] == "hello"

    with serving() as (base, _):
        asyncio.run(scenario(base))


def test_idle_tabs_expire_and_their_labs_are_freed() -> None:
    async def scenario(base: str, app: Any) -> None:
        for _ in range(3):
            async with _connect(base) as ws:
                await _talk(ws, {"op": "hello"})
                await ws.recv()
        assert len(app.state.tabs.tabs) == 3
        deadline = time.monotonic() + 20
        while app.state.tabs.tabs and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert app.state.tabs.tabs == {}

    with serving(idle=0.5, sweep=0.2) as (base, app):
        asyncio.run(scenario(base, app))


def test_too_many_tabs_get_a_message_not_a_crash() -> None:
    async def scenario(base: str) -> None:
        async with _connect(base) as a:
            await _talk(a, {"op": "hello"})
            await a.recv()
            async with _connect(base) as b:
                refused = await _talk(b, {"op": "hello"})
                assert refused["type"] == "error" and "serves 1 tabs at most" in refused["message"]

    with serving(most=1) as (base, _):
        asyncio.run(scenario(base))


def test_the_page_and_its_assets_carry_a_strict_content_security_policy() -> None:
    with serving() as (base, _):
        for path in ("/", "/assets/playground.js", "/assets/katex/katex.min.js"):
            with urllib.request.urlopen(f"http://{base}{path}", timeout=20) as response:
                csp = response.headers["Content-Security-Policy"]
                assert response.status == 200
            assert "script-src 'self'" in csp and "default-src 'self'" in csp
            assert "unsafe-eval" not in csp and "connect-src 'self'" in csp


def test_without_the_web_extra_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from perceptron_lab.cli.main import main

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if it were not installed
    assert main(["playground", "--no-browser"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        "perceptron-lab playground: error: the playground needs the web extra: "
        "pip install 'perceptron-lab[web]' (uvicorn is missing)"
    )


def test_without_the_web_extra_the_notebook_function_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    import perceptron_lab

    monkeypatch.setitem(sys.modules, "anywidget", None)
    monkeypatch.delitem(sys.modules, "perceptron_lab.playground.widget", raising=False)
    with pytest.raises(
        ImportError, match=r"pip install 'perceptron-lab\[web\]' \(anywidget is missing\)"
    ):
        perceptron_lab.playground("seed")


def test_the_command_serves_from_two_processes_and_stops_them_all() -> None:
    import os
    import signal
    import subprocess
    import sys

    command = [sys.executable, "-m", "perceptron_lab.cli", "playground", "seed"]
    proc = subprocess.Popen(
        [*command, "--no-browser", "--port", "0", "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("perceptron-lab playground on http://127.0.0.1:"), line
        base = line.split("http://", 1)[1].split("/", 1)[0]

        async def tabs() -> list[int]:
            async def one() -> int:
                async with _connect(base) as ws:
                    await _talk(ws, {"op": "hello"})
                    await ws.recv()
                    return int((await _talk(ws, {"op": "step", "n": 2}))["step"])

            return list(await asyncio.gather(*(one() for _ in range(6))))

        assert asyncio.run(tabs()) == [2] * 6
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        assert len(children) == 1  # the second worker
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.communicate(timeout=60)  # waits, and closes its pipes
    assert proc.returncode == 0 and not Path(f"/proc/{children[0]}").exists()
