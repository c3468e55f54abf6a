"""The explanation's two small markups, and how each output writes them.

Formulas are written once, in a small subset of LaTeX math (``\\frac{a}{b}``,
``\\sqrt{x}``, ``\\hat{m}``, ``x_{n,i}``, ``\\beta_1^{t}``, Greek letters, …). LaTeX and
Markdown outputs keep them as they are (numbers like ``1e-08`` become ``1 \\times
10^{-8}``); HTML and the terminal read them as Unicode text (``(σ(z₁) - y₁)/N``).

Prose is plain text with ``$…$`` for inline math and backticks for code
(``nn.Linear``); :func:`segments` splits it for the renderers.
"""

from __future__ import annotations

import re

SYMBOLS = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "eta": "η",
    "lambda": "λ",
    "mu": "μ",
    "tau": "τ",
    "sigma": "σ",
    "varepsilon": "ε",
    "theta": "θ",
    "ell": "ℓ",
    "partial": "∂",
    "sum": "Σ",
    "cdot": "·",
    "times": "×",
    "in": "∈",
    "pm": "±",
    "infty": "∞",
    "odot": "⊙",
    "le": "≤",
    "ge": "≥",
    "ne": "≠",
    "approx": "≈",
    "to": "→",
    "leftarrow": "←",
    "top": "ᵀ",
    "ldots": "…",
    "max": "max",
    "min": "min",
    "log": "log",
    "exp": "exp",
    "quad": "\u2002\u2002",  # en spaces: kept when runs of spaces are collapsed
    ",": " ",
    ";": " ",
    " ": " ",
    "{": "{",
    "}": "}",
    "left": "",
    "right": "",
}
ACCENTS = {"hat": "\u0302", "bar": "\u0304"}  # combining circumflex, macron
LETTERS = set("αβγηλμτσεθℓ∂Σ")  # a space after these only ended the command's name, as in TeX
WORDS = ("mathrm", "text", "operatorname", "mathbf")  # their argument is written as it is
BOLD = {"1": "𝟏"}
SUB = dict(
    zip("0123456789+-=()aehijklmnoprstuvx,", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ,", strict=True)
)
SUP = dict(zip("0123456789+-=()tnmaxᵀ", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵗⁿᵐᵃˣᵀ", strict=True))

_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)e([+-]?)0*(\d+)")
_SEGMENT = re.compile(r"(\$[^$]+\$|`[^`]+`)")


def tex_numbers(tex: str) -> str:
    """Scientific numbers as TeX writes them: ``-2.2352e-08`` → ``-2.2352 \\times 10^{-8}``."""

    def power(m: re.Match[str]) -> str:
        sign = "-" if m.group(2) == "-" else ""
        return f"{m.group(1)} \\times 10^{{{sign}{m.group(3)}}}"

    return _NUMBER.sub(power, tex)


def segments(prose: str) -> list[tuple[str, str]]:
    """Split prose into ("text" | "math" | "code", content) pieces, in order."""
    out: list[tuple[str, str]] = []
    for piece in _SEGMENT.split(prose):
        if not piece:
            continue
        if piece.startswith("$") and piece.endswith("$") and len(piece) > 1:
            out.append(("math", piece[1:-1]))
        elif piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
            out.append(("code", piece[1:-1]))
        else:
            out.append(("text", piece))
    return out


def to_unicode(tex: str) -> str:
    """A formula of the subset as readable Unicode text."""
    text, _ = _read(tex, 0, stop="")
    return re.sub(r" {2,}", " ", text).strip()


def _read(tex: str, i: int, stop: str) -> tuple[str, int]:
    """Read from ``i`` until ``stop`` (a closing brace) or the end: (text, next index)."""
    out: list[str] = []
    while i < len(tex):
        c = tex[i]
        if c == stop:
            return "".join(out), i + 1
        if c == "{":
            inner, i = _read(tex, i + 1, "}")
            out.append(inner)
        elif c == "\\":
            piece, i = _command(tex, i + 1)
            out.append(piece)
        elif c in "_^":
            arg, i = _argument(tex, i + 1)
            out.append(_script(arg, SUB if c == "_" else SUP, c))
        else:
            out.append(c)
            i += 1
    return "".join(out), i


def _argument(tex: str, i: int) -> tuple[str, int]:
    """One argument: a {group}, a \\command or a single character."""
    if i >= len(tex):
        return "", i
    if tex[i] == "{":
        return _read(tex, i + 1, "}")
    if tex[i] == "\\":
        return _command(tex, i + 1)
    return tex[i], i + 1


def _command(tex: str, i: int) -> tuple[str, int]:
    """A control sequence starting after its backslash."""
    m = re.match(r"[A-Za-z]+", tex[i:])
    name = m.group(0) if m else tex[i : i + 1]
    i += len(name)
    if name == "frac":
        num, i = _argument(tex, i)
        den, i = _argument(tex, i)
        return f"{_group(num)}/{_group(den)}", i
    if name == "sqrt":
        arg, i = _argument(tex, i)
        return "√" + _group(arg), i
    if name in ACCENTS:
        arg, i = _argument(tex, i)
        return arg + ACCENTS[name], i
    if name in WORDS:
        arg, i = _argument(tex, i)
        return (BOLD.get(arg, arg) if name == "mathbf" else arg), i
    symbol = SYMBOLS.get(name, name)
    if symbol in LETTERS and tex[i : i + 1] == " " and _letter_next(tex, i + 1):
        i += 1
    return symbol, i


def _letter_next(tex: str, i: int) -> bool:
    """Whether a letter (or a command written as one, like ``\\theta``) starts at ``i``."""
    if tex[i : i + 1].isalnum():
        return True
    m = re.match(r"\\([A-Za-z]+)", tex[i:])
    return m is not None and SYMBOLS.get(m.group(1), "") in LETTERS


def _group(text: str) -> str:
    """``text`` in parentheses when it is more than one term."""
    bare = text.strip()
    call = re.fullmatch(r"[^\s()+\-·/]+(\(.*\))", bare)  # exp(-0.2), σ(z₁): one term
    simple = re.fullmatch(r"[^\s+\-·/]+|\d+(\.\d+)?e[+-]\d+", bare)
    if simple or _enclosed(bare) or (call and _enclosed(call.group(1))):
        return bare
    return f"({bare})"


def _enclosed(text: str) -> bool:
    """Whether ``text`` is one parenthesized group, as ``(a + b)`` (not ``(a) + (b)``)."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def _script(arg: str, table: dict[str, str], mark: str) -> str:
    """A subscript or superscript in Unicode when every character has one."""
    if arg and all(ch in table for ch in arg):
        return "".join(table[ch] for ch in arg)
    return f"{mark}({arg})" if len(arg) > 1 else f"{mark}{arg}"
