"""What sets runs apart: the settings whose values differ between them, as short labels.

A run's settings are what decides its numbers: its data, its loss and update rule with
their options, and its TrainConfig (the learning rate, the batch size, the seed …).
Runs compared side by side are labelled by the settings that differ, ``lr=0.1`` against
``lr=0.01``; runs whose settings are all the same, by their directories' names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...engine.trace import Trace

# TrainConfig fields that change what is recorded, not the numbers of the run
BOOKKEEPING = ("verify_every", "checkpoint_every", "capture_samples", "sample_cap")


def _flat(prefix: str, options: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}.{key}": value for key, value in options.items()}


def run_settings(trace: Trace) -> dict[str, Any]:
    """The settings of a run by name: data, loss, optimizer, the options given, the config.

    The options are those the run was given (``momentum=0.9``), not every default the
    rule filled in, so an sgd and an adam run differ by ``optimizer`` alone.
    """
    m = trace.manifest
    config = m.config.to_dict()
    loss_options, optimizer_options = config.pop("loss_options"), config.pop("optimizer_options")
    for name in (*BOOKKEEPING, "loss", "optimizer"):
        config.pop(name)
    return {
        "data": m.data.name,
        "loss": m.loss.name,  # the one "auto" stood for
        **_flat("loss", loss_options),
        "optimizer": m.optimizer.name,
        **_flat("optimizer", optimizer_options),
        **config,
    }


def differing_settings(traces: Sequence[Trace]) -> list[str]:
    """The names of the settings whose values are not the same in every run, in order."""
    settings = [run_settings(t) for t in traces]
    names = list(dict.fromkeys(name for s in settings for name in s))
    return [name for name in names if len({repr(s.get(name)) for s in settings}) > 1]


def run_labels(traces: Sequence[Trace]) -> list[str]:
    """A label per run: 'lr=0.1, batch_size=10', what differs; else the run's directory name.

    Two runs that the differing settings do not tell apart get their directory's name
    after the settings, so every label is unique.
    """
    names = [t.path.name if t.path is not None else f"run {i + 1}" for i, t in enumerate(traces)]
    differing = differing_settings(traces)
    if not differing:
        return names
    settings = [run_settings(t) for t in traces]
    labels = [", ".join(f"{name}={s.get(name)}" for name in differing) for s in settings]
    return [
        f"{text} ({name})" if labels.count(text) > 1 else text
        for text, name in zip(labels, names, strict=True)
    ]
