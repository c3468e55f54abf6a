"""A run's advice (engine.convergence: a measured cause and its numbers) in words, with the fix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .i18n import Words


def advice_text(advice: Mapping[str, Any], lang: str | None = None) -> str:
    """One cause of a useless run, its numbers and its fix, as a sentence.

    The fix's numbers come from the measured ones: lr/10 (``lower``), 10·lr
    (``higher``), 10× the epochs (``more``).
    """
    words = Words(lang, "advice")
    cause, numbers = advice["cause"], dict(advice["numbers"])
    if "lr" in numbers:
        numbers.update(lower=numbers["lr"] / 10, higher=numbers["lr"] * 10)
    if "epochs" in numbers:
        numbers["more"] = numbers["epochs"] * 10
    text = words(cause, **numbers)
    if cause == "not_separable":
        text += words("fix_crosses" if numbers["features"] == 2 else "fix_hidden")
    return text


def advice_lines(advice: Sequence[Mapping[str, Any]] | None, lang: str | None = None) -> list[str]:
    """Each cause as a warning line ("warning: …"); none for a run that went well."""
    words = Words(lang, "advice")
    return [words("warning", text=advice_text(a, lang)) for a in advice or ()]
