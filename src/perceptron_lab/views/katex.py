"""KaTeX, bundled: its script and its style with the fonts inside, for pages that fetch nothing.

KaTeX 0.16 (MIT, ``assets/katex/LICENSE``) ships in the package: ``katex.min.js``,
``katex.min.css`` and its woff2 fonts. The run report inlines both in its one HTML file
and the playground's notebook widget inlines them in its module; the playground's web
server serves the folder itself (``FOLDER``).
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).parent / "assets" / "katex"
# one @font-face source list: the woff2 file, then the woff and ttf fallbacks KaTeX names
_SOURCES = re.compile(
    r'url\(fonts/([\w.-]+)\.woff2\) format\("woff2"\)'
    r'(?:,url\(fonts/[\w.-]+\.woff\) format\("woff"\))?'
    r'(?:,url\(fonts/[\w.-]+\.ttf\) format\("truetype"\))?'
)


@cache
def script() -> str:
    """``katex.min.js``: defines the global ``katex`` (``katex.render(tex, element, …)``)."""
    return (FOLDER / "katex.min.js").read_text(encoding="utf-8")


@cache
def style() -> str:
    """``katex.min.css`` with each font as its woff2 file in a ``data:`` URL, and only that.

    Every browser that runs KaTeX reads woff2, so the woff and ttf fallbacks are dropped:
    the style names no file at all.
    """

    def inline(m: re.Match[str]) -> str:
        font = (FOLDER / "fonts" / f"{m.group(1)}.woff2").read_bytes()
        return f'url(data:font/woff2;base64,{base64.b64encode(font).decode()}) format("woff2")'

    return _SOURCES.sub(inline, (FOLDER / "katex.min.css").read_text(encoding="utf-8"))
