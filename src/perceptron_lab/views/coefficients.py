"""W's entries by feature name and the class each output index stands for, in words.

W is (d, k): row i is feature i (``feature_names[i]``), column j output j. One output
(a binary classifier, a regressor): W[height]. Several (softmax over C classes): W[height,
setosa], column j being class j. The class mapping says which label each index is:
"class 1 = yes, class 0 = no" — the labels sorted, classes[i] ↔ index i (data/labels.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.trace import Trace
from .i18n import Words
from .numbers import fmt

SHOWN = 8  # entries of W written out in one line; the rest are counted


def class_mapping(classes: Sequence[str], lang: str = "en") -> str:
    """'class 1 = yes, class 0 = no' (binary: class 1 first); 'class 0 = a, class 1 = b, …'."""
    w = Words(lang, "evaluate")
    order = [1, 0] if len(classes) == 2 else range(len(classes))
    return ", ".join(w("class_is", index=i, name=classes[i]) for i in order)


def weight_name(feature: str, output: str | None = None) -> str:
    """'W[height]', or 'W[height, setosa]' for output ``output``."""
    return f"W[{feature}]" if output is None else f"W[{feature}, {output}]"


def output_names(k: int, classes: Sequence[str] | None) -> list[str] | None:
    """The name of each of W's k columns: None for one output, else the class (or j)."""
    if k == 1:
        return None
    return [str(classes[j]) if classes and len(classes) == k else str(j) for j in range(k)]


def named_weights(
    W: Sequence[float],
    B: Sequence[float],
    feature_names: Sequence[str],
    classes: Sequence[str] | None,
    lang: str = "en",
    most: int = SHOWN,
) -> str:
    """'W[height] = 0.4213, W[weight] = -0.1034, B = 0.0500' from W flattened row-major (d·k)."""
    d, k = len(feature_names), len(B)
    outputs = output_names(k, classes)
    entries = [
        f"{weight_name(feature_names[i], None if outputs is None else outputs[j])} = "
        f"{fmt(float(W[i * k + j]))}"
        for i in range(d)
        for j in range(k)
    ]
    bias = "B = " + (
        fmt(float(B[0])) if k == 1 else "[" + ", ".join(fmt(float(b)) for b in B) + "]"
    )
    shown = entries[:most]
    if len(entries) > most:
        shown.append(Words(lang, "evaluate")("more", n=len(entries) - most))
    return ", ".join([*shown, bias])


def final_weights(trace: Trace, lang: str = "en") -> str | None:
    """The run's last W and B by name (its last step's W_after, B_after — a finished run's
    summary holds them: no step is read); None without them."""
    data, summary, m = trace.manifest.data, trace.summary, trace.manifest
    if trace.finished and summary and summary.W and summary.B is not None and not m.is_watched:
        W = [v for row in summary.W for v in row]  # (d, k) row-major, as W_after
        return named_weights(W, summary.B, data.feature_names, data.classes, lang)
    last = trace.steps[-1] if trace.steps else None
    if last is None or trace.manifest.output_size is None or last.get("B_after") is None:
        return None  # no step yet, or a watched model other than one nn.Linear
    return named_weights(last["W_after"], last["B_after"], data.feature_names, data.classes, lang)
