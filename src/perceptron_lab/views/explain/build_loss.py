"""The loss's three sections: its activation, its value (per sample, then reduced), dL/dZ.

The loss object writes its own forms: per-element values (``loss.elements``), ℓ and
∂ℓ/∂z in TeX and with numbers (``loss.tex_*``); the reduction is said out loud. A loss
without words in the catalogs is described by its own ``title``, ``formula`` and ``gradient``.
"""

from __future__ import annotations

from . import values
from .board import Board
from .solution import Derivation, Section
from .values import TERMS, hyper, num, terms, total

# --- activation -------------------------------------------------------------------

ACTIVATION_FORMULA = {
    "sigmoid": r"a = \sigma(z) = \frac{1}{1 + \exp(-z)}",
    "softmax": r"a_n[c] = \operatorname{softmax}(z_n)[c] = \frac{\exp(z_n[c])}{\sum_{l} \exp(z_n[l])}",
    "identity": r"a = z",
    "step": r"a = H(z) = \mathbf{1}[z \ge 0]",
}
ACTIVATION_TWIN = {
    "sigmoid": "torch.sigmoid(Z)",
    "softmax": "torch.softmax(Z, dim=1)",
    "identity": "nn.Identity()(Z)",
    "step": "torch.heaviside(Z, 1)",
}


def activation_section(b: Board) -> Section:
    """A = activation(Z), element by element (softmax: row by row)."""
    rec, say = b.rec, b.say
    name = b.loss.activation.name
    Z, A = rec.Z.closed, rec.A.closed
    lines = []
    for n, j in b.cells:
        z, a, ix = float(Z[n, j]), float(A[n, j]), b.ix(n, j)
        if name == "sigmoid":
            lines.append(f"a_{{{ix}}} = \\frac{{1}}{{1 + \\exp({num(-z)})}} = {num(a)}")
        elif name == "softmax":
            row = [f"\\exp({num(float(v))})" for v in Z[n, : min(b.k, TERMS)]]
            lines.append(
                f"a_{{{n + 1}}}[{j}] = \\frac{{\\exp({num(z)})}}{{{total(row, b.k)}}} = {num(a)}"
            )
        elif name == "step":
            lines.append(f"a_{{{ix}}} = H({num(z)}) = {num(a)}")
    if name == "identity":
        lines.append("A = Z")
    return Section(
        say("activation_title"),
        (
            Derivation(
                say(f"activation_{name}"),
                formula=(ACTIVATION_FORMULA[name],),
                substitution=tuple(lines),
                shown=b.shown() if name != "identity" else None,
                results=(b.quantity("A", rec.A, ACTIVATION_TWIN[name]),),
                notes=(say.or_else(f"activation_note_{rec.loss_name}", f"{b.loss.title}: {name}"),),
            ),
        ),
        stage="activation",
    )


# --- loss ---------------------------------------------------------------------------


def _element_lines(b: Board) -> tuple[str, list[str]]:
    """ℓ per element (or per sample): the loss's formula and its substitutions."""
    rec, loss = b.rec, b.loss
    Z, A, y = rec.Z.closed, rec.A.closed, rec.y
    ell = loss.elements(Z, y)  # (N, k), or (N,) for a rowwise loss
    if loss.rowwise:
        shown = min(b.k, TERMS)
        lines = [
            loss.tex_row_at(values, Z[n].tolist(), shown, int(y[n]), float(ell[n]), n)
            for n in b.rows
        ]
        return loss.tex_formula("n"), lines
    lines = []
    for n, j in b.cells:
        z, yv, a = float(Z[n, j]), float(y[n, j]), float(A[n, j])
        at = loss.tex_loss_at(values, z, yv, a, j)
        lines.append(f"\\ell_{{{b.ix(n, j)}}} = {at} = {num(float(ell[n, j]))}")
    return loss.tex_formula("n" if b.k == 1 else "n,j"), lines


def _pos_weight(b: Board) -> list[float]:
    """BCE's positive-class weight p per output ([] when not set)."""
    p = b.rec.loss_options.get("pos_weight")
    if p is None:
        return []
    weights = [float(p)] if isinstance(p, int | float) else [float(v) for v in p]
    return weights * b.k if len(weights) == 1 else weights


def loss_section(b: Board) -> Section:
    """ℓ per sample, then L reduced — mean or sum, said out loud."""
    rec, say, loss = b.rec, b.say, b.loss
    formula, lines = _element_lines(b)
    per_element = loss.elements(rec.Z.closed, rec.y).reshape(-1)
    count = b.count()
    parts = terms(per_element[:TERMS].tolist())
    value = num(float(rec.loss.closed))
    elementwise = count != b.N
    ell = r"\ell_{n,j}" if elementwise else r"\ell_n"
    over = "n,j" if elementwise else "n"
    if b.mean:
        div = "N k" if elementwise else "N"
        reduce_formula = rf"L = \frac{{1}}{{{div}}} \sum_{{{over}}} {ell}"
        reduce_line = rf"L = \frac{{{total(parts, count)}}}{{{count}}} = {value}"
        key = "mean_elements" if elementwise else "mean_samples"
    else:
        reduce_formula = rf"L = \sum_{{{over}}} {ell}"
        reduce_line = rf"L = {total(parts, count)} = {value}"
        key = "sum_elements" if elementwise else "sum_samples"
    notes = [say.or_else(f"loss_note_{rec.loss_name}", loss.formula)]
    if elementwise:
        notes.append(say(f"per_sample_{loss.reduction}", k=b.k))
    if _pos_weight(b):
        notes.append(say("pos_weight", p=", ".join(hyper(v) for v in _pos_weight(b))))
    via = loss.twin_text()
    per_sample = Derivation(
        say("per_sample_derivation"),
        formula=(formula,),
        substitution=tuple(lines),
        shown=b.shown(),
        results=(b.value(r"\ell_n", rec.per_sample_loss),),
        notes=tuple(notes),
    )
    reduced = Derivation(
        say("reduce_derivation"),
        formula=(reduce_formula,),
        substitution=(reduce_line,),
        shown=say("showing_terms", shown=TERMS, total=count) if count > TERMS else None,
        results=(b.quantity("L", rec.loss, via),),
        notes=(say(key, N=b.N, k=b.k, count=count),),
    )
    return Section(say("loss_title"), (per_sample, reduced), stage="loss")


# --- dL/dZ --------------------------------------------------------------------------


def dz_section(b: Board) -> Section:
    """dL/dZ in closed form for the loss and its reduction."""
    rec, say = b.rec, b.say
    Z, A, y, dZ = rec.Z.closed, rec.A.closed, rec.y, rec.dZ.closed
    count = b.count()
    elementwise = count != b.N
    div = ("N k" if elementwise else "N") if b.mean else ""

    name, loss = rec.loss_name, b.loss
    p = _pos_weight(b)
    general = loss.tex_gradient()
    formula = (
        rf"\frac{{\partial L}}{{\partial Z}} = \frac{{{general}}}{{{div}}}"
        if b.mean
        else rf"\frac{{\partial L}}{{\partial Z}} = {general}"
    )
    lines = []
    for n, j in b.cells:
        label = f"z_{{{n + 1}}}[{j}]" if loss.rowwise else f"z_{{{b.ix(n, j)}}}"
        yv = float(y[n]) if loss.rowwise else float(y[n, j])
        top = loss.tex_grad_at(values, float(Z[n, j]), yv, float(A[n, j]), j)
        value = rf"\frac{{{top}}}{{{count}}}" if b.mean else top
        lines.append(rf"\frac{{\partial L}}{{\partial {label}}} = {value} = {num(float(dZ[n, j]))}")
    notes = [say("dz_note_bce_weighted") if p else say.or_else(f"dz_note_{name}", loss.gradient)]
    notes.append(say("dz_mean", count=count) if b.mean else say("dz_sum", count=count))
    notes.append(say("dz_torch"))
    return Section(
        say("dz_title"),
        (
            Derivation(
                say("dz_derivation"),
                formula=(formula,),
                shapes=rf"\partial L/\partial Z\,({b.N}{{\times}}{b.k})",
                substitution=tuple(lines),
                shown=b.shown(),
                results=(b.quantity(r"\partial L/\partial Z", rec.dZ, "loss.backward(); Z.grad"),),
                notes=tuple(notes),
            ),
        ),
        stage="dz",
    )
