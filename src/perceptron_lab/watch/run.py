"""``with watch(model, optimizer, loss_fn) as run:`` — the user's own loop, observed and checked.

The loop is not changed: hooks (recorder.py) see each step, and after every
``optimizer.step()`` the step is recorded and — when the budget (budget.py) says so: the
first step, any suspect one, then a share of the loop's own time — verified (verify.py)
and, if the loop disagrees with the closed form, diagnosed (diagnose.py). The watch's own
recomputations run with the hooks quiet, autograd on and the global random state restored
afterwards, so the loop draws the same random numbers it would draw unwatched.

``on_mistake`` says what a diagnosed step does:

- ``"raise"`` (default): :class:`DiagnosisError` at the step, out of ``optimizer.step()``,
  after the step is recorded — the traceback points at the loop's own line;
- ``"exit"``: every step runs and is recorded; the first diagnosis is raised on exit;
- ``"record"``: nothing is raised; the diagnoses are in ``run.diagnoses``.

The result (``run``) has ``.trace`` (a :class:`~perceptron_lab.engine.trace.Trace` whose
rows have a trained run's columns plus the watch's), ``.records`` (the verified
StepRecords, for a one-nn.Linear loop), ``.verdicts``, ``.diagnoses``, ``.notes`` and
``.summary``; with ``out`` the run directory is written when the block ends.

Step rows: ``dW``/``dB`` are the closed form's gradient (the loop's where no closed form
ran), ``dW_torch``/``dB_torch`` the loop's autograd gradient, ``W_after``, ``update_*`` and
``state_*`` what the loop's optimizer did. For a model other than one nn.Linear, ``W_*`` and
``dW`` hold all parameters flattened in the optimizer's order, and there are no ``B_*``.
Extra columns: ``verified_<way>`` for each way (autograd, closed_form,
finite_differences, update), ``fd_entries``, ``fd_disagreement`` (the float64 closed form
against finite differences), ``fd_autograd_disagreement`` (the loop's gradient against
them), ``diagnosis`` (a cause or ""), ``sample_start``/``sample_stop`` (the batch's rows in
data.npz; −1 if unknown) and ``batch`` (its number there; −1 if unknown). A step the
budget left unverified has ``verified`` False, no checks (``worst_quantity`` ""), its
loss, and the loop's gradient in ``dW`` as in ``dW_torch``.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import torch
from torch import nn

from ..core.agreement import tolerance
from ..core.observed_step import StepRecord
from ..engine.config import TrainConfig
from ..engine.derived_columns import DERIVED, derivable, rebuild
from ..engine.metrics import evaluate
from ..engine.run_files import WATCH_DATA, Named, RunManifest, RunSummary, RunWriter, StepSchema
from ..engine.trace import Trace
from ..engine.train import versions
from ..errors import InputError
from ..views.i18n import Words, check_language
from . import MAX_FD_ENTRIES
from . import budget as budget_rules
from .budget import SHARE, Budget
from .checker import StepChecker
from .diagnose import Diagnosis, DiagnosisError
from .linear import find_linear
from .mapping import LossMap, Unsupported, check_expect, group_options, rule_name
from .recorder import Recorder, StepCapture
from .rundir import DataStore, data_info
from .step_columns import StepColumns
from .verify import WAYS, Verdict

ON_MISTAKE = ("raise", "exit", "record")
DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float64"}


def _arrow_type(value: Any) -> str:
    """The step table's column type of a scalar (the watch writes no None scalars)."""
    for kind, name in ((bool, "bool_"), (int, "int64"), (float, "float64")):
        if isinstance(value, kind):
            return name
    return "string"


class Watch:
    """A watched loop: the context manager and, as ``run``, its results."""

    def __init__(
        self,
        model: nn.Module | None = None,
        optimizer: torch.optim.Optimizer | None = None,
        loss_fn: Any = None,
        *,
        out: str | Path | None = None,
        lang: str | None = None,
        expect: dict[str, Any] | None = None,
        on_mistake: str = "raise",
        max_fd_entries: int = MAX_FD_ENTRIES,
        tensorboard: str | Path | None = None,
        budget: float | None = SHARE,
    ) -> None:
        self.tensorboard = None if tensorboard is None else Path(tensorboard)
        if (model is None) != (optimizer is None):
            given, missing = ("model", "optimizer") if optimizer is None else ("optimizer", "model")
            raise InputError(
                missing, f"given with {given} (or neither: watch() finds both)", "None"
            )
        if model is not None and not isinstance(model, nn.Module):
            raise InputError("model", "a torch.nn.Module", type(model).__name__)
        if optimizer is not None and not isinstance(optimizer, torch.optim.Optimizer):
            raise InputError("optimizer", "a torch.optim.Optimizer", type(optimizer).__name__)
        if on_mistake not in ON_MISTAKE:
            raise InputError("on_mistake", f"one of {', '.join(ON_MISTAKE)}", repr(on_mistake))
        if type(max_fd_entries) is not int or max_fd_entries < 0:
            raise InputError("max_fd_entries", "an integer >= 0", repr(max_fd_entries))
        if budget is not None and (
            type(budget) not in (int, float) or not 0 < budget <= 100  # finite, NaN refused
        ):
            raise InputError(
                "budget", "a share of the loop's time in (0, 100], or None", repr(budget)
            )
        self._budget = Budget(budget, budget_rules.ALLOWANCE)
        self.model = model
        self.optimizer = optimizer
        self.loss_fn = loss_fn
        self.out = Path(out) if out is not None else None
        if self.out is not None and self.out.exists() and not self.out.is_dir():
            raise InputError("out", "a run directory to write (or a new path)", f"the file {out}")
        self.lang = check_language(lang)
        self.expect = check_expect(expect or {}, optimizer)
        self._expect_checked = optimizer is not None
        self.on_mistake = on_mistake
        self.max_fd_entries = max_fd_entries
        self.verdicts: list[Verdict] = []
        self.diagnoses: list[Diagnosis] = []
        self.summary: RunSummary | None = None
        self._notes: dict[str, str] = {}
        self._rows = StepColumns()  # the steps' rows, column by column
        self._widths: dict[str, int] | None = None
        self._writer: RunWriter | None = None
        self._last_kept: dict[str, torch.Tensor] | None = None  # the row before's vectors
        self._recorder: Recorder | None = None
        self._checker: StepChecker | None = None
        self._loss_map: LossMap | None = None
        self._linear: nn.Linear | None = None
        self._began = 0.0
        self._versions: dict[str, str] = {}

    # ------------------------------------------------------------------ context
    def __enter__(self) -> Watch:
        if self._recorder is not None:
            raise InputError("watch", "a fresh watch(...) for each with-block", "one used twice")
        if self.optimizer is None:  # watch(): the first optimizer to step says what is watched
            self._recorder = Recorder(None, None, self.loss_fn, None, self._on_step, self._start)
        else:
            self._start(self.model, self.optimizer)
            self._recorder = Recorder(
                self.model, self.optimizer, self.loss_fn, self._linear, self._on_step
            )
        self._recorder.install()
        self._versions = versions()
        self._began = time.perf_counter()
        return self

    def _start(self, model: nn.Module | None, optimizer: torch.optim.Optimizer) -> None:
        """What is watched: the model's nn.Linear if it is one, the rule, the checker."""
        self.model, self.optimizer = model, optimizer
        if not self._expect_checked:
            self.expect = check_expect(self.expect, optimizer)
        params = [p for group in optimizer.param_groups for p in group["params"]]
        if model is None:
            self._note("no_model")
        else:
            try:
                self._linear = find_linear(model, params)
            except Unsupported as exc:
                self._note("not_linear", why=str(exc))
        try:
            rule_name(optimizer)
        except Unsupported as exc:
            self._note("no_rule", why=str(exc))
        at = None
        if self._linear is not None:
            ids = [id(p) for p in params]
            at = (ids.index(id(self._linear.weight)), ids.index(id(self._linear.bias)))
        self._checker = StepChecker(
            model,
            optimizer,
            at,
            expect=self.expect,
            lang=self.lang,
            max_fd_entries=self.max_fd_entries,
            note=self._note,
        )
        if isinstance(self.loss_fn, nn.Module):  # mapped (and copied) before the hooks exist
            self._checker.use(self.loss_fn)
            self._loss_map = self._checker.loss_map

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._recorder is not None
        self._recorder.remove()
        if self._recorder.others:
            self._note("other_optimizer", steps=self._recorder.others)
        if self.optimizer is None:
            self._note("no_step")
        if self._budget.skipped:
            n = len(self._rows)
            self._note(
                "sampled",
                checked=n - self._budget.skipped,
                steps=n,
                share=self._budget.share,
                allowance=self._budget.allowance,
            )
        if exc is None or isinstance(exc, DiagnosisError):
            status = "diagnosed" if self.diagnoses else "finished"
        else:
            status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "stopped"
        error = (
            str(exc) if exc is not None else (self.diagnoses[0].message if self.diagnoses else None)
        )
        self.summary = self._summary(status, error, time.perf_counter() - self._began)
        if self.out is not None and self.optimizer is not None:
            self._write(self.out, self.summary)
        if self.tensorboard is not None and self._rows:
            from ..views.tensorboard import export_tensorboard

            export_tensorboard(self.trace, self.tensorboard)
        if exc is None and self.on_mistake == "exit" and self.diagnoses:
            raise DiagnosisError(self.diagnoses[0])

    # ------------------------------------------------------------------ results
    @property
    def notes(self) -> list[str]:
        """What was not verified and why, once each."""
        return list(self._notes.values())

    @property
    def records(self) -> list[StepRecord]:
        """The verified StepRecord of each step (a one-nn.Linear loop; else none)."""
        return self._checker.records if self._checker else []

    @property
    def _data(self) -> DataStore:
        return self._checker.data if self._checker else DataStore()

    @property
    def trace(self) -> Trace:
        """The steps so far as a Trace (the same rows ``Trace.load(out)`` reads back)."""
        rows = self._rows.rows()
        rebuild(list(rows), self._dtype())  # in place, once: a rebuilt row names nothing
        return Trace(self.out, self.manifest, rows, (), self.summary)

    @property
    def nbytes(self) -> int:
        """Bytes the steps' vector columns hold in memory (allocated rows included)."""
        return self._rows.nbytes

    @property
    def manifest(self) -> RunManifest:
        """config.json of the run, as a trained run's."""
        if self.optimizer is None or self._recorder is None:
            raise InputError("watch", "an optimizer.step() inside the with-block", "none seen")
        lm, groups = self._loss_map, self.optimizer.param_groups
        try:
            options = group_options(self.optimizer, groups[0])
            options |= {k: v for k, v in self.expect.items() if k in options}
            optimizer = rule_name(self.optimizer)
        except Unsupported:
            options, optimizer = {"lr": float(groups[0]["lr"])}, type(self.optimizer).__name__
        lr = float(options.pop("lr"))
        loss = lm.loss.name if lm else self._loss_name()
        loss_options = lm.loss.options() if lm else {}
        first = self._rows.first()
        d, k = self._shape()
        cfg = TrainConfig(
            loss=loss,
            loss_options=loss_options,
            optimizer=optimizer,
            optimizer_options=options,
            lr=lr,
            epochs=max(1, len(self._rows)),
            batch_size=first.get("n_samples") or None,
            shuffle=False,
            dtype=self._dtype_name(),
            decay_bias=self._checker.decay_bias if self._checker else True,
        )
        parameters = None
        if self._linear is None:
            parameters = [[n, list(p.shape)] for n, p, _ in self._recorder.params]
        return RunManifest(
            config=cfg,
            data=data_info(self._data, lm.loss if lm else None, d, k),
            loss=Named(loss, loss_options),
            optimizer=Named(optimizer, {"lr": lr, **options}),
            schedule=None,
            input_size=d,
            output_size=k,
            batch_size=cfg.batch_size,
            batches_per_epoch=None,
            total_steps=len(self._rows),
            verify_every=1,
            checkpoint_every=None,
            seed=None,
            versions=self._versions,
            parameters=parameters,
            watch={
                "model": type(self.model).__name__,
                "loss_module": lm.module if lm else self._loss_name(),
                "optimizer_class": type(self.optimizer).__name__,
                "declared_loss": dict(lm.declared) if lm else None,
                "expect": self.expect,
                "one_linear": self._linear is not None,
                "on_mistake": self.on_mistake,
                "max_fd_entries": self.max_fd_entries,
                "budget": self._budget.share,
            },
        )

    # ------------------------------------------------------------------ per step
    def _on_step(self, capture: StepCapture) -> None:
        assert self._recorder is not None and self._checker is not None
        began = self._budget.begin()
        with self._recorder.quiet():
            full = self._budget.wants(capture.t == 1, self._checker.suspect(capture))
            # a full check may draw random numbers (dropout in a recomputation): the loop's
            # own stream is put back afterwards
            rng = torch.random.fork_rng(devices=[]) if full else contextlib.nullcontext()
            with rng, torch.enable_grad():
                outcome = self._checker(capture, full)
        self._loss_map = self._checker.loss_map
        self.verdicts.append(outcome.verdict)
        self._put(outcome.scalars, outcome.vectors)
        self._budget.end(began)
        if outcome.diagnosis is not None:
            self.diagnoses.append(outcome.diagnosis)
            if self.on_mistake == "raise":
                raise DiagnosisError(outcome.diagnosis)

    def _put(self, scalars: dict[str, Any], vectors: dict[str, torch.Tensor]) -> None:
        """One row: in memory and, with ``out``, in the step table (same columns in both).

        A watched loop's "epoch" is a step: each row carries the train_* metric columns.
        """
        score = self._loss_map.loss.score_name if self._loss_map else "accuracy"
        scalars = {**scalars, "train_loss": scalars["loss"], f"train_{score}": scalars.get(score)}
        if self._widths is None:
            self._widths = {name: v.numel() for name, v in vectors.items()}
            if self.out is not None:
                types = {n: _arrow_type(v) for n, v in scalars.items()} | {DERIVED: "string"}
                schema = StepSchema(types, self._widths)
                self._writer = RunWriter(self.out, self.manifest, schema, dtype=self._stored())
        kept = {
            n: v.detach().to("cpu") for n, v in vectors.items() if self._widths.get(n) == v.numel()
        }
        # the vectors that follow from others are kept neither in memory nor on disk, but
        # named in the row, and rebuilt when the rows are read (derived_columns.py)
        left_out = derivable(kept, self._last_kept)
        self._last_kept = kept
        derived = {DERIVED: ",".join(left_out)}
        self._rows.append(
            {**scalars, **derived},
            {name: None if name in left_out else kept.get(name) for name in self._widths},
        )
        if self._writer is not None:
            dtype = self._stored()
            if dtype != self._dtype():  # float16/bfloat16, written as float32: all of them
                derived, left_out = {DERIVED: ""}, []
            written = {n: v.to(dtype) for n, v in kept.items() if n not in left_out}
            self._writer.put({**scalars, **derived}, written)

    def _loss_name(self) -> str:
        """The loss as the loop names it: its module's class, or the function's name."""
        fn = self.loss_fn
        return (
            fn.__name__
            if callable(fn) and not isinstance(fn, nn.Module) and hasattr(fn, "__name__")
            else type(fn).__name__
        )

    def _note(self, key: str, **fields: Any) -> None:
        if key not in self._notes:
            self._notes[key] = Words(self.lang, "watch")(key, **fields)

    def _shape(self) -> tuple[int | None, int | None]:
        """(d, k) of the nn.Linear (weight is (k, d)), or (None, None) for other models."""
        if self._linear is None:
            return None, None
        k, d = self._linear.weight.shape
        return int(d), int(k)

    def _dtype(self) -> torch.dtype:
        """The parameters' dtype (float32 before any optimizer is known)."""
        if self.optimizer is None:
            return torch.float32
        dtype: torch.dtype = self.optimizer.param_groups[0]["params"][0].dtype
        return dtype

    def _stored(self) -> torch.dtype:
        """The step table's vectors on disk: float64 for a float64 run, else float32."""
        return torch.float64 if self._dtype() == torch.float64 else torch.float32

    def _dtype_name(self) -> str:
        dtype = self._dtype()
        return DTYPE_NAMES.get(dtype, str(dtype).removeprefix("torch."))

    # ------------------------------------------------------------------ the end
    def _summary(self, status: str, error: str | None, seconds: float) -> RunSummary:
        lm = self._loss_map
        name = lm.loss.score_name if lm else "accuracy"
        worst_step, worst = 0, None
        for i, verdict in enumerate(self.verdicts):
            w = verdict.worst
            if w is not None and (worst is None or w.ratio > worst.ratio):
                worst_step, worst = i + 1, w
        final: dict[str, Any] = {}
        W = B = None
        if self._linear is not None and self._rows:
            W = self._linear.weight.detach().T.clone()  # W = weight.T
            B = self._linear.bias.detach().clone()
            if lm is not None and self._data.rows:
                X, y = self._data.tensors()
                metrics = evaluate(lm.loss, X.to(W.dtype), y, W.cpu(), B.cpu())
                final = {f"train_{k}": v for k, v in metrics.items()}
        dtype = self._dtype()
        n = len(self._rows)
        return RunSummary(
            status=status,
            error=error,
            steps=n,
            total_steps=n,
            epochs_done=n,
            score_name=name,
            final=final,
            verified_steps=sum(v.verified for v in self.verdicts),
            verify_every=1,
            worst_disagreement=worst.gap if worst else 0.0,
            worst_quantity=worst.quantity if worst else "",
            worst_step=worst_step,
            tolerance=tolerance(dtype),
            seconds=seconds,
            steps_per_second=n / seconds if seconds > 0 else None,
            W=W.tolist() if W is not None else None,
            B=B.tolist() if B is not None else None,
            watch={
                "fully_verified": bool(self.verdicts) and all(v.verified for v in self.verdicts),
                "verified": {w: sum(v.passed(w) for v in self.verdicts) for w in WAYS},
                "notes": self.notes,
                "diagnoses": [d.to_dict() for d in self.diagnoses],
                "fd_entries": max((v.fd_entries for v in self.verdicts), default=0),
                "parameters": sum(
                    p.numel()
                    for g in (self.optimizer.param_groups if self.optimizer else ())
                    for p in g["params"]
                ),
            },
        )

    def _write(self, out: Path, summary: RunSummary) -> None:
        """The run directory: the step table, the loop's batches, the final manifest, the summary."""
        writer = self._writer or RunWriter(out, self.manifest, StepSchema({}, {}))
        (out / WATCH_DATA).unlink(missing_ok=True)
        if self._data.rows:
            self._data.save(out / WATCH_DATA)
        writer.finish(summary, manifest=self.manifest)
