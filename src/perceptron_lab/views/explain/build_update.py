"""The update section: the rule's hyper-parameters and state, then W and B updated.

Each element's worked update comes from :mod:`.update_rules`; the results are the
record's: the state after the step and the new parameters, beside PyTorch's.
"""

from __future__ import annotations

import torch

from .board import Board
from .solution import Derivation, Quantity, Section
from .update_rules import PLANS, SYMBOL, Element, Rule
from .values import ELEMENTS, hyper

# (TeX symbol, option, its name's key in the text tables); booleans are written as code
HYPER: dict[str, tuple[tuple[str, str], ...]] = {
    "sgd": ((r"\mu", "momentum"), (r"\tau", "dampening"), (r"\lambda", "weight_decay")),
    "adam": ((r"\beta_1", "betas"), (r"\varepsilon", "eps"), (r"\lambda", "weight_decay")),
    "rmsprop": (
        (r"\alpha", "alpha"),
        (r"\varepsilon", "eps"),
        (r"\lambda", "weight_decay"),
        (r"\mu", "momentum"),
    ),
    "adagrad": (
        (r"\eta", "lr_decay"),
        (r"\lambda", "weight_decay"),
        (r"s_0", "initial_accumulator_value"),
        (r"\varepsilon", "eps"),
    ),
}
HYPER["adamw"] = HYPER["adam"]


def _hyper_text(b: Board) -> str:
    """``$\\gamma = 0.01$ (learning rate), $\\mu = 0$ (momentum), …``."""
    say, o = b.say, b.rec.rule_options
    parts = [f"$\\gamma = {hyper(b.rec.lr)}$ ({say('opt_lr')})"]
    for symbol, key in HYPER[b.rec.rule_name]:
        if key == "betas":
            b1, b2 = o["betas"]
            parts.append(f"$\\beta_1 = {hyper(b1)}$, $\\beta_2 = {hyper(b2)}$ ({say('opt_betas')})")
        else:
            parts.append(f"${symbol} = {hyper(float(o[key]))}$ ({say('opt_' + key)})")
    parts += [f"`{k}={v}`" for k, v in o.items() if isinstance(v, bool)]
    return ", ".join(parts)


def _elements(b: Board, param: str) -> list[Element]:
    rec, k = b.rec, b.k
    theta = rec.W if param == "W" else rec.B
    grad = rec.dW.closed if param == "W" else rec.dB.closed
    new = (rec.W_after if param == "W" else rec.B_after).closed
    before = rec.state_before.get(param, {})
    after = {key: twin.closed for key, twin in rec.state_after.get(param, {}).items()}
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
            )
        )
    return out


def _parameter(b: Board, param: str) -> Derivation:
    rec, say = b.rec, b.say
    decay = float(rec.rule_options.get("weight_decay", 0.0))
    if param == "B" and not b.context.decay_bias:
        decay = 0.0
    rule = Rule(rec.rule_options, b.t, rec.lr, decay)
    plans = [PLANS[rec.rule_name](e, rule) for e in _elements(b, param)]
    results: list[Quantity] = []
    layer = "weight" if param == "W" else "bias"
    for key, twin in rec.state_after.get(param, {}).items():
        via = f"optimizer.state[linear.{layer}]['{key}']" + (".T" if param == "W" else "")
        results.append(b.quantity(f"{SYMBOL[key]}_{{{param}}}", twin, via))
    if rec.rule_name in ("adam", "adamw"):
        b1, b2 = rec.rule_options["betas"]
        state = rec.state_after[param]
        v_key = "max_exp_avg_sq" if rec.rule_options["amsgrad"] else "exp_avg_sq"
        results.append(b.value(f"\\hat{{m}}_{{{param}}}", state["exp_avg"].closed / (1 - b1**b.t)))
        results.append(b.value(f"\\hat{{v}}_{{{param}}}", state[v_key].closed / (1 - b2**b.t)))
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
    if name in ("adam", "adamw", "adagrad"):
        source = "t_context" if b.context.rule_step is not None else "t_record"
        notes.append(say(source, t=b.t, step=rec.step))
    notes += [say(f"rule_note_{name}")]
    o = rec.rule_options
    if name == "sgd" and o["momentum"]:
        notes.append(say("sgd_momentum"))
    if name in ("adam", "adamw"):
        notes.append(say("adam_bias"))
        if o["amsgrad"]:
            notes.append(say("adam_amsgrad"))
    if name == "rmsprop" and o["centered"]:
        notes.append(say("rmsprop_centered"))
    if any(rec.state_after.get(p) for p in ("W", "B")):
        notes.append(say("state_layout"))
    setup = Derivation(say("hyper_derivation", rule=say(f"rule_{name}")), notes=tuple(notes))
    return Section(say("update_title"), (setup, _parameter(b, "W"), _parameter(b, "B")))
