"""A branch's parent: the run it started from, the step, and the settings it changed.

A run made by ``train --branch PARENT --at-step N`` (or the playground's chain of runs)
records ``Parent(run, step)`` in its manifest. The parent's own config.json is read back
to compare the two runs' settings (every field of :class:`TrainConfig`, and the data's
fingerprint); nothing else of the parent is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...engine.run_files import RunManifest, read_manifest
from ...engine.trace import Trace
from ...errors import InputError
from ..i18n import Words
from .facts import Fact, TableText


@dataclass(frozen=True)
class Branch:
    """The parent's directory and step, and a table of what differs (setting, parent, this)."""

    facts: list[Fact]
    changes: TableText
    notes: list[str] = field(default_factory=list)


def _text(key: str, value: Any, say: Words) -> str:
    """A setting's value as the report writes it: dicts as ``k=v``, booleans as yes/no,
    None as the default (for ``batch_size``: the whole training set, one batch a step)."""
    if isinstance(value, bool):
        return Words(say.lang, "report")("yes" if value else "no")
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items()) or "—"
    if value is None:
        return say("whole_set" if key == "batch_size" else "default")
    return str(value)


def differences(parent: RunManifest, child: RunManifest, lang: str = "en") -> list[list[str]]:
    """[setting, the parent's value, this run's value] for each setting that differs."""
    say = Words(lang, "documents")
    ours, theirs = child.config.to_dict(), parent.config.to_dict()
    rows = [
        [say.or_else(f"setting_{key}", key), _text(key, theirs.get(key), say), _text(key, v, say)]
        for key, v in ours.items()
        if theirs.get(key) != v
    ]
    if parent.data.fingerprint != child.data.fingerprint:
        rows.append([say("data_changed"), parent.data.fingerprint, child.data.fingerprint])
    return rows


def branch(trace: Trace, lang: str = "en") -> Branch | None:
    """The branch facts of ``trace``; None when it is not a branch."""
    parent = trace.manifest.parent
    if parent is None:
        return None
    say = Words(lang, "documents")
    facts: list[Fact] = [(say("parent_dir"), parent.run), (say("parent_step"), str(parent.step))]
    header = [say("setting"), say("in_parent"), say("in_branch")]
    try:
        theirs = read_manifest(Path(parent.run))
    except InputError as exc:  # moved or removed since: the rest of the report stands
        return Branch(facts, TableText(header, []), [say("parent_unread", error=exc)])
    rows = differences(theirs, trace.manifest, lang)
    notes = [] if rows else [say("same_settings", step=parent.step)]
    return Branch(facts, TableText(header, rows), notes)
