"""The run directory's format: typed manifest and summary, the step schema, one writer.

::

    config.json                 RunManifest: format version, settings, data, loss, rule, sizes
    steps/part-NNNNN.parquet    the step table: one row per step, columns from StepSchema
    samples/part-NNNNN.parquet  per-sample rows (only with per-sample capture)
    checkpoints/step-N.*        the latest checkpoint: W, B, optimizer state, position
    summary.json                RunSummary, written when training ends or stops

The trainer and ``watch`` write through :class:`RunWriter`; every view reads through
:class:`~perceptron_lab.engine.trace.Trace`, which reads with :func:`read_manifest` and
:func:`read_summary`. Per-epoch metrics live once, in the step table (the ``train_*`` and
``test_*`` columns of each epoch's last row). Every file is written atomically; the step
table is kept in few parts (small parts are merged when a run finishes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from . import checkpoint
from .atomic import atomic_path, write_text_atomic
from .checkpoint import Checkpoint, Position
from .config import TrainConfig
from .strict_json import finite

if TYPE_CHECKING:
    import torch

FORMAT_VERSION = 2
CONFIG_FILE = "config.json"
SUMMARY_FILE = "summary.json"
STEP_TABLE = "steps"
SAMPLE_TABLE = "samples"
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
        vectors = {"W_before": dk, "B_before": k, "dW": dk, "dB": k}
        vectors |= {"W_after": dk, "B_after": k, "update_W": dk, "update_B": k}
        for key in state_keys:
            vectors[cls.state_column("W", key)] = dk
            vectors[cls.state_column("B", key)] = k
        vectors |= {"dW_torch": dk, "dB_torch": k}  # last: only verified steps have them
        return cls(scalars, vectors)


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


def read_manifest(root: Path) -> RunManifest:
    """config.json of a run directory, checked: its format version and its fields."""
    path = root / CONFIG_FILE
    if not path.is_file():
        raise InputError("path", f"a run directory with {CONFIG_FILE}", repr(str(root)))
    data = _json(path)
    version = data.get("format_version", 1)
    if version != FORMAT_VERSION:
        raise InputError(
            "run_dir",
            f"a run directory of format version {FORMAT_VERSION}",
            f"version {version} in {path}",
            hint="train it again with this version of perceptron-lab",
        )
    try:
        return RunManifest.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError("path", f"a complete {CONFIG_FILE}", f"{path}: {exc}") from None


def read_summary(root: Path) -> RunSummary | None:
    """summary.json, or None for a run still going or killed before it ended."""
    path = root / SUMMARY_FILE
    if not path.is_file():
        return None
    try:
        return RunSummary.from_json(_json(path))
    except TypeError as exc:
        raise InputError("path", f"a complete {SUMMARY_FILE}", f"{path}: {exc}") from None


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError("path", "a readable JSON file", f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise InputError("path", "a JSON object", f"{path}: {type(data).__name__}")
    return data


def read_table(folder: Path) -> list[dict[str, Any]]:
    """All rows of a table folder, in order; a damaged part is an error naming it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = []
    for part in sorted(folder.glob("part-*.parquet")):
        try:
            tables.append(pq.read_table(part))
        except (OSError, pa.ArrowException) as exc:
            raise InputError("path", "readable Parquet parts", f"{part}: {exc}") from None
    if not tables:
        return []
    rows: list[dict[str, Any]] = pa.concat_tables(tables, promote_options="default").to_pylist()
    return rows


def truncate_table(folder: Path, last_step: int) -> None:
    """Drop every row after ``last_step`` (a run resuming from its checkpoint)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    for part in sorted(folder.glob("part-*.parquet")):
        table = pq.read_table(part)
        if table.num_rows == 0 or pc.max(table["step"]).as_py() <= last_step:
            continue
        kept = table.filter(pc.less_equal(table["step"], last_step))
        if kept.num_rows == 0:
            part.unlink()
        else:
            with atomic_path(part) as tmp:
                pq.write_table(kept, tmp)
    _renumber(folder)


def merge_parts(folder: Path, numbers_per_part: int = PART_NUMBERS) -> None:
    """Merge runs of small consecutive parts into parts of at most ``numbers_per_part`` numbers.

    Parts already that large are left alone, so memory stays bounded by one merged part.
    A group's rows replace its first part atomically before the others are removed (a
    crash leaves every row readable, at worst twice, never half).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

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
        table = pa.concat_tables([pq.read_table(p) for p in group], promote_options="default")
        with atomic_path(group[0]) as tmp:  # the group's rows take its first part's place
            pq.write_table(table, tmp)
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


class RunWriter:
    """Writes one run directory: the manifest now, rows as they come, the summary at the end.

    ``start_step`` > 0 continues a run (resume, or a branch written into a new directory):
    rows after it are dropped and a stale summary.json is removed.
    """

    def __init__(
        self,
        root: Path,
        manifest: RunManifest,
        schema: StepSchema,
        *,
        start_step: int = 0,
        samples: Any = None,
    ) -> None:
        from .column_table import ColumnTable

        root.mkdir(parents=True, exist_ok=True)
        write_text_atomic(root / CONFIG_FILE, json.dumps(manifest.to_json(), indent=1))
        truncate_table(root / STEP_TABLE, start_step)
        truncate_table(root / SAMPLE_TABLE, start_step)
        (root / SUMMARY_FILE).unlink(missing_ok=True)
        self.root = root
        self.table = ColumnTable(root / STEP_TABLE, schema.vectors, scalars=schema.scalars)
        self.samples = samples  # a SampleRecorder writing into root / SAMPLE_TABLE, or None

    def put(self, scalars: Mapping[str, Any], vectors: Mapping[str, Any]) -> None:
        """One step's row (a vector missing from ``vectors`` is null)."""
        self.table.put(dict(scalars), dict(vectors))

    def flush(self) -> None:
        self.table.flush()
        if self.samples is not None:
            self.samples.flush()

    def checkpoint(self, ckpt: Checkpoint) -> None:
        """Rows first, then the checkpoint that makes them count (older ones are removed)."""
        self.flush()
        checkpoint.save(self.root, ckpt)

    def finish(self, summary: RunSummary, manifest: RunManifest | None = None) -> None:
        """The last rows, the parts merged, summary.json (and ``manifest`` if it changed)."""
        self.flush()
        if manifest is not None:
            write_text_atomic(self.root / CONFIG_FILE, json.dumps(manifest.to_json(), indent=1))
        merge_parts(self.root / STEP_TABLE)
        merge_parts(self.root / SAMPLE_TABLE)
        write_text_atomic(self.root / SUMMARY_FILE, json.dumps(summary.to_json(), indent=1))
