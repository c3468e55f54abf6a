"""perceptron-lab beside scikit-learn: the same data, every setting that differs, the gap left.

``reconcile(dataset)`` standardizes a classification dataset and fits it three ways:
perceptron-lab (:class:`~perceptron_lab.sklearn.estimators.PerceptronClassifier`: full batch,
Adam, float64), scikit-learn's ``LogisticRegression`` and its ``SGDClassifier`` — each
scikit-learn model once with its defaults and once with the settings that make it
solve perceptron-lab's problem. The settings are listed (:mod:`.reconcile_plan`),
then the gap that remains: in the coefficients (max |Δ| and relative to the largest
coefficient), in the loss and in the accuracy.

With the L2 penalty (``penalty="l2"``), LogisticRegression minimizes
C·Σℓ + ½‖w‖², which is C·N times mean ℓ + ‖w‖²/(2·C·N): perceptron-lab's
mean loss with weight decay λ = 1/(C·N) on W only. That objective is strictly convex, so
both reach the same unique W, B. Without a penalty the data may be separable: the loss
then falls for ever as ‖W‖ grows, and the comparison says so with ‖W‖ by epoch.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch

from ..bounds import bounded
from ..data import Dataset, load, standardize
from ..engine.config import TrainConfig
from ..engine.inputs import Tensors, choose_loss, to_tensors
from ..engine.metrics import evaluate
from ..errors import InputError
from ..losses import Loss
from .reconcile_plan import PENALTIES, Plan, Setting, plan

GROWING = 1.01  # ‖W‖ at the last epoch over ‖W‖ at half the epochs: still running off
# PerceptronClassifier's parameters that reconcile sets from its own, by reconcile's names
OURS = {"max_iter": "epochs", "learning_rate": "lr", "random_state": "seed"}


@dataclass(frozen=True)
class Fit:
    """One fitted model: its coefficients and how well it does on the data it was fit on."""

    name: str  # e.g. "LogisticRegression (matched)"
    settings: str  # the arguments it was built with
    coef: list[list[float]]  # (k, d) = Wᵀ, scikit-learn's layout
    intercept: list[float]  # (k,) B
    same_model: bool  # the same model as perceptron-lab's (False: SGD's one-vs-rest)
    loss: float | None  # mean loss on the data (None: not the same model)
    objective: float | None  # loss + (λ/2)·‖W‖², what the matched models minimize
    accuracy: float
    coef_norm: float  # ‖W‖ (Frobenius)
    n_iter: int  # epochs or solver iterations
    notes: list[str] = field(default_factory=list)  # warnings the fit raised


@dataclass(frozen=True)
class Gap:
    """perceptron-lab minus one scikit-learn fit."""

    reference: str  # the scikit-learn fit's name
    coef_max_abs: float | None  # max |ΔW| (None: not comparable)
    coef_relative: float | None  # max |ΔW| / max |W_theirs|
    intercept_max_abs: float | None  # max |ΔB|
    loss: float | None  # our loss − theirs
    accuracy: float  # our accuracy − theirs


@dataclass(frozen=True)
class Comparison:
    """What differs between perceptron-lab and scikit-learn on one dataset, and by how much."""

    dataset: str
    n_samples: int  # N
    n_features: int  # d
    classes: list[str]
    penalty: str  # "l2" or "none"
    C: float | None  # LogisticRegression's C (None: no penalty)
    weight_decay: float  # λ = 1/(C·N), on W only
    settings: list[Setting]
    fits: list[Fit]  # perceptron-lab first
    gaps: list[Gap]  # one per scikit-learn fit
    norms: list[tuple[int, float]]  # (epoch, ‖W‖) of perceptron-lab's run
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def reconcile(
    dataset: str | Dataset = "breast_cancer",
    *,
    penalty: str = "l2",
    C: float = 1.0,
    epochs: int = 3000,
    lr: float = 0.05,
    seed: int = 0,
    verify_every: int | None = None,
) -> Comparison:
    """Fit ``dataset`` (standardized) with perceptron-lab and scikit-learn; list and measure.

    ``penalty="l2"`` matches LogisticRegression's C (λ = 1/(C·N)); ``"none"`` fits every
    model without a penalty. perceptron-lab trains ``epochs`` full-batch Adam steps with
    γ = ``lr`` annealed to 0 by a cosine schedule, in float64, verifying every
    ``verify_every``-th step against PyTorch (None: the first and the last).
    """
    if penalty not in PENALTIES:
        raise InputError("penalty", " or ".join(PENALTIES), repr(penalty))
    C = bounded("C", C) if penalty == "l2" else C
    epochs, lr, seed = bounded("epochs", epochs), bounded("lr", lr), bounded("seed", seed)
    data = load(dataset) if isinstance(dataset, str) else dataset
    if data.task == "regression":
        raise InputError(
            "dataset",
            "a classification dataset (LogisticRegression and SGDClassifier classify)",
            f"{data.name}, a regression target",
        )
    data, _ = standardize(data)
    steps = plan(data, penalty=penalty, C=C, epochs=epochs, lr=lr, seed=seed)
    loss = choose_loss(data, TrainConfig())  # the task's loss: bce or cross_entropy
    tensors = to_tensors(data, loss, loss.outputs(data), torch.float64)
    ours, norms = _fit_ours(data, steps, verify_every)
    fits = [_describe("perceptron-lab", steps.ours_settings, ours, tensors, loss, steps)]
    for name, settings, model in _scikit_learn_models(steps):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.fit(data.X, data.y)
        notes = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
        # SGDClassifier fits one binary model per class for C > 2: not softmax's W
        same = not (name.startswith("SGD") and data.n_classes > 2)
        fits.append(_describe(name, settings, model, tensors, loss, steps, notes, same))
    gaps = [_gap(fits[0], other) for other in fits[1:]]
    return Comparison(
        dataset=data.name,
        n_samples=data.n_samples,
        n_features=data.n_features,
        classes=[str(c) for c in data.classes or ()],
        penalty=penalty,
        C=None if steps.penalty == "none" else steps.C,
        weight_decay=steps.weight_decay,
        settings=steps.settings,
        fits=fits,
        gaps=gaps,
        norms=norms,
        warnings=_warnings(fits, norms, steps),
    )


def _fit_ours(
    data: Dataset, steps: Plan, verify_every: int | None
) -> tuple[Any, list[tuple[int, float]]]:
    """perceptron-lab's fit and ‖W‖ after chosen epochs (read from its trace)."""
    from sklearn.exceptions import ConvergenceWarning

    from .estimators import PerceptronClassifier, named_as

    model = PerceptronClassifier(**steps.ours, verify_every=verify_every)
    with warnings.catch_warnings(), named_as(OURS):
        # the comparison shows how far each fit got (‖W‖ by epoch, the gaps): no warning
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(data.X, data.y)
    last_of_epoch = {row["epoch"]: row["W_after"] for row in model.trace_.steps}
    norms = [
        (epoch, float(np.linalg.norm(last_of_epoch[epoch])))
        for epoch in _shown_epochs(max(last_of_epoch))
    ]
    return model, norms


def _shown_epochs(last: int) -> list[int]:
    """1, 2, 5, 10, 20, 50, … up to ``last``, and ``last``."""
    shown, scale = [], 1
    while scale <= last:
        shown += [e for e in (scale, 2 * scale, 5 * scale) if e <= last]
        scale *= 10
    return sorted({*shown, last})


def _scikit_learn_models(steps: Plan) -> list[tuple[str, str, Any]]:
    """(name, settings, unfitted model): each scikit-learn model with defaults, then matched."""
    from sklearn.linear_model import LogisticRegression, SGDClassifier

    built = []
    for name, cls, kwargs in (
        ("LogisticRegression (defaults)", LogisticRegression, {}),
        ("LogisticRegression (matched)", LogisticRegression, steps.logistic),
        ("SGDClassifier (defaults)", SGDClassifier, {"random_state": steps.seed}),
        ("SGDClassifier (matched)", SGDClassifier, steps.sgd),
    ):
        settings = ", ".join(f"{k}={_show(v)}" for k, v in kwargs.items()) or "defaults"
        built.append((name, settings, cls(**kwargs)))
    return built


def _show(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else repr(value)


def _describe(
    name: str,
    settings: str,
    model: Any,
    tensors: Tensors,
    loss: Loss,
    steps: Plan,
    notes: list[str] | None = None,
    same_model: bool = True,
) -> Fit:
    """Loss and accuracy of a fitted model's W = coef_ᵀ, B = intercept_, by perceptron-lab."""
    coef = np.asarray(model.coef_, dtype=np.float64)  # (k, d)
    intercept = np.asarray(model.intercept_, dtype=np.float64).reshape(-1)  # (k,)
    W = torch.from_numpy(coef.T.copy())  # (d, k)
    B = torch.from_numpy(intercept.copy())  # (k,)
    metrics = evaluate(loss, tensors.X, tensors.y, W, B)
    value = metrics["loss"] if same_model else None
    norm = float(np.linalg.norm(coef))
    return Fit(
        name=name,
        settings=settings,
        same_model=same_model,
        coef=coef.tolist(),
        intercept=intercept.tolist(),
        loss=value,
        objective=None if value is None else value + steps.weight_decay / 2 * norm**2,
        accuracy=metrics["accuracy"],
        coef_norm=norm,
        n_iter=int(np.max(model.n_iter_)),
        notes=list(notes or ()),
    )


def _centered(rows: np.ndarray) -> np.ndarray:
    """Softmax's W and B are defined up to a shift shared by all classes: subtract the mean."""
    return rows - rows.mean(axis=0) if rows.shape[0] > 1 else rows


def _gap(ours: Fit, theirs: Fit) -> Gap:
    """Coefficients are compared only between the same models; accuracy always."""
    if theirs.same_model:
        W_ours, W_theirs = _centered(np.array(ours.coef)), _centered(np.array(theirs.coef))
        B_ours, B_theirs = (
            _centered(np.array(ours.intercept)),
            _centered(np.array(theirs.intercept)),
        )
        coef_abs: float | None = float(np.abs(W_ours - W_theirs).max())
        coef_rel: float | None = float(coef_abs / max(np.abs(W_theirs).max(), 1e-300))
        intercept_abs: float | None = float(np.abs(B_ours - B_theirs).max())
    else:
        coef_abs = coef_rel = intercept_abs = None
    loss = None if ours.loss is None or theirs.loss is None else ours.loss - theirs.loss
    return Gap(
        theirs.name, coef_abs, coef_rel, intercept_abs, loss, ours.accuracy - theirs.accuracy
    )


def _warnings(fits: list[Fit], norms: list[tuple[int, float]], steps: Plan) -> list[str]:
    """What a reader must know before trusting the numbers."""
    found = [f"{fit.name}: {note}" for fit in fits for note in fit.notes]
    if steps.penalty != "none":
        return found
    last_epoch, last = norms[-1]
    half = min(norms, key=lambda en: abs(en[0] - last_epoch / 2))
    if last > GROWING * half[1]:
        separable = [f for f in fits if f.name.startswith("LogisticRegression (matched)")]
        reason = (
            " — the classes are linearly separable (LogisticRegression without a penalty "
            f"classifies every sample correctly, ‖w‖ = {separable[0].coef_norm:.4g})"
            if separable and separable[0].accuracy == 1.0
            else ""
        )
        found.append(
            f"Without a penalty ‖W‖ keeps growing ({half[1]:.4g} at epoch {half[0]}, "
            f"{last:.4g} at epoch {last_epoch}){reason}: the loss falls for ever as the "
            "coefficients run off, there is no finite optimum, and the coefficient gaps "
            "only measure how long each solver ran. Compare with --penalty l2."
        )
    return found
