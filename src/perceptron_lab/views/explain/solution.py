"""The shape of a worked solution, independent of language and output format.

An :class:`Explanation` is ordered :class:`Section` s (forward pass, activation, loss,
dL/dZ, dL/dW and dL/dB, update); each holds :class:`Derivation` s written the way a
teacher writes them at the board: the formula, its shapes, the formula again with the
numbers put in, and the result — here beside PyTorch's value and their disagreement.

Formulas and substitutions are TeX-subset math (see :mod:`.mathtext`); titles and notes
are prose with ``$…$`` math and backtick code. Numbers are already formatted strings:
every renderer writes the same digits.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Quantity:
    """A result: the closed form's value, PyTorch's, and their disagreement."""

    label: str  # TeX, e.g. "Z" or "\\hat{m}_W"
    closed: str  # formatted value(s), e.g. "[-2.2352e-08, 0.4000, 0.8000]"
    torch: str | None = None  # PyTorch's value; None: PyTorch has no such quantity
    gap: str | None = None  # formatted disagreement; None when nothing was compared
    via: str | None = None  # the PyTorch call that produced ``torch`` (code)


@dataclass(frozen=True)
class Derivation:
    """One worked computation: formula → substitution → result."""

    title: str  # prose
    formula: tuple[str, ...] = ()  # TeX lines, in general symbols
    shapes: str | None = None  # TeX, e.g. "X\\,(3{\\times}2) \\cdot W\\,(2{\\times}1) …"
    substitution: tuple[str, ...] = ()  # TeX lines with the numbers put in
    shown: str | None = None  # prose when the substitution is cut: "showing 3 of 32 samples"
    results: tuple[Quantity, ...] = ()
    notes: tuple[str, ...] = ()  # prose


@dataclass(frozen=True)
class Section:
    """A stage of the step: its title and its derivations."""

    title: str  # prose
    derivations: tuple[Derivation, ...]
    # which part of the step: "given", "forward", "activation", "loss", "dz", "gradient", "update"
    stage: str = ""


@dataclass(frozen=True)
class Explanation:
    """The worked solution of one step."""

    lang: str  # "en" or "es"
    title: str  # prose
    summary: tuple[str, ...]  # prose: the setting in sentences
    sections: tuple[Section, ...]
    closing: tuple[str, ...] = ()  # prose: the verification
    # the renderers' own words: quantity, by_hand, by_torch, gap, formula, shapes, numbers
    words: dict[str, str] = field(default_factory=dict)
