"""The trainer: a session over a dataset, run to its last epoch, with its run files.

The :class:`~perceptron_lab.engine.session.Session` takes the steps (the closed form
trains; PyTorch's twin checks the steps the verify plan picks: the first, the last and
every K-th). The trainer chooses the loss, the rule and K from the data and the config,
evaluates each epoch's end, and writes the run directory: config.json, the step table,
checkpoints that let a killed run continue bit for bit, and summary.json.
"""

from __future__ import annotations

import json
import math
import platform
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch

from ..core.agreement import tolerance
from ..data import Dataset
from ..data.checks import dtype_from_name
from ..errors import DivergenceError, InputError, VerificationError
from ..losses import Loss
from ..optim import UpdateRule, get_optimizer
from ..optim.schedules import Schedule, parse_schedule
from . import checkpoint
from .atomic import write_text_atomic
from .batching import InMemoryBatches, batches_per_epoch
from .column_table import ColumnTable
from .config import TrainConfig
from .inputs import Tensors, choose_loss, initial_weights, output_size, to_tensors
from .metrics import evaluate, score_name
from .samples import SampleRecorder
from .session import Row, Session, Settings, VerifyPlan, Worst
from .trace import SAMPLE_TABLE, STEP_TABLE, truncate_table

AUTO_VERIFY_ALL = 2000  # runs up to this many steps verify every step
AUTO_VERIFIED = 200  # longer runs verify about this many steps
LARGE_BATCH = 2**20  # numbers in a batch (batch size × features) past which steps are sampled


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
    summary: dict[str, Any]
    path: Path | None
    session: Session  # its state is the next start; its rows are kept when no path was given


def verify_interval(config: TrainConfig, total_steps: int, batch_numbers: int) -> int:
    """K: verify the first, the last and every K-th step.

    Every step (K = 1) on small runs — up to 2000 steps of batches up to 2²⁰ numbers
    (batch size × features); otherwise about 200 steps, and at most every 10th step
    when a batch is that large, where a verified step costs a few unverified ones.
    """
    if config.verify_every is not None:
        return config.verify_every
    large = batch_numbers > LARGE_BATCH
    if total_steps <= AUTO_VERIFY_ALL and not large:
        return 1
    return max(math.ceil(total_steps / AUTO_VERIFIED), 10 if large else 1)


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
        train: Dataset,
        test: Dataset | None = None,
        data_spec: dict[str, Any] | None = None,
    ) -> None:
        self.config = config
        self.train_data = train
        self.test_data = test
        self.data_spec = data_spec or {"source": train.name}
        self.dtype = dtype_from_name(config.dtype)
        self.loss: Loss = choose_loss(train, config)
        self.k = output_size(train, self.loss)
        self.rule: UpdateRule = get_optimizer(
            config.optimizer, lr=config.lr, **config.optimizer_options
        )
        self.schedule: Schedule | None = (
            parse_schedule(config.schedule) if config.schedule else None
        )
        self.train_t: Tensors = to_tensors(train, self.loss, self.k, self.dtype)
        self.test_t: Tensors | None = (
            to_tensors(test, self.loss, self.k, self.dtype) if test else None
        )
        n = train.n_samples
        self.batch_size = min(config.batch_size or n, n)
        self.batches = batches_per_epoch(n, self.batch_size)
        self.total_steps = config.epochs * self.batches
        self.verify_every = verify_interval(
            config, self.total_steps, self.batch_size * train.n_features
        )
        self.checkpoint_every = config.checkpoint_every or self.batches

    # ----------------------------------------------------------------- run dir
    def _config_json(self, extra: dict[str, Any]) -> dict[str, Any]:
        d = self.train_data
        return {
            "config": self.config.to_dict(),
            "data": {
                **self.data_spec,
                "name": d.name,
                "fingerprint": d.fingerprint,
                "n_samples": d.n_samples,
                "n_features": d.n_features,
                "feature_names": list(d.feature_names),
                "target_name": d.target_name,
                "task": d.task,
                "classes": [str(c) for c in d.classes] if d.classes else None,
                "test_samples": self.test_data.n_samples if self.test_data else 0,
            },
            "loss": {"name": self.loss.name, **self.loss.options()},
            "optimizer": {"name": self.rule.name, **self.rule.options()},
            "schedule": str(self.schedule) if self.schedule else None,
            "model": {"input_size": d.n_features, "output_size": self.k},
            "batch_size": self.batch_size,
            "batches_per_epoch": self.batches,
            "total_steps": self.total_steps,
            "verify_every": self.verify_every,
            "checkpoint_every": self.checkpoint_every,
            "seed": self.config.seed,
            "versions": versions(),
            **extra,
        }

    # ----------------------------------------------------------------- training
    def session(
        self, start: checkpoint.Checkpoint | None = None, *, keep_rows: bool = True
    ) -> Session:
        """A :class:`Session` over the training data, from the seed's weights or ``start``."""
        d = self.train_t.X.shape[1]
        if start is not None and start.W.shape != (d, self.k):
            raise InputError(
                "data",
                f"{start.W.shape[0]} features and {start.W.shape[1]} outputs "
                "as the run was trained with",
                f"{d} features and {self.k} outputs",
            )
        if start is None:
            W, B = initial_weights(d, self.k, self.config.seed, self.config.dtype)
            start = checkpoint.Checkpoint(W, B, {"W": {}, "B": {}}, checkpoint.Position(0, 0, 0))
        else:
            start = replace(
                start,
                W=start.W.to(self.dtype),
                B=start.B.to(self.dtype),
                state={
                    p: {k: v.to(self.dtype) for k, v in s.items()} for p, s in start.state.items()
                },
            )
            if not any(start.state.get(p) for p in ("W", "B")):
                # a fresh optimizer state (a branch that changed the rule) counts its updates anew
                start = replace(
                    start, position=replace(start.position, rule_start=start.position.step)
                )
        cfg = self.config
        source = InMemoryBatches(
            self.train_t.X, self.train_t.y, self.batch_size, cfg.seed, cfg.shuffle
        )
        settings = Settings(self.loss, self.rule, cfg.lr, self.schedule, cfg.decay_bias)
        plan = VerifyPlan(self.verify_every, self.total_steps)
        return Session(source, settings, start, verify=plan, dtype=self.dtype, keep_rows=keep_rows)

    def run(
        self,
        out: Path | None = None,
        *,
        start: checkpoint.Checkpoint | None = None,
        extra_config: dict[str, Any] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        on_step: Callable[[Mapping[str, Any]], None] | None = None,
        on_epoch: Callable[[Mapping[str, Any]], None] | None = None,
    ) -> RunResult:
        """Train from the seed's weights, or from ``start`` (resume / branch), to the last epoch.

        ``on_progress`` gets a :class:`Progress` after each step; ``on_step`` the step's
        row (scalars and tensors, as the trace records it); ``on_epoch`` each epoch's metrics.
        """
        session = self.session(start, keep_rows=out is None)
        history: list[dict[str, Any]] = list(start.history) if start is not None else []
        files = _RunFiles(self, out, session, extra_config or {}) if out is not None else None
        began = time.perf_counter()

        def after_step(row: Row) -> None:
            if on_step is not None:
                on_step({**row.scalars, **row.vectors})
            if files is not None:
                files.put(row)

        def after_commit(row: Row) -> None:
            t = row.scalars["step"]
            if row.batch.last_of_epoch:  # the epoch's end: before its checkpoint
                history.append(self._epoch_metrics(row.batch.epoch + 1, row.after.W, row.after.B))
                if on_epoch is not None:
                    on_epoch(history[-1])
            if files is not None and (t % self.checkpoint_every == 0 or t == self.total_steps):
                files.checkpoint(replace(row.after, history=history))
            if on_progress is not None:
                on_progress(
                    Progress(
                        t,
                        self.total_steps,
                        row.scalars["epoch"],
                        self.config.epochs,
                        row.scalars["loss"],
                        row.scalars[session.score_name],
                        session.score_name,
                        time.perf_counter() - began,
                    )
                )

        session.sinks.append(after_step)
        status = "finished"
        failure: BaseException | None = None
        try:
            while session.state.position.epoch < self.config.epochs:
                (row,) = session.step()
                after_commit(row)
        except DivergenceError as exc:
            status, failure = "diverged", exc
        except VerificationError as exc:
            status, failure = "verification failed", exc
        except KeyboardInterrupt as exc:
            status, failure = "interrupted", exc
        elapsed = time.perf_counter() - began
        state = session.state
        steps_run = state.position.step - (start.position.step if start else 0)
        summary = self._summary(status, failure, state, session.worst, history, elapsed, steps_run)
        if files is not None:
            files.finish(summary)
        if failure is not None:
            raise failure
        return RunResult(state.W, state.B, summary, out, session)

    # ----------------------------------------------------------------- helpers
    def _scalar_columns(self) -> dict[str, str]:
        ints = dict.fromkeys(("step", "epoch", "batch", "n_samples", "rule_step"), "int64")
        floats = dict.fromkeys(("lr", "loss", score_name(self.loss), "grad_norm"), "float64")
        return {
            **ints,
            **floats,
            "verified": "bool_",
            "worst_quantity": "string",
            "worst_disagreement": "float64",
        }

    def _vector_columns(self, d: int) -> dict[str, int]:
        dk, k = d * self.k, self.k
        cols = {
            "W_before": dk,
            "B_before": k,
            "dW": dk,
            "dB": k,
            "W_after": dk,
            "B_after": k,
            "update_W": dk,
            "update_B": k,
        }
        for key in self.rule.state_keys():
            cols[f"state_W_{key}"] = dk
            cols[f"state_B_{key}"] = k
        return cols | {"dW_torch": dk, "dB_torch": k}  # last: only verified steps have them

    def _epoch_metrics(self, epoch: int, W: torch.Tensor, B: torch.Tensor) -> dict[str, Any]:
        row: dict[str, Any] = {"epoch": epoch}
        row |= {
            f"train_{k}": v
            for k, v in evaluate(self.loss, self.train_t.X, self.train_t.y, W, B).items()
        }
        if self.test_t is not None:
            row |= {
                f"test_{k}": v
                for k, v in evaluate(self.loss, self.test_t.X, self.test_t.y, W, B).items()
            }
        return row

    def _summary(
        self,
        status: str,
        failure: BaseException | None,
        state: checkpoint.Checkpoint,
        worst: Worst,
        history: list[dict[str, Any]],
        elapsed: float,
        steps_run: int,
    ) -> dict[str, Any]:
        if status == "finished" and history:
            final = history[-1]  # the last epoch ended with the last step: already evaluated
        else:
            final = self._epoch_metrics(history[-1]["epoch"] if history else 0, state.W, state.B)
        return {
            "status": status,
            "error": str(failure) if failure else None,
            "steps": state.position.step,
            "total_steps": self.total_steps,
            "epochs_done": len(history),
            "score_name": score_name(self.loss),
            "final": {k: v for k, v in final.items() if k != "epoch"},
            "verified_steps": worst.verified,
            "verify_every": self.verify_every,
            "worst_disagreement": worst.value,
            "worst_quantity": worst.quantity,
            "worst_step": worst.step,
            "tolerance": tolerance(self.dtype),
            "seconds": elapsed,
            "steps_per_second": steps_run / elapsed if elapsed > 0 else None,
            "history": history,
            "W": state.W.tolist(),
            "B": state.B.tolist(),
        }


class _RunFiles:
    """The trainer's run directory: config.json, the step table, samples, checkpoints, summary."""

    def __init__(
        self, trainer: Trainer, out: Path, session: Session, extra: dict[str, Any]
    ) -> None:
        t = session.steps_done
        d = trainer.train_t.X.shape[1]
        out.mkdir(parents=True, exist_ok=True)
        write_text_atomic(out / "config.json", json.dumps(trainer._config_json(extra), indent=1))
        truncate_table(out / STEP_TABLE, t)
        truncate_table(out / SAMPLE_TABLE, t)
        (out / "summary.json").unlink(missing_ok=True)
        self.out = out
        self.steps = ColumnTable(
            out / STEP_TABLE, trainer._vector_columns(d), scalars=trainer._scalar_columns()
        )
        self.samples = (
            SampleRecorder(out / SAMPLE_TABLE, trainer.loss, trainer.config.sample_cap)
            if trainer.config.capture_samples
            else None
        )

    def put(self, row: Row) -> None:
        self.steps.put(dict(row.scalars), dict(row.vectors))
        if self.samples is not None:
            b = row.batch
            self.samples.record(
                row.scalars["step"],
                b.rows,
                b.X,
                b.y,
                row.vectors["W_before"],
                row.vectors["B_before"],
            )

    def flush(self) -> None:
        self.steps.flush()
        if self.samples is not None:
            self.samples.flush()

    def checkpoint(self, ckpt: checkpoint.Checkpoint) -> None:
        self.flush()
        checkpoint.save(self.out, ckpt)

    def finish(self, summary: dict[str, Any]) -> None:
        self.flush()
        write_text_atomic(self.out / "summary.json", json.dumps(summary, indent=1))
