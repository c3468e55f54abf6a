"""One tab's playground: its points, settings and branches, stepped on the real engine.

A :class:`Lab` answers the page's messages (docs/playground.md) with frames. It holds a
chain of *lines* — the first run, and each branch taken from the line before it at
some step — and each line a list of *segments*: a point added or removed at step t
starts a new segment, a session on the edited points continuing from the state after
step t (at the next epoch's start, since the old batches don't divide the new points).
Every segment's session is the engine's own (engine/session.py), stepped and checked
against PyTorch on every step; back goes back in it (``rewind``), and past a segment's
start drops the segment, and its edit.

The lab is pure Python: the web server and the notebook widget both drive one.
A message that cannot be done is answered with an ``error`` and changes nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from ..core.observed_step import StepRecord, observe_step
from ..data import Dataset
from ..data.crosses import CROSSES
from ..data.files import load_file, read_columns
from ..engine.checkpoint import Checkpoint, Position
from ..engine.config import TrainConfig
from ..engine.device import resolve_device
from ..engine.session import Row
from ..engine.train import Trainer
from ..errors import DivergenceError, InputError, PerceptronLabError, VerificationError
from ..losses import AUTO, get_loss, loss_names
from ..optim import rule_names
from ..views.explain.board import StepContext
from ..views.explain.build import build
from ..views.i18n import CATALOG, check_language
from . import frames, recipe
from .explanation_json import worked_json
from .lines import Line, Segment
from .points import Points, from_recipe, inline

MAX_STEPS = 5000  # steps a lab keeps (rows in memory); save as run to go on with the CLI
MAX_LINES = 6  # branches on screen
MAX_STEP_N = 100  # steps one message may ask for
UPLOAD_BYTES = 2_000_000  # the largest file the page may upload
MAX_UPLOADS = 3  # uploads a tab keeps
MAX_POINTS = 5000  # points a tab's data may hold


def _label(settings: Mapping[str, Any]) -> str:
    """A line's name: its rule, γ, batch, and whatever else is not the default."""
    batch = "full" if settings["batch_size"] == "full" else f"batch {settings['batch_size']}"
    parts = [settings["optimizer"], f"lr {settings['lr']:g}", batch]
    for name, value in recipe.optimizer_options(settings).items():
        shown = ", ".join(f"{v:g}" for v in value) if isinstance(value, tuple) else value
        parts.append(f"{name} {shown:g}" if isinstance(shown, float) else f"{name} {shown}")
    parts += [settings[k] for k in ("loss", "dtype") if settings[k] != recipe.DEFAULT_SETTINGS[k]]
    if settings["seed"]:
        parts.append(f"seed {settings['seed']}")
    return " · ".join(parts)


def _config(settings: Mapping[str, Any], n: int, device: str = "cpu") -> TrainConfig:
    """The trainer's settings: verified every step, one epoch per trainer (the lab steps on),
    on ``device`` (the server's or the notebook's choice, not the page's)."""
    batch = None if settings["batch_size"] == "full" else min(settings["batch_size"], n)
    return TrainConfig(
        loss=settings["loss"],
        optimizer=settings["optimizer"],
        optimizer_options=recipe.optimizer_options(settings),
        lr=settings["lr"],
        epochs=1,
        batch_size=batch,
        seed=settings["seed"],
        dtype=settings["dtype"],
        verify_every=1,
        device=device,
    )


def options() -> dict[str, Any]:
    """What the page's menus offer: sets, losses, optimizers (and defaults), limits."""
    losses = [
        {"name": name, "title": get_loss(name).title, "takes": list(get_loss(name).takes)}
        for name in loss_names()
    ]
    optimizers = [{"name": n, "params": recipe.extra_parameters(n)} for n in rule_names()]
    return {
        "datasets": recipe.describe_sets(),
        "losses": [{"name": AUTO, "title": "auto", "takes": []}, *losses],
        "optimizers": optimizers,
        "dtypes": ["float32", "float64"],
        "crosses": [{"name": n, "label": label} for n, label in CROSSES.items()],
        "limits": {
            "upload_bytes": UPLOAD_BYTES,
            "points": MAX_POINTS,
            "steps": MAX_STEPS,
            "step_n": MAX_STEP_N,
            "lines": MAX_LINES,
        },
    }


class Lab:
    """A playground for one tab (see the module docstring); ``handle`` answers a message."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
        *,
        lang: str | None = None,
        runs: Path | None = None,
        uploads: Mapping[str, str] | None = None,
        device: str = "cpu",
    ) -> None:
        """``data`` and ``settings`` (DATA and SETTINGS) start the first run; ``lang`` the
        page's words until it asks for others (None: the locale's); ``uploads`` are files
        (name → text) ``data`` may name, as if the page had uploaded them; ``device``
        where every session of the tab trains (cpu, cuda, cuda:N or auto; not part of
        the page's state, whose URL token opens on any machine)."""
        self.lang = check_language(lang)
        resolve_device(device)  # an InputError now, not at the first step
        self.device = device
        self.runs = runs  # where "save as run" writes; None: a folder under the temp dir
        self.uploads: dict[str, str] = dict(uploads or {})  # name → the file's text
        self._surface: dict[str, Any] | None = None  # the loss surface the page last got
        self.data = recipe.check_data(data or {})
        self._build(recipe.check_settings(settings or {}))

    # ------------------------------------------------------------------ building
    def _upload(self, data: Mapping[str, Any]) -> Dataset | None:
        """The uploaded set DATA names, read with its chosen columns."""
        if "upload" not in data or "points" in data:
            return None
        text = self.uploads.get(data["upload"])
        if text is None:
            raise InputError(
                "data.upload", "the name of a file uploaded in this tab", repr(data["upload"])
            )
        dataset = _read_upload(
            data["upload"],
            text,
            lambda path: load_file(path, target=data["target"], features=data["features"]),
        )
        return replace(dataset, name=Path(data["upload"]).stem)

    def _points(self, data: Mapping[str, Any]) -> Points:
        points = from_recipe(data)
        if len(points.train_u) + len(points.test_u) > MAX_POINTS:
            raise InputError("data", f"at most {MAX_POINTS} points", str(len(points.train_u)))
        return points

    def _segment(
        self, points: Points, settings: Mapping[str, Any], start: Checkpoint | None = None
    ) -> Segment:
        """A session on ``points`` from ``start`` (the seed's weights if None); a segment
        that goes on from another carries its verification counts."""
        config = _config(settings, points.train.n_samples, self.device)
        trainer = Trainer(config, points.train, points.test)
        worst = self.line.last.session.worst if start is not None else None
        session = trainer.session(start, worst=worst)
        return Segment(session.steps_done, points, trainer, session)

    def _build(self, settings: dict[str, Any], data: dict[str, Any] | None = None) -> None:
        """A new first line at step 0 (nothing is changed if it cannot be built). An upload's
        chosen columns are read once, here, and kept inline in DATA (the state carries them)."""
        data = data if data is not None else self.data
        upload = self._upload(data)
        if upload is not None:
            data = {**data, "points": inline(upload)}
        segment = self._segment(self._points(data), settings)
        line = Line(0, _label(settings), None, 0, settings, [segment])
        self._start(line)
        self.data, self.lines = data, [line]
        self.history: list[dict[str, Any]] = []

    def _start(self, line: Line) -> None:
        seg = line.last
        state = seg.session.state
        line.record(state.position.step, seg.trainer.epoch_metrics(state.W, state.B), state.W)

    @property
    def line(self) -> Line:
        return self.lines[-1]

    @property
    def step(self) -> int:
        return self.line.step

    # ------------------------------------------------------------------ the messages
    def handle(self, message: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The replies to one message from the page (an ``error`` if it cannot be done)."""
        op = message.get("op") if isinstance(message, Mapping) else None
        handler = getattr(self, f"_op_{op}", None) if isinstance(op, str) else None
        try:
            if handler is None:
                raise InputError("op", "one of " + ", ".join(OPS), repr(op))
            replies: list[dict[str, Any]] = handler(message)
            return replies
        except PerceptronLabError as exc:
            return [{"type": "error", "op": op, "message": str(exc)}]

    def _op_hello(self, m: Mapping[str, Any]) -> list[dict[str, Any]]:
        if m.get("lang") is not None:
            self.lang = check_language(m["lang"])
        if m.get("state") is not None:
            self.restore(recipe.check_state(m["state"]))
        hello = {"type": "hello", "lang": self.lang, "words": self.words(), "options": options()}
        return [hello, self.frame(full=True)]

    def _op_lang(self, m: Mapping[str, Any]) -> list[dict[str, Any]]:
        self.lang = check_language(m.get("lang"))
        return [{"type": "words", "lang": self.lang, "words": self.words()}, self.frame(full=True)]

    def _op_step(self, m: Mapping[str, Any]) -> list[dict[str, Any]]:
        n = m.get("n", 1)
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_STEP_N:
            raise InputError("n", f"a whole number of steps in [1, {MAX_STEP_N}]", repr(n))
        shown = m.get("worked", True)
        if not isinstance(shown, bool):
            raise InputError("worked", "true or false", repr(shown))
        status = self.advance(n)
        return [self.frame(full=n > 1, status=status, worked=shown)]

    def _op_show(self, m: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The current step's frame again, worked out (after steps taken without it)."""
        return [self.frame(full=False)]

    def _op_back(self, m: Mapping[str, Any]) -> list[dict[str, Any]]:
        n = m.get("n", 1)
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InputError("n", "a whole number of steps >= 1", repr(n))
        self.back(n)
        return [self.frame(full=True)]

    def _op_reset(self, m: Mapping[str, Any]) -> list[dict[str, Any]]:
        self._build(dict(self.line.settings), self._folded())
        return [self.frame(full=True)]

    def _op_configure(self, m: Mapping[str, Any]) -> list[dict[str, Any]]:
        settings = recipe.check_settings(m.get("settings") or {}, self.line.settings)
        self._build(settings, self._folded())
        return [self.frame(full=True)]

    def _op_data(self, m: Mapping[str, Any]) -> list[dict[str, Any]]:
        data = recipe.check_data(m.get("data") or {}, {**self.data, "edits": []})
        settings = dict(self.line.settings)
        if settings["loss"] != AUTO:  # a loss the new data cannot take falls back to auto
            takes = get_loss(settings["loss"]).takes
            if self._points(data).task not in takes:
                settings["loss"] = AUTO
        self._build(settings, data)
        return [self.frame(full=True)]

    def _op_branch(self, m: Mapping[str, Any]) -> list[dict[str, Any]]:
        self.branch(recipe.check_settings(m.get("settings") or {}, self.line.settings))
        return [self.frame(full=True)]

    def _op_point(self, m: Mapping[str, Any]) -> list[dict[str, Any]]:
        self.edit(recipe.check_edit("point", {k: m[k] for k in ("add", "remove") if k in m}))
        return [self.frame(full=True)]

    def _op_upload(self, m: Mapping[str, Any]) -> list[dict[str, Any]]:
        name, text = m.get("name"), m.get("text")
        if not isinstance(name, str) or not name or len(name) > 200:
            raise InputError("name", "the file's name", repr(name)[:80])
        if not isinstance(text, str):
            raise InputError(name, "a text file (CSV)", type(text).__name__)
        if len(text.encode("utf-8")) > UPLOAD_BYTES:
            raise InputError(
                name,
                f"a file of at most {UPLOAD_BYTES // 1_000_000} MB",
                f"{len(text) / 1e6:.1f} MB",
            )
        columns, numeric, rows = _read_upload(name, text, read_columns)
        if len(numeric) < 2:
            raise InputError(
                name,
                "a CSV with at least 2 columns of numbers",
                f"{len(numeric)} ({', '.join(columns)})",
            )
        self.uploads[name] = text
        while len(self.uploads) > MAX_UPLOADS:
            self.uploads.pop(next(iter(self.uploads)))
        return [
            {"type": "upload", "name": name, "columns": columns, "numeric": numeric, "rows": rows}
        ]

    def _op_save(self, m: Mapping[str, Any]) -> list[dict[str, Any]]:
        from .saved_runs import save_run

        path = save_run(self.lines, self.runs)
        return [{"type": "saved", "path": str(path)}]

    # ------------------------------------------------------------------ what they do
    def advance(self, n: int) -> str | None:
        """Take up to ``n`` steps on the current line; a failed step is undone, named."""
        line = self.line
        seg = line.last
        room = MAX_STEPS - line.step
        if room <= 0:
            raise InputError(
                "n",
                f"steps up to {MAX_STEPS} in the playground",
                f"step {line.step + 1}",
                hint="save as run and go on with perceptron-lab train",
            )
        for _ in range(min(n, room)):
            t = seg.session.steps_done
            try:
                (row,) = seg.session.step()
            except (DivergenceError, VerificationError) as exc:
                seg.session.rewind(t)  # the failed row is dropped: the page stays at t
                return str(exc)
            after = row.after
            line.record(after.position.step, seg.trainer.epoch_metrics(after.W, after.B), after.W)
        return None

    def back(self, n: int) -> None:
        """``n`` steps back on the current line, not before its first step."""
        line = self.line
        target = max(line.step - n, line.from_step)
        while len(line.segments) > 1 and target < line.last.start:
            dropped = line.segments.pop()
            self.history = [
                e
                for e in self.history
                if not ("point" in e and e["at"] == dropped.start and e.get("line") == line.id)
            ]
        line.last.session.rewind(max(target, line.last.start))
        line.cut(line.step)

    def branch(self, settings: dict[str, Any]) -> None:
        """A new line from here with ``settings``; the current one stays on screen."""
        if len(self.lines) >= MAX_LINES:
            raise InputError(
                "branch",
                f"at most {MAX_LINES} branches",
                f"a {MAX_LINES + 1}th",
                hint="reset to start over",
            )
        parent = self.line
        seg, state = parent.last, parent.last.session.state
        old, start = parent.settings, state
        if (settings["optimizer"], recipe.optimizer_options(settings)) != (
            old["optimizer"],
            recipe.optimizer_options(old),
        ):
            start = start.fresh_rule()
        if settings["batch_size"] != old["batch_size"] and start.position.batch:
            start = _next_epoch(start)
        segment = self._segment(seg.points, settings, start)
        line = Line(len(self.lines), _label(settings), parent.id, parent.step, settings, [segment])
        line.curve = {k: list(v) for k, v in parent.curve.items()}
        self.lines.append(line)
        self.history.append({"at": parent.step, "branch": dict(settings), "line": parent.id})

    def edit(self, edit: Mapping[str, Any]) -> None:
        """A point added or removed: before step 1 in the data, later as a new segment."""
        line = self.line
        if self.step == 0 and len(self.lines) == 1:
            data = {**self.data, "edits": [*self.data["edits"], dict(edit)]}
            self._build(dict(line.settings), recipe.check_data(data))
            return
        seg = line.last
        points = seg.points.edited(edit)
        state = seg.session.state
        start = _next_epoch(state) if state.position.batch else state
        if len(line.segments) > 1 and line.last.start == self.step:  # another edit, same step
            line.segments.pop()
        line.segments.append(self._segment(points, line.settings, start))
        self.history.append({"at": self.step, "point": dict(edit), "line": line.id})

    def _folded(self) -> dict[str, Any]:
        """DATA with the current line's point edits in it (a reset keeps the points shown)."""
        edits = [e["point"] for e in self.history if "point" in e]
        return recipe.check_data({**self.data, "edits": [*self.data["edits"], *edits]})

    # ------------------------------------------------------------------ state
    def state(self) -> dict[str, Any]:
        """STATE: data, the first line's settings, the history, the step."""
        history = [{k: v for k, v in e.items() if k != "line"} for e in self.history]
        return {
            "data": self.data,
            "settings": self.lines[0].settings,
            "history": history,
            "step": self.step,
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        """Rebuild a STATE: the data and settings, then each event at its step, then the step."""
        self._build(dict(state["settings"]), dict(state["data"]))
        for event in state["history"]:
            self._go_to(event["at"])
            if "point" in event:
                self.edit(event["point"])
            else:
                self.branch(recipe.check_settings(event["branch"], self.line.settings))
        self._go_to(state["step"])

    def _go_to(self, step: int) -> None:
        while self.step < step:
            status = self.advance(min(MAX_STEP_N, step - self.step))
            if status is not None:
                raise InputError("state", f"a state whose steps run (step {step})", status)

    # ------------------------------------------------------------------ frames
    def words(self) -> dict[str, str]:
        return dict(CATALOG[self.lang].get("playground", {}))

    def record(self) -> tuple[StepRecord, Row] | None:
        """The current step, observed in full (None at step 0). A step taken before a
        branch or a point edit is found in the session that took it."""
        t = self.step
        found = [
            seg.session
            for line in self.lines
            for seg in line.segments
            if seg.session.rows.base < t <= seg.session.steps_done
        ]
        if not found:
            return None
        session = found[-1]
        row = session.rows.row(t)
        before = session.origin if t - 1 <= session.rows.base else session.rows.row(t - 1).after
        assert row.batch.X is not None and row.batch.y is not None  # the lab's data is in memory
        rec = observe_step(
            row.batch.X,
            row.batch.y,
            before.W,
            before.B,
            session.settings.loss,
            session.settings.rule,
            state=before.state,
            step=t,
            rule_step=int(row.scalars["rule_step"]),
            lr=float(row.scalars["lr"]),
            decay_bias=session.settings.decay_bias,
            check=False,
        )
        return rec, row

    def frame(
        self, *, full: bool, status: str | None = None, worked: bool = True
    ) -> dict[str, Any]:
        """The page's frame of the current step (docs/playground.md); ``worked=False``
        leaves the worked solution out (a page playing fast skips it until it pauses)."""
        line, seg = self.line, self.line.last
        session = seg.session
        state = session.state
        loss = session.settings.loss
        out: dict[str, Any] = {
            "type": "frame",
            "full": full,
            "step": state.position.step,
            "epoch": state.position.epoch,
            "branch": line.id,
            "status": status,
            "W": frames.numbers(state.W),
            "B": frames.numbers(state.B),
            "names": list(seg.points.train.feature_names),
            "field": frames.field(seg.points, loss, state.W, state.B),
            "batch": None,
            "grad": None,
            "worked": None,
            "verified": {
                "worst": session.worst.worst,
                "quantity": session.worst.quantity,
                "tolerance": session.tolerance,
                "steps": session.worst.verified,
            },
            "append": {
                "branch": line.id,
                "step": line.curve["steps"][-1],
                "train": line.curve["train"][-1],
                "test": line.curve["test"][-1],
                "path": line.curve["path"][-1],
            },
            "state": self.state(),
        }
        observed = self.record()
        if observed is not None:
            rec, row = observed
            out["batch"] = frames.batch(rec, row.batch.rows)
            out["grad"] = frames.gradient(rec)
        if observed is not None and worked:
            rec, row = observed
            context = StepContext(
                rule_step=int(row.scalars["rule_step"]),
                decay_bias=session.settings.decay_bias,
                epoch=int(row.scalars["epoch"]),
                batch=int(row.scalars["batch"]) + 1,
                batches=seg.trainer.batches,
            )
            out["worked"] = worked_json(build(rec, self.lang, context))
        if full:
            out["data"] = frames.plane_points(seg.points)
            out["curves"] = [
                {
                    "id": ln.id,
                    "label": ln.label,
                    "parent": ln.parent,
                    "from_step": ln.from_step,
                    **ln.curve,
                }
                for ln in self.lines
            ]
            out["settings"] = line.settings
            out["valid_losses"] = [
                AUTO,
                *(n for n in loss_names() if seg.points.task in get_loss(n).takes),
            ]
        path = line.curve["path"][-1]
        if full or not frames.within(self._surface, path):  # the path left the map: anew
            assert seg.trainer.train_t is not None  # the lab's data is in memory
            out["surface"] = self._surface = frames.surface(
                seg.points,
                loss,
                state.W,
                state.B,
                seg.trainer.train_t.y,
                [ln.curve["path"] for ln in self.lines],
            )
        return out


T = TypeVar("T")


def _read_upload(name: str, text: str, read: Callable[[Path], T]) -> T:
    """``read`` of an upload's text, from a file in a temporary folder removed after; its
    errors name the upload, not the temporary file."""
    with tempfile.TemporaryDirectory(prefix="perceptron-lab-upload-") as folder:
        path = Path(folder) / "upload.csv"
        path.write_text(text, encoding="utf-8")
        try:
            return read(path)
        except InputError as exc:

            def named(words: str) -> str:
                return words.replace(str(path), name)

            raise InputError(
                named(exc.argument), named(exc.expected), named(exc.got), exc.hint
            ) from None


def _next_epoch(state: Checkpoint) -> Checkpoint:
    """The same state, positioned at the next epoch's first batch."""
    pos = state.position
    return replace(state, position=Position(pos.step, pos.epoch + 1, 0, pos.rule_start))


OPS = tuple(name[4:] for name in dir(Lab) if name.startswith("_op_"))
