"""StepRecord → Explanation: the setting, the data, the forward pass, the gradients.

The loss's sections (activation, loss, dL/dZ) come from :mod:`.build_loss`, the update
from :mod:`.build_update`. Every result is a number the record holds; the few numbers a
substitution needs besides (1 − β1ᵗ, a λ·θ term) are arithmetic on them, for the reader.
"""

from __future__ import annotations

from ...core.observed_step import StepRecord
from ...optim import get_optimizer
from ..coefficients import SHOWN as ROWS_NAMED
from ..coefficients import class_mapping, weight_name
from ..i18n import Words
from ..numbers import fmt_gap
from . import float32_note
from .board import Board, StepContext
from .build_loss import activation_section, dz_section, loss_section
from .build_update import update_section
from .solution import Derivation, Explanation, Section
from .values import ELEMENTS, TERMS, hyper, num, products, tensor_text, term, terms, total


def build(record: StepRecord, lang: str = "en", context: StepContext | None = None) -> Explanation:
    """The worked solution of ``record`` in ``lang``."""
    say = Words(lang, "explain")
    b = Board(record, say, context)
    return Explanation(
        lang=lang,
        title=say("title", step=record.step),
        summary=_summary(b),
        sections=(
            _given(b),
            _forward(b),
            activation_section(b),
            loss_section(b),
            dz_section(b),
            _gradients(b),
            update_section(b),
        ),
        closing=_closing(b),
        words=_labels(say),
    )


def _labels(say: Words) -> dict[str, str]:
    """The renderers' words: the table columns (the demo's) and the labels of a derivation."""
    table = Words(say.lang, "demo")
    return {
        **{key: table(key) for key in ("quantity", "by_hand", "by_torch", "gap")},
        **{key: say(f"word_{key}") for key in ("formula", "shapes", "numbers")},
    }


def _summary(b: Board) -> tuple[str, ...]:
    say, rec, ctx = b.say, b.rec, b.context
    dtype = str(rec.X.dtype).removeprefix("torch.")
    lines = [
        say(
            "setting",
            loss=say.or_else(f"loss_{rec.loss_name}", b.loss.title.capitalize()),
            rule=say.or_else(f"rule_{rec.rule_name}", rec.rule_name),
            lr=hyper(rec.lr),
            dtype=dtype,
        ),
        say("batch", N=b.N, d=b.d, k=b.k),
    ]
    if ctx.epoch is not None and ctx.batch is not None and ctx.batches is not None:
        key = "position_full" if ctx.batches == 1 else "position"
        lines.append(say(key, epoch=ctx.epoch, batch=ctx.batch, batches=ctx.batches))
    lines += [say("rounding"), say("twins")]
    return tuple(lines)


def _given(b: Board) -> Section:
    rec, say = b.rec, b.say
    results = [
        b.value("X", rec.X),
        b.value("y", rec.y),
        b.value("W", rec.W),
        b.value("B", rec.B),
    ]
    keys: dict[str, None] = {}
    symbol = dict(get_optimizer(rec.rule_name, **rec.rule_options).state_symbols)
    for param, entries in rec.state_before.items():
        for key, tensor in entries.items():
            results.append(b.value(f"{symbol[key]}_{{{param}}}", tensor))
            keys[key] = None
    notes = [say.or_else(f"labels_{rec.loss_name}", b.loss.labels), *_names(b)]
    if keys:
        names = ", ".join(f"${symbol[key]}$ (`{key}`)" for key in keys)
        notes.append(say("state_before", names=names))
    keeps_state = any(rec.state_after.get(p) for p in ("W", "B"))
    if keeps_state and not any(rec.state_before.get(p) for p in ("W", "B")):
        notes.append(say("state_empty"))
    return Section(
        say("given_title"),
        (Derivation(say("given_derivation"), results=tuple(results), notes=tuple(notes)),),
        stage="given",
    )


def _names(b: Board) -> list[str]:
    """What the run's class indices and W's rows stand for: its labels and feature names."""
    names = Words(b.say.lang, "evaluate")
    ctx, notes = b.context, []
    if ctx.classes and b.loss.task != "regression":
        notes.append(names("explain_classes", mapping=class_mapping(ctx.classes, b.say.lang)))
    if ctx.feature_names and len(ctx.feature_names) == b.d:
        rows = ", ".join(f"`{weight_name(f)}`" for f in ctx.feature_names[:ROWS_NAMED])
        more = len(ctx.feature_names) - ROWS_NAMED
        rows += f", {names('more', n=more)}" if more > 0 else ""
        notes.append(names("explain_rows", names=rows))
    return notes


def _forward(b: Board) -> Section:
    rec, say, N, d, k = b.rec, b.say, b.N, b.d, b.k
    X, W, B, Z = rec.X, rec.W, rec.B, rec.Z.closed
    element = (
        r"z_{n} = \sum_{i} x_{n,i} \cdot w_{i} + b"
        if k == 1
        else r"z_{n,j} = \sum_{i} x_{n,i} \cdot w_{i,j} + b_j"
    )
    lines = []
    for n, j in b.cells:
        dot = products(X[n, :TERMS].tolist(), W[:TERMS, j].tolist())
        lines.append(
            f"z_{{{b.ix(n, j)}}} = {total(dot, d)} + {term(float(B[j]))} = {num(float(Z[n, j]))}"
        )
    notes = [say("net_input"), say("linear_note", d=d, k=k)]
    cut = [say("showing_terms", shown=TERMS, total=d)] if d > TERMS else []
    notes += float32_note.notes(rec, b.cells, lambda n, j: f"z_{{{b.ix(n, j)}}}", say)
    return Section(
        say("forward_title"),
        (
            Derivation(
                say("forward_derivation"),
                formula=("Z = XW + B", element),
                shapes=_shapes(("X", N, d), ("W", d, k), ("B", k, None), ("Z", N, k)),
                substitution=tuple(lines),
                shown="; ".join(filter(None, [b.shown(), *cut])) or None,
                results=(b.quantity("Z", rec.Z, f"nn.Linear({d}, {k})(X)"),),
                notes=tuple(notes),
            ),
        ),
        stage="forward",
    )


def _shapes(*parts: tuple[str, int, int | None]) -> str:
    """``X\\,(3{\\times}2) \\cdot W\\,(2{\\times}1) + B\\,(1) \\to Z\\,(3{\\times}1)``."""
    text = [
        f"{name}\\,({rows}{{\\times}}{cols})" if cols is not None else f"{name}\\,({rows})"
        for name, rows, cols in parts
    ]
    *inputs, out = text
    if len(inputs) == 3:
        return f"{inputs[0]} \\cdot {inputs[1]} + {inputs[2]} \\to {out}"
    return f"{inputs[0]} \\cdot {inputs[1]} \\to {out}"


def _gradients(b: Board) -> Section:
    rec, say, N, d, k = b.rec, b.say, b.N, b.d, b.k
    X, dZ = rec.X, rec.dZ.closed
    dw = r"\frac{\partial L}{\partial w_{%s}}"
    w_lines = []
    for i in range(min(d, ELEMENTS)):
        for j in b.outs:
            dot = products(X[:TERMS, i].tolist(), dZ[:TERMS, j].tolist())
            label = str(i + 1) if k == 1 else f"{i + 1},{j + 1}"
            w_lines.append(f"{dw % label} = {total(dot, N)} = {num(float(rec.dW.closed[i, j]))}")
    b_lines = []
    for j in b.outs:
        parts = terms(dZ[:TERMS, j].tolist())
        label = "b" if k == 1 else f"b_{{{j + 1}}}"
        b_lines.append(
            f"\\frac{{\\partial L}}{{\\partial {label}}} = {total(parts, N)} = {num(float(rec.dB.closed[j]))}"
        )
    grad_T = rec.dW.torch.T if rec.dW.torch is not None else rec.dW.closed.T  # (k, d)
    weight_note = say("weight_grad_note", d=d, k=k, value=tensor_text(grad_T))
    cut = [say("showing_terms", shown=TERMS, total=N)] if N > TERMS else []
    shown_w = min(d, ELEMENTS) * len(b.outs)
    w_cut = cut + ([say("showing_weights", shown=shown_w, total=d * k)] if shown_w < d * k else [])
    dW = Derivation(
        say("dw_derivation"),
        formula=(
            r"\frac{\partial L}{\partial W} = X^\top \cdot \frac{\partial L}{\partial Z}",
            r"\frac{\partial L}{\partial w_{i,j}} = \sum_{n} x_{n,i} \cdot \frac{\partial L}{\partial z_{n,j}}",
        ),
        shapes=_shapes(
            (r"X^\top", d, N), (r"\partial L/\partial Z", N, k), (r"\partial L/\partial W", d, k)
        ),
        substitution=tuple(w_lines),
        shown="; ".join(w_cut) or None,
        results=(b.quantity(r"\partial L/\partial W", rec.dW, "linear.weight.grad.T"),),
        notes=(say("chain_rule_w"), weight_note),
    )
    dB = Derivation(
        say("db_derivation"),
        formula=(
            r"\frac{\partial L}{\partial b_j} = \sum_{n} \frac{\partial L}{\partial z_{n,j}}",
        ),
        shapes=f"\\partial L/\\partial B\\,({k})",
        substitution=tuple(b_lines),
        shown="; ".join(cut) or None,
        results=(b.quantity(r"\partial L/\partial B", rec.dB, "linear.bias.grad"),),
        notes=(say("chain_rule_b"),),
    )
    return Section(say("gradients_title"), (dW, dB), stage="gradient")


def _closing(b: Board) -> tuple[str, ...]:
    rec, say = b.rec, b.say
    if not rec.verified:
        return (say("unverified"),)
    name, gap = rec.worst
    tolerance = f"{rec.tolerance:.0e}"
    if gap == 0:
        return (say("verified_exact", tolerance=tolerance),)
    return (say("verified", gap=fmt_gap(gap), name=name, tolerance=tolerance),)
