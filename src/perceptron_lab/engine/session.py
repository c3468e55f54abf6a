"""The training session — the engine's face: ``step(n)``, ``rewind(k)``, ``branch(k, …)``.

A session holds one run in memory: the loss, the update rule, a batch source, and the
state after the last step (W (d, k), B (k,), the optimizer state, the position). Each
step t takes the source's next batch X_b (n, d), y_b and computes, by formula,

    Z = X_b·W + B,   L, dL/dZ,   dL/dW = X_bᵀ·dL/dZ,   dL/dB = Σₙ dL/dZ,   θ ← rule(θ, g)

with γₜ from the schedule. On the steps the verify plan picks, PyTorch's twin runs the
same step and every pair is compared (core.observed_step). Each step becomes a
:class:`Row` (the trace's scalars and vectors) handed to the session's sinks — the
trainer's run files, a progress bar, TensorBoard, a web page — and, when the session
keeps its rows, to its :class:`StepLog`, from which ``rewind`` and ``branch`` work:

- ``rewind(k)`` puts the state back to what it was after step k; stepping again gives
  bit-identical steps (the batches are a function of the seed and the position).
- ``branch(k, lr=…, optimizer=…, …)`` is a new session that starts from step k with
  some settings changed; its log shares the parent's rows 1..k (no copy).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

import torch

from ..core.accumulated import add_parts, check_parts, parts_step
from ..core.agreement import tolerance
from ..core.closed_form import train_step
from ..core.observed_step import verify_step
from ..core.twin import TorchTwin
from ..errors import DivergenceError, InputError, VerificationError
from ..losses import Loss, get_loss
from ..optim import UpdateRule, get_optimizer
from ..optim.schedules import Schedule
from .batching import Batch, BatchSource
from .checkpoint import Checkpoint, Position
from .distributed import all_reduce_sum
from .run_files import StepSchema
from .step_block import StepBlock, grad_norms
from .trace import Verification


@dataclass(frozen=True)
class VerifyPlan:
    """Which steps PyTorch's twin checks: the first, the last (if known) and every K-th."""

    every: int  # K
    last: int | None = None  # the run's last step; None: open-ended
    first: int = 1  # the run's first step (a branch's: the step after its parent's)

    def __call__(self, t: int) -> bool:
        return t == self.first or t == self.last or t % self.every == 0


@dataclass(frozen=True)
class Row:
    """One step as the trace records it, and the state it left."""

    scalars: Mapping[str, Any]  # step, epoch, batch, n_samples, lr, rule_step, loss, …
    vectors: Mapping[str, torch.Tensor]  # W_before … update_B, state_*, dW_torch/dB_torch
    after: Checkpoint  # W, B, optimizer state and position after the step
    batch: Batch

    def record(self) -> dict[str, Any]:
        """The row as a trace row read back from disk: numbers and flat lists (None if absent)."""
        return {**self.scalars, **{k: v.reshape(-1).tolist() for k, v in self.vectors.items()}}


@dataclass(frozen=True)
class _Computed:
    """One step's numbers before they are recorded (PyTorch's gradient if verified)."""

    batch: Batch
    t: int
    rule_step: int
    lr: float
    Z: torch.Tensor | None  # None: a batch in parts (its score is ``score``)
    value: torch.Tensor
    dW: torch.Tensor
    dB: torch.Tensor
    W_after: torch.Tensor
    B_after: torch.Tensor
    state_after: dict[str, dict[str, torch.Tensor]]
    gap: float | None = None
    gap_name: str | None = None
    dW_torch: torch.Tensor | None = None
    dB_torch: torch.Tensor | None = None
    score: float | None = None  # a batch in parts: its score, from the parts' sums
    ranks: torch.Tensor | None = None  # data parallel, verified: each rank's dW, dB (P, d·k + k)

    def score_of(self, loss: Loss) -> float:
        """The batch's accuracy or R²."""
        if self.Z is None:
            assert self.score is not None
            return self.score
        assert self.batch.y is not None
        return loss.score(self.Z, self.batch.y)


class Ranks(Protocol):
    """The data-parallel group a session steps in (engine.distributed.Group, joined)."""

    @property
    def rank(self) -> int: ...

    @property
    def world(self) -> int: ...


class StepLog:
    """The rows of steps ``base + 1 …`` in order; a prefix may be another log's (shared).

    Nothing already logged is ever changed: ``upto(n)`` (for a rewind) is a new log over
    the first n rows, so a branch holding a prefix keeps it whatever its parent does.
    """

    def __init__(self, base: int, prefix: StepLog | None = None, prefix_len: int = 0) -> None:
        self.base = base  # the step before the first row
        self.prefix = prefix
        self.prefix_len = prefix_len
        self.own: list[Row] = []

    def __len__(self) -> int:
        return self.prefix_len + len(self.own)

    def __iter__(self) -> Iterator[Row]:
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, i: int) -> Row:
        if not 0 <= i < len(self):
            raise IndexError(i)
        if i < self.prefix_len:
            assert self.prefix is not None  # a prefix length comes with its log
            return self.prefix[i]
        return self.own[i - self.prefix_len]

    def append(self, row: Row) -> None:
        self.own.append(row)

    def row(self, step: int) -> Row:
        """The row of ``step`` (1-based, as the trace numbers steps)."""
        return self[step - self.base - 1]

    def upto(self, n: int) -> StepLog:
        """A log of the first ``n`` rows (the rows are shared, the list of the own part copied)."""
        if n <= self.prefix_len:
            return StepLog(self.base, self.prefix, n)
        log = StepLog(self.base, self.prefix, self.prefix_len)
        log.own = self.own[: n - self.prefix_len]
        return log


Sink = Callable[[Row], None]
# each epoch's end: the metric columns of W′, B′; the third argument is X·W′ + B′ over the
# source's whole data when the session has it (a full batch), else None
Evaluate = Callable[[torch.Tensor, torch.Tensor, "torch.Tensor | None"], dict[str, float]]


@dataclass
class Settings:
    """What a branch may change: the loss's options, the rule, γ, the schedule, batch size."""

    loss: Loss
    rule: UpdateRule
    lr: float  # the base γ (the schedule scales it)
    schedule: Schedule | None
    decay_bias: bool = True  # weight decay on B too (torch's default)


class Session:
    """A run in memory, stepped on demand; see the module docstring.

    ``source`` gives the batches (``InMemoryBatches`` or any source of the same shape),
    ``start`` the state to begin from (W, B, optimizer state, position), ``verify`` the
    steps PyTorch checks, ``keep_rows`` whether rows stay in memory (needed for
    ``rewind``, ``branch`` and ``rows``; the trainer streams them to disk instead).
    """

    def __init__(
        self,
        source: BatchSource,
        settings: Settings,
        start: Checkpoint,
        *,
        verify: VerifyPlan,
        dtype: torch.dtype,
        keep_rows: bool = True,
        worst: Verification | None = None,
        log: StepLog | None = None,
        evaluate: Evaluate | None = None,
        ranks: Ranks | None = None,
    ) -> None:
        d, k = start.W.shape
        self.source = source
        self.settings = settings
        self.verify = verify
        self.dtype = dtype
        self.origin = start  # the state the session began from (rewind's floor)
        self.current = start
        self.worst_start = worst or Verification()  # counts of the steps before the origin
        self.worst = self.worst_start.copy()
        self.log = log if log is not None else (StepLog(start.position.step) if keep_rows else None)
        self.sinks: list[Sink] = []
        self.evaluate = evaluate  # each epoch's end: the metric columns from W, B after it
        # (W, B, X·W + B) of a full batch, computed for the epoch's metrics: the next step's Z
        self._forward: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None
        self.tolerance = tolerance(dtype)
        self.score_name = settings.loss.score_name
        self._twin = TorchTwin(
            settings.loss, settings.rule, d, k, dtype, start.W.device, settings.decay_bias
        )
        self._rule_B = settings.rule.for_bias(settings.decay_bias)
        self._batches: Iterator[Batch] | None = None
        self._lr_twin = _LrTwin(settings.schedule, settings.lr)
        self.ranks = ranks  # data parallel: the gradients are all-reduced over them
        self.rank_gradients: list[tuple[int, torch.Tensor]] = []  # (t, (P, d·k + k)), verified

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> Checkpoint:
        """W, B, optimizer state and position after the last step (what resume needs)."""
        return self.current

    @property
    def steps_done(self) -> int:
        return self.current.position.step

    @property
    def rows(self) -> StepLog:
        """The kept rows (the parent's prefix first, for a branch)."""
        if self.log is None:
            raise InputError("keep_rows", "a session that keeps its rows (keep_rows=True)", "False")
        return self.log

    def __getstate__(self) -> dict[str, Any]:
        """Picklable: a live batch iterator is dropped and restarted from the position."""
        return {**self.__dict__, "_batches": None, "_forward": None}

    # ------------------------------------------------------------------ stepping
    def step(self, n: int = 1) -> list[Row]:
        """Take ``n`` steps; each row goes to the log (if kept) and to every sink."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise InputError("n", "a whole number of steps >= 0", repr(n))
        return [self._step() for _ in range(n)]

    def _next_batch(self) -> Batch:
        if self._batches is None:
            pos = self.current.position
            self._batches = self.source.batches(pos.epoch, pos.batch)
        return next(self._batches)

    def _compute(self, verified: bool) -> _Computed:
        """The next step's numbers by formula (and PyTorch's twin if ``verified``); no state change."""
        s, cur = self.settings, self.current
        W, B, state = cur.W, cur.B, cur.state
        batch = self._next_batch()
        t = cur.position.step + 1
        rule_step = t - cur.position.rule_start
        lr = s.schedule.lr(t - 1, s.lr) if s.schedule else s.lr
        forward, self._forward = self._forward, None
        if batch.parts is not None:
            return self._compute_parts(batch, t, rule_step, lr, verified)
        assert batch.X is not None and batch.y is not None
        Z = forward[2] if forward is not None and forward[0] is W and forward[1] is B else None
        cs = train_step(
            batch.X, batch.y, W, B, s.loss, s.rule, state, rule_step, lr, self._rule_B, Z=Z
        )
        c = _Computed(
            batch,
            t,
            rule_step,
            lr,
            cs.Z,
            cs.loss,
            cs.dW,
            cs.dB,
            cs.W_after,
            cs.B_after,
            cs.state_after,
        )
        if not verified:
            return c
        v = verify_step(
            batch.X,
            batch.y,
            W,
            B,
            s.loss,
            s.rule,
            cs,
            state=state,
            rule_step=rule_step,
            decay_bias=s.decay_bias,
            lr=lr,
            twin=self._twin,
        )
        gap_name, gap = v.quantity, v.gap
        lr_gap = self._lr_twin.gap(lr, t)
        if lr_gap > gap:
            gap_name, gap = "lr", lr_gap
        return replace(c, gap=gap, gap_name=gap_name, dW_torch=v.dW_torch, dB_torch=v.dB_torch)

    def _compute_parts(
        self, batch: Batch, t: int, rule_step: int, lr: float, verified: bool
    ) -> _Computed:
        """A step over a batch in parts (core.accumulated): the parts' sums, all-reduced
        over the ranks if any. Verified: PyTorch's gradient accumulated over the whole
        batch's rows in one process (on rank 0; the other ranks take its verdict) against
        the all-reduced one, and each rank's own gradient kept in ``rank_gradients``."""
        s, cur = self.settings, self.current
        W, B, state = cur.W, cur.B, cur.state
        assert batch.parts is not None
        ranks = self.ranks
        alone = ranks is None or ranks.world == 1
        twin = self._twin if verified and alone else None
        sums, sizes = add_parts(batch.parts(), W, B, s.loss, twin=twin, scales=twin is not None)
        reduce = None if alone else all_reduce_sum
        ps = parts_step(sums, W, B, s.loss, s.rule, state, rule_step, lr, self._rule_B, reduce)
        c = _Computed(
            batch, t, rule_step, lr, None, ps.loss, ps.dW, ps.dB, ps.W_after, ps.B_after,
            ps.state_after, score=ps.score,
        )  # fmt: skip
        if not verified:
            return c
        local = torch.cat([ps.local[0].reshape(-1), ps.local[1]])
        if ranks is not None and not alone:
            gathered = torch.zeros(
                ranks.world, local.numel(), dtype=local.dtype, device=local.device
            )
            gathered[ranks.rank] = local
            all_reduce_sum(gathered)  # each rank's row, the others' zeros
            verdict = torch.zeros(2, dtype=torch.float64, device=local.device)
            dW_t, dB_t = ps.dW, ps.dB
            name = ""
            if ranks.rank == 0:  # the whole batch, in one process
                assert batch.whole is not None
                _, sizes = add_parts(batch.whole(), W, B, s.loss, twin=self._twin, scales=True)
            if ranks.rank == 0 and sizes is not None:
                v = check_parts(
                    ps, self._twin, sizes, W, B, s.rule, state, rule_step, lr, s.decay_bias
                )
                name, dW_t, dB_t = v.quantity, v.dW_torch, v.dB_torch
                verdict[0], verdict[1] = v.gap, _QUANTITIES.index(_family(v.quantity))
            all_reduce_sum(verdict)  # rank 0's verdict on every rank
            gap = float(verdict[0])
            name = name or _QUANTITIES[int(verdict[1])]
            self.rank_gradients.append((t, gathered))
            c = replace(c, ranks=gathered)
        else:
            assert sizes is not None
            v = check_parts(ps, self._twin, sizes, W, B, s.rule, state, rule_step, lr, s.decay_bias)
            gap, name, dW_t, dB_t = v.gap, v.quantity, v.dW_torch, v.dB_torch
        lr_gap = self._lr_twin.gap(lr, t)
        if lr_gap > gap:
            name, gap = "lr", lr_gap
        return replace(c, gap=gap, gap_name=name, dW_torch=dW_t, dB_torch=dB_t)

    def _failure(self, c: _Computed, loss_value: float, grad_norm: float) -> Exception | None:
        """The divergence or disagreement that ends the run at step ``c``, or None."""
        # a finite loss and gradient keep W and B finite (up to overflow, which the next
        # step's loss shows), so the floats already in hand are the check
        if not (math.isfinite(loss_value) and math.isfinite(grad_norm)):
            bad = _non_finite(c.value, c.dW, c.dB, c.W_after, c.B_after) or "the gradient norm"
            return _diverged(bad, c.t, c.lr)
        if c.gap is not None and c.gap > self.tolerance:
            return VerificationError(c.gap_name or "?", c.t, c.gap, self.tolerance)
        return None

    def _metrics(self, c: _Computed) -> dict[str, float]:
        """The epoch's metrics after step ``c``; a full batch's Z = X·W′ + B′ is kept for
        the next step, which computes the same product (so it is computed once)."""
        assert self.evaluate is not None
        Z = None
        if c.batch.rows is None and c.batch.X is not None:  # the whole data, in order
            Z = c.batch.X @ c.W_after + c.B_after
            self._forward = (c.W_after, c.B_after, Z)
        return self.evaluate(c.W_after, c.B_after, Z)

    def _step(self) -> Row:
        c = self._compute(self.verify(self.current.position.step + 1))
        s, batch, W, B = self.settings, c.batch, self.current.W, self.current.B
        loss_value = float(c.value)
        (grad_norm,) = grad_norms(c.dW.reshape(1, -1), c.dB.reshape(1, -1))
        scalars: dict[str, Any] = {
            "step": c.t,
            "epoch": batch.epoch + 1,
            "batch": batch.index,
            "n_samples": batch.n,
            "lr": c.lr,
            "rule_step": c.rule_step,
            "loss": loss_value,
            self.score_name: c.score_of(s.loss),
            "grad_norm": grad_norm,
            "verified": c.dW_torch is not None,
            "worst_quantity": c.gap_name,
            "worst_disagreement": c.gap,
        }
        vectors: dict[str, torch.Tensor] = {"W_before": W, "B_before": B}
        if c.dW_torch is not None and c.dB_torch is not None:
            vectors |= {"dW_torch": c.dW_torch, "dB_torch": c.dB_torch}
            self.worst.add(c.t, c.gap_name or "", c.gap or 0.0)
        vectors |= {
            "dW": c.dW,
            "dB": c.dB,
            "W_after": c.W_after,
            "B_after": c.B_after,
            "update_W": c.W_after - W,
            "update_B": c.B_after - B,
        }
        for p, entries in c.state_after.items():
            for key, value_t in entries.items():
                vectors[StepSchema.state_column(p, key)] = value_t
        failure = self._failure(c, loss_value, grad_norm)
        if failure is None and batch.last_of_epoch and self.evaluate is not None:
            scalars |= self._metrics(c)
        after = Checkpoint(
            c.W_after, c.B_after, c.state_after, _position_after(c.t, batch, c.rule_step)
        )
        row = Row(scalars, vectors, after, batch)
        if self.log is not None:
            self.log.append(row)
        for sink in self.sinks:
            sink(row)
        if failure is not None:
            raise failure
        self.current = after
        return row

    def advance(self, n: int, block: StepBlock, seconds: float = math.inf) -> None:
        """Take up to ``n`` steps (fewer once ``seconds`` have passed) into ``block``.

        The hot loop of a run written to disk: no ``Row``, no sinks, no kept rows (a
        session that keeps its rows steps with :meth:`step`). Each step's row goes into
        the block, the failing one too; then the failure is raised and the state is the
        one before it, as with :meth:`step`.
        """
        if self.log is not None:
            raise InputError("keep_rows", "a session that does not keep its rows", "True")
        s = self.settings
        state_columns = block.state_columns
        begin = self.current
        block.start = (begin.W, begin.B)
        ends = time.perf_counter() + seconds
        loss = s.loss
        failure: Exception | None = None
        for _ in range(n):
            c = self._compute(self.verify(self.current.position.step + 1))
            batch = c.batch
            loss_value = float(c.value)
            verified = c.dW_torch is not None
            state = c.state_after
            vectors: list[torch.Tensor | None] = [c.W_after, c.B_after, c.dW, c.dB]
            vectors += [state[col[6]].get(col[8:]) for col in state_columns]
            i = block.put(
                (
                    c.t,
                    batch.epoch + 1,
                    batch.index,
                    batch.n,
                    c.lr,
                    c.rule_step,
                    loss_value,
                    c.score_of(loss),
                    verified,
                    c.gap_name,
                    c.gap,
                ),
                vectors,
                batch.last_of_epoch,
                (c.dW_torch, c.dB_torch) if verified else None,  # type: ignore[arg-type]
            )
            if verified:
                self.worst.add(c.t, c.gap_name or "", c.gap or 0.0)
            if not math.isfinite(loss_value) or (c.gap is not None and c.gap > self.tolerance):
                failure = self._failure(c, loss_value, 0.0)
                break
            if batch.last_of_epoch and self.evaluate is not None:
                block.metrics[i] = self._metrics(c)
            self.current = Checkpoint(
                c.W_after, c.B_after, state, _position_after(c.t, batch, c.rule_step)
            )
            if block.full or time.perf_counter() > ends:
                break
        # a gradient that overflowed while its loss did not: the run ends at that step
        norms = grad_norms(block.column("dW"), block.column("dB"))
        bad = next((i for i, g in enumerate(norms) if not math.isfinite(g)), None)
        if bad is not None and (failure is None or bad < block.n - 1):
            while block.n > bad + 1:
                block.drop_last()
            block.metrics.pop(bad, None)
            failure = self._overflow(block, bad, begin)
        if failure is not None:
            raise failure

    def _overflow(self, block: StepBlock, row: int, begin: Checkpoint) -> DivergenceError:
        """The failure of the block's ``row``, whose gradient overflowed; the state goes back
        to the one before it (the row before's W′, B′ and state, or the block's start)."""
        scalars = block.scalars[row]
        t, lr = scalars[0], scalars[4]
        if row > 0:
            before = block.scalars[row - 1]
            state: dict[str, dict[str, torch.Tensor]] = {"W": {}, "B": {}}
            for col in block.state_columns:
                if (row - 1, col) not in block.absent:
                    values = block.column(col)[row - 1].reshape(block.shapes[col]).clone()
                    state[col[6]][col[8:]] = values
            epoch, index = before[1] - 1, before[2]
            nxt = (epoch + 1, 0) if block.last_of_epoch[row - 1] else (epoch, index + 1)
            self.current = Checkpoint(
                block.column("W_after")[row - 1].reshape(block.shapes["W_after"]).clone(),
                block.column("B_after")[row - 1].clone(),
                state,
                Position(before[0], nxt[0], nxt[1], before[0] - before[5]),
            )
        else:
            self.current = begin
        self._batches = None
        dW = block.column("dW")[row]
        return _diverged("dL/dW" if not bool(torch.isfinite(dW).all()) else "dL/dB", t, lr)

    # ------------------------------------------------------------------ time travel
    def _state_at(self, step: int, what: str) -> Checkpoint:
        """The state after ``step``, from the origin or the kept rows."""
        floor, now = self.origin.position.step, self.steps_done
        if not floor <= step <= now:
            raise InputError(what, f"a step between {floor} and {now}", repr(step))
        return self.origin if step == floor else self.rows.row(step).after

    def rewind(self, to_step: int) -> None:
        """Back to the state after ``to_step``: the steps after it are forgotten."""
        state = self._state_at(to_step, "to_step")
        self.log = self.rows.upto(to_step - self.rows.base)
        self.current = state
        self.worst = self._worst_upto(to_step)
        self._batches = None
        self._lr_twin = _LrTwin(self.settings.schedule, self.settings.lr)

    def _worst_upto(self, step: int) -> Verification:
        """The verification counts over the steps up to ``step``."""
        worst = self.worst_start.copy()
        floor = self.origin.position.step
        for row in self.log or ():
            sc = row.scalars
            if floor < sc["step"] <= step and sc["verified"]:
                worst.add(sc["step"], sc["worst_quantity"], sc["worst_disagreement"])
        return worst

    def branch(
        self,
        at_step: int,
        *,
        lr: float | None = None,
        optimizer: str | None = None,
        optimizer_options: Mapping[str, Any] | None = None,
        loss_options: Mapping[str, Any] | None = None,
        batch_size: int | None = None,
        verify: VerifyPlan | None = None,
    ) -> Session:
        """A new session from the state after ``at_step`` with some settings changed.

        A changed optimizer starts with an empty state and counts its updates anew (its
        t is 1 at step ``at_step + 1``). A changed batch size continues from the next
        epoch's start when ``at_step`` ends mid-epoch (the old batches don't divide anew).
        """
        start = self._state_at(at_step, "at_step")
        s = self.settings
        base_lr = s.lr if lr is None else lr
        rule = s.rule
        if optimizer is not None or optimizer_options is not None or lr is not None:
            name = optimizer or rule.name
            options = dict(optimizer_options or ({} if optimizer else rule.options()))
            options.pop("lr", None)
            rule = get_optimizer(name, lr=base_lr, **options)
            if rule.name != s.rule.name:
                start = start.fresh_rule()
        loss = s.loss
        if loss_options is not None:
            loss = get_loss(loss.name, **{**loss.options(), **loss_options})
        source = self.source
        if batch_size is not None and batch_size != source.batch_size:
            source = source.with_batch_size(batch_size)
            pos = start.position
            if pos.batch:
                start = replace(start, position=replace(pos, epoch=pos.epoch + 1, batch=0))
        log = None
        if self.log is not None:
            log = StepLog(self.log.base, self.log, at_step - self.log.base)
        return Session(
            source,
            replace(s, loss=loss, rule=rule, lr=base_lr),
            start,
            verify=verify or replace(self.verify, first=at_step + 1),
            dtype=self.dtype,
            keep_rows=self.log is not None,
            worst=self._worst_upto(at_step),
            log=log,
            evaluate=self.evaluate,
        )


class _LrTwin:
    """torch's own scheduler on a dummy optimizer: γₜ checked on the steps verified.

    It is stepped only when a verified step asks (up to that step), so the steps in
    between cost nothing.
    """

    def __init__(self, schedule: Schedule | None, lr: float) -> None:
        self.optimizer: torch.optim.Optimizer | None = None
        self.steps = 0  # the scheduler's steps so far
        if schedule is not None:
            dummy = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
            self.optimizer = torch.optim.SGD([dummy], lr=lr)
            self.scheduler = schedule.torch_scheduler(self.optimizer)

    def gap(self, lr: float, t: int) -> float:
        """|γ − γ_torch| / |γ_torch| of step t (0 without a schedule)."""
        if self.optimizer is None:
            return 0.0
        while self.steps < t - 1:
            self.optimizer.step()
            self.scheduler.step()
            self.steps += 1
        theirs = float(self.optimizer.param_groups[0]["lr"])
        return abs(lr - theirs) / max(abs(theirs), 1e-30)


# the quantity families a data-parallel verdict names (sent between ranks as an index)
_QUANTITIES = ("loss", "dW", "dB", "W_after", "B_after", "update_W", "update_B", "state")


def _family(quantity: str) -> str:
    """``state[W].exp_avg`` → ``state``: the part of a quantity's name every rank knows."""
    return "state" if quantity.startswith("state") else quantity


def _position_after(t: int, batch: Batch, rule_step: int) -> Position:
    """Where the next step starts after step t took ``batch``."""
    rule_start = t - rule_step
    if batch.last_of_epoch:
        return Position(t, batch.epoch + 1, 0, rule_start)
    return Position(t, batch.epoch, batch.index + 1, rule_start)


def _diverged(bad: str, t: int, lr: float) -> DivergenceError:
    """Step t's ``bad`` quantity is not finite: the error, with what to do about it."""
    hint = (
        f"lower the learning rate (lr = {lr:g}) or scale the features (standardize)"
        if t > 1
        else "before any update: scale the features (standardize) or use float64"
    )
    return DivergenceError(bad, t, hint)


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
