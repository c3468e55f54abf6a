"""Shared fixtures: the notebook's data, a headless Chromium for the HTML outputs, pdflatex."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import _pytest.pathlib
import pytest
import torch

CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium, never a downloaded browser
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _find_prefixed(root: Path, prefix: str) -> Iterator[os.DirEntry[str]]:
    """pytest's ``find_prefixed``, closing its directory iterator before it yields.

    pytest 9.2's own leaves an ``os.scandir`` open when the cleanup of old temporary
    directories stops early at the session's end, which ``filterwarnings = error`` turns
    into a failure of a session whose tests all passed (a ResourceWarning, seen once in
    several runs). The project's own directory iterators stay under that filter.
    """
    lowered = prefix.lower()
    with os.scandir(root) as entries:
        found = [entry for entry in entries if entry.name.lower().startswith(lowered)]
    yield from found


_pytest.pathlib.find_prefixed = _find_prefixed


# The seed notebook's printed numbers of examples 1–4 (logits, probabilities, BCE,
# dL/dW, dL/dB, new W, new B), as PyTorch prints them.
NOTEBOOK_PRINTED = (
    "-2.2352e-08",
    "0.4000",
    "0.8000",
    "0.5987",
    "0.6900",
    "0.6591",
    "-0.0847",
    "-0.1551",
    "-0.0704",
    "0.5008",
    "-0.2984",
    "0.1007",
)


@pytest.fixture(scope="module")
def one_torch_thread() -> Iterator[None]:
    """Many small fits: torch's thread pool only adds overhead on shared cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def notebook() -> dict[str, torch.Tensor]:
    """The seed notebook's X (3, 2), y (3,), W (2, 1), B (1,) in float32."""
    return {
        "X": torch.tensor([[1, 2], [3, 4], [5, 6]], dtype=torch.float),
        "y": torch.tensor([1.0, 0.0, 1.0]),
        "W": torch.tensor([[0.5], [-0.3]]),
        "B": torch.tensor([0.1]),
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium by Playwright; CI (CI=true) fails without it, elsewhere it skips."""
    if not CHROMIUM.is_file():
        why = f"{CHROMIUM} is missing: `apt-get install chromium` to run the browser test"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def errors_of(page: Any) -> list[str]:
    """What goes wrong in ``page`` from now on: console errors, uncaught exceptions and
    dialogs (an ``alert`` is a script that ran; it is dismissed)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    return errors


def open_offline(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    """The page at ``path``, what went wrong in it and what it asked for beyond itself.

    Errors: console errors, uncaught exceptions, and every dialog (an ``alert`` is a
    script that ran; it is dismissed). Requests for anything but the page itself and
    ``data:`` URIs are refused and listed: a self-contained page makes none.
    """
    page = browser.new_page()
    own = path.resolve().as_uri()
    errors = errors_of(page)
    blocked: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if url == own or url.startswith("data:"):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.goto(own, wait_until="load")
    return page, errors, blocked


def needed(why: str) -> None:
    """A missing system tool: skip the test here, fail it in CI (which installs it)."""
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture(scope="session")
def pdflatex() -> str:
    """Debian's pdflatex (texlive), for the tests that compile LaTeX."""
    found = shutil.which("pdflatex")
    if found is None:
        needed("pdflatex is missing: `apt-get install texlive-latex-recommended` to compile LaTeX")
    assert found is not None
    return found
