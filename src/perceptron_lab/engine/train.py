"""The trainer: the closed form trains; PyTorch's twin checks the steps chosen for it.

Each step t takes a batch X_b (n, d), y_b, computes Z = X_b·W + B, the loss and
dL/dW = X_bᵀ·dL/dZ, dL/dB = Σ dL/dZ by formula, and applies the update rule. On the
verified steps (the first, the last and every K-th) the whole step also runs in
PyTorch (step.py) and every pair is compared. The trace records each step's numbers;
checkpoints let a killed run continue bit for bit.
"""

from __future__ import annotations

import json
import math
import platform
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from ..core.agreement import tolerance
from ..core.closed_form import train_step
from ..core.observed_step import observe_step
from ..core.twin import TorchTwin
from ..data import Dataset
from ..data.checks import dtype_from_name
from ..errors import DivergenceError, InputError, VerificationError
from ..losses import Loss
from ..optim import State, UpdateRule, get_optimizer
from ..optim.schedules import Schedule, parse_schedule
from . import checkpoint
from .atomic import write_text_atomic
from .batching import batches_per_epoch, epoch_order
from .column_table import ColumnTable
from .config import TrainConfig
from .inputs import Tensors, choose_loss, initial_weights, output_size, to_tensors
from .metrics import evaluate, score, score_name
from .samples import SampleRecorder
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


@dataclass
class _Worst:
    value: float = 0.0
    quantity: str = ""
    step: int = 0
    verified_steps: list[int] = field(default_factory=list)


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
        """Train from the seed's weights, or from ``start`` (resume / branch).

        ``on_progress`` gets a :class:`Progress` after each step; ``on_step`` the step's
        row (scalars and tensors, as the trace records it); ``on_epoch`` each epoch's metrics.
        """
        cfg = self.config
        X, y = self.train_t.X, self.train_t.y
        n, d = X.shape
        if start is not None and start.W.shape != (d, self.k):
            raise InputError(
                "data",
                f"{start.W.shape[0]} features and {start.W.shape[1]} outputs "
                "as the run was trained with",
                f"{d} features and {self.k} outputs",
            )
        if start is None:
            W, B = initial_weights(d, self.k, cfg.seed, cfg.dtype)
            state: dict[str, State] = {"W": {}, "B": {}}
            t, epoch0, batch0, rule_start = 0, 0, 0, 0
        else:
            W, B = start.W.to(self.dtype), start.B.to(self.dtype)
            state = {p: {k: v.to(self.dtype) for k, v in s.items()} for p, s in start.state.items()}
            t, epoch0, batch0 = start.position.step, start.position.epoch, start.position.batch
            # a fresh optimizer state (a branch that changed the rule) counts its updates anew
            fresh = not any(state.get(p) for p in ("W", "B"))
            rule_start = t if fresh else start.position.rule_start
        steps_table: ColumnTable | None = None
        samples: SampleRecorder | None = None
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            write_text_atomic(
                out / "config.json", json.dumps(self._config_json(extra_config or {}), indent=1)
            )
            truncate_table(out / STEP_TABLE, t)
            truncate_table(out / SAMPLE_TABLE, t)
            (out / "summary.json").unlink(missing_ok=True)
            steps_table = ColumnTable(
                out / STEP_TABLE, self._vector_columns(d), scalars=self._scalar_columns()
            )
            if cfg.capture_samples:
                samples = SampleRecorder(out / SAMPLE_TABLE, self.loss, cfg.sample_cap)
        twin = TorchTwin(self.loss, self.rule, d, self.k, self.dtype, decay_bias=cfg.decay_bias)
        rule_B = self.rule.for_bias(cfg.decay_bias)
        lr_twin = self._lr_twin(t)
        worst = _Worst()
        history: list[dict[str, Any]] = list(start.history) if start is not None else []
        tol = tolerance(self.dtype)
        began = time.perf_counter()
        status = "finished"
        failure: BaseException | None = None
        last_loss = float("nan")
        full_batch = self.batch_size == n
        try:
            for epoch in range(epoch0, cfg.epochs):
                order = epoch_order(n, cfg.seed, epoch, cfg.shuffle and not full_batch)
                for b in range(batch0 if epoch == epoch0 else 0, self.batches):
                    t += 1
                    if full_batch:  # the whole set, in its own order: no copy
                        Xb, yb = X, y
                    else:
                        idx = order[b * self.batch_size : (b + 1) * self.batch_size]
                        Xb, yb = X.index_select(0, idx), y.index_select(0, idx)
                    lr = self.schedule.lr(t - 1, cfg.lr) if self.schedule else cfg.lr
                    verified = t == 1 or t == self.total_steps or t % self.verify_every == 0
                    vectors: dict[str, torch.Tensor] = {"W_before": W, "B_before": B}
                    scalars: dict[str, Any] = {
                        "step": t,
                        "epoch": epoch + 1,
                        "batch": b,
                        "n_samples": Xb.shape[0],
                        "lr": lr,
                        "rule_step": t - rule_start,
                    }
                    gap, gap_name = None, None
                    if verified:
                        rec = observe_step(
                            Xb,
                            yb,
                            W,
                            B,
                            self.loss,
                            self.rule,
                            state=state,
                            step=t,
                            rule_step=t - rule_start,
                            decay_bias=cfg.decay_bias,
                            lr=lr,
                            twin=twin,
                            check=False,
                        )
                        Z, value, dW, dB = (
                            rec.Z.closed,
                            rec.loss.closed,
                            rec.dW.closed,
                            rec.dB.closed,
                        )
                        W_new, B_new = rec.W_after.closed, rec.B_after.closed
                        new_state = rec.state_after_closed
                        gap_name, gap = rec.worst
                        if lr_twin is not None:
                            lr_gap = abs(lr - lr_twin[1]()) / max(abs(lr_twin[1]()), 1e-30)
                            if lr_gap > gap:
                                gap_name, gap = "lr", lr_gap
                        vectors |= {"dW_torch": rec.dW.torch, "dB_torch": rec.dB.torch}  # type: ignore[dict-item]
                        worst.verified_steps.append(t)
                        if gap > worst.value or not worst.quantity:
                            worst.value, worst.quantity, worst.step = gap, gap_name, t
                    else:
                        cs = train_step(
                            Xb, yb, W, B, self.loss, self.rule, state, t - rule_start, lr, rule_B
                        )
                        Z, value, dW, dB = cs.Z, cs.loss, cs.dW, cs.dB
                        W_new, B_new, new_state = cs.W_after, cs.B_after, cs.state_after
                    last_loss = float(value)
                    batch_score = score(self.loss, Z, yb)
                    norm = torch.linalg.vector_norm
                    grad_norm = math.hypot(float(norm(dW)), float(norm(dB)))
                    scalars |= {
                        "loss": last_loss,
                        score_name(self.loss): batch_score,
                        "grad_norm": grad_norm,
                        "verified": verified,
                        "worst_quantity": gap_name,
                        "worst_disagreement": gap,
                    }
                    vectors |= {
                        "dW": dW,
                        "dB": dB,
                        "W_after": W_new,
                        "B_after": B_new,
                        "update_W": W_new - W,
                        "update_B": B_new - B,
                    }
                    for p, entries in new_state.items():
                        for key, value_t in entries.items():
                            vectors[f"state_{p}_{key}"] = value_t
                    if steps_table is not None:
                        steps_table.put(scalars, vectors)
                    if on_step is not None:
                        on_step({**scalars, **vectors})
                    if samples is not None:
                        samples.record(t, None if full_batch else idx, Xb, yb, W, B)
                    # a finite loss and gradient keep W and B finite (up to overflow, which the
                    # next step's loss shows), so the floats already in hand are the check
                    if not (math.isfinite(last_loss) and math.isfinite(grad_norm)):
                        bad = _non_finite(value, dW, dB, W_new, B_new) or "W"
                        raise DivergenceError(bad, t, f"lower the learning rate (lr = {lr:g})")
                    if verified and gap is not None and gap > tol:
                        raise VerificationError(gap_name or "?", t, gap, tol)
                    W, B, state = W_new, B_new, new_state
                    if lr_twin is not None:
                        lr_twin[0]()
                    if b == self.batches - 1:  # the epoch's end: before its checkpoint
                        history.append(self._epoch_metrics(epoch + 1, W, B))
                        if on_epoch is not None:
                            on_epoch(history[-1])
                    if out is not None and (
                        t % self.checkpoint_every == 0 or t == self.total_steps
                    ):
                        self._flush(steps_table, samples)
                        checkpoint.save(
                            out,
                            checkpoint.Checkpoint(
                                W,
                                B,
                                state,
                                _position(t, epoch, b, self.batches, rule_start),
                                history,
                            ),
                        )
                    if on_progress is not None:
                        on_progress(
                            Progress(
                                t,
                                self.total_steps,
                                epoch + 1,
                                cfg.epochs,
                                last_loss,
                                batch_score,
                                score_name(self.loss),
                                time.perf_counter() - began,
                            )
                        )
        except DivergenceError as exc:
            status, failure = "diverged", exc
        except VerificationError as exc:
            status, failure = "verification failed", exc
        except KeyboardInterrupt as exc:
            status, failure = "interrupted", exc
        elapsed = time.perf_counter() - began
        self._flush(steps_table, samples)
        summary = self._summary(status, failure, t, W, B, worst, history, elapsed, start)
        if out is not None:
            write_text_atomic(out / "summary.json", json.dumps(summary, indent=1))
        if failure is not None:
            raise failure
        return RunResult(W, B, summary, out)

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

    def _lr_twin(self, t_done: int) -> tuple[Callable[[], None], Callable[[], float]] | None:
        """A torch scheduler on a dummy optimizer, advanced to ``t_done``: (step, current lr)."""
        if self.schedule is None:
            return None
        dummy = torch.optim.SGD(
            [torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))], lr=self.config.lr
        )
        scheduler = self.schedule.torch_scheduler(dummy)

        def advance() -> None:
            dummy.step()
            scheduler.step()

        for _ in range(t_done):
            advance()
        return advance, lambda: float(dummy.param_groups[0]["lr"])

    def _flush(self, steps_table: ColumnTable | None, samples: SampleRecorder | None) -> None:
        if steps_table is not None:
            steps_table.flush()
        if samples is not None:
            samples.flush()

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
        t: int,
        W: torch.Tensor,
        B: torch.Tensor,
        worst: _Worst,
        history: list[dict[str, Any]],
        elapsed: float,
        start: checkpoint.Checkpoint | None,
    ) -> dict[str, Any]:
        if status == "finished" and history:
            final = history[-1]  # the last epoch ended with the last step: already evaluated
        else:
            final = self._epoch_metrics(history[-1]["epoch"] if history else 0, W, B)
        steps_run = t - (start.position.step if start else 0)
        return {
            "status": status,
            "error": str(failure) if failure else None,
            "steps": t,
            "total_steps": self.total_steps,
            "epochs_done": len(history),
            "score_name": score_name(self.loss),
            "final": {k: v for k, v in final.items() if k != "epoch"},
            "verified_steps": len(worst.verified_steps),
            "verify_every": self.verify_every,
            "worst_disagreement": worst.value,
            "worst_quantity": worst.quantity,
            "worst_step": worst.step,
            "tolerance": tolerance(self.dtype),
            "seconds": elapsed,
            "steps_per_second": steps_run / elapsed if elapsed > 0 else None,
            "history": history,
            "W": W.tolist(),
            "B": B.tolist(),
        }


def _position(t: int, epoch: int, batch: int, batches: int, rule_start: int) -> checkpoint.Position:
    """Where the next step starts after step t took ``batch`` of ``epoch``."""
    if batch + 1 < batches:
        return checkpoint.Position(t, epoch, batch + 1, rule_start)
    return checkpoint.Position(t, epoch + 1, 0, rule_start)


def _non_finite(
    value: torch.Tensor, dW: torch.Tensor, dB: torch.Tensor, W: torch.Tensor, B: torch.Tensor
) -> str | None:
    """The first quantity holding NaN or Inf, or None."""
    if not math.isfinite(float(value)):
        return "loss"
    for name, tensor in (("dL/dW", dW), ("dL/dB", dB), ("W", W), ("B", B)):
        if not bool(torch.isfinite(tensor).all()):
            return name
    return None
