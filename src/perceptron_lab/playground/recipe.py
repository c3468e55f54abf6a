"""The playground's state as data: its data recipe, its settings, its history, its step.

A page's whole state is one small JSON object, STATE (docs/playground.md):

    {"data": DATA, "settings": SETTINGS, "history": [EVENT, …], "step": t}

DATA names the points (a built-in set, or an upload's chosen columns inline) and what
is done to them (noise, split, crosses, points edited before step 1); SETTINGS decides
the training; each EVENT is a point edited or a branch taken at a step. The engine is
deterministic, so replaying the history rebuilds the page exactly; the state travels
in the page's URL as base64url JSON (:func:`encode`, :func:`decode`).

Every check here raises an :class:`~perceptron_lab.errors.InputError` naming the field
as the page calls it (``lr``, ``batch_size``, ``data.noise``): the page shows it, and the
lab is left as it was.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import math
from collections.abc import Mapping
from typing import Any

from ..bounds import bounded
from ..data.builtin import BUILTINS, builtin_name
from ..data.crosses import check_crosses
from ..errors import InputError

PLANE_SETS = ("seed", "and", "or", "xor", "moons", "blobs", "circles", "spiral", "iris")
DEFAULT_DATA: dict[str, Any] = {
    "name": "moons",
    "size": 200,
    "noise": 0.0,  # extra Gaussian noise, in units of each feature's spread
    "seed": 0,
    "test_ratio": 0.2,
    "crosses": [],
    "standardize": None,  # None: an upload is standardized, a built-in set is not
    "edits": [],  # points added ([x1, x2, label]) or removed (a train index) before step 1
}
DEFAULT_SETTINGS: dict[str, Any] = {
    "loss": "auto",
    "optimizer": "sgd",
    "lr": 0.1,
    "batch_size": "full",
    "weight_decay": 0.0,
    "momentum": 0.0,
    "seed": 0,
    "dtype": "float32",
}
MAX_NOISE = 2.0
MAX_UPLOAD_POINTS = 5000  # points of an upload kept inline in the state
MAX_TOKEN = 2_000_000  # characters of a state token


def _number(field: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(field, f"a number in [{low:g}, {high:g}]", repr(value))
    if not low <= value <= high:
        raise InputError(field, f"a number in [{low:g}, {high:g}]", repr(value))
    return float(value)


def check_edit(field: str, edit: Any) -> dict[str, Any]:
    """One point edit: {"add": [x1, x2, label]} or {"remove": index}."""
    if isinstance(edit, Mapping) and "add" in edit:
        point = edit["add"]
        if (
            not isinstance(point, list | tuple)
            or len(point) != 3
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
            or not all(math.isfinite(v) for v in point)
        ):
            raise InputError(field, "[x1, x2, label], three finite numbers", repr(point))
        return {"add": [float(point[0]), float(point[1]), point[2]]}
    if isinstance(edit, Mapping) and "remove" in edit:
        index = edit["remove"]
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise InputError(
                field, "the index of a training point (a whole number >= 0)", repr(index)
            )
        return {"remove": index}
    raise InputError(field, '{"add": [x1, x2, label]} or {"remove": index}', repr(edit))


def check_data(data: Mapping[str, Any], base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """DATA with the defaults (or ``base``) filled in, each field checked."""
    if not isinstance(data, Mapping):
        raise InputError("data", "an object of data fields", type(data).__name__)
    merged = {**(base or DEFAULT_DATA), **data}
    unknown = set(merged) - set(DEFAULT_DATA) - {"upload", "features", "target", "points"}
    if unknown:
        raise InputError("data", "fields of " + ", ".join(DEFAULT_DATA), ", ".join(sorted(unknown)))
    if "upload" in data:  # a new upload replaces the built-in set (and the other way round)
        merged.pop("name", None)
    elif "name" in data:
        for key in ("upload", "features", "target", "points"):
            merged.pop(key, None)
    out: dict[str, Any] = {}
    if "upload" in merged:
        out["upload"] = str(merged["upload"])
        features = merged.get("features")
        if not isinstance(features, list | tuple) or len(features) != 2:
            raise InputError("data.features", "two column names", repr(features))
        out["features"] = [str(f) for f in features]
        if not isinstance(merged.get("target"), str):
            raise InputError("data.target", "a column name", repr(merged.get("target")))
        out["target"] = merged["target"]
        if "points" in merged:  # the chosen columns inline (a reopened state)
            out["points"] = _points(merged["points"])
    else:
        name = builtin_name(str(merged.get("name")))
        if name not in PLANE_SETS:
            raise InputError(
                "data.name",
                "a built-in 2-D set (" + ", ".join(PLANE_SETS) + ")",
                repr(merged.get("name")),
            )
        out["name"] = name
        out["size"] = bounded("size", merged["size"])
    out["noise"] = _number("data.noise", merged["noise"], 0.0, MAX_NOISE)
    out["seed"] = bounded("seed", merged["seed"])
    out["test_ratio"] = _number("data.test_ratio", merged["test_ratio"], 0.0, 0.9)
    out["crosses"] = list(check_crosses(merged["crosses"] or None))
    standardize = merged.get("standardize")
    if standardize is not None and not isinstance(standardize, bool):
        raise InputError("data.standardize", "true, false or null", repr(standardize))
    out["standardize"] = "upload" in out if standardize is None else standardize
    edits = merged.get("edits") or []
    if not isinstance(edits, list):
        raise InputError("data.edits", "a list of point edits", type(edits).__name__)
    out["edits"] = [check_edit("data.edits", e) for e in edits]
    return out


def _points(points: Any) -> dict[str, list[Any]]:
    """An upload's columns inline: {"x1": […], "x2": […], "target": […]}, equal lengths."""
    if not isinstance(points, Mapping) or set(points) != {"x1", "x2", "target"}:
        raise InputError(
            "data.points", '{"x1": [...], "x2": [...], "target": [...]}', repr(points)[:80]
        )
    lengths = {len(points[k]) for k in points if isinstance(points[k], list)}
    if len(lengths) != 1 or not 2 <= lengths.pop() <= MAX_UPLOAD_POINTS:
        raise InputError(
            "data.points", f"three lists of 2 to {MAX_UPLOAD_POINTS} equal lengths", "other"
        )
    return {k: list(points[k]) for k in ("x1", "x2", "target")}


def check_settings(
    settings: Mapping[str, Any], base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """SETTINGS with the defaults (or ``base``) filled in, each field checked.

    Beside the shared fields, the chosen rule's other hyper-parameters (dampening,
    nesterov, betas, eps, …) are fields too; those of another rule — a form's leftovers
    when the rule changed — are dropped. The rule itself checks their values.
    """
    from ..losses import AUTO, loss_names
    from ..optim import get_optimizer, rule_names

    if not isinstance(settings, Mapping):
        raise InputError("settings", "an object of settings", type(settings).__name__)
    merged = {**(base or DEFAULT_SETTINGS), **settings}
    if merged.get("optimizer") not in rule_names():
        raise InputError(
            "optimizer", "one of " + ", ".join(rule_names()), repr(merged.get("optimizer"))
        )
    own = set(extra_parameters(merged["optimizer"]))
    others = {p for name in rule_names() for p in extra_parameters(name)} - own
    merged = {k: v for k, v in merged.items() if k not in others}
    unknown = set(merged) - set(DEFAULT_SETTINGS) - own
    if unknown:
        fields = ", ".join((*DEFAULT_SETTINGS, *sorted(own)))
        raise InputError("settings", f"fields of {fields}", ", ".join(sorted(unknown)))
    out = dict(merged)
    if out["loss"] != AUTO and out["loss"] not in loss_names():
        raise InputError("loss", "one of " + ", ".join((AUTO, *loss_names())), repr(out["loss"]))
    out["lr"] = bounded("lr", out["lr"])
    if out["batch_size"] != "full":
        out["batch_size"] = bounded("batch_size", out["batch_size"])
    out["weight_decay"] = _number("weight_decay", out["weight_decay"], 0.0, 1e3)
    out["momentum"] = _number("momentum", out["momentum"], 0.0, 0.999)
    if out["momentum"] and "momentum" not in _parameters(out["optimizer"]):
        raise InputError(
            "momentum", f"0 for {out['optimizer']} (it has no momentum)", f"{out['momentum']:g}"
        )
    out["seed"] = bounded("seed", out["seed"])
    if out["dtype"] not in ("float32", "float64"):
        raise InputError("dtype", "float32 or float64", repr(out["dtype"]))
    try:
        get_optimizer(out["optimizer"], lr=out["lr"], **optimizer_options(out))
    except TypeError as exc:  # a value of the wrong kind (text where a number goes)
        raise InputError(
            out["optimizer"], "hyper-parameters of the right kinds", str(exc)
        ) from None
    return out


SHARED = ("lr", "weight_decay", "momentum")  # hyper-parameters with SETTINGS fields of their own


def _parameters(optimizer: str) -> dict[str, Any]:
    """A rule's keyword options and their defaults."""
    import inspect

    from ..optim import rule_class

    params = inspect.signature(rule_class(optimizer).__init__).parameters
    return {p: v.default for p, v in params.items() if v.default is not inspect.Parameter.empty}


def extra_parameters(optimizer: str) -> dict[str, Any]:
    """The rule's hyper-parameters beyond the shared ones, with their defaults (JSON-ready)."""
    return {
        p: list(v) if isinstance(v, tuple) else v
        for p, v in _parameters(optimizer).items()
        if p not in SHARED
    }


def optimizer_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's keyword options the settings give (torch.optim's names)."""
    options: dict[str, Any] = {}
    if settings["weight_decay"]:
        options["weight_decay"] = settings["weight_decay"]
    if settings["momentum"]:
        options["momentum"] = settings["momentum"]
    for name, default in extra_parameters(settings["optimizer"]).items():
        value = settings.get(name, default)
        if value != default:
            options[name] = tuple(value) if isinstance(value, list) else value
    return options


def check_event(event: Any) -> dict[str, Any]:
    """A history event: {"at": t, "point": EDIT} or {"at": t, "branch": SETTINGS}."""
    if not isinstance(event, Mapping) or not isinstance(event.get("at"), int) or event["at"] < 1:
        raise InputError("history", '{"at": step >= 1, "point" | "branch": ...}', repr(event)[:80])
    if "point" in event:
        return {"at": event["at"], "point": check_edit("history", event["point"])}
    if "branch" in event and isinstance(event["branch"], Mapping):
        return {"at": event["at"], "branch": dict(event["branch"])}
    raise InputError("history", 'an event with "point" or "branch"', repr(event)[:80])


def check_state(state: Any) -> dict[str, Any]:
    """STATE checked: data, settings, history (steps in order), step."""
    if not isinstance(state, Mapping):
        raise InputError(
            "state", "an object with data, settings, history, step", type(state).__name__
        )
    history = state.get("history") or []
    if not isinstance(history, list):
        raise InputError("history", "a list of events", type(history).__name__)
    events = [check_event(e) for e in history]
    if any(a["at"] > b["at"] for a, b in itertools.pairwise(events)):
        raise InputError("history", "events in the order of their steps", "events out of order")
    step = state.get("step", 0)
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise InputError("step", "a whole number of steps >= 0", repr(step))
    if events and step < events[-1]["at"]:
        raise InputError("step", f"at least the last event's step ({events[-1]['at']})", str(step))
    return {
        "data": check_data(state.get("data") or {}),
        "settings": check_settings(state.get("settings") or {}),
        "history": events,
        "step": step,
    }


def encode(state: Mapping[str, Any]) -> str:
    """STATE as a URL-safe token: base64url of its compact JSON, unpadded."""
    text = json.dumps(state, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(token: str) -> dict[str, Any]:
    """A token of :func:`encode` back to a checked STATE."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        raise InputError(
            "state", f"a state token of at most {MAX_TOKEN} characters", "a longer one"
        )
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        state = json.loads(raw)
    except (binascii.Error, ValueError):
        raise InputError("state", "a state token the playground wrote", repr(token[:40])) from None
    return check_state(state)


def describe_sets() -> list[dict[str, str]]:
    """The built-in 2-D sets with their one-line descriptions (the page's data menu)."""
    return [{"name": name, "description": BUILTINS[name]} for name in PLANE_SETS]


def start_data(
    source: str,
    *,
    target: str | None = None,
    features: str | list[str] | None = None,
    size: int | None = None,
    crosses: str | list[str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """DATA to start with and the uploads it names: a built-in 2-D set, or a CSV file
    (its target: ``target``, else a column named target/y/label/class, else the last;
    its features: ``features``, else the first two numeric columns)."""
    from pathlib import Path

    from ..data.columns import TARGET_NAMES
    from ..data.files import csv_text, read_columns

    chosen = list(check_crosses(crosses))
    if builtin_name(source) is not None:
        for name, value in (("target", target), ("features", features)):
            if value is not None:
                raise InputError(name, f"no {name} for a built-in set", repr(value))
        data: dict[str, Any] = {"name": source, "crosses": chosen}
        if size is not None:
            data["size"] = size
        return check_data(data), {}
    path = Path(source)
    if path.suffix.lower() != ".csv" or not path.is_file():
        raise InputError(
            "data",
            "a built-in 2-D set (" + ", ".join(PLANE_SETS) + ") or a .csv file",
            repr(source),
        )
    columns, numeric, _ = read_columns(path)
    target = target or next((c for c in columns if c.lower() in TARGET_NAMES), columns[-1])
    if isinstance(features, str):
        features = [f.strip() for f in features.split(",")]
    features = features or [c for c in numeric if c != target][:2]
    if len(features) != 2:
        raise InputError(
            str(path), "a CSV with 2 columns of numbers besides its target", f"columns {columns}"
        )
    data = {"upload": path.name, "features": features, "target": target, "crosses": chosen}
    return check_data(data), {path.name: csv_text(path)}
