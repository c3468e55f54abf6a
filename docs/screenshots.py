"""Take the playground's screenshots in docs/ (run from the repository's root):

    python docs/screenshots.py

The page is served on a free loopback port and driven in Debian's Chromium as a user
would: moons after 60 steps and a branch with a larger learning rate; xor with x₁·x₂
solved; the worked step 3 in Spanish.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from tests.playground_server import serving  # noqa: E402

from perceptron_lab.playground.lab import Lab  # noqa: E402

VIEW = {"width": 1440, "height": 900}


def steps(page: Any, button: str, to: int) -> None:
    page.click(f"[data-testid=btn-{button}]")
    page.wait_for_selector(f"[data-step='{to}']", timeout=60_000)


def main() -> int:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        with serving(lambda: Lab({"name": "moons"}, {"lr": 0.5})) as (base, _):
            page = browser.new_page(viewport=VIEW)
            page.goto(f"http://{base}/")
            page.wait_for_selector("[data-ready='1']")
            for t in range(10, 61, 10):
                steps(page, "step10", t)
            page.fill("[data-testid=ctl-lr]", "3")
            page.click("[data-testid=btn-branch]")
            page.wait_for_timeout(500)
            for t in range(70, 121, 10):
                steps(page, "step10", t)
            page.screenshot(path=str(ROOT / "docs" / "playground-moons.png"), full_page=True)
            page.close()
        with serving(lambda: Lab({"name": "xor", "crosses": ["x1*x2"]}, {"lr": 0.5})) as (base, _):
            page = browser.new_page(viewport=VIEW)
            page.goto(f"http://{base}/")
            page.wait_for_selector("[data-ready='1']")
            for t in range(10, 301, 10):
                steps(page, "step10", t)
            page.screenshot(path=str(ROOT / "docs" / "playground-xor.png"), full_page=True)
            page.close()
        with serving(lambda: Lab({"name": "seed"}, {"lr": 0.1}, lang="es")) as (base, _):
            page = browser.new_page(viewport=VIEW)
            page.goto(f"http://{base}/")
            page.wait_for_selector("[data-ready='1']")
            for t in (1, 2, 3):  # in Spanish from the start: the lab's language
                steps(page, "step", t)
            page.screenshot(path=str(ROOT / "docs" / "playground-es.png"), full_page=True)
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
