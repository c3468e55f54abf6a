"""scikit-learn estimators on perceptron-lab's trainer: every fit is a recorded, verified run.

::

    from sklearn.datasets import load_iris
    from perceptron_lab.sklearn.estimators import PerceptronClassifier

    X, y = load_iris(return_X_y=True)
    clf = PerceptronClassifier(max_iter=300, alpha=1e-3, random_state=0).fit(X, y)
    clf.coef_, clf.intercept_, clf.trace_.step(1)["dW"]  # (3, 4), (3,), step 1's dL/dW

``fit`` turns X and y into a :class:`~perceptron_lab.data.Dataset` and trains it with
:class:`~perceptron_lab.engine.train.Trainer` — a session over the data, in memory, no
files: ``trace_`` is the run's :class:`~perceptron_lab.engine.trace.Trace` built from the
session's rows (its ``path`` is None). ``partial_fit`` trains one more epoch from the
session's state (W, B, optimizer state, position) — so two ``partial_fit`` calls equal
``fit`` with ``max_iter=2`` bit for bit — and ``trace_`` grows by its steps.

X and y are checked by scikit-learn's own ``validate_data`` (its messages are the ones
its estimator checks expect), then the labels are encoded against ``classes_``; the
Dataset is built from those arrays directly, since a ``partial_fit`` batch may hold only
some of the classes.

Notation as everywhere: X (N, d), W (d, k), B (k,), Z = XW + B. scikit-learn's ``coef_``
is Wᵀ (k, d) — nn.Linear's weight — and ``intercept_`` is B.

With ``standardize`` (the regressor's default) the run trains on X' = (X − μ)/σ and, for
the regressor, y' = (y − m)/s, with μ, σ, m, s of the first fit's data; ``trace_`` and
``loss_curve_`` are that run's. ``coef_`` and ``intercept_`` are in the data's own units:
z' = X'W + B is z = X·(W/σ) + (B − (μ/σ)·W), and ŷ = m + s·z'. A fit whose loss is still
falling at the end warns (``ConvergenceWarning``), as scikit-learn's SGD estimators do.

An error from the layers below names the estimator's parameter, as its users write it:
``max_iter`` (the trainer's ``epochs``), ``learning_rate`` (``lr``), ``alpha``
(``weight_decay``), and no CLI flag in its hint.
"""

from __future__ import annotations

import inspect
import re
import warnings
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, ClassVar

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ..bounds import bounded
from ..data import Dataset, Task
from ..data.checks import DTYPES
from ..data.prepare import Standardizer
from ..engine import checkpoint
from ..engine.batching import batches_per_epoch
from ..engine.config import TrainConfig
from ..engine.device import resolve_device
from ..engine.trace import Trace
from ..engine.train import Trainer
from ..errors import DivergenceError, InputError
from ..losses import AUTO, Loss, auto_loss, get_loss, loss_class, losses_of
from ..optim import rule_class, rule_names
from ..optim.adam import Adam
from ..optim.schedules import parse_schedule

# the estimators' numbers, by their scikit-learn names → the library's (perceptron_lab.bounds)
BOUNDED = {
    "learning_rate": "lr",
    "alpha": "weight_decay",
    "max_iter": "epochs",
    "batch_size": "batch_size",
    "verify_every": "verify_every",
}
OPTIONAL = ("batch_size", "verify_every")  # None: full batch; the first and the last step
# the library's names of what the estimators pass on, by the estimators' names for them
PARAMETERS = {library: name for name, library in BOUNDED.items()}
FLAG = re.compile(r",? --[a-z][a-z-]*")  # a CLI flag beside the name in a hint: "(dtype, --dtype)"
SEED_RANGE = 2**31 - 1  # seeds drawn for random_state=None or a RandomState
SETTLED = 1e-3  # a loss that fell by less, relatively, over the last tenth of fit has settled


def _choices(*names: str) -> str:
    """'"a", "b" or "c"' for a docstring."""
    quoted = [f'"{n}"' for n in names]
    return ", ".join(quoted[:-1]) + f" or {quoted[-1]}" if len(quoted) > 1 else quoted[0]


def _targets(tasks: Collection[str]) -> str:
    """What a loss that trains on ``tasks`` (one estimator's) takes: 'two classes or more'."""
    if "regression" in tasks:
        return "real-valued targets"
    least = "two classes" if "binary" in tasks else "three classes"
    return f"{least} or more" if "multiclass" in tasks else least


def _takes(loss: str, tasks: Collection[str]) -> str:
    """The targets ``loss`` trains on among ``tasks`` (one estimator's), in words."""
    return _targets([t for t in tasks if t in loss_class(loss).takes])


def _losses(tasks: tuple[str, ...], auto: str, labels: str) -> str:
    """The docstring's list of an estimator's losses, from the registry, with their targets."""
    lines = [f'    - "{n}" ({loss_class(n).title}): {_takes(n, tasks)}' for n in losses_of(*tasks)]
    return (
        "\n    The losses, and the targets y each trains on:\n\n"
        + "\n".join([f'    - "{AUTO}": {auto}', *lines])
        + f"\n\n    {labels}\n"
    )


def _hint(hint: str, names: Mapping[str, str]) -> str:
    """A hint from below in the caller's words: no CLI flags, a setting ("lr = 0.5") renamed."""
    setting = re.compile(rf"\b({'|'.join(map(re.escape, names))})(?= ?=)")
    return setting.sub(lambda m: names[m[1]], FLAG.sub("", hint))


@contextmanager
def named_as(names: Mapping[str, str]) -> Iterator[None]:
    """Errors from below naming each argument by ``names`` (``epochs`` → ``max_iter``)."""
    try:
        yield
    except InputError as exc:
        name = names.get(exc.argument, exc.argument)
        raise exc.renamed(name, exc.hint and _hint(exc.hint, names)) from None
    except DivergenceError as exc:
        named = DivergenceError(exc.quantity, exc.step, _hint(exc.hint, names))
        named.summary = exc.summary
        raise named from None


_RULES = {"rules": ", ".join(f'"{n}"' for n in rule_names()), "default_rule": Adam.name}
_PARAMETERS = """
    Parameters
    ----------
    loss : str, default="auto"
        {losses}; "auto" is the task's natural loss ({auto}).
    optimizer : {{{rules}}}, default="{default_rule}"
        The update rule, computed as torch.optim computes it. "lbfgs" (one
        torch.optim.LBFGS iteration per step) is made for the full batch
        (``batch_size=None``) and γ = 1 (``learning_rate=1.0``), and has no ``alpha``.
    learning_rate : float, default=0.01
        γ, the base learning rate (``TrainConfig.lr``).
    max_iter : int, default=200
        Epochs (passes over the data) of ``fit``; ``partial_fit`` runs one.
    batch_size : int or None, default=None
        Samples per step; None: all of them (full batch, one step per epoch).
    alpha : float, default=0.0
        λ, an L2 penalty on W only: the rule's weight decay with B left out
        (``TrainConfig(decay_bias=False)``), so each step descends
        L(W, B) + (λ/2)·‖W‖², L the mean loss of the batch. The same objective in other
        estimators' scalings (N samples): ``SGDClassifier(alpha=λ)`` as it is;
        ``LogisticRegression(C)`` minimizes C·Σℓ + ½‖w‖² = C·N·(mean ℓ + ‖w‖²/(2·C·N)),
        so λ = 1/(C·N); ``Ridge(alpha=a)`` minimizes ‖y − Xw‖² + a·‖w‖², so λ = 2a/N
        (mse here is the mean of (z − y)², without ½); ``MLPClassifier(alpha=a)`` adds
        a·‖W‖²/(2N), so λ = a/N. With AdamW the decay is decoupled
        (W ← W·(1 − γλ) before the step), which is not this penalty.
    schedule : str or None, default=None
        A learning-rate schedule over steps, e.g. "cosine:T_max=500"; None: constant γ.
    shuffle : bool, default=True
        A new seeded order of the samples each epoch (mini-batches only).
    random_state : int, RandomState instance or None, default=None
        An int is the run's seed (initial weights and data order, as
        ``perceptron-lab train --seed``); None or a RandomState draws one. ``seed_``
        keeps the seed used.
    verify_every : int or None, default=None
        Run PyTorch's twin of every K-th step (and of the first and the last) and check
        the two agree; None: only the first and the last step of each fit.
    dtype : {{"float64", "float32"}}, default="float64"
        The precision of training.
    standardize : bool or None, default=None
        Train on standardized features{target} (mean and standard deviation of the first
        fit's data); ``coef_`` and ``intercept_`` are still in the data's own units.
        None: {standardize_default}.
    device : str, default="cpu"
        Where training computes: "cpu", "cuda" (the current GPU), "cuda:N" (the N-th) or
        "auto" (cuda if ``torch.cuda.is_available()``, else cpu). The closed form and
        PyTorch's twin run there both; ``coef_``, ``intercept_`` and prediction are
        NumPy on the CPU whatever the device.

    Attributes
    ----------
    coef_ : ndarray of shape (k, d)
        Wᵀ after training ({k}).
    intercept_ : ndarray of shape (k,)
        B after training.
    n_iter_ : int
        Epochs trained (counted over ``partial_fit`` calls).
    loss_curve_ : list of float
        The mean loss over the training data after each epoch (standardized, when
        ``standardize``).
    trace_ : Trace
        The recorded run, one row per step (``trace_.step(t)["dW"]``, …), in memory.
    seed_ : int
        The seed the run used.
    n_features_in_ : int
        d, the number of features seen in fit.
    feature_names_in_ : ndarray of shape (d,)
        The column names, when X was a DataFrame with string column names.
"""


_NOTES = """
    Notes
    -----
    The defaults, beside those of ``perceptron-lab train`` (``TrainConfig``'s). They differ
    on purpose: an estimator is fitted to be used, so it converges as scikit-learn's own
    MLP estimators do (Adam, 200 epochs, float64); a ``train`` run is made to be watched
    step by step, as the notebook does (a few plain SGD steps in PyTorch's float32).
    ``optimizer="sgd", max_iter=5, dtype="float32", random_state=0`` gives train's W and B:

{defaults}
    - standardize=None: {standardize} (train: {train.standardize}, unless --standardize)
    - random_state=None: a drawn seed (train: --seed {train.seed})
    - alpha: weight decay on W only (train's --weight-decay decays B too)
    - verify_every=None: the first and the last step of each fit (train: every step of a
      run up to 2000 steps)
"""
# the defaults the docstrings list beside train's, by TrainConfig's names for them
_TRAIN = {n: BOUNDED.get(n, n) for n in ("optimizer", "max_iter", "learning_rate", "dtype")}


class _PerceptronEstimator(BaseEstimator):  # type: ignore[misc]
    """A single-layer network Z = XW + B trained by perceptron-lab's trainer."""

    _tasks: ClassVar[tuple[str, ...]]  # the tasks whose losses it takes
    _standardizes: ClassVar[bool]  # what standardize=None means
    # fitted attributes (annotations only: nothing is set before fit)
    coef_: np.ndarray  # (k, d) = Wᵀ
    intercept_: np.ndarray  # (k,) = B
    trace_: Trace
    seed_: int
    _checkpoint: checkpoint.Checkpoint  # W, B, optimizer state and position: the next start

    def __init__(
        self,
        *,
        loss: str = "auto",
        optimizer: str = Adam.name,
        learning_rate: float = 0.01,
        max_iter: int = 200,
        batch_size: int | None = None,
        alpha: float = 0.0,
        schedule: str | None = None,
        shuffle: bool = True,
        random_state: Any = None,
        verify_every: int | None = None,
        dtype: str = "float64",
        standardize: bool | None = None,
        device: str = "cpu",
    ) -> None:
        self.loss = loss
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.alpha = alpha
        self.schedule = schedule
        self.shuffle = shuffle
        self.random_state = random_state
        self.verify_every = verify_every
        self.dtype = dtype
        self.standardize = standardize
        self.device = device

    # ----------------------------------------------------------------- settings
    def _check_params(self, task: Task, classes: tuple[Any, ...] | None) -> None:
        """scikit-learn's rule: parameters are checked when fit uses them, not in __init__.

        Run under :func:`named_as`: the library's names become the parameters'.
        """
        self._check_loss(task, classes)
        rule = rule_class(self.optimizer)  # an InputError names the rules
        if self.alpha and "weight_decay" not in inspect.signature(rule).parameters:
            raise InputError(
                "alpha",
                f"0 with optimizer={self.optimizer!r} (it has no weight decay)",
                repr(self.alpha),
            )
        if self.dtype not in DTYPES:
            raise InputError("dtype", f"one of {', '.join(DTYPES)}", repr(self.dtype))
        for name, library in BOUNDED.items():
            value = getattr(self, name)
            if value is not None or name not in OPTIONAL:
                bounded(library, value)
        if self.schedule is not None:
            parse_schedule(self.schedule)
        if self.standardize not in (None, True, False):
            raise InputError("standardize", "True, False or None", repr(self.standardize))
        resolve_device(self.device)  # an InputError names the devices (or the GPUs there are)

    def _check_loss(self, task: Task, classes: tuple[Any, ...] | None) -> None:
        """``loss`` is one of the estimator's that train on ``task``, or auto."""
        own = losses_of(*self._tasks)
        fitting = (AUTO, *(n for n in own if task in loss_class(n).takes))
        if self.loss in fitting:
            return
        data = f"{len(classes)} classes" if task == "multiclass" and classes else _targets([task])
        hint = f"{self.loss} takes {_takes(self.loss, self._tasks)}" if self.loss in own else None
        raise InputError("loss", f"one of {', '.join(fitting)} for {data}", repr(self.loss), hint)

    def _scales(self, X: np.ndarray, y: np.ndarray, classes: tuple[Any, ...] | None) -> None:
        """Fit μ, σ of X (and m, s of a regression target) for ``standardize``, or none."""
        on = self._standardizes if self.standardize is None else bool(self.standardize)
        self._x_scaler = Standardizer().fit(X) if on else None
        self._y_scaler = Standardizer().fit(y[:, None]) if on and classes is None else None

    def _config(self, epochs: int, last_step: int) -> TrainConfig:
        """The run's settings; ``last_step`` is the step this call ends on."""
        return TrainConfig(
            loss=self.loss,
            optimizer=self.optimizer,
            optimizer_options={"weight_decay": float(self.alpha)} if self.alpha else {},
            lr=float(self.learning_rate),
            epochs=epochs,
            batch_size=None if self.batch_size is None else int(self.batch_size),
            shuffle=bool(self.shuffle),
            seed=self.seed_,
            schedule=self.schedule,
            # None: t % K first hits at the last step, so only the first and the last verify
            verify_every=int(self.verify_every or last_step),
            checkpoint_every=last_step,  # one checkpoint, after the last step: the next start
            dtype=self.dtype,
            decay_bias=False,
            device=self.device,
        )

    def _draw_seed(self) -> None:
        """seed_: random_state itself when it is an int, else drawn from it."""
        state = self.random_state
        if isinstance(state, int | np.integer) and not isinstance(state, bool):
            if not 0 <= state <= SEED_RANGE:
                raise InputError("random_state", f"an int in [0, {SEED_RANGE}]", repr(state))
            self.seed_ = int(state)
        elif state is None or isinstance(state, np.random.RandomState):
            self.seed_ = int(check_random_state(state).randint(SEED_RANGE))
        else:
            raise InputError("random_state", "an int, a RandomState or None", repr(state))

    # ----------------------------------------------------------------- training
    @named_as(PARAMETERS)
    def _train(
        self, X: np.ndarray, y: np.ndarray, classes: tuple[Any, ...] | None, partial: bool
    ) -> None:
        """Train on X (N, d) and encoded y (N,): ``max_iter`` epochs, or one more (partial)."""
        task: Task = "regression" if classes is None else "multiclass"
        if classes is not None and len(classes) == 2:
            task = "binary"
        self._check_params(task, classes)
        start: checkpoint.Checkpoint | None = getattr(self, "_checkpoint", None)
        if start is None:
            self._scales(X, y, classes)
        if self._x_scaler is not None:
            X = self._x_scaler.transform(X)
        if self._y_scaler is not None:
            y = self._y_scaler.transform(y[:, None])[:, 0]
        epochs_before = 0 if start is None else start.position.epoch
        epochs = epochs_before + (1 if partial else self.max_iter)
        n = len(X)
        per_epoch = batches_per_epoch(n, min(self.batch_size or n, n))
        steps_before = 0 if start is None else start.position.step
        config = self._config(epochs, steps_before + (epochs - epochs_before) * per_epoch)
        names = getattr(self, "feature_names_in_", None)
        data = Dataset(
            name=type(self).__name__,
            X=np.array(X, dtype=np.float64),  # a writable copy: torch refuses read-only arrays
            y=y,
            feature_names=tuple(
                str(c) for c in (names if names is not None else _default_names(X.shape[1]))
            ),
            target_name="y",
            task=task,
            classes=classes,
        )
        trainer = Trainer(config, data)
        before: Trace | None = self.trace_ if start is not None else None
        result = trainer.run(start=start, before=before, note=repr(self))
        assert result.trace is not None  # no run directory: the rows stay in memory
        self._checkpoint = _on_cpu(result.session.state)  # the next start (partial_fit)
        trace = result.trace
        self.trace_ = replace(trace, steps=[*(before.steps if before else ()), *trace.steps])
        self.loss_name_ = trainer.loss.name
        W = result.W.detach().to("cpu", torch.float64).numpy()  # (d, k), from any device
        B = result.B.detach().to("cpu", torch.float64).numpy()  # (k,)
        if self._x_scaler is not None:
            mu, sigma = self._x_scaler.mean_, self._x_scaler.scale_
            assert mu is not None and sigma is not None  # fitted above
            W = W / sigma[:, None]
            B = B - mu @ W
        if self._y_scaler is not None:
            m, s = self._y_scaler.mean_, self._y_scaler.scale_
            assert m is not None and s is not None
            W, B = W * s[0], B * s[0] + m[0]
        self.coef_ = W.T.copy()  # (k, d) = Wᵀ, in the data's units
        self.intercept_ = B.copy()  # (k,)
        self.n_iter_ = result.summary.epochs_done
        self.loss_curve_ = [float(h["train_loss"]) for h in self.trace_.history]
        if not partial:
            self._warn_unsettled()

    def _warn_unsettled(self) -> None:
        """A ConvergenceWarning if the loss still fell by more than SETTLED over fit's last tenth."""
        curve = self.loss_curve_
        tail = max(2, len(curve) // 10)
        if len(curve) <= tail or not np.isfinite(curve[-1]):
            return
        fell = (curve[-tail] - curve[-1]) / max(abs(curve[-1]), np.finfo(np.float64).tiny)
        if fell > SETTLED:
            warnings.warn(
                f"{type(self).__name__}: the training loss still fell by {fell:.2%} over the "
                f"last {tail} of {len(curve)} epochs; raise max_iter or learning_rate",
                ConvergenceWarning,
                stacklevel=4,
            )

    def _forget(self) -> None:
        """Drop what a previous fit learned (fit starts afresh; partial_fit continues)."""
        for name in ("_checkpoint", "trace_"):
            if hasattr(self, name):
                delattr(self, name)

    # ----------------------------------------------------------------- prediction
    def _logits(self, X: Any) -> torch.Tensor:
        """Z = XW + B (N, k) for new X, checked against what fit saw."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        W = torch.from_numpy(self.coef_.T.copy())  # (d, k), in the data's units
        B = torch.from_numpy(self.intercept_.copy())  # (k,)
        return torch.addmm(B, torch.from_numpy(np.array(X, dtype=np.float64)), W)  # (N, k)

    def _fitted_loss(self) -> Loss:
        return get_loss(self.loss_name_)


def _notes(standardize: str) -> str:
    """The docstring's list of the estimators' defaults beside ``perceptron-lab train``'s."""
    ours = inspect.signature(_PerceptronEstimator.__init__).parameters
    train = TrainConfig()
    defaults = "\n".join(
        f"    - {n}={_typed(ours[n].default)} "
        f"(train: --{library.replace('_', '-')} {getattr(train, library)})"
        for n, library in _TRAIN.items()
    )
    return _NOTES.format(defaults=defaults, standardize=standardize, train=train)


def _on_cpu(state: checkpoint.Checkpoint) -> checkpoint.Checkpoint:
    """The checkpoint with its tensors on the CPU (the same bits): a fitted estimator pickles
    and loads on any machine, and the next ``partial_fit`` takes it to its device."""

    def cpu(value: Any) -> Any:
        return value.cpu() if isinstance(value, torch.Tensor) else value

    return replace(
        state,
        W=cpu(state.W),
        B=cpu(state.B),
        state={p: {k: cpu(v) for k, v in entries.items()} for p, entries in state.state.items()},
    )


def _typed(value: Any) -> str:
    """A default as it is typed in Python: "adam", 0.01."""
    return f'"{value}"' if isinstance(value, str) else str(value)


def _default_names(d: int) -> list[str]:
    return [f"x{j + 1}" for j in range(d)]


_CLASSIFIER_AUTO = f"{auto_loss('binary')} for two classes, {auto_loss('multiclass')} for more"


class PerceptronClassifier(ClassifierMixin, _PerceptronEstimator):  # type: ignore[misc]
    __doc__ = (
        "A logistic (bce), softmax (cross_entropy) or Rosenblatt (perceptron) neuron, "
        "as a scikit-learn classifier.\n\n    ``classes_`` are the sorted labels; with two "
        "classes the logit z is that of ``classes_[1]``\n    (bce: P = σ(z)).\n"
        + _losses(
            ("binary", "multiclass"),
            _CLASSIFIER_AUTO,
            "y holds any labels, numbers or strings: fit encodes them as their indices in\n"
            '    ``classes_``, so a two-class loss takes any two labels (0/1, −1/+1, "no"/"yes").',
        )
        + _PARAMETERS.format(
            losses=_choices(AUTO, *losses_of("binary", "multiclass")),
            auto=_CLASSIFIER_AUTO,
            k="k = 1 for two classes with a binary loss, else one row per class",
            target="",
            standardize_default="False (the features as given, as LogisticRegression takes them)",
            **_RULES,
        )
        + _notes("False")
    )
    _tasks = ("binary", "multiclass")
    _standardizes = False

    def fit(self, X: Any, y: Any) -> PerceptronClassifier:
        """Train ``max_iter`` epochs from the seed's initial weights."""
        self._forget()
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        self._draw_seed()
        self._train(X, self._encode(y), self._class_tuple(), partial=False)
        return self

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> PerceptronClassifier:
        """One more epoch on X, y; the first call needs ``classes``, every label there is."""
        first = not hasattr(self, "_checkpoint")
        X, y = validate_data(self, X, y, dtype=np.float64, reset=first)
        check_classification_targets(y)
        if first:
            if classes is None:
                raise InputError(
                    "classes",
                    "every class label on the first call to partial_fit",
                    "None",
                    hint="pass classes=np.unique(y_all)",
                )
            self.classes_ = np.unique(np.asarray(classes))
            self._draw_seed()
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise InputError("classes", f"those of the first call, {self.classes_}", str(classes))
        self._train(X, self._encode(y), self._class_tuple(), partial=True)
        return self

    def _class_tuple(self) -> tuple[Any, ...]:
        if len(self.classes_) < 2:
            raise InputError(
                "y", "at least 2 classes", f"one class ({self.classes_.tolist()[0]!r})"
            )
        return tuple(self.classes_.tolist())

    def _encode(self, y: np.ndarray) -> np.ndarray:
        """Labels (N,) → their indices in ``classes_`` (N,) int64."""
        index = np.minimum(np.searchsorted(self.classes_, y), len(self.classes_) - 1)
        unknown = self.classes_[index] != y
        if unknown.any():
            raise InputError(
                "y", f"labels among classes_ {self.classes_}", str(y[np.argmax(unknown)])
            )
        return index.astype(np.int64)

    def decision_function(self, X: Any) -> np.ndarray:
        """Z (N,) for two classes (the logit of ``classes_[1]``), else Z (N, C)."""
        Z = self._logits(X)  # (N, k)
        if len(self.classes_) == 2:
            # softmax of two logits is σ(z₁ − z₀): one logit, as with bce
            Z = Z[:, 1] - Z[:, 0] if Z.shape[1] == 2 else Z[:, 0]
        decision: np.ndarray = Z.numpy()
        return decision

    def predict(self, X: Any) -> np.ndarray:
        """The loss's own prediction: z ≥ 0 for two classes, the largest logit for more."""
        Z = self._logits(X)  # (N, k)
        loss = self._fitted_loss()
        labels: np.ndarray = self.classes_[loss.class_index(loss.predict(Z))]
        return labels

    def _has_probabilities(self) -> bool:
        return self.loss == AUTO or loss_class(self.loss).probabilistic

    @available_if(_has_probabilities)  # type: ignore[untyped-decorator]
    def predict_proba(self, X: Any) -> np.ndarray:
        """[1 − σ(z), σ(z)] for bce, softmax(Z) for cross_entropy: (N, C)."""
        Z = self._logits(X)  # (N, k)
        A = self._fitted_loss().activation.closed(Z)  # (N, k)
        if A.shape[1] == 1:
            A = torch.cat([1 - A, A], dim=1)  # (N, 2)
        proba: np.ndarray = A.numpy()
        return proba

    @available_if(_has_probabilities)  # type: ignore[untyped-decorator]
    def predict_log_proba(self, X: Any) -> np.ndarray:
        """log of :meth:`predict_proba`."""
        log_proba: np.ndarray = np.log(self.predict_proba(X))
        return log_proba


class PerceptronRegressor(RegressorMixin, _PerceptronEstimator):  # type: ignore[misc]
    __doc__ = (
        "A linear neuron ŷ = z = XW + B trained on mean squared error, as a scikit-learn "
        "regressor.\n"
        + _losses(("regression",), auto_loss("regression"), "y holds real numbers.")
        + _PARAMETERS.format(
            losses=_choices(AUTO, *losses_of("regression")),
            auto=auto_loss("regression"),
            k="k = 1",
            target=" and a standardized target",
            standardize_default="True (the target's units need not suit the learning rate)",
            **_RULES,
        )
        + _notes("True")
    )
    _tasks = ("regression",)
    _standardizes = True

    def fit(self, X: Any, y: Any) -> PerceptronRegressor:
        """Train ``max_iter`` epochs from the seed's initial weights."""
        self._forget()
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        self._draw_seed()
        self._train(X, np.array(y, dtype=np.float64), None, partial=False)
        return self

    def partial_fit(self, X: Any, y: Any) -> PerceptronRegressor:
        """One more epoch on X, y from the current weights and optimizer state."""
        first = not hasattr(self, "_checkpoint")
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, reset=first)
        if first:
            self._draw_seed()
        self._train(X, np.array(y, dtype=np.float64), None, partial=True)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """ŷ = z = XW + B, (N,)."""
        predicted: np.ndarray = self._logits(X)[:, 0].numpy()
        return predicted
