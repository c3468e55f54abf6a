"""The playground in Jupyter: the page's own ES module as an anywidget, the Lab in the kernel.

The widget's module is the page's ``playground.js`` with KaTeX before it, its style
the page's with KaTeX's fonts inlined (a notebook serves no files of ours). The page
speaks the protocol through ``model.send``; the kernel answers with ``send`` — the same
messages the web server carries on its websocket (docs/playground.md).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import anywidget

from ..engine.trace import Trace
from ..views import katex
from .lab import Lab
from .saved_runs import save_run

ASSETS = Path(__file__).parent / "assets"
# a notebook may have RequireJS's define(): KaTeX's loader must set the global instead
NO_LOADERS = "const define = undefined, exports = undefined, module = undefined;\n"


@cache
def module_text() -> str:
    """KaTeX, then the page's module (its default export is anywidget's ``render``)."""
    page = (ASSETS / "playground.js").read_text(encoding="utf-8")
    return f"{NO_LOADERS}{katex.script()}\n{page}"


@cache
def style_text() -> str:
    """KaTeX's style with its woff2 fonts as data: URLs, then the page's style."""
    return katex.style() + "\n" + (ASSETS / "playground.css").read_text(encoding="utf-8")


class PlaygroundWidget(anywidget.AnyWidget):
    """The playground page in a notebook cell, driven by a :class:`Lab` in this kernel."""

    _esm = module_text()
    _css = style_text()

    def __init__(self, lab: Lab, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lab = lab
        self.on_msg(self._answer)

    def _answer(self, widget: Any, message: Any, buffers: Any) -> None:
        for reply in self.lab.handle(message):
            self.send(reply)

    @property
    def run(self) -> Trace:
        """The trajectory on screen as a run, read back: saved (as "save as run" does, in
        the temp dir) and loaded, so ``explain``, ``plot`` and ``report`` work on it. A
        branch or a change of points makes a chain of runs; this is the last of them,
        whose manifest names its parent."""
        folder = save_run(self.lab.lines, None)
        last = max(folder.glob("run-*"), key=lambda p: int(p.name.removeprefix("run-")))
        return Trace.load(last)

    def save(self, folder: str | Path | None = None) -> Path:
        """Save the trajectory as run directories (as the page's "save as run"); their folder."""
        return save_run(self.lab.lines, None if folder is None else Path(folder))
