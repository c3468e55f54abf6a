"""The update section: the rule's hyper-parameters and state, then W and B updated.

Each element's worked update is the rule's own (``UpdateRule.worked``, written from
the record's numbers and the rule's intermediates); the results are the record's: the state after the step and the new parameters, beside PyTorch's, and the
values the rule derives from its state (``UpdateRule.derived``: Adam's m̂, v̂). The rule's
hyper-parameter symbols and the notes its options call for are the rule's own.
"""

from __future__ import annotations

import torch

from ...optim import UpdateRule, get_optimizer
from ...optim.worked import Element
from . import values
from .board import Board
from .solution import Derivation, Quantity, Section
from .values import ELEMENTS, hyper


def _hyper_text(b: Board) -> str:
    """``$\\gamma = 0.01$ (learning rate), $\\mu = 0$ (momentum), …``."""
    say, o = b.say, b.rec.rule_options
    parts = [f"$\\gamma = {hyper(b.rec.lr)}$ ({say('opt_lr')})"]
    for symbol, key in _rule(b).symbols:
        if key == "betas":
            b1, b2 = o["betas"]
            parts.append(f"$\\beta_1 = {hyper(b1)}$, $\\beta_2 = {hyper(b2)}$ ({say('opt_betas')})")
        else:
            parts.append(f"${symbol} = {hyper(float(o[key]))}$ ({say('opt_' + key)})")
    parts += [f"`{k}={v}`" for k, v in o.items() if isinstance(v, bool)]
    return ", ".join(parts)


def _rule(b: Board, param: str = "W") -> UpdateRule:
    """The record's rule as it updated ``param`` (B without weight decay where the run says)."""
    rule = get_optimizer(b.rec.rule_name, **b.rec.rule_options)
    return rule.for_bias(b.context.decay_bias) if param == "B" else rule


def _elements(b: Board, param: str) -> list[Element]:
    rec, k = b.rec, b.k
    theta = rec.W if param == "W" else rec.B
    grad = rec.dW.closed if param == "W" else rec.dB.closed
    new = (rec.W_after if param == "W" else rec.B_after).closed
    before = rec.state_before.get(param, {})
    after = {key: twin.closed for key, twin in rec.state_after.get(param, {}).items()}
    kept = rec.intermediates.get(param, {})
    out = []
    for flat in range(min(theta.numel(), ELEMENTS)):
        index: tuple[int, ...]
        if param == "W":
            i, j = divmod(flat, k)  # W (d, k), row-major
            index = (i, j)
            label = f"w_{{{i + 1}}}" if k == 1 else f"w_{{{i + 1},{j + 1}}}"
        else:
            index = (flat,)
            label = "b" if k == 1 else f"b_{{{flat + 1}}}"

        def at(t: torch.Tensor, index: tuple[int, ...] = index) -> float:
            return float(t[index])

        out.append(
            Element(
                label,
                at(theta),
                at(grad),
                {key: at(v) for key, v in before.items()},
                {key: at(v) for key, v in after.items()},
                at(new),
                {key: v if isinstance(v, float) else at(v) for key, v in kept.items()},
                b.t,
                rec.lr,
            )
        )
    return out


def _base(symbol: str) -> str:
    """A state symbol ready for the parameter's subscript: ``y_{0}`` → ``{y_{0}}`` (TeX
    refuses a second subscript)."""
    return f"{{{symbol}}}" if "_" in symbol else symbol


def _parameter(b: Board, param: str) -> Derivation:
    rec, say = b.rec, b.say
    rule = _rule(b, param)
    symbol = dict(rule.state_symbols)
    plans = [rule.worked(e, values) for e in _elements(b, param)]
    results: list[Quantity] = []
    layer = "weight" if param == "W" else "bias"
    for key, twin in rec.state_after.get(param, {}).items():
        via = f"optimizer.state[linear.{layer}]['{key}']" + (".T" if param == "W" else "")
        results.append(b.quantity(f"{_base(symbol[key])}_{{{param}}}", twin, via))
    kept = rec.intermediates.get(param, {})
    for key, tex in rule.shown:
        value = kept[key]
        assert isinstance(value, torch.Tensor), key
        results.append(b.value(f"{_base(tex)}_{{{param}}}", value))
    after = rec.W_after if param == "W" else rec.B_after
    results.append(
        b.quantity(
            f"{param}'",
            after,
            f"optimizer.step(); linear.{layer}{'.T' if param == 'W' else ''}",
        )
    )
    size = rec.W.numel() if param == "W" else rec.B.numel()
    shown = say("showing_elements", shown=ELEMENTS, total=size) if size > ELEMENTS else None
    notes = []
    if param == "B" and not b.context.decay_bias and rec.rule_options.get("weight_decay"):
        notes.append(say("no_bias_decay"))
    return Derivation(
        say(f"update_{param}"),
        formula=tuple(f for f, _ in plans[0]),
        # a line the same for every element (Adagrad's γₜ) is written once
        substitution=tuple(dict.fromkeys(s for lines in plans for _, s in lines)),
        shown=shown,
        results=tuple(results),
        notes=tuple(notes),
    )


def update_section(b: Board) -> Section:
    """The rule's hyper-parameters and state, then W and B updated."""
    rec, say = b.rec, b.say
    name = rec.rule_name
    notes = [say("hyper", values=_hyper_text(b))]
    if rec.lr != rec.rule_options["lr"]:
        notes.append(say("scheduled_lr", lr=hyper(rec.lr), base=hyper(rec.rule_options["lr"])))
    rule = _rule(b)
    if rule.uses_step:
        source = "t_context" if b.context.rule_step is not None else "t_record"
        notes.append(say(source, t=b.t, step=rec.step))
    notes += [say.or_else(f"rule_note_{name}", rule.title)]
    notes += [say(key) for key in rule.note_keys()]
    if any(rec.state_after.get(p) for p in ("W", "B")):
        notes.append(say("state_layout"))
    words = say.or_else(f"rule_{name}", rule.title)
    setup = Derivation(say("hyper_derivation", rule=words), notes=tuple(notes))
    return Section(
        say("update_title"), (setup, _parameter(b, "W"), _parameter(b, "B")), stage="update"
    )
