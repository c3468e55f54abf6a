"""Watch a user's own PyTorch loop: record every step, verify it, name its mistakes.

Add one line around the notebook's loop, change nothing inside it::

    with perceptron_lab.watch(model, optimizer, loss_fn) as run:
        for epoch in range(epochs):
            optimizer.zero_grad()
            logits = model(X)
            loss = loss_fn(logits, y)
            loss.backward()
            optimizer.step()

    run.trace        # a Trace, as a trained run's (explain, plot, report read it)
    run.records      # one verified StepRecord per step (a one-nn.Linear model)
    run.diagnoses    # what went wrong, and why

Hooks only (module forward hooks, the loss's forward hook, the optimizer's step hooks;
torch's global module and optimizer hooks for ``watch()``; a torch function mode for
functional losses), removed when the block ends. A loop inside a ``fit()``::

    with perceptron_lab.watch() as run:
        trainer.fit(model, data)

The watch follows the loop's device and takes no ``device`` of its own: PyTorch's twin
and the closed form run where the loop's X is (``model.to("cuda")``, ``X.to("cuda")``:
on the GPU), finite differences where the model is; what is compared across them (the
flattened gradients, the differences) and what is kept (the rows, ``data.npz``) is
brought to the CPU, so a step computed on a GPU is checked and stored as a CPU one is.

A mistake raises :class:`DiagnosisError` at the step it happens, naming the cause (see
``diagnose``). This module imports torch only when a watch starts, so ``import
perceptron_lab`` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .budget import SHARE

MAX_FD_ENTRIES = 64  # parameter entries checked by finite differences per step

if TYPE_CHECKING:
    import torch

    from .run import Watch


def watch(
    model: torch.nn.Module | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    loss_fn: Any = None,
    *,
    out: str | Path | None = None,
    lang: str | None = None,
    expect: dict[str, Any] | None = None,
    on_mistake: str = "raise",
    max_fd_entries: int = MAX_FD_ENTRIES,
    tensorboard: str | Path | None = None,
    budget: float | None = SHARE,
) -> Watch:
    """Observe the loop inside ``with watch(model, optimizer, loss_fn) as run:`` (or ``watch()``).

    ``model``, ``optimizer``: the loop's (both, or neither: ``watch()`` takes the first
    optimizer that steps inside the block, and the outermost module called with trainable
    parameters before it, so a loop inside a ``fit()`` or a Trainer is watched too).
    ``loss_fn``: the nn loss module the loop calls; a functional loss (``F.cross_entropy``)
    or None is seen wherever the loop calls one of torch.nn.functional's losses.
    ``out``: write a run directory (config.json, steps/, data.npz, summary.json) when the
    block ends — a new or empty directory, locked while it is written (as the trainer's).
    ``lang``: "en" or "es" for diagnoses and notes (default: the locale's).
    ``expect``: settings the user means, where they differ from the objects' own — loss
    options (``reduction``, ``pos_weight``) or the optimizer's (``weight_decay``, ``lr``, …);
    the closed form uses them, so the objects' own values show up as a diagnosed mistake.
    ``on_mistake``: "raise" (at the step), "exit" (when the block ends) or "record".
    ``max_fd_entries``: parameter entries checked by finite differences per step (0: none).
    ``budget``: the share of the loop's own time the watch may spend verifying steps in
    full, once its first ALLOWANCE (2) seconds of checks are spent (a small loop is verified whole; a long
    one costs about 1 + ``budget`` times itself). Every step is recorded; the first and
    any step that shows a sign of a mistake are always verified. None: verify every step.
    ``tensorboard``: a log directory to write the run's TensorBoard events to when the
    block ends (scalars and histograms, as ``perceptron-lab export --tensorboard``).
    """
    from .run import Watch

    return Watch(
        model,
        optimizer,
        loss_fn,
        out=out,
        lang=lang,
        expect=expect,
        on_mistake=on_mistake,
        max_fd_entries=max_fd_entries,
        tensorboard=tensorboard,
        budget=budget,
    )


def __getattr__(name: str) -> Any:
    """The rest of the public API, imported on first use."""
    if name in ("CAUSES", "Diagnosis", "DiagnosisError"):
        from . import diagnose

        return getattr(diagnose, name)
    if name == "Watch":
        from .run import Watch

        return Watch
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CAUSES", "Diagnosis", "DiagnosisError", "Watch", "watch"]
