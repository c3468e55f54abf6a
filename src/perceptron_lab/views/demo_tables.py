"""The demo's five examples as terminal tables or JSON. Reads a Demo; computes nothing."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from ..core.notebook import LR, Demo
from ..core.observed_step import StepRecord, Twin
from .fitted_table import FittedTable
from .i18n import Words
from .numbers import fmt, fmt_gap, to_json


def _table(
    title: str, w: Words, rows: list[tuple[str, Twin]], *more: tuple[str, str, str, str]
) -> FittedTable:
    """One row per entry of each quantity: by formula, by PyTorch, and the quantity's gap;
    then the rows ``more``, as they are."""
    cells: list[tuple[str, str, str, str]] = []
    for label, twin in rows:
        closed = twin.closed.reshape(-1)
        other = twin.torch.reshape(-1) if twin.torch is not None else None
        for i in range(closed.numel()):
            cells.append(
                (
                    label if closed.numel() == 1 else f"{label}[{i + 1}]",
                    fmt(float(closed[i])),
                    fmt(float(other[i])) if other is not None else "—",
                    fmt_gap(twin.disagreement) if i == 0 else "",
                )
            )
    headers = (w("quantity"), w("by_hand"), w("by_torch"), w("gap"))
    return FittedTable(title, headers, [*cells, *more], right=(1, 2, 3))


def _note(*lines: str) -> Padding:
    """Lines under a table, indented by two; a long one wraps at words, indented too."""
    return Padding(Text("\n".join(lines)), (0, 0, 0, 2), expand=False)


def render_text(demo: Demo, lang: str, console: Console) -> None:
    """Print the five examples as tables, each number beside its PyTorch twin."""
    w = Words(lang, "demo")
    s = demo.step
    console.print(_table(w("ex1"), w, [(w("logit"), s.Z)]))
    console.print(_note(f"{w('shapes')}   {w('torch_linear')}"))
    note = demo.first_logit
    inputs = f" {w('and')} ".join(
        w("stored_as", written=a, stored=b) for a, b in note.rounded_inputs
    )
    console.print(
        _note(
            w(
                "float32_note",
                computed=fmt(note.computed),
                inputs=inputs,
                exact=f"{note.stored_exact:.10e}",
                decimal=f"{note.decimal:g}",
            )
        )
    )
    console.print()
    notebook = (
        w("loss_by_notebook"),
        fmt(demo.notebook_bce),
        fmt(float(s.loss.torch or s.loss.closed)),
        "",
    )
    console.print(_table(w("ex2"), w, [(w("prob"), s.A), (w("loss_value"), s.loss)], notebook))
    console.print(_note(w("f_ex2"), w("torch_sigmoid")))
    console.print()
    console.print(_table(w("ex3"), w, [(w("dZ"), s.dZ), (w("dW"), s.dW), (w("dB"), s.dB)]))
    console.print(_note(w("f_ex3"), w("torch_grad")))
    console.print()
    console.print(_table(w("ex4", lr=LR), w, [(w("new_W"), s.W_after), (w("new_B"), s.B_after)]))
    console.print(_note(w("f_ex4"), w("torch_step", lr=LR)))
    console.print()
    epochs = [
        (
            str(rec.step),
            fmt(float(rec.loss.closed)),
            fmt(float(rec.loss.torch)) if rec.loss.torch is not None else "—",
            fmt_gap(rec.loss.disagreement),
        )
        for rec in demo.epochs
    ]
    headers = (
        w("epoch"),
        f"{w('loss')} ({w('by_hand')})",
        f"{w('loss')} ({w('by_torch')})",
        w("gap"),
    )
    title = w("ex5", epochs=len(demo.epochs), seed=demo.seed)
    console.print(FittedTable(title, headers, epochs, right=(0, 1, 2, 3)))
    console.print(_note(w("seed_note", seed=demo.seed)))
    console.print()
    name, gap = worst(demo)
    console.print(Text(w("verified", gap=fmt_gap(gap), name=name)))


def worst(demo: Demo) -> tuple[str, float]:
    """The largest disagreement over all the demo's steps."""
    found = [demo.step.worst, *(r.worst for r in demo.epochs)]
    return max(found, key=lambda item: item[1])


def twin_json(twin: Twin) -> dict[str, Any]:
    return {
        "closed": to_json(twin.closed),
        "torch": to_json(twin.torch),
        "disagreement": twin.disagreement,
    }


def step_json(rec: StepRecord) -> dict[str, Any]:
    """Every number of a step record, machine-readable."""
    return {
        "step": rec.step,
        "loss_name": rec.loss_name,
        "optimizer": rec.rule_name,
        "optimizer_options": to_json(dict(rec.rule_options)),
        "lr": rec.lr,
        "X": to_json(rec.X),
        "y": to_json(rec.y),
        "W": to_json(rec.W),
        "B": to_json(rec.B),
        "per_sample_loss": to_json(rec.per_sample_loss),
        **{name: twin_json(t) for name, t in rec.twins()},
        "verified": rec.verified,
        "tolerance": rec.tolerance,
    }


def render_json(demo: Demo) -> dict[str, Any]:
    """The demo as a JSON-ready dict: every number of every example."""
    s = demo.step
    note = demo.first_logit
    return {
        "data": {
            "X": to_json(s.X),
            "y": to_json(s.y),
            "W": to_json(s.W),
            "B": to_json(s.B),
            "lr": LR,
        },
        "example_1": {
            "Z": twin_json(s.Z),
            "float32": {
                "computed": note.computed,
                "exact_with_stored_inputs": note.stored_exact,
                "exact_decimal": note.decimal,
                "stored_inputs": [{"written": a, "stored": b} for a, b in note.rounded_inputs],
            },
        },
        "example_2": {
            "probabilities": twin_json(s.A),
            "bce": twin_json(s.loss),
            "bce_notebook_formula": demo.notebook_bce,
        },
        "example_3": {"dL_dZ": twin_json(s.dZ), "dL_dW": twin_json(s.dW), "dL_dB": twin_json(s.dB)},
        "example_4": {
            "new_W": twin_json(s.W_after),
            "new_B": twin_json(s.B_after),
            "update_W": twin_json(s.update_W),
            "update_B": twin_json(s.update_B),
        },
        "example_5": {
            "seed": demo.seed,
            "epochs": [
                {
                    "epoch": r.step,
                    "loss": twin_json(r.loss),
                    "W": to_json(r.W_after.closed),
                    "B": to_json(r.B_after.closed),
                }
                for r in demo.epochs
            ],
        },
        "step": step_json(s),
        "worst_disagreement": dict(zip(("quantity", "value"), worst(demo), strict=True)),
    }
