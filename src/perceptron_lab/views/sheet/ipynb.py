"""A sheet as Jupyter notebooks: one for the student to fill in, one solved by PyTorch.

Both open with the sheet (:func:`.questions.sheet`, as Markdown) and a cell that sets
the data as float64 tensors (``X``, ``y``, ``W``, ``B``) and the sheet's ``RECIPE``.
The student's notebook has, per question, its Markdown and a code cell tagged
``answer`` that assigns the quantity (``Z = ...``: to be replaced by numbers, or by
code); its last cell, tagged ``check``, calls ``perceptron_lab.check`` on them, which
grades every answer and names the mistake behind a wrong one. The solved notebook
computes each answer the way a PyTorch tutorial does — ``nn.Linear``, the ``torch.nn``
loss, ``backward()``, ``torch.optim`` — so its check cell, graded against the key the
closed form computed, is PyTorch checking the key. The notebook's metadata
``perceptron_lab`` holds the student and the recipe, so ``perceptron-lab check`` grades
a filled notebook file too.

Notebooks are nbformat 4 JSON, written as plain dicts (nbformat itself is needed only
to run them).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np

from ...exercises.quantities import asked
from ...exercises.solved import Solution
from ..explain import render_markdown
from ..i18n import Words
from .questions import sheet
from .render_sheet import question_markdown, sheet_markdown

# the code a tutorial writes for each loss: the module, its target, the activation
LOSS_CODE = {
    "bce": ("nn.BCEWithLogitsLoss(reduction='none')", "y[:, None]", "torch.sigmoid(Z)"),
    "cross_entropy": (
        "nn.CrossEntropyLoss(reduction='none')",
        "y.long()",
        "torch.softmax(Z, dim=1)",
    ),
    "mse": ("nn.MSELoss(reduction='none')", "y[:, None]", None),
    "perceptron": (None, "y[:, None]", "(Z >= 0).double()"),
}
# torch.optim's class and options for each sheet optimizer (exercise.RULES)
OPTIM_CODE = {
    "sgd": "torch.optim.SGD(<params>, lr=<lr>)",
    "momentum": "torch.optim.SGD(<params>, lr=<lr>, momentum=0.9)",
    "nesterov": "torch.optim.SGD(<params>, lr=<lr>, momentum=0.9, nesterov=True)",
    "adam": "torch.optim.Adam(<params>, lr=<lr>)",
    "adamw": "torch.optim.AdamW(<params>, lr=<lr>)",
    "rmsprop": "torch.optim.RMSprop(<params>, lr=<lr>)",
    "adagrad": "torch.optim.Adagrad(<params>, lr=<lr>)",
}


def _markdown(text: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text: str, *tags: str) -> dict[str, Any]:
    meta = {"tags": list(tags)} if tags else {}
    return {
        "cell_type": "code",
        "metadata": meta,
        "source": text,
        "outputs": [],
        "execution_count": None,
    }


def _notebook(solution: Solution, cells: list[dict[str, Any]]) -> dict[str, Any]:
    ex = solution.exercise
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            "perceptron_lab": {"student": ex.student, "recipe": ex.to_dict()},
        },
        "cells": [{**c, "id": f"cell-{i}"} for i, c in enumerate(cells)],
    }


def _tensor(values: np.ndarray) -> str:
    return f"torch.tensor({json.dumps(values.tolist())}, dtype=torch.float64)"


def _setup(solution: Solution) -> str:
    nums, ex = solution.numbers, solution.exercise
    recipe = repr(ex.to_dict())  # a Python literal (None, not JSON's null)
    return "\n".join(
        [
            "import torch",
            "from torch import nn",
            "",
            f"X = {_tensor(nums.X)}",
            f"y = {_tensor(nums.y)}",
            f"W = {_tensor(nums.W)}",
            f"B = {_tensor(nums.B)}",
            f"RECIPE = {recipe}",
        ]
    )


def _check_cell(solution: Solution) -> str:
    names = ", ".join(f'"{q.name}": {q.name}' for q in asked(solution.exercise))
    return f"from perceptron_lab import check\n\ncheck({{{names}}}, RECIPE)"


def _sheet_cells(solution: Solution) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The sheet's Markdown cell and setup cell; one Markdown cell per question."""
    s = sheet(solution)
    say = Words(s.lang, "sheet")
    head = [_markdown(sheet_markdown(replace(s, questions=()))), _code(_setup(solution))]
    questions = [_markdown(question_markdown(q, say)) for q in s.questions]
    return head, questions


def student_notebook(solution: Solution) -> dict[str, Any]:
    """The notebook a student fills in: a cell per answer, then the check cell."""
    say = Words(solution.exercise.lang, "sheet")
    head, questions = _sheet_cells(solution)
    cells = head
    for q, text in zip(asked(solution.exercise), questions, strict=True):
        cells += [text, _code(f"{q.name} = ...  # {say('notebook_fill')}", "answer")]
    cells += [
        _markdown(render_markdown.prose(say("notebook_check"))),
        _code(_check_cell(solution), "check"),
    ]
    return _notebook(solution, cells)


def _per_sample(loss: str, z: str) -> str:
    """The expression of ℓₙ (N,) for logits ``z``, as a tutorial writes it."""
    module, target, _ = LOSS_CODE[loss]
    # the perceptron criterion, max(0, −t·z), has no torch.nn module of its own
    call = f"torch.relu(-{target} * {z})" if module is None else f"{module}({z}, {target})"
    return call if loss == "cross_entropy" else f"{call}.mean(dim=1)"


def _stage_code(solution: Solution) -> dict[str, str]:
    """PyTorch's code for each stage, as a tutorial writes it."""
    ex = solution.exercise
    activation = LOSS_CODE[ex.loss][2]
    optimizer = OPTIM_CODE[ex.optimizer].replace("<lr>", repr(ex.lr))
    code = {
        "forward": (
            f"linear = nn.Linear({ex.d}, {ex.outputs}, dtype=torch.float64)\n"
            "with torch.no_grad():  # nn.Linear keeps W transposed: weight = Wᵀ\n"
            "    linear.weight.copy_(W.T)\n"
            "    linear.bias.copy_(B)\n"
            "Z = linear(X)\n"
            "Z.retain_grad()  # keep dL/dZ after backward()"
        ),
        "activation": f"A = {activation}" if activation else "",
        "loss": f"loss_per_sample = {_per_sample(ex.loss, 'Z')}\nL = loss_per_sample.mean()",
        "gradient": (
            "L.backward()\n"
            "dL_dZ = Z.grad\n"
            "dL_dW = linear.weight.grad.T  # back to W's (d, k)\n"
            "dL_dB = linear.bias.grad"
        ),
        "update": (
            f"optimizer = {optimizer.replace('<params>', 'linear.parameters()')}\n"
            "optimizer.step()\n"
            "W_new = linear.weight.detach().T.clone()\n"
            "B_new = linear.bias.detach().clone()"
        ),
        "training": (
            f"model = nn.Linear({ex.d}, {ex.outputs}, dtype=torch.float64)\n"
            "with torch.no_grad():\n"
            "    model.weight.copy_(W.T)\n"
            "    model.bias.copy_(B)\n"
            f"optimizer = {optimizer.replace('<params>', 'model.parameters()')}\n"
            "L_steps = []\n"
            f"for t in range({ex.steps}):\n"
            "    optimizer.zero_grad()\n"
            f"    loss = {_per_sample(ex.loss, 'model(X)')}.mean()\n"
            "    loss.backward()\n"
            "    optimizer.step()\n"
            "    L_steps.append(loss.item())  # the loss before this step's update\n"
            "W_final = model.weight.detach().T\n"
            "B_final = model.bias.detach()"
        ),
    }
    return code


def solved_notebook(solution: Solution) -> dict[str, Any]:
    """The key as a notebook: each answer computed by PyTorch, then the check cell."""
    ex = solution.exercise
    say = Words(ex.lang, "sheet")
    head, questions = _sheet_cells(solution)
    code = _stage_code(solution)
    step_stages = [s for s in ex.stages if s != "training"]
    last = max(
        (("forward", "activation", "loss", "gradient", "update").index(s) for s in step_stages),
        default=-1,
    )
    cells = head
    texts = dict(zip((q.name for q in asked(ex)), questions, strict=True))
    for stage in ("forward", "activation", "loss", "gradient", "update")[: last + 1]:
        if not code[stage]:
            continue
        asked_here = [q.name for q in asked(ex) if q.stage == stage]
        cells += [texts[name] for name in asked_here]
        if not asked_here:  # a stage the sheet does not ask, which later answers need
            cells.append(_markdown(render_markdown.prose(say("notebook_needed"))))
        cells.append(_code(code[stage], *(["answer"] if asked_here else [])))
    if "training" in ex.stages:
        cells += [texts[q.name] for q in asked(ex) if q.stage == "training"]
        cells.append(_code(code["training"], "answer"))
    cells += [
        _markdown(render_markdown.prose(say("notebook_check"))),
        _code(_check_cell(solution), "check"),
    ]
    return _notebook(solution, cells)
