"""The settings that make perceptron-lab and scikit-learn disagree, and the ones that match them.

:func:`plan` writes down, for one dataset, every difference between perceptron-lab's
defaults and scikit-learn's ``LogisticRegression`` and ``SGDClassifier`` — as a list of
:class:`Setting` rows for people — and the keyword arguments that make the three solve
one problem: the mean loss L(W, B) + (λ/2)·‖W‖² with λ = 1/(C·N) on W only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..data import Dataset
from ..losses import AUTO
from ..optim.adam import Adam

PENALTIES = ("l2", "none")
LOGISTIC_TOL = 1e-10  # lbfgs stops when max |gradient| < tol: tight enough for 1e-6 agreement
LOGISTIC_MAX_ITER = 10_000


@dataclass(frozen=True)
class Setting:
    """One difference: what scikit-learn does, what perceptron-lab does, what matches them."""

    model: str  # "LogisticRegression", "SGDClassifier" or "both"
    name: str  # what differs
    theirs: str  # scikit-learn's default
    ours: str  # perceptron-lab's default
    matched: str  # the setting used here to make them comparable
    why: str  # one sentence of explanation


@dataclass(frozen=True)
class Plan:
    """The matched settings of one comparison."""

    penalty: str  # "l2" or "none"
    C: float  # LogisticRegression's C (inf: no penalty)
    weight_decay: float  # λ = 1/(C·N)
    seed: int
    ours: dict[str, Any]  # PerceptronClassifier's arguments
    ours_settings: str  # the same, in words
    logistic: dict[str, Any]  # LogisticRegression's arguments
    sgd: dict[str, Any]  # SGDClassifier's arguments
    settings: list[Setting]


def plan(data: Dataset, *, penalty: str, C: float, epochs: int, lr: float, seed: int) -> Plan:
    """The matched settings for ``data`` (N samples) and the list of what they change."""
    n = data.n_samples
    C = math.inf if penalty == "none" else float(C)
    lam = 0.0 if penalty == "none" else 1.0 / (C * n)
    # annealing lets Adam settle on the optimum; without one a constant γ shows the run-off
    schedule = None if penalty == "none" else f"cosine:T_max={epochs}"
    ours = {
        "loss": AUTO,
        "optimizer": Adam.name,
        "learning_rate": lr,
        "max_iter": epochs,
        "batch_size": None,
        "alpha": lam,
        "schedule": schedule,
        "random_state": seed,
        "dtype": "float64",
    }
    annealed = f" annealed by {schedule}" if schedule else ""
    ours_settings = (
        f"full batch, adam, γ = {lr:g}{annealed}, {epochs} epochs, "
        f"weight decay λ = {lam:.4e} on W only, float64, seed {seed}"
    )
    logistic = {"C": C, "tol": LOGISTIC_TOL, "max_iter": LOGISTIC_MAX_ITER}
    sgd = {
        "loss": "log_loss",
        "penalty": None if penalty == "none" else "l2",
        "alpha": lam if penalty == "l2" else 0.0001,
        "learning_rate": "optimal",
        "max_iter": epochs,
        "tol": None,
        "random_state": seed,
    }
    settings = [
        *_common(data, lam, C, penalty),
        _logistic(epochs, lr, annealed),
        *_sgd(data, lam, penalty),
    ]
    return Plan(penalty, C, lam, seed, ours, ours_settings, logistic, sgd, settings)


def _common(data: Dataset, lam: float, C: float, penalty: str) -> list[Setting]:
    n = data.n_samples
    if penalty == "none":
        penalty_row = Setting(
            "LogisticRegression",
            "L2 penalty",
            "C=1.0: minimizes C·Σℓ + ½‖w‖²",
            "alpha=0: no penalty",
            "C=inf (no penalty) and alpha=0",
            "asked for no penalty; C=inf is scikit-learn's way to drop it",
        )
    else:
        penalty_row = Setting(
            "LogisticRegression",
            "L2 penalty",
            "C=1.0: minimizes C·Σℓ + ½‖w‖²",
            "alpha=0: no penalty",
            f"alpha = 1/(C·N) = 1/({C:g}·{n}) = {lam:.4e}",
            "C·Σℓ + ½‖w‖² is C·N times mean ℓ + ‖w‖²/(2·C·N): "
            "the mean loss with weight decay λ = 1/(C·N)",
        )
    rows = [
        penalty_row,
        Setting(
            "both",
            "penalty on the intercept",
            "none: only w is penalized",
            "torch.optim decays every parameter (TrainConfig decay_bias=True)",
            "decay_bias=False: λ on W only (PerceptronClassifier's setting)",
            "a decayed B pulls the intercept toward 0 and moves every coefficient",
        ),
        Setting(
            "both",
            "data scale",
            "fits X as given",
            "fits X as given",
            "both fit the same standardized X (mean 0, population std 1)",
            "raw features differ by orders of magnitude: the solvers then stop at different points",
        ),
        Setting(
            "both",
            "initial weights",
            "zeros",
            "nn.Linear's uniform draw from the seed",
            "kept: with a penalty the optimum is unique, so the start does not matter",
            "without a penalty on separable data it does: there is no optimum to reach",
        ),
    ]
    if data.n_classes > 2:
        rows.append(
            Setting(
                "both",
                "softmax's free shift",
                "W and B up to a shift shared by all classes",
                "the same; B keeps the sum of its initial values",
                "coefficients and intercepts compared after subtracting their mean over classes",
                "adding one vector to every class's logit changes no probability",
            )
        )
    return rows


def _logistic(epochs: int, lr: float, annealed: str) -> Setting:
    return Setting(
        "LogisticRegression",
        "stopping",
        "lbfgs, tol=1e-4, max_iter=100: stops early, about 1e-2 from the optimum",
        "a fixed number of epochs",
        f"tol={LOGISTIC_TOL:g}, max_iter={LOGISTIC_MAX_ITER}; ours: {epochs} full-batch "
        f"Adam epochs, γ = {lr:g}{annealed}, float64",
        "both must reach the optimum itself for their coefficients to agree",
    )


def _sgd(data: Dataset, lam: float, penalty: str) -> list[Setting]:
    rows = [
        Setting(
            "SGDClassifier",
            "loss",
            "hinge: a linear SVM",
            "binary cross-entropy (the logistic loss)",
            "loss='log_loss'",
            "another loss has another optimum",
        ),
        Setting(
            "SGDClassifier",
            "L2 penalty",
            "alpha=1e-4: mean loss + α·½‖w‖²",
            "alpha=0: no penalty",
            "penalty=None" if penalty == "none" else f"alpha = λ = {lam:.4e}",
            "SGDClassifier's alpha is perceptron-lab's λ as it is",
        ),
        Setting(
            "SGDClassifier",
            "updates",
            "one sample per step, reshuffled each epoch",
            "full batch: one step per epoch",
            "kept: SGDClassifier has no full-batch mode",
            "each step follows one sample's gradient: the noise left is the gap that remains",
        ),
        Setting(
            "SGDClassifier",
            "learning-rate schedule",
            "'optimal': η_t = 1/(α·(t₀ + t))",
            "constant γ (Adam), cosine-annealed here",
            "kept: η_t falls as 1/t, so SGD settles near the optimum",
            "a schedule that decays to 0 is what lets per-sample steps converge",
        ),
        Setting(
            "SGDClassifier",
            "stopping",
            "tol=1e-3, n_iter_no_change=5, max_iter=1000",
            "a fixed number of epochs",
            "tol=None: every epoch runs",
            "its default stops when the loss improves by less than 1e-3",
        ),
    ]
    if data.n_classes > 2:
        rows.append(
            Setting(
                "SGDClassifier",
                "multiclass",
                "one binary model per class (one-vs-rest)",
                "one softmax (cross-entropy) model",
                "kept: only accuracies are compared",
                "one-vs-rest weights are another quantity than softmax's",
            )
        )
    return rows
