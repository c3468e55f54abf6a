"""Strict JSON: what every parser reads. NaN and ±Inf are not JSON (RFC 8259).

Python's ``json`` writes them as ``NaN`` and ``Infinity``, which ``jq``, JavaScript's
``JSON.parse`` and most other parsers refuse; a diverged run is full of them. Here a
non-finite number is ``null`` (the run's ``status`` says why: diverged).
"""

from __future__ import annotations

import json
import math
from typing import Any


def finite(value: Any) -> Any:
    """``value`` (dicts, lists, numbers) with every non-finite float made None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    return value


def dumps(value: Any, indent: int = 1) -> str:
    """``value`` as strict JSON text (non-finite numbers as null)."""
    return json.dumps(finite(value), indent=indent, allow_nan=False)
