"""The run directory's format: typed manifest and summary, the step schema, one writer.

::

    config.json                 RunManifest: format version, settings, data, loss, rule, sizes
    steps/part-NNNNN.parquet    the step table: one row per step, columns from StepSchema
    samples/part-NNNNN.parquet  per-sample rows (only with per-sample capture)
    checkpoints/step-N.*        the latest checkpoint: W, B, optimizer state, position
    summary.json                RunSummary, written when training ends or stops
    data.npz                    a watched loop's batches (watch only)
    writer.lock                 the writer's lock (engine.run_lock) and its pid

The trainer and ``watch`` write through :class:`RunWriter`; every view reads through
:class:`~perceptron_lab.engine.trace.Trace`, which reads with :func:`read_manifest`,
:func:`read_summary` and :func:`read_steps`. Per-epoch metrics live once, in the step table
(the ``train_*`` and ``test_*`` columns of each epoch's last row). Every file is written
atomically; the step table is kept in few parts (small parts are merged when a run finishes).

What lets a reader trust the files: config.json holds the format version and the run's id;
each step part holds the run's id in its Parquet key-value metadata (and Parquet's own row
count and page checksums), and its steps must follow the previous part's without a gap or
an overlap; summary.json holds the SHA-256 of every file of the run as it ended (the
manifest, each part, the checkpoint, a watched loop's data). A resumed run appends parts
under the same id and a merge re-stamps the parts it writes, so both keep the checks true.

A writer never writes over anything by accident: a new run goes into a new or empty
directory, or replaces a run only when asked (``overwrite``: the run's own files above
are removed first, any other file is left alone); a directory holding anything else, or
a symbolic link, is refused; a run being continued must be a run; and one process at a
time writes a directory (:class:`~perceptron_lab.engine.run_lock.RunLock`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Collection, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from . import checkpoint
from .atomic import kind_of, write_text_atomic
from .checkpoint import Checkpoint, Position
from .config import TrainConfig
from .derived_columns import DERIVED, FROM_PREVIOUS, derivable_rows
from .run_lock import LOCK_FILE, RunLock
from .strict_json import finite

if TYPE_CHECKING:
    import torch

FORMAT_VERSION = 4  # 3: a run id in config.json and in each part, checksums in the summary;
# 4: only the vectors that cannot be derived (engine.derived_columns), in the run's dtype
CONFIG_FILE = "config.json"
SUMMARY_FILE = "summary.json"
STEP_TABLE = "steps"
RANKS_FILE = "ranks.json"  # a data-parallel run's per-rank gradients of its verified steps
SAMPLE_TABLE = "samples"
WATCH_DATA = "data.npz"  # a watched loop's batches: X (rows, d) and y (in the loss's label set)
MANIFEST_KEYS = ("config", "data", "loss", "optimizer")  # every format version's config.json has
RUN_ID_KEY = b"perceptron_lab.run_id"  # a step part's key-value metadata: the run it belongs to
MERGED_KEY = b"perceptron_lab.merged_through"  # a merged part's metadata: its last step
PART_NUMBERS = 2**20  # a merged part holds at most this many numbers (8 MiB of float64)


@dataclass(frozen=True)
class DataInfo:
    """What the run trained on: the recipe to load it again, and what it was."""

    recipe: dict[str, Any]  # source, target, features, size, data_seed, task (or a watch's file)
    name: str
    fingerprint: str
    n_samples: int
    n_features: int | None
    feature_names: tuple[str, ...]
    target_name: str
    task: str | None
    classes: tuple[str, ...] | None
    test_samples: int = 0
    # standardized: the training rows' μ ("mean") and σ ("std") per feature, so a model
    # scales new data as it trained; None: not standardized, or a run from before they were kept
    scaling: dict[str, list[float]] | None = None


@dataclass(frozen=True)
class Named:
    """A loss or an update rule: its registry name and its options."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Parent:
    """The run and step a branch started from."""

    run: str
    step: int


@dataclass(frozen=True)
class RunManifest:
    """config.json: everything that decides a run's numbers, and what it was run with."""

    config: TrainConfig
    data: DataInfo
    loss: Named
    optimizer: Named
    schedule: str | None
    input_size: int | None  # d; None for a watched model that is not one nn.Linear
    output_size: int | None  # k
    batch_size: int | None
    batches_per_epoch: int | None  # None: a watched loop, whose epochs the loop alone knows
    total_steps: int
    verify_every: int
    checkpoint_every: int | None
    seed: int | None
    versions: dict[str, str]
    parent: Parent | None = None
    watch: dict[str, Any] | None = None  # a watched loop: its model, modules and checks
    parameters: list[Any] | None = None  # a watched model's (name, shape) when not one layer
    note: str | None = None  # who made the run, e.g. a scikit-learn estimator's repr
    run_id: str | None = None  # set by RunWriter; every step part of the run carries it
    format_version: int = FORMAT_VERSION

    @property
    def is_watched(self) -> bool:
        return self.watch is not None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["config"] = self.config.to_dict()
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunManifest:
        d = dict(data)
        d["config"] = TrainConfig.from_dict(d["config"])
        info = dict(d["data"])
        info["feature_names"] = tuple(info["feature_names"])
        info["classes"] = tuple(info["classes"]) if info["classes"] is not None else None
        d["data"] = DataInfo(**info)
        d["loss"], d["optimizer"] = Named(**d["loss"]), Named(**d["optimizer"])
        d["parent"] = Parent(**d["parent"]) if d.get("parent") else None
        return cls(**d)


@dataclass(frozen=True)
class RunSummary:
    """summary.json: how the run ended, its final metrics and its verification."""

    status: str  # finished, diverged, verification failed, interrupted, diagnosed, stopped
    error: str | None
    steps: int
    total_steps: int
    epochs_done: int
    score_name: str  # accuracy or r2
    final: dict[str, float]  # train_loss, train_<score>, test_… at the end
    verified_steps: int
    verify_every: int
    worst_disagreement: float
    worst_quantity: str
    worst_step: int
    tolerance: float
    seconds: float
    steps_per_second: float | None
    W: list[Any] | None  # (d, k)
    B: list[Any] | None  # (k,)
    watch: dict[str, Any] | None = None
    files: dict[str, str] | None = None  # set by RunWriter: relative path → SHA-256 at the end
    advice: list[dict[str, Any]] | None = None  # engine.convergence.Advice: cause and numbers
    verified_at: list[list[int]] | None = None  # the steps verified: [first, last, every] each
    # data parallel: {"world": P, "backend": "gloo", "all_reduce_us": a(d·k + k) measured};
    # each rank's own gradient on the verified steps is in ranks.json
    parallel: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """Strict JSON: a diverged run's non-finite numbers as null (its status says why)."""
        return finite(asdict(self))  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunSummary:
        return cls(**data)


@dataclass(frozen=True)
class StepSchema:
    """The step table's columns: scalars (name → Arrow type) and vectors (name → width)."""

    scalars: dict[str, str]
    vectors: dict[str, int]

    @staticmethod
    def state_column(param: str, key: str) -> str:
        """The column of optimizer state ``key`` of parameter ``param`` ("W" or "B")."""
        return f"state_{param}_{key}"

    @staticmethod
    def metric_columns(score: str, test: bool) -> tuple[str, ...]:
        """The per-epoch metric columns (filled on each epoch's last step)."""
        sides = ("train", "test") if test else ("train",)
        return tuple(f"{side}_{m}" for side in sides for m in ("loss", score))

    @classmethod
    def for_training(
        cls, d: int, k: int, state_keys: tuple[str, ...], score: str, test: bool
    ) -> StepSchema:
        """A trained run's columns for W (d, k), B (k,) and the rule's state keys."""
        ints = dict.fromkeys(("step", "epoch", "batch", "n_samples", "rule_step"), "int64")
        floats = dict.fromkeys(("lr", "loss", score, "grad_norm"), "float64")
        scalars = {
            **ints,
            **floats,
            "verified": "bool_",
            "worst_quantity": "string",
            "worst_disagreement": "float64",
            **dict.fromkeys(cls.metric_columns(score, test), "float64"),
        }
        dk = d * k
        # W_before, B_before, update_W, update_B: null where derivable (engine.derived_columns)
        # — W_before is stored on a writer's first row, the update never
        vectors = {"W_before": dk, "B_before": k, "dW": dk, "dB": k}
        vectors |= {"W_after": dk, "B_after": k, "update_W": dk, "update_B": k}
        for key in state_keys:
            vectors[cls.state_column("W", key)] = dk
            vectors[cls.state_column("B", key)] = k
        vectors |= {"dW_torch": dk, "dB_torch": k}  # last: only verified steps have them
        return cls(scalars | {DERIVED: "string"}, vectors)


def start_from_row(
    row: Mapping[str, Any],
    state_keys: tuple[str, ...],
    d: int,
    k: int,
    batches_per_epoch: int,
    dtype: torch.dtype,
) -> Checkpoint:
    """The state after a recorded step: its W_after, B_after and state columns.

    The step table keeps every step's state, so a branch can start at any step.
    """
    import torch

    def tensor(name: str, shape: tuple[int, ...]) -> torch.Tensor:
        return torch.tensor(row[name], dtype=torch.float64).to(dtype).reshape(shape)

    state: dict[str, dict[str, torch.Tensor]] = {"W": {}, "B": {}}
    for key in state_keys:
        for param, shape in (("W", (d, k)), ("B", (k,))):
            column = StepSchema.state_column(param, key)
            if row.get(column) is not None:
                state[param][key] = tensor(column, shape)
    t, epoch, batch = int(row["step"]), int(row["epoch"]) - 1, int(row["batch"])
    nxt = (epoch, batch + 1) if batch + 1 < batches_per_epoch else (epoch + 1, 0)
    position = Position(t, *nxt, rule_start=t - int(row["rule_step"]))
    return Checkpoint(tensor("W_after", (d, k)), tensor("B_after", (k,)), state, position)


class Damage:
    """What a reader found wrong with a run's files: raised at once, or kept (``keep``).

    Every finding is an InputError naming the file, what it should hold and what it holds.
    A view that can work from the rest (``show``) keeps them and says what it skipped.
    """

    def __init__(self, keep: bool = False) -> None:
        self.keep = keep
        self.found: list[InputError] = []

    def __call__(self, path: Path, expected: str, got: str) -> None:
        self.add(InputError("path", expected, f"{got} in {path}"))

    def add(self, error: InputError) -> None:
        """Raise ``error``, or keep it."""
        if not self.keep:
            raise error
        self.found.append(error)


def read_manifest(root: Path) -> RunManifest:
    """config.json of a run directory, checked: its format version, its fields and their types."""
    path = root / CONFIG_FILE
    if not path.is_file():
        raise InputError("path", f"a run directory with {CONFIG_FILE}", repr(str(root)))
    data = _json(path)
    if "config" not in data:  # not a manifest of any version: emptied or replaced
        raise InputError("path", f"a complete {CONFIG_FILE}", f"no settings (config) in {path}")
    version = data.get("format_version", 1)
    if version != FORMAT_VERSION:
        raise InputError(
            "run_dir",
            f"a run directory of format version {FORMAT_VERSION}",
            f"version {version} in {path}",
            hint="train it again with this version of perceptron-lab",
        )
    try:
        manifest = RunManifest.from_json(data)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise InputError("path", f"a complete {CONFIG_FILE}", f"{path}: {exc}") from None
    _check_types(manifest, path)
    _check_sizes(manifest, path)
    return manifest


def _check_types(record: Any, path: Path) -> None:
    """Each field of a record read from ``path`` (and of its parts) is of its annotated type."""
    for name, value, kind in _fields(record):
        if not _conforms(value, kind):
            raise InputError("path", f"{name} of type {_type_name(kind)}", f"{value!r} in {path}")


def _fields(record: Any, prefix: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(dotted name, value, annotated type) of each field of a manifest and of its parts."""
    import dataclasses
    import typing

    hints = typing.get_type_hints(type(record))
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        yield prefix + f.name, value, hints[f.name]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            yield from _fields(value, f"{prefix}{f.name}.")


def _conforms(value: Any, kind: Any) -> bool:
    """Whether a value read from JSON is of an annotated type (containers: their kind only)."""
    import types
    import typing

    if kind is Any:
        return True
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        return any(_conforms(value, k) for k in typing.get_args(kind))
    if kind in (int, float):  # JSON has no int/float divide of its own; bool is no number
        numbers = (int,) if kind is int else (int, float)
        return isinstance(value, numbers) and not isinstance(value, bool)
    return isinstance(value, typing.get_origin(kind) or kind)


def _type_name(kind: Any) -> str:
    return kind.__name__ if isinstance(kind, type) else str(kind).replace("typing.", "")


def _check_sizes(m: RunManifest, path: Path) -> None:
    """A trained run's sizes follow from its settings and data: an edit of one shows."""
    if m.batches_per_epoch is None or m.batch_size is None:  # a watched loop's are its own
        return
    if m.batch_size < 1:
        raise InputError("path", "batch_size >= 1", f"batch_size = {m.batch_size} in {path}")
    sizes = {
        "batches_per_epoch": (
            "data.n_samples / batch_size, rounded up",
            -(-m.data.n_samples // m.batch_size),
        ),
        "total_steps": ("config.epochs × batches_per_epoch", m.config.epochs * m.batches_per_epoch),
    }
    for name, (how, expected) in sizes.items():
        if getattr(m, name) != expected:
            raise InputError(
                "path", f"{how} = {expected}", f"{name} = {getattr(m, name)} in {path}"
            )


def read_summary(root: Path) -> RunSummary | None:
    """summary.json, or None for a run still going or killed before it ended."""
    path = root / SUMMARY_FILE
    if not path.is_file():
        return None
    try:
        summary = RunSummary.from_json(_json(path))
    except TypeError as exc:
        raise InputError("path", f"a complete {SUMMARY_FILE}", f"{path}: {exc}") from None
    _check_types(summary, path)
    if summary.files is None:
        raise InputError("path", "the checksums of the run's files", f"none in {path}")
    return summary


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError("path", "a readable JSON file", f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise InputError("path", "a JSON object", f"{path}: {type(data).__name__}")
    return data


def run_files(root: Path) -> list[Path]:
    """The files summary.json vouches for: config.json, every part, the checkpoint, data.npz."""
    from .checkpoint import FOLDER

    found = [root / CONFIG_FILE, root / WATCH_DATA]
    for folder in (STEP_TABLE, SAMPLE_TABLE):
        found += sorted((root / folder).glob("part-*.parquet"))
    found += sorted((root / FOLDER).glob("step-*"))
    return [path for path in found if path.is_file()]


def checksums(root: Path) -> dict[str, str]:
    """Relative path → SHA-256 of each of :func:`run_files`."""
    return {str(path.relative_to(root)): _sha256(path) for path in run_files(root)}


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def check_files(root: Path, summary: RunSummary | None, damage: Damage) -> set[Path]:
    """Every file summary.json lists is there with its bytes, and no other part or checkpoint;
    returns the files whose bytes it vouches for.

    A run without a summary (still going, or killed) has only its parts' own checks. An
    edited config.json is raised even when ``damage`` keeps: nothing can be read without it.
    """
    if summary is None or summary.files is None:
        return set()
    held = checksums(root)
    for rel, digest in summary.files.items():
        if rel not in held:
            damage(root / rel, f"a file {SUMMARY_FILE} lists", "no such file")
        elif held[rel] != digest:
            (damage if rel != CONFIG_FILE else Damage())(
                root / rel,
                f"the bytes {SUMMARY_FILE} vouches for (SHA-256 {digest[:12]}…)",
                f"a file changed since the run ended (SHA-256 {held[rel][:12]}…)",
            )
    for rel in sorted(held.keys() - summary.files.keys()):
        damage(
            root / rel, f"only the files {SUMMARY_FILE} lists", "a file added after the run ended"
        )
    return {root / rel for rel, digest in summary.files.items() if held.get(rel) == digest}


def read_steps(
    root: Path, manifest: RunManifest, damage: Damage, vouched: Collection[Path] = ()
) -> list[Any]:
    """The step table's parts of this run, whose steps follow on from the first step (for
    :class:`~.step_rows.StepTable`).

    A part whose bytes summary.json vouches for (``vouched``: :func:`check_files`) is a
    ParquetFile, read a column at a time when a view asks; any other is read whole now
    (an Arrow table), its page checksums verified.

    The first step is 1, or a branch's parent step + 1. A part that cannot be read, was
    written by another run, or leaves a gap or an overlap is damage; when ``damage`` keeps
    it, the rows before that part are returned and the later parts are skipped. The one
    overlap that is not damage is what a killed :func:`merge_parts` leaves: parts after a
    merged part whose steps it already holds (their copies), skipped here and removed by a
    resume (:func:`truncate_table`).
    """
    expected = manifest.parent.step + 1 if manifest.parent else 1
    merged_through = 0  # the last step a merged part before holds
    tables = []
    for part, table in _parts(root / STEP_TABLE, damage, vouched):
        if table is None:
            break
        metadata = table.schema.metadata or {}
        stamp = metadata.get(RUN_ID_KEY, b"").decode()
        if stamp != manifest.run_id:
            damage(part, f"a part of run {manifest.run_id} ({CONFIG_FILE})", f"run {stamp!r}")
            break
        steps = _column(table, "step").to_pylist()
        if steps and steps[0] < expected and max(steps) <= merged_through:
            continue  # a killed merge's leftover: rows the merged part holds
        if steps != list(range(expected, expected + len(steps))):
            damage(part, f"steps from {expected} on, one each", f"steps {min(steps)}..{max(steps)}")
            break
        tables.append(table)
        expected += len(steps)
        merged_through = int(metadata.get(MERGED_KEY, merged_through))
    return tables


def _column(part: Any, name: str) -> Any:
    """One column of a part read (a table) or to read (a StoredPart: that column only)."""
    return part.select([name])[name]


def read_table(folder: Path, damage: Damage | None = None) -> list[dict[str, Any]]:
    """All rows of a table folder, in order; a damaged part is an error naming it (or kept)."""
    tables = []
    for _, table in _parts(folder, damage or Damage()):
        if table is None:
            break
        tables.append(table)
    return _rows(tables)


def _rows(tables: list[Any]) -> list[dict[str, Any]]:
    """The rows of consecutive parts (a column one part lacks is null in its rows)."""
    if not tables:
        return []
    import pyarrow as pa

    rows: list[dict[str, Any]] = pa.concat_tables(tables, promote_options="default").to_pylist()
    return rows


def _parts(
    folder: Path, damage: Damage, vouched: Collection[Path] = ()
) -> Iterator[tuple[Path, Any]]:
    """(part, its table) in order — a ``vouched`` part's :class:`~.step_rows.StoredPart`,
    read later — and (part, None) for one that cannot be read, after the damage."""
    parts = sorted(folder.glob("part-*.parquet"))
    if not parts:
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .step_rows import StoredPart

    for part in parts:
        try:
            # ParquetFile, not read_table: pyarrow.dataset would import pandas (~0.5 s)
            with pq.ParquetFile(part, page_checksum_verification=part not in vouched) as found:
                if part in vouched:
                    table = StoredPart(part, found.metadata.num_rows, found.schema_arrow)
                else:
                    table = found.read()
        except (OSError, pa.ArrowException) as exc:
            damage(part, "a readable Parquet part", f"unreadable bytes ({type(exc).__name__})")
            table = None
        yield part, table


def truncate_table(folder: Path, last_step: int) -> None:
    """Drop every row after ``last_step`` (a run resuming from its checkpoint).

    Also the rows a part repeats from the parts before it: each part's steps follow the
    last part's, but a merge killed midway (:func:`merge_parts`) leaves a group's rows twice.
    """
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from .column_table import write_part

    seen = 0  # the last step of the parts before
    for part in sorted(folder.glob("part-*.parquet")):
        table = pq.read_table(part)
        if table.num_rows == 0:
            continue
        steps = table["step"]
        if pc.min(steps).as_py() > seen and pc.max(steps).as_py() <= last_step:
            seen = pc.max(steps).as_py()
            continue
        kept = table.filter(pc.and_(pc.greater(steps, seen), pc.less_equal(steps, last_step)))
        if kept.num_rows == 0:
            part.unlink()
            continue
        write_part(part, kept)
        seen = pc.max(kept["step"]).as_py()
    _renumber(folder)


def merge_parts(folder: Path, numbers_per_part: int = PART_NUMBERS) -> None:
    """Merge runs of small consecutive parts into parts of at most ``numbers_per_part`` numbers.

    Parts already that large are left alone, so memory stays bounded by one merged part.
    A group's rows replace its first part atomically before the others are removed (a
    crash leaves every row readable, at worst twice — which the reader knows by the merged
    part's last step (``MERGED_KEY``) and a resume repairs, see :func:`truncate_table` —
    never half). A merged part keeps its first part's key-value metadata (the run's id).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .column_table import write_part

    parts = sorted(folder.glob("part-*.parquet"))
    groups: list[list[Path]] = []
    held = 0
    for part in parts:
        meta = pq.ParquetFile(part)
        numbers = meta.metadata.num_rows * max(1, sum(_width(f.type) for f in meta.schema_arrow))
        if not groups or held + numbers > numbers_per_part:
            groups.append([])
            held = 0
        groups[-1].append(part)
        held += numbers
    if len(groups) == len(parts):
        return
    for group in (g for g in groups if len(g) > 1):
        tables = [pq.read_table(p) for p in group]
        table = pa.concat_tables(tables, promote_options="default")
        # the group's rows take its first part's place
        last = str(max(int(t["step"][-1].as_py()) for t in tables if t.num_rows)).encode()
        meta = {**(tables[0].schema.metadata or {}), MERGED_KEY: last}
        write_part(group[0], table.replace_schema_metadata(meta))
        for part in group[1:]:
            part.unlink()
    _renumber(folder)


def _width(kind: Any) -> int:
    """The numbers one value of an Arrow type holds (a fixed-size list: its size)."""
    import pyarrow as pa

    return int(kind.list_size) if pa.types.is_fixed_size_list(kind) else 1


def _renumber(folder: Path) -> None:
    for i, part in enumerate(sorted(folder.glob("part-*.parquet"))):
        part.rename(folder / f"part-{i:05d}.parquet")


# the files a run writes, (folder, glob) — all that ``overwrite`` removes, with their temporaries
RUN_FILES = (
    (".", CONFIG_FILE),
    (".", SUMMARY_FILE),
    (".", WATCH_DATA),
    (".", RANKS_FILE),
    (STEP_TABLE, "part-*.parquet"),
    (SAMPLE_TABLE, "part-*.parquet"),
    (checkpoint.FOLDER, "step-*"),
)


class RunInTheWay(InputError):
    """``out`` holds another run: continue it, branch from it, or replace it (``overwrite``).

    Its own class so that each interface words the fix in its own terms (the CLI: flags).
    """

    def __init__(self, root: Path) -> None:
        super().__init__(
            "out",
            "a new or empty directory",
            f"{str(root)!r}, which holds another run",
            hint="continue it, branch from it into a new directory, or replace it (overwrite=True)",
        )
        self.root = root


def is_run(root: Path) -> bool:
    """Whether ``root`` holds a run: a config.json that is a run's manifest (any version)."""
    try:
        data = json.loads((root / CONFIG_FILE).read_text())
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and all(key in data for key in MANIFEST_KEYS)


def check_place(root: Path, *, resume: bool = False, overwrite: bool = False) -> None:
    """Refuse a directory a run may not be written into; changes nothing.

    A new run (``resume`` False) needs a new or empty directory (a killed writer's lock and
    temporaries count as empty), or a run to replace with
    ``overwrite``; a directory holding anything else is refused even then (its files are
    not the run format's to remove). A continued run needs its run directory. A symbolic
    link is refused: its target is named, and is what to give.
    """
    if root.is_symlink():
        raise InputError(
            "out",
            "a directory that is not a symbolic link",
            f"{str(root)!r} → {str(root.readlink())!r}",
            hint="give the directory it points to",
        )
    if not root.exists():
        if resume:
            raise InputError("out", "the run directory to continue", f"{str(root)!r}: none")
        return
    kind = kind_of(root)
    if kind != "a directory":
        raise InputError("out", "a directory", f"{str(root)!r}, {kind or 'a regular file'}")
    if resume:
        if not is_run(root):
            raise InputError("out", "the run directory to continue", f"{str(root)!r}: no run")
        return
    if all(_debris(p) for p in root.iterdir()):
        return
    if not is_run(root):
        raise InputError(
            "out",
            "a new or empty directory, or a run directory",
            f"{str(root)!r}, which is not empty and holds no run",
            hint="a run is never written among other files: choose a new directory",
        )
    if not overwrite:
        raise RunInTheWay(root)


def check_place_now(root: Path, *, overwrite: bool = False) -> None:
    """:func:`check_place` for a new run, early (before the data are loaded): a directory
    another writer is in the middle of replacing is refused for that, naming its pid, and
    one whose writer has just let go is looked at again."""
    try:
        check_place(root, overwrite=overwrite)
    except InputError:
        if not (root / LOCK_FILE).is_file():
            raise
        RunLock(root).release()  # raises naming the holder if one is at it
        check_place(root, overwrite=overwrite)


def _debris(path: Path) -> bool:
    """What a writer killed before its first file leaves: the lock, a temporary config.json."""
    return path.name == LOCK_FILE or any(
        fnmatch(path.name, f".{pattern}.*.tmp") for folder, pattern in RUN_FILES if folder == "."
    )


def claim(root: Path, *, resume: bool = False, overwrite: bool = False) -> RunLock:
    """Lock ``root`` for writing a run (:func:`check_place` first); with ``overwrite``, empty it.

    The check runs before the lock (a refused directory gets no lock file) and again under
    it (no other writer can change it then); a directory refused while another writer holds
    its lock is refused for that, naming the writer — and one whose writer has just let go
    is looked at again. Holding it, no temporary of the run format
    (:data:`RUN_FILES`) can be another writer's, so a killed writer's are removed; a new run
    also removes the format's files — with ``overwrite`` the old run's, so none of its
    checkpoints or rows can outlive it.
    """
    try:
        check_place(root, resume=resume, overwrite=overwrite)
    except InputError:
        # another writer in the middle of replacing the run leaves a directory that is no
        # run yet: its lock, if held, is the true cause (RunLock below raises naming its
        # pid); if it has let go since, the check under the lock sees what it left
        if not (root / LOCK_FILE).is_file():
            raise
    root.mkdir(parents=True, exist_ok=True)
    lock = RunLock(root)
    try:
        check_place(root, resume=resume, overwrite=overwrite)
    except InputError:
        lock.release(remove=True)
        raise
    _remove_run_files(root, temporaries_only=resume)
    return lock


def _remove_run_files(root: Path, *, temporaries_only: bool = False) -> None:
    """The files of :data:`RUN_FILES` and their temporaries (or only those); empty folders."""
    for folder, pattern in RUN_FILES:
        where = root / folder
        found = [] if temporaries_only else list(where.glob(pattern))
        for path in [*found, *where.glob(f".{pattern}.*.tmp")]:
            path.unlink()
        if folder != "." and where.is_dir() and not any(where.iterdir()):
            where.rmdir()


class RunWriter:
    """Writes one run directory: the manifest now, rows as they come, the summary at the end.

    It holds the directory's lock (:func:`claim`) from the start until :meth:`finish` or
    :meth:`close`. ``resume`` continues the run in ``root`` from ``start_step`` (rows after
    it are dropped and a stale summary.json is removed); otherwise ``root`` must be new or
    empty, or a run that ``overwrite`` replaces. A branch is a new run whose first row is
    ``start_step + 1``. A resumed run keeps the id in its config.json; any other run gets a
    new one; the manifest and every step part are stamped with it.
    """

    def __init__(
        self,
        root: Path,
        manifest: RunManifest,
        schema: StepSchema,
        *,
        start_step: int = 0,
        samples: Any = None,
        resume: bool = False,
        overwrite: bool = False,
        dtype: torch.dtype | None = None,
    ) -> None:

        from .column_table import ColumnTable

        self.lock = claim(root, resume=resume, overwrite=overwrite)
        try:  # a full disk or a refused file lets the lock go with the error
            self.run_id = _run_id(root) if resume else uuid.uuid4().hex
            self._write_manifest(root, manifest)
            truncate_table(root / STEP_TABLE, start_step)
            truncate_table(root / SAMPLE_TABLE, start_step)
            (root / SUMMARY_FILE).unlink(missing_ok=True)
        except BaseException:
            self.lock.release()
            raise
        self.root = root
        self.table = ColumnTable(
            root / STEP_TABLE,
            schema.vectors,
            scalars=schema.scalars,
            metadata={RUN_ID_KEY: self.run_id.encode()},
            dtype=dtype or _stored_dtype(manifest),  # the vectors' dtype on disk
        )
        self.samples = samples  # a SampleRecorder writing into root / SAMPLE_TABLE, or None
        self._last: dict[str, torch.Tensor] | None = None  # the last row's W_after, B_after

    def _write_manifest(self, root: Path, manifest: RunManifest) -> None:
        stamped = replace(manifest, run_id=self.run_id)
        write_text_atomic(root / CONFIG_FILE, json.dumps(stamped.to_json(), indent=1))

    def put(self, scalars: Mapping[str, Any], vectors: Mapping[str, Any]) -> None:
        """One step's row (a vector missing from ``vectors`` is null).

        Without a ``derived`` scalar (a watched loop names its own), the vectors that
        follow from others are left out and named in it (engine.derived_columns).
        """
        if DERIVED in scalars or DERIVED not in self.table.types:
            self.table.put(dict(scalars), dict(vectors))
            return
        rows = self._stored({n: v.reshape(1, -1) for n, v in vectors.items()})
        (left_out,) = derivable_rows(rows, self._last)
        kept = {n: v for n, v in rows.items() if n not in left_out}
        self.table.put({**scalars, DERIVED: ",".join(left_out)}, kept)
        self._keep_last(rows)

    def put_block(
        self,
        scalars: dict[str, list[Any]],
        vectors: dict[str, Any],
        present: dict[str, list[bool]] | None = None,
    ) -> None:
        """Many steps' rows at once (``ColumnTable.put_block``); derivable vectors as in
        :meth:`put`."""
        if DERIVED not in self.table.types:
            self.table.put_block(scalars, vectors, present)
            return
        vectors = self._stored(vectors)
        left_out = derivable_rows(vectors, self._last, present)
        m = len(left_out)
        held = {name: [True] * m for name in vectors}
        held |= {name: list(flags) for name, flags in (present or {}).items()}
        for i, names in enumerate(left_out):
            for name in names:
                held[name][i] = False
        derived = [",".join(names) for names in left_out]
        self.table.put_block({**scalars, DERIVED: derived}, vectors, held)
        self._keep_last({n: v[m - 1 : m] for n, v in vectors.items()})

    def _stored(self, vectors: Mapping[str, Any]) -> dict[str, Any]:
        """The vectors in the dtype they are stored in, which a rebuilt one is computed in."""
        dtype = self.table.buffer.dtype
        return {n: v if v.dtype == dtype else v.to(dtype) for n, v in vectors.items()}

    def _keep_last(self, vectors: Mapping[str, Any]) -> None:
        """The last row's vectors a next row derives from (copies: blocks reuse buffers)."""
        self._last = {n: vectors[n].clone() for n in FROM_PREVIOUS.values() if n in vectors}

    def flush(self) -> None:
        self.table.flush()
        if self.samples is not None:
            self.samples.flush()

    def checkpoint(self, ckpt: Checkpoint) -> None:
        """Rows first, then the checkpoint that makes them count (older ones are removed)."""
        self.flush()
        checkpoint.save(self.root, ckpt)

    def finish(self, summary: RunSummary, manifest: RunManifest | None = None) -> None:
        """The last rows, the parts merged, summary.json with the checksums of every file
        (and ``manifest`` if it changed); the lock goes also when one of them fails."""
        try:
            self.flush()
            if manifest is not None:
                self._write_manifest(self.root, manifest)
            merge_parts(self.root / STEP_TABLE)
            merge_parts(self.root / SAMPLE_TABLE)
            vouched = replace(summary, files=checksums(self.root))
            write_text_atomic(self.root / SUMMARY_FILE, json.dumps(vouched.to_json(), indent=1))
        finally:
            self.close()

    def close(self) -> None:
        """Let another process write the directory (finish does; again: nothing)."""
        self.lock.release()


def _stored_dtype(manifest: RunManifest) -> torch.dtype:
    """The run's dtype, which its vectors are stored in (float32 runs: float32)."""
    import torch

    return torch.float32 if manifest.config.dtype == "float32" else torch.float64


def _run_id(root: Path) -> str:
    """The id in ``root``'s config.json (a run continued in place), or a new one."""
    path = root / CONFIG_FILE
    found = _json(path).get("run_id") if path.is_file() else None
    return found if isinstance(found, str) else uuid.uuid4().hex
