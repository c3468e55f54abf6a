"""A sheet solved: its numbers and every asked quantity, computed twice and checked.

:func:`solve` draws the sheet's numbers (:mod:`.hand_numbers`) so that, if it can, each known
mistake (:mod:`.mistakes`) either moves an asked quantity by more than ``MARGIN`` × the
grading tolerance or by less than ``UNSEEN`` × it (too little to show in the asked
decimals, as sum-for-mean under Adam, which divides the scale away). Where a mistake
moves a quantity by less than the margin — a training loss after a flipped update, at 2
decimals — the grader does not name it there (:attr:`Solution.named`): a right answer
is never taken for a mistake, nor a mistake for a right answer. The answers are the engine's: each step is an
observed step (:func:`~perceptron_lab.core.observed_step.observe_step`) in float64,
its closed form checked against PyTorch's twin (nn.Linear, the torch.nn loss,
autograd, torch.optim); a disagreement raises. The key's worked explanation is written
from the same records.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..core.observed_step import StepRecord, observe_steps
from ..losses import get_loss
from ..optim import get_optimizer
from .exercise import Exercise
from .hand_numbers import Numbers, draw_numbers
from .mistakes import by_hand, mistaken
from .quantities import asked

# a mistake moves what it changes by more than 3 × the tolerance (the answer it gives,
# rounded or cut to the asked decimals, is then over 2 units from the key, and a right
# answer over 2 units from it: neither can be taken for the other) …
MARGIN = 3
UNSEEN = 0.01  # … or by less than 1/100 of it: too little to show in the asked decimals


def tolerance(ex: Exercise) -> float:
    """How far an answer may be from the key: one unit in the last asked decimal.

    Rounding to ``decimals`` places is off by at most half a unit, cutting the digits off
    by less than one: both are accepted.
    """
    return float(10.0**-ex.decimals)


@dataclass(frozen=True)
class Solution:
    """A solved sheet: its recipe, numbers, steps (observed, verified) and answers."""

    exercise: Exercise
    numbers: Numbers
    records: tuple[StepRecord, ...]  # step 1, and steps 2 … T of a training stage
    answers: dict[str, np.ndarray]  # every asked quantity, by its answer-file name
    wrong: dict[str, dict[str, np.ndarray]]  # every quantity as each known mistake makes it
    named: frozenset[tuple[str, str]]  # (mistake, quantity) pairs told apart (told_apart)

    @property
    def tolerance(self) -> float:
        """The grading tolerance (:func:`tolerance`)."""
        return tolerance(self.exercise)


def told_apart(
    ex: Exercise, right: dict[str, np.ndarray], wrong: dict[str, dict[str, np.ndarray]]
) -> tuple[frozenset[tuple[str, str]], int]:
    """The (mistake, quantity) pairs a grader can name, and how clean the sheet is.

    A mistake is told apart on an asked quantity when it changes its shape or moves it by
    more than ``MARGIN`` × the tolerance. The sheet is clean (2) when every other change
    is under ``UNSEEN`` × the tolerance, usable (1) when each mistake that changes an
    asked quantity is told apart on at least one, else 0.
    """
    tol = tolerance(ex)
    pairs: set[tuple[str, str]] = set()
    clean, usable = True, True
    for mistake, answers in wrong.items():
        seen = False
        for q in asked(ex):
            value, key = answers[q.name], right[q.name]
            gap = np.inf if value.shape != key.shape else float(np.abs(value - key).max())
            if gap > MARGIN * tol:
                pairs.add((mistake, q.name))
            elif gap > UNSEEN * tol:
                clean = False
            seen = seen or gap > UNSEEN * tol
        usable = usable and (not seen or any(m == mistake for m, _ in pairs))
    return frozenset(pairs), 2 if clean else int(usable)


def _quality(ex: Exercise, nums: Numbers) -> int:
    return told_apart(ex, by_hand(ex, nums), mistaken(ex, nums))[1]


def observed(ex: Exercise, nums: Numbers) -> tuple[StepRecord, ...]:
    """The sheet's steps, each by the closed form and by PyTorch, in float64."""
    f64 = torch.float64
    loss = get_loss(ex.loss)
    name, options = ex.rule()
    rule = get_optimizer(name, lr=ex.lr, **options)
    X = torch.tensor(nums.X, dtype=f64)
    W = torch.tensor(nums.W, dtype=f64)
    B = torch.tensor(nums.B, dtype=f64)
    y = loss.targets(torch.tensor(nums.y, dtype=f64), ex.outputs)
    steps = ex.steps if "training" in ex.stages else 1
    return tuple(observe_steps(X, y, W, B, loss, rule, steps))


def _answers(ex: Exercise, records: tuple[StepRecord, ...]) -> dict[str, np.ndarray]:
    first, last = records[0], records[-1]
    values = {
        "Z": first.Z.closed,
        "A": first.A.closed,
        "loss_per_sample": first.per_sample_loss,
        "L": first.loss.closed,
        "dL_dZ": first.dZ.closed,
        "dL_dW": first.dW.closed,
        "dL_dB": first.dB.closed,
        "W_new": first.W_after.closed,
        "B_new": first.B_after.closed,
        "L_steps": torch.stack([r.loss.closed for r in records]),
        "W_final": last.W_after.closed,
        "B_final": last.B_after.closed,
    }
    return {q.name: values[q.name].detach().numpy().copy() for q in asked(ex)}


def solve(ex: Exercise) -> Solution:
    """``ex``'s sheet: its numbers (the student's variant's), steps and answers."""
    nums = draw_numbers(ex, lambda candidate: _quality(ex, candidate))
    records = observed(ex, nums)
    answers = _answers(ex, records)
    wrong = mistaken(ex, nums)
    return Solution(ex, nums, records, answers, wrong, told_apart(ex, answers, wrong)[0])
