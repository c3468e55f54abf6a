"""The trainer: a session over a dataset, run to its last epoch, with its run files.

The :class:`~perceptron_lab.engine.session.Session` takes the steps (the closed form
trains; PyTorch's twin checks the steps the verify plan picks: the first, the last and
every K-th). The trainer chooses the loss, the rule and K from the data and the config,
evaluates each epoch's end, and writes the run directory: config.json, the step table,
checkpoints that let a killed run continue bit for bit, and summary.json.
"""

from __future__ import annotations

import math
import platform
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch

from ..bounds import MOST_STEPS, check_kept, row_bytes
from ..core.agreement import tolerance
from ..data import Dataset
from ..data.checks import dtype_from_name
from ..errors import DivergenceError, InputError, PerceptronLabError, VerificationError
from ..losses import Loss
from ..optim import UpdateRule, get_optimizer
from ..optim.schedules import Schedule, parse_schedule
from . import checkpoint
from .atomic import write_text_atomic
from .batching import InMemoryBatches, batches_per_epoch
from .column_table import PART_ROWS
from .config import TrainConfig
from .convergence import Advice, diagnose
from .device import ieee_float32, resolve_device
from .distributed import all_reduce_sum
from .inputs import Tensors, choose_loss, initial_weights, to_tensors
from .metrics import evaluate, evaluate_parts
from .run_files import (
    RANKS_FILE,
    SAMPLE_TABLE,
    STEP_TABLE,
    DataInfo,
    Named,
    Parent,
    RunManifest,
    RunSummary,
    RunWriter,
    StepSchema,
    read_table,
)
from .samples import SampleRecorder
from .session import Ranks, Row, Session, Settings, VerifyPlan
from .step_block import StepBlock
from .stream_batches import StreamedBatches
from .streamed_data import StreamedData
from .threads import threads_for
from .trace import Trace, Verification

VERIFY_SHARE = 0.1  # of the training time, spent verifying (by default)
VERIFY_ALLOWANCE = 0.1  # seconds: a run whose every step's check costs less verifies them all
STEP_COST = (1e-4, 1e-9)  # t₀ (s), t₁ (s per number of a batch): an unverified step
VERIFY_COST = (6e-4, 1.2e-9)  # v₀, v₁: what verifying a step adds (see verify_interval)
BLOCK_NUMBERS = 2**20  # numbers a block of steps holds, at most (4 MiB of float32)
BLOCK_SECONDS = 0.25  # a stretch of steps ends after this long (the progress bar moves)
MOST_CHECKPOINTS = 50  # by default a run checkpoints at epoch ends, at most about this often
CHECKPOINT_SECONDS = 1.0  # … and at most about once a second of training (see checkpoint_interval)
_HINTS = {  # how to get what a Trainer takes
    "config": "TrainConfig(...) from perceptron_lab.engine.config",
    "train": "perceptron_lab.data.from_arrays(X, y) or perceptron_lab.data.load(name)",
}


@dataclass(frozen=True)
class Progress:
    """What a progress bar shows after a step."""

    step: int
    total_steps: int
    epoch: int  # 1-based
    epochs: int
    loss: float
    score: float  # batch accuracy or R²
    score_name: str
    elapsed: float  # seconds


@dataclass(frozen=True)
class RunResult:
    """A finished (or stopped) run."""

    W: torch.Tensor  # (d, k)
    B: torch.Tensor  # (k,)
    summary: RunSummary
    path: Path | None
    session: Session  # its state is the next start
    trace: Trace | None  # in memory when no path was given (else: Trace.load(path))


def verify_interval(config: TrainConfig, total_steps: int, batch_numbers: int) -> int:
    """K: verify the first, the last and every K-th step, so that verifying costs about
    VERIFY_SHARE of the training time — or every step while all of them cost less than
    VERIFY_ALLOWANCE seconds (a lesson's runs: each step is shown checked).

    The costs are a model, so that K is a function of the run alone (the same on every
    machine, for a resumed run too), its constants measured with one thread
    (benchmarks/bench_train.py prints the share a run really spent): a step of a batch
    of n numbers (batch size × features × outputs) costs about t(n) = t₀ + t₁·n, and
    verifying it about v(n) = v₀ + v₁·n more (PyTorch's forward, backward and optimizer
    step, and the comparisons). Then

        K = ⌈v(n) / (VERIFY_SHARE · t(n))⌉    (≈ 50 for a batch of 256 × 100, ≈ 12 for a
                                               full batch of a million rows)
    """
    if config.verify_every is not None:
        return config.verify_every
    extra = VERIFY_COST[0] + VERIFY_COST[1] * batch_numbers
    if total_steps * extra <= VERIFY_ALLOWANCE:
        return 1
    return max(1, math.ceil(extra / (VERIFY_SHARE * step_cost(batch_numbers))))


def step_cost(batch_numbers: int) -> float:
    """t(n) = t₀ + t₁·n: the modelled seconds of an unverified step of n numbers."""
    return STEP_COST[0] + STEP_COST[1] * batch_numbers


def checkpoint_interval(config: TrainConfig, total_steps: int, batches: int, n: int) -> int:
    """Steps between checkpoints: whole epochs of ``batches`` steps, about
    CHECKPOINT_SECONDS of modelled training apart and at most MOST_CHECKPOINTS a run:

        every = max(batches · ⌈CHECKPOINT_SECONDS / (batches · t(n))⌉, ⌈steps / MOST_CHECKPOINTS⌉)

    A checkpoint (the rows so far to disk, the state to a file) costs milliseconds, as
    much as a short epoch: a killed run loses about a second of training, not more
    time in checkpoints than in steps. A function of the run alone, as K is.
    """
    if config.checkpoint_every is not None:
        return config.checkpoint_every
    epochs = max(1, math.ceil(CHECKPOINT_SECONDS / (batches * step_cost(n))))
    return max(batches * epochs, math.ceil(total_steps / MOST_CHECKPOINTS))


def versions() -> dict[str, str]:
    """The package versions a run depends on."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("perceptron-lab", "torch", "numpy", "pyarrow"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "unknown"
    return found


class Trainer:
    """Trains one single-layer network on a dataset, recording and verifying as it goes."""

    def __init__(
        self,
        config: TrainConfig,
        train: Dataset | StreamedData,
        test: Dataset | None = None,
        data_spec: dict[str, Any] | None = None,
        scaling: dict[str, list[float]] | None = None,
        ranks: Ranks | None = None,
    ) -> None:
        for name, value, kind in (
            ("config", config, TrainConfig),
            ("train", train, (Dataset, StreamedData)),
        ):
            if not isinstance(value, kind):
                what = "a TrainConfig" if name == "config" else "a Dataset"
                raise InputError(name, what, type(value).__name__, _HINTS[name])
        if test is not None and not isinstance(test, Dataset):
            raise InputError("test", "a Dataset or None", type(test).__name__, _HINTS["train"])
        self.config = config
        self.train_data = train
        self.test_data = test
        self.data_spec = data_spec or {"source": train.name}
        self.scaling = scaling  # μ and σ the data were standardized with (Standardizer.state())
        self.dtype = dtype_from_name(config.dtype)
        self.device = resolve_device(config.device)
        self.ranks = ranks  # data parallel (engine.distributed): rank 0 writes the run
        self.all_reduce_s: float | None = None  # a(d·k + k), measured at the run's start
        self.loss: Loss = choose_loss(train, config)
        self.k = self.loss.outputs(train)
        self.rule: UpdateRule = get_optimizer(
            config.optimizer, lr=config.lr, **config.optimizer_options
        )
        self.schedule: Schedule | None = (
            parse_schedule(config.schedule) if config.schedule else None
        )
        self.stream = train if isinstance(train, StreamedData) else None
        if self.stream is not None and test is not None:
            raise InputError(
                "test_size", "0 for a streamed file (hold out a file of its own)", "a test set"
            )
        self.train_t: Tensors | None = None  # a stream is read batch by batch
        if isinstance(train, Dataset):
            self.train_t = to_tensors(train, self.loss, self.k, self.dtype, self.device)
        self.test_t: Tensors | None = (
            to_tensors(test, self.loss, self.k, self.dtype, self.device) if test else None
        )
        n = train.n_samples
        self.batch_size = min(config.batch_size or n, n)
        self.batches = batches_per_epoch(n, self.batch_size)
        self.total_steps = config.epochs * self.batches
        if self.total_steps > MOST_STEPS:
            raise InputError(
                "epochs",
                f"at most {MOST_STEPS // self.batches} epochs of {self.batches} batches "
                f"({MOST_STEPS} steps a run at most)",
                str(config.epochs),
            )
        numbers = self.batch_size * train.n_features * self.k
        self.verify_every = verify_interval(config, self.total_steps, numbers)
        self.checkpoint_every = checkpoint_interval(config, self.total_steps, self.batches, numbers)
        self.score_name = self.loss.score_name

    # ----------------------------------------------------------------- run files
    def manifest(self, *, parent: Parent | None = None, note: str | None = None) -> RunManifest:
        """config.json of a run of this trainer."""
        d = self.train_data
        recipe = dict(self.data_spec)
        if self.stream is not None:  # what fixes a streamed run's order, for its resume
            recipe["stream"] = {
                "memory": self.stream.memory,
                "block_rows": max(self.stream.stream.blocks),
                **dict(recipe.get("stream") or {}),
                "window_rows": self._streamed_batches(0, 1).window_rows,
            }
        return RunManifest(
            config=self.config,
            data=DataInfo(
                recipe=recipe,
                name=d.name,
                fingerprint=d.fingerprint,
                n_samples=d.n_samples,
                n_features=d.n_features,
                feature_names=tuple(d.feature_names),
                target_name=d.target_name,
                task=d.task,
                classes=tuple(str(c) for c in d.classes) if d.classes else None,
                test_samples=self.test_data.n_samples if self.test_data else 0,
                scaling=self.scaling,
            ),
            loss=Named(self.loss.name, self.loss.options()),
            optimizer=Named(self.rule.name, self.rule.options()),
            schedule=str(self.schedule) if self.schedule else None,
            input_size=d.n_features,
            output_size=self.k,
            batch_size=self.batch_size,
            batches_per_epoch=self.batches,
            total_steps=self.total_steps,
            verify_every=self.verify_every,
            checkpoint_every=self.checkpoint_every,
            seed=self.config.seed,
            versions=versions(),
            parent=parent,
            note=note,
        )

    def schema(self) -> StepSchema:
        """The step table's columns for this trainer's W, B, rule and data."""
        d = self.train_data.n_features
        test = self.test_t is not None
        return StepSchema.for_training(d, self.k, self.rule.state_keys(), self.score_name, test)

    # ----------------------------------------------------------------- training
    def session(
        self,
        start: checkpoint.Checkpoint | None = None,
        *,
        keep_rows: bool = True,
        worst: Verification | None = None,
    ) -> Session:
        """A :class:`Session` over the training data, from the seed's weights or ``start``.

        ``worst`` carries the verification counts of the steps before ``start`` (resume).
        """
        d = self.train_data.n_features
        self.check_start(start)
        if start is None:
            W, B = initial_weights(d, self.k, self.config.seed, self.config.dtype)
            start = checkpoint.Checkpoint(W, B, {"W": {}, "B": {}}, checkpoint.Position(0, 0, 0))
        dev, dt = self.device, self.dtype
        start = replace(
            start,
            W=start.W.to(dev, dt),
            B=start.B.to(dev, dt),
            state={p: {k: v.to(dev, dt) for k, v in s.items()} for p, s in start.state.items()},
        )
        settings = Settings(
            self.loss, self.rule, self.config.lr, self.schedule, self.config.decay_bias
        )
        return Session(
            self.source(),
            settings,
            start,
            verify=VerifyPlan(self.verify_every, self.total_steps),
            dtype=self.dtype,
            keep_rows=keep_rows,
            worst=worst,
            evaluate=self.epoch_metrics,
            ranks=self.ranks,
        )

    def source(self) -> InMemoryBatches | StreamedBatches:
        """The training batches: in memory, or streamed from the file; this rank's share."""
        cfg = self.config
        rank, world = self._place()
        if self.stream is not None:
            return self._streamed_batches(rank, world)
        assert self.train_t is not None
        return InMemoryBatches(
            self.train_t.X, self.train_t.y, self.batch_size, cfg.seed, cfg.shuffle, rank, world
        )

    def _place(self) -> tuple[int, int]:
        """(rank, world): this process's place among the data-parallel ranks."""
        return (self.ranks.rank, self.ranks.world) if self.ranks else (0, 1)

    def _streamed_batches(self, rank: int, world: int) -> StreamedBatches:
        stream = self.stream
        assert stream is not None
        loss, k = self.loss, self.k
        return StreamedBatches(
            stream.stream,
            stream.facts,
            self.batch_size,
            self.config.seed,
            self.config.shuffle,
            memory=stream.memory,
            dtype=self.dtype,
            standardize=self.config.standardize,
            targets=lambda y: loss.targets(y, k),
            rank=rank,
            world=world,
            window_rows=stream.window_rows,
            device=self.device,
        )

    def block(self) -> StepBlock:
        """A block for the session's stretches: up to BLOCK_NUMBERS numbers, at most a part's rows."""
        vectors = self.schema().vectors
        stored = ("W_after", "B_after", "dW", "dB")
        widths = {n: vectors[n] for n in stored} | {
            n: w for n, w in vectors.items() if n.startswith("state_")
        }
        width = sum(widths.values()) + widths["W_after"] + widths["B_after"]  # and the twin's
        rows = max(1, min(PART_ROWS, BLOCK_NUMBERS // width))
        return StepBlock(widths, rows, self.dtype, self.device)

    def check_start(self, start: checkpoint.Checkpoint | None) -> None:
        """Refuse a start whose W is not (d, k) for this trainer's data."""
        d = self.train_data.n_features
        if start is not None and start.W.shape != (d, self.k):
            raise InputError(
                "data",
                f"{start.W.shape[0]} features and {start.W.shape[1]} outputs "
                "as the run was trained with",
                f"{d} features and {self.k} outputs",
            )

    def run(
        self,
        out: str | Path | None = None,
        *,
        start: checkpoint.Checkpoint | None = None,
        before: Trace | None = None,
        parent: Parent | None = None,
        note: str | None = None,
        overwrite: bool = False,
        on_progress: Callable[[Progress], None] | None = None,
        on_step: Callable[[Mapping[str, Any]], None] | None = None,
        on_epoch: Callable[[Mapping[str, Any]], None] | None = None,
    ) -> RunResult:
        """Train from the seed's weights, or from ``start`` (resume / branch), to the last epoch.

        ``before`` is the run being continued (its rows up to ``start`` count in the
        summary's verification and history), in its own directory: ``out`` is it. Without
        ``before``, ``out`` must be new or empty, or a run that ``overwrite`` replaces
        (:class:`RunWriter`). Without ``out`` the rows stay in memory and the result's
        trace is built from them. ``on_progress`` gets a :class:`Progress`
        after each step; ``on_step`` the step's row (scalars and tensors, as the trace
        records it); ``on_epoch`` each epoch's metrics.
        """
        out = None if out is None else Path(out)  # a path as text works too
        t0 = start.position.step if start is not None else 0
        follower = self.ranks is not None and self.ranks.rank != 0  # steps, writes nothing
        if follower:
            out, on_progress, on_step, on_epoch = None, None, None, None
        elif out is None:  # every row stays in memory
            check_kept(
                "epochs", self.total_steps - t0, row_bytes(self.train_data.n_features, self.k)
            )
        manifest = self.manifest(parent=parent, note=note)
        self.check_start(start)  # before the writer touches the directory
        writer = None
        if out is not None:
            resume = before is not None
            if before is not None and before.path and before.path.resolve() != out.resolve():
                raise InputError("out", f"the resumed run's directory, {before.path}", str(out))
            writer = RunWriter(
                out, manifest, self.schema(), start_step=t0, resume=resume, overwrite=overwrite
            )
            if self.config.capture_samples:  # after the writer: the directory is checked
                writer.samples = SampleRecorder(
                    out / SAMPLE_TABLE, self.loss, self.config.sample_cap
                )
        prior = None
        if before is not None and start is not None:
            if writer is not None:  # the rows the writer kept (it repairs a killed run's)
                before = replace(before, steps=read_table(writer.root / STEP_TABLE))
            prior = before.verification(upto=t0)
        session = self.session(start, keep_rows=out is None and not follower, worst=prior)
        # the epochs done before the checkpoint (rows after it, of an interrupted run, are redone)
        epochs_before = start.position.epoch if before is not None and start is not None else 0
        metric_names = StepSchema.metric_columns(self.score_name, self.test_t is not None)
        last_metrics: dict[str, float] = {}
        # L₀ at the run's first step and Lₑ after each epoch, a resumed run's earlier ones too
        W0, B0 = session.state.W, session.state.B
        losses: list[float] = []
        if before is not None and start is not None and before.steps:
            first = before.steps[0]
            W0 = torch.tensor(first["W_before"], dtype=torch.float64).to(self.device, self.dtype)
            W0 = W0.reshape(session.state.W.shape)
            B0 = torch.tensor(first["B_before"], dtype=torch.float64).to(self.device, self.dtype)
            losses = [h["train_loss"] for h in before.history if h["epoch"] <= epochs_before]
        start_loss = self.epoch_metrics(W0, B0)["train_loss"]
        began = time.perf_counter()

        def sink(row: Row) -> None:
            if on_step is not None:
                on_step({**row.scalars, **row.vectors})
            if writer is not None:
                writer.put(row.scalars, {k: v.cpu() for k, v in row.vectors.items()})
                b = row.batch
                if writer.samples is not None:
                    W, B = row.vectors["W_before"], row.vectors["B_before"]
                    writer.samples.record(row.scalars["step"], b.rows, b.X, b.y, W, B)

        def after(row: Row) -> None:
            nonlocal epochs_before
            t = row.scalars["step"]
            if row.batch.last_of_epoch:
                epochs_before += 1
                last_metrics.update({n: row.scalars[n] for n in metric_names})
                losses.append(float(row.scalars["train_loss"]))
                if on_epoch is not None:
                    on_epoch({"epoch": row.scalars["epoch"], **last_metrics})
            if writer is not None and (t % self.checkpoint_every == 0 or t == self.total_steps):
                writer.checkpoint(row.after)
            if on_progress is not None:
                on_progress(
                    Progress(
                        t,
                        self.total_steps,
                        row.scalars["epoch"],
                        self.config.epochs,
                        row.scalars["loss"],
                        row.scalars[self.score_name],
                        self.score_name,
                        time.perf_counter() - began,
                    )
                )

        def after_block(block: StepBlock) -> None:
            """The block's rows written; its epochs' ends counted; a checkpoint at its end.

            A failing step's row is written too, past the session's state: it counts for
            nothing else."""
            nonlocal epochs_before
            scalars, vectors = block.columns(self.score_name)
            assert writer is not None
            writer.put_block(scalars, vectors | block.twin_columns(), block.present())
            kept = sum(1 for t in scalars["step"] if t <= session.steps_done)
            for i in range(kept):
                if block.last_of_epoch[i]:
                    epochs_before += 1
                    last_metrics.update({n: block.metrics[i][n] for n in metric_names})
                    losses.append(float(block.metrics[i]["train_loss"]))
                    if on_epoch is not None:
                        on_epoch({"epoch": scalars["epoch"][i], **last_metrics})
            if kept == 0:
                return
            t = scalars["step"][kept - 1]
            if t % self.checkpoint_every == 0 or t == self.total_steps:
                writer.checkpoint(session.state)
            if on_progress is not None:
                on_progress(
                    Progress(
                        t,
                        self.total_steps,
                        scalars["epoch"][kept - 1],
                        self.config.epochs,
                        scalars["loss"][kept - 1],
                        scalars[self.score_name][kept - 1],
                        self.score_name,
                        time.perf_counter() - began,
                    )
                )

        def run_blocks() -> None:
            """Stretches of steps up to the next checkpoint, at most BLOCK_SECONDS each."""
            block = self.block()
            while session.state.position.epoch < self.config.epochs:
                t = session.steps_done
                stop = min(
                    self.total_steps, (t // self.checkpoint_every + 1) * self.checkpoint_every
                )
                block.clear()
                try:
                    session.advance(stop - t, block, BLOCK_SECONDS)
                except BaseException:
                    if block.n:
                        after_block(block)
                    raise
                after_block(block)

        session.sinks.append(sink)
        status = "finished"
        failure: BaseException | None = None
        try:
            numbers = self.batch_size * self.train_data.n_features * self.k
            with threads_for(numbers), ieee_float32():  # no TF32 on a GPU: float32 is float32
                if writer is not None and on_step is None and writer.samples is None:
                    run_blocks()
                while session.state.position.epoch < self.config.epochs:
                    (row,) = session.step()
                    after(row)
        except DivergenceError as exc:
            status, failure = "diverged", exc
        except VerificationError as exc:
            status, failure = "verification failed", exc
        except KeyboardInterrupt as exc:
            status, failure = "interrupted", exc
        except BaseException:
            if writer is not None:
                writer.close()  # an unforeseen error: the rows so far stay, the lock goes
            raise
        elapsed = time.perf_counter() - began
        advice: list[Advice] = []
        if status != "finished":
            last_metrics = {}
        else:
            advice = self.diagnose(start_loss, losses, last_metrics)
        summary = self.summary(
            session, status, failure, epochs_before, last_metrics, elapsed, t0=t0, advice=advice
        )
        trace = None
        if writer is not None and session.rank_gradients:
            write_text_atomic(writer.root / RANKS_FILE, self._ranks_json(session))
        if writer is not None:
            writer.finish(summary)
        elif follower:
            pass
        else:
            trace = Trace(None, manifest, [r.record() for r in session.rows], summary=summary)
        if isinstance(failure, PerceptronLabError):
            failure.summary = summary  # the CLI prints it (JSON) beside the one-line error
        if failure is not None:
            raise failure
        return RunResult(session.state.W, session.state.B, summary, out, session, trace)

    def summary(
        self,
        session: Session,
        status: str,
        failure: BaseException | None,
        epochs_done: int,
        metrics: dict[str, float],
        seconds: float,
        *,
        t0: int = 0,
        advice: Sequence[Advice] = (),
    ) -> RunSummary:
        """summary.json of ``session`` ended with ``status`` (metrics: the last epoch's, or
        {} for those of the state it ended in), with the ``advice`` measured on it; a
        finished run whose loss overflowed at the last update, or grew by orders of
        magnitude (advice "diverged"), is "diverged"."""
        state = session.state
        metrics = metrics or self.epoch_metrics(state.W, state.B)
        if status == "finished" and not all(map(math.isfinite, metrics.values())):
            status = "diverged"  # the last update overflowed the loss of the whole set
        if status == "finished" and any(a.cause == "diverged" for a in advice):
            status = "diverged"  # finite, but blown up: never "finished"
        return RunSummary(
            status=status,
            error=str(failure) if failure else None,
            steps=state.position.step,
            total_steps=self.total_steps,
            epochs_done=epochs_done,
            score_name=self.score_name,
            final=metrics,
            verified_steps=session.worst.verified,
            verify_every=self.verify_every,
            worst_disagreement=session.worst.worst,
            worst_quantity=session.worst.quantity,
            worst_step=session.worst.step,
            verified_at=session.worst.at,
            parallel=self._parallel(),
            tolerance=tolerance(self.dtype),
            seconds=seconds,
            steps_per_second=(state.position.step - t0) / seconds if seconds > 0 else None,
            W=state.W.tolist(),
            B=state.B.tolist(),
            advice=[a.to_json() for a in advice] or None,
        )

    def _parallel(self) -> dict[str, Any] | None:
        """summary.json's "parallel": the ranks, their backend, the all-reduce's cost."""
        if self.ranks is None:
            return None
        reduce = None if self.all_reduce_s is None else round(self.all_reduce_s * 1e6, 1)
        backend = getattr(self.ranks, "backend", "gloo")
        return {"world": self.ranks.world, "backend": backend, "all_reduce_us": reduce}

    def _ranks_json(self, session: Session) -> str:
        """ranks.json: on each verified step, each rank's own dL/dW (d, k) and dL/dB (k,) —
        its rows' share of the all-reduced gradient (they add up to it)."""
        import json

        d, k = self.train_data.n_features, self.k
        steps = [
            {
                "step": t,
                "dW": [row[: d * k].reshape(d, k).tolist() for row in gathered.cpu()],
                "dB": [row[d * k :].tolist() for row in gathered.cpu()],
            }
            for t, gathered in session.rank_gradients
        ]
        return json.dumps({"world": self._place()[1], "steps": steps})

    def diagnose(
        self, start_loss: float, losses: list[float], metrics: Mapping[str, float]
    ) -> list[Advice]:
        """What :func:`~perceptron_lab.engine.convergence.diagnose` measures on this run."""
        d = self.train_data
        if isinstance(d, Dataset):
            X, y = d.X, d.y
        else:  # streamed: measured on a sample of rows spread over the file
            X, y = d.sample(self.config.standardize)
        return diagnose(
            start_loss,
            losses,
            score_name=self.score_name,
            score=metrics.get(f"train_{self.score_name}"),
            lr=self.config.lr,
            X=X,
            y=y,
            feature_names=d.feature_names,
            standardized=self.config.standardize,
        )

    def epoch_metrics(
        self, W: torch.Tensor, B: torch.Tensor, Z: torch.Tensor | None = None
    ) -> dict[str, float]:
        """train_loss, train_<score> (and test_…) of W (d, k), B (k,) over the whole sets
        (``Z``: X·W + B of the training set, when the session has it)."""
        if self.stream is not None:  # in parts, this rank's blocks, summed over the ranks
            chunks = self._streamed_batches(*self._place()).chunks()
            reduce = all_reduce_sum if self.ranks is not None else None
            found = evaluate_parts(self.loss, chunks, W, B, reduce)
            return {f"train_{key}": value for key, value in found.items()}
        assert self.train_t is not None
        sets = [("train", self.train_t, Z)]
        if self.test_t:
            sets.append(("test", self.test_t, None))
        return {
            f"{side}_{key}": value
            for side, data, logits in sets
            for key, value in evaluate(self.loss, data.X, data.y, W, B, logits).items()
        }
