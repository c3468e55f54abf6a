"""The estimators in scikit-learn's machinery, checked against independent oracles."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, make_regression
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from perceptron_lab.cli import build_parser
from perceptron_lab.cli.train_cmd import _config_from_args
from perceptron_lab.errors import DivergenceError, InputError
from perceptron_lab.losses import loss_class, loss_names
from perceptron_lab.sklearn import PerceptronClassifier, PerceptronRegressor

pytestmark = [
    pytest.mark.usefixtures("one_torch_thread"),
    # short fits on purpose; test_sklearn.py tests the warning itself
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
]


@pytest.fixture(scope="module")
def iris() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_iris(return_X_y=True)
    return X, y


@pytest.fixture(scope="module")
def cancer() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_breast_cancer(return_X_y=True)
    return X, y


def test_pipeline_cross_val_score_and_grid_search(
    iris: tuple[np.ndarray, np.ndarray], cancer: tuple[np.ndarray, np.ndarray]
) -> None:
    X, y = iris
    pipe = make_pipeline(StandardScaler(), PerceptronClassifier(random_state=0))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8

    Xb, yb = cancer
    grid = GridSearchCV(
        make_pipeline(StandardScaler(), PerceptronClassifier(max_iter=50, random_state=0)),
        {"perceptronclassifier__learning_rate": [1e-4, 0.05]},
        cv=3,
    )
    grid.fit(Xb, yb)
    # 50 Adam steps of 1e-4 barely move the random start; 0.05 learns the data
    assert grid.best_params_ == {"perceptronclassifier__learning_rate": 0.05}
    assert grid.best_score_ > 0.95


def test_predict_proba_is_the_activation_of_decision_function(
    iris: tuple[np.ndarray, np.ndarray], cancer: tuple[np.ndarray, np.ndarray]
) -> None:
    Xb, yb = cancer
    binary = make_pipeline(StandardScaler(), PerceptronClassifier(random_state=1)).fit(Xb, yb)
    z = binary.decision_function(Xb)  # (N,)
    proba = binary.predict_proba(Xb)  # (N, 2)
    np.testing.assert_allclose(proba[:, 1], expit(z), rtol=1e-12)
    np.testing.assert_allclose(proba[:, 0], 1 - expit(z), rtol=1e-12)
    np.testing.assert_array_equal(binary.predict(Xb), np.where(z >= 0, 1, 0))

    X, y = iris
    multi = PerceptronClassifier(random_state=1).fit(X, y)
    Z = multi.decision_function(X)  # (N, 3)
    np.testing.assert_allclose(multi.predict_proba(X), softmax(Z, axis=1), rtol=1e-12)
    np.testing.assert_array_equal(multi.predict(X), Z.argmax(axis=1))
    np.testing.assert_allclose(multi.predict_log_proba(X), np.log(softmax(Z, axis=1)), rtol=1e-9)
    assert not hasattr(PerceptronClassifier(loss="perceptron"), "predict_proba")


def test_coef_is_the_traces_final_W_and_the_logits_are_XW_plus_B(
    iris: tuple[np.ndarray, np.ndarray],
) -> None:
    X, y = iris
    clf = PerceptronClassifier(max_iter=30, batch_size=50, random_state=3).fit(X, y)
    d, k = 4, 3
    trace = clf.trace_
    assert trace.path is None and len(trace) == 30 * 3  # 3 batches of 50 per epoch
    last = trace.steps[-1]
    np.testing.assert_array_equal(clf.coef_, np.array(last["W_after"]).reshape(d, k).T)
    np.testing.assert_array_equal(clf.intercept_, np.array(last["B_after"]))
    np.testing.assert_allclose(
        clf.decision_function(X), X @ clf.coef_.T + clf.intercept_, rtol=1e-12
    )
    assert clf.n_iter_ == 30 and len(clf.loss_curve_) == 30
    assert clf.loss_curve_ == [h["train_loss"] for h in trace.history]
    assert clf.seed_ == 3 and trace.manifest.seed == 3
    assert trace.manifest.config.decay_bias is False
    assert trace.summary.verified_steps == 2  # the first and the last step


def test_two_partial_fits_equal_fit_with_two_epochs_bit_for_bit(
    cancer: tuple[np.ndarray, np.ndarray],
) -> None:
    X, y = cancer
    X = StandardScaler().fit_transform(X)
    settings = dict(batch_size=64, alpha=1e-3, learning_rate=0.01, random_state=7)  # shuffled
    whole = PerceptronClassifier(max_iter=2, **settings).fit(X, y)
    parts = PerceptronClassifier(**settings)
    parts.partial_fit(X, y, classes=[0, 1])
    assert parts.n_iter_ == 1
    parts.partial_fit(X, y)
    assert parts.n_iter_ == 2
    np.testing.assert_array_equal(parts.coef_, whole.coef_)
    np.testing.assert_array_equal(parts.intercept_, whole.intercept_)
    assert parts.loss_curve_ == whole.loss_curve_
    assert [r["step"] for r in parts.trace_] == list(range(1, 2 * 9 + 1))  # 9 batches per epoch
    for a, b in zip(parts.trace_, whole.trace_, strict=True):
        assert a["W_after"] == b["W_after"] and a["state_W_exp_avg_sq"] == b["state_W_exp_avg_sq"]


def test_alpha_is_ridges_penalty_scaled_by_two_over_n() -> None:
    """Mean (z − y)² + (λ/2)‖W‖² has Ridge's minimizer with alpha = N·λ/2."""
    X, y = make_regression(n_samples=80, n_features=3, noise=5.0, bias=2.0, random_state=0)
    X, y = StandardScaler().fit_transform(X), y / y.std()
    lam = 0.3
    ours = PerceptronRegressor(
        alpha=lam, learning_rate=0.05, max_iter=1500, schedule="cosine:T_max=1500", random_state=0
    ).fit(X, y)
    ridge = Ridge(alpha=len(y) * lam / 2).fit(X, y)
    np.testing.assert_allclose(ours.coef_[0], ridge.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_[0], ridge.intercept_, atol=1e-6)
    assert ours.score(X, y) == pytest.approx(ridge.score(X, y), abs=1e-9)


def test_feature_names_from_a_dataframe_reach_the_trace(
    iris: tuple[np.ndarray, np.ndarray],
) -> None:
    import pandas as pd

    X, y = iris
    frame = pd.DataFrame(X, columns=["sl", "sw", "pl", "pw"])
    clf = PerceptronClassifier(max_iter=5, random_state=0).fit(frame, pd.Series(y))
    assert list(clf.feature_names_in_) == ["sl", "sw", "pl", "pw"]
    assert clf.trace_.manifest.data.feature_names == ("sl", "sw", "pl", "pw")
    assert clf.n_features_in_ == 4


def test_string_labels_and_a_random_state_of_none() -> None:
    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.1, 0.9], [0.9, 0.2]])
    y = np.array(["no", "yes", "no", "yes"])
    a = PerceptronClassifier(learning_rate=0.1, max_iter=100).fit(X, y)
    b = PerceptronClassifier(learning_rate=0.1, max_iter=100).fit(X, y)
    assert a.seed_ != b.seed_  # drawn: one in 2³¹ − 1 to collide
    assert list(a.classes_) == ["no", "yes"] and a.trace_.manifest.data.classes == ("no", "yes")
    np.testing.assert_array_equal(a.predict(X), y)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"learning_rate": -1}, "learning_rate: expected a number in (0, 1000], got -1"),
        ({"learning_rate": 1e23}, "learning_rate: expected a number in (0, 1000], got 1e+23"),
        ({"alpha": -0.5}, "alpha: expected a number in [0, 1000], got -0.5"),
        ({"max_iter": 0}, "max_iter: expected an integer in [1, 1000000], got 0"),
        ({"batch_size": 2.5}, "batch_size: expected an integer in [1, 2**63-1], got 2.5"),
        (
            {"loss": "mse"},
            "loss: expected one of auto, bce, cross_entropy, perceptron for two classes, got 'mse'",
        ),
        (
            {"optimizer": "lion"},
            "optimizer: expected one of adagrad, adam, adamw, lbfgs, rmsprop, sgd",
        ),
        ({"dtype": "float16"}, "dtype: expected one of float32, float64, got 'float16'"),
        ({"random_state": -1}, "random_state: expected an int in [0, 2147483647], got -1"),
        ({"schedule": "linear"}, "schedule: expected one of constant, step, exponential, cosine"),
    ],
)
def test_bad_parameters_are_refused_in_fit_with_what_was_expected(
    params: dict[str, object], message: str
) -> None:
    clf = PerceptronClassifier(**params)  # type: ignore[arg-type]  # __init__ only stores
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        clf.fit([[0.0], [1.0]], [0, 1])


def test_input_errors_say_what_was_expected(iris: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = iris
    with pytest.raises(InputError, match="classes: expected every class label on the first call"):
        PerceptronClassifier().partial_fit(X, y)
    with pytest.raises(InputError, match=r"y: expected labels among classes_ \[0 1\], got 2"):
        PerceptronClassifier().partial_fit(X, y, classes=[0, 1])
    with pytest.raises(InputError, match=r"y: expected at least 2 classes, got one class \(1\)"):
        PerceptronClassifier().fit(X, np.ones(len(X), dtype=int))
    with pytest.raises(InputError, match="loss: expected one of auto, cross_entropy for 3 classes"):
        PerceptronClassifier(loss="bce").fit(X, y)
    clf = PerceptronClassifier(max_iter=2).fit(X, y)
    with pytest.raises(
        ValueError, match="X has 3 features, but PerceptronClassifier is expecting 4"
    ):
        clf.predict(X[:, :3])


def test_partial_fit_streams_chunks_of_any_size(iris: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = iris
    order = np.random.default_rng(0).permutation(len(y))
    X, y = X[order], y[order]
    clf = PerceptronClassifier(batch_size=32, optimizer="sgd", random_state=0)
    clf.partial_fit(X[:100], y[:100], classes=[0, 1, 2])  # 4 batches: 32, 32, 32, 4
    clf.partial_fit(X[100:], y[100:])  # 2 batches: 32, 18
    steps = list(clf.trace_)
    assert [r["step"] for r in steps] == [1, 2, 3, 4, 5, 6]
    assert [r["epoch"] for r in steps] == [1, 1, 1, 1, 2, 2]
    assert [r["n_samples"] for r in steps] == [32, 32, 32, 4, 32, 18]
    assert steps[4]["W_before"] == steps[3]["W_after"]  # the second call starts where it stopped
    assert clf.n_iter_ == 2 and len(clf.loss_curve_) == 2
    np.testing.assert_array_equal(clf.coef_.T.reshape(-1), steps[-1]["W_after"])


def test_the_regressor_fits_diabetes_with_its_defaults() -> None:
    """Features on a 0.05 scale, a target around 152: standardized, the defaults fit."""
    from sklearn.datasets import load_diabetes
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LinearRegression

    X, y = load_diabetes(return_X_y=True)
    ols = LinearRegression().fit(X, y)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        ours = PerceptronRegressor(random_state=0).fit(X, y)
    assert not [w for w in seen if issubclass(w.category, ConvergenceWarning)]
    assert ours.score(X, y) >= 0.45 and ours.score(X, y) == pytest.approx(ols.score(X, y), abs=0.01)
    # coef_ and intercept_ are in the data's units: predict is X·coef_ᵀ + intercept_
    np.testing.assert_allclose(ours.predict(X), X @ ours.coef_[0] + ours.intercept_[0], rtol=1e-12)
    # trained to the end, the standardized run lands on least squares in the data's units
    long = PerceptronRegressor(max_iter=2000, random_state=0).fit(X, y)
    np.testing.assert_allclose(long.coef_[0], ols.coef_, rtol=1e-4, atol=1e-2)
    assert long.intercept_[0] == pytest.approx(ols.intercept_, abs=1e-6)
    # the trace is the standardized run's: y' has variance 1, so its mean squared error
    # at least squares is 1 − R²
    assert long.loss_curve_[-1] == pytest.approx(1 - ols.score(X, y), rel=1e-9)


def test_an_unstandardized_fit_that_has_not_settled_warns() -> None:
    from sklearn.datasets import load_diabetes
    from sklearn.exceptions import ConvergenceWarning

    X, y = load_diabetes(return_X_y=True)
    with pytest.warns(ConvergenceWarning, match=r"still fell by .* over the last 20 of 200"):
        raw = PerceptronRegressor(standardize=False, random_state=0).fit(X, y)
    assert raw.score(X, y) < 0  # the intercept has only crawled towards mean(y) = 152
    with pytest.raises(InputError, match="standardize: expected True, False or None, got 'yes'"):
        PerceptronRegressor(standardize="yes").fit(X, y)


Data = dict[str, tuple[np.ndarray, np.ndarray]]


@pytest.fixture(scope="module")
def datasets() -> Data:
    return {
        "iris": load_iris(return_X_y=True),  # 3 classes
        "cancer": load_breast_cancer(return_X_y=True),  # 2 classes
        "diabetes": load_diabetes(return_X_y=True),  # a real-valued target
    }


def _overflowing(data: Data) -> tuple[np.ndarray, np.ndarray]:
    X, y = data["iris"]
    X = X.copy()
    X[3, 2] = 1e39  # finite in float64, past float32
    return X, y


# (the parameter named, the error, a fit whose mistake a layer below finds, its message)
BELOW: list[tuple[str, type[Exception], Callable[[Data], Any], str]] = [
    (
        "loss",
        InputError,
        lambda d: PerceptronClassifier(loss="perceptron").fit(*d["iris"]),
        "loss: expected one of auto, cross_entropy for 3 classes, got 'perceptron' "
        "(perceptron takes two classes)",
    ),
    (
        "loss",
        InputError,
        lambda d: PerceptronClassifier(loss="bce").partial_fit(*d["iris"], classes=[0, 1, 2]),
        "loss: expected one of auto, cross_entropy for 3 classes, got 'bce' "
        "(bce takes two classes)",
    ),
    (
        "loss",
        InputError,
        lambda d: PerceptronRegressor(loss="cross_entropy").fit(*d["diabetes"]),
        "loss: expected one of auto, mse for real-valued targets, got 'cross_entropy'",
    ),
    (
        "max_iter",
        InputError,
        lambda d: PerceptronClassifier(max_iter=1_000_000, batch_size=1).fit(*d["iris"]),
        "max_iter: expected at most 66666 epochs of 150 batches "
        "(10000000 steps a run at most), got 1000000",
    ),
    (
        "max_iter",  # fit keeps every step in memory (trace_)
        InputError,
        lambda d: PerceptronRegressor(max_iter=500_000).fit(*d["diabetes"]),
        "max_iter: expected at most ",
    ),
    (
        "dtype",  # X is what came; the hint names the parameter that holds it
        InputError,
        lambda d: PerceptronClassifier(dtype="float32").fit(*_overflowing(d)),
        "X: expected numbers that float32 can hold (|x| <= 3.403e+38), got 1e+39 at row 4, "
        "column 'x3' (use float64 (dtype) or scale the data)",
    ),
    (
        "learning_rate",
        DivergenceError,
        lambda d: PerceptronRegressor(
            learning_rate=999, optimizer="sgd", standardize=False, max_iter=50, random_state=0
        ).fit(*d["diabetes"]),
        "step 47: loss: expected finite numbers, got NaN or Inf "
        "(lower the learning rate (learning_rate = 999) or scale the features (standardize))",
    ),
    (
        "alpha",
        InputError,
        lambda d: PerceptronClassifier(optimizer="adamw", alpha=2000).fit(*d["cancer"]),
        "alpha: expected a number in [0, 1000], got 2000",
    ),
    (
        "batch_size",
        InputError,
        lambda d: PerceptronRegressor(batch_size=0).partial_fit(*d["diabetes"]),
        "batch_size: expected an integer in [1, 2**63-1], got 0",
    ),
    (
        "learning_rate",
        InputError,
        lambda d: PerceptronClassifier(learning_rate="0.1").fit(  # type: ignore[arg-type]
            *d["cancer"]
        ),
        "learning_rate: expected a number in (0, 1000], got '0.1'",
    ),
    (
        "schedule",
        InputError,
        lambda d: PerceptronClassifier(schedule="cosine:T_max=0").fit(*d["iris"]),
        "schedule: expected an integer >= 1 for T_max, got 0",
    ),
]


@pytest.mark.parametrize(
    ("parameter", "kind", "call", "message"),
    BELOW,
    ids=[f"{i}-{case[0]}" for i, case in enumerate(BELOW)],
)
def test_errors_from_below_name_the_estimators_parameter(
    datasets: Data,
    parameter: str,
    kind: type[Exception],
    call: Callable[[Data], Any],
    message: str,
) -> None:
    with pytest.raises(kind) as caught:
        call(datasets)
    error = caught.value
    text = str(error)
    assert text.startswith(message)
    assert parameter in text and "--" not in text and "\n" not in text
    if isinstance(error, InputError):
        assert error.argument in ("X", parameter)
    if isinstance(error, DivergenceError):
        assert error.summary is not None  # the stopped run's summary still comes with it


FITS: dict[str, tuple[type[Any], str]] = {
    "iris": (PerceptronClassifier, "two classes or more"),  # 3 classes: only these
    "cancer": (PerceptronClassifier, "two classes"),
    "diabetes": (PerceptronRegressor, "real-valued targets"),
}


def test_each_estimator_lists_the_losses_it_fits_with_their_targets(datasets: Data) -> None:
    """A registered loss is listed, with the targets it took, by each estimator that fit it."""
    listed = set()
    for name in loss_names():
        for data, (estimator, targets) in FITS.items():
            X, y = datasets[data]
            line = f'- "{name}" ({loss_class(name).title}): '
            try:
                estimator(loss=name, max_iter=1, random_state=0).fit(X[::4], y[::4])
            except InputError as exc:
                assert exc.argument == "loss"
                continue
            doc = estimator.__doc__ or ""
            assert line in doc
            assert doc.split(line)[1].split("\n")[0].startswith(targets)
            listed.add(name)
    assert listed == set(loss_names())


def test_the_docstrings_set_the_defaults_beside_perceptron_lab_trains() -> None:
    train = _config_from_args(build_parser().parse_args(["train"]), None)
    for estimator, standardize in ((PerceptronClassifier, False), (PerceptronRegressor, True)):
        doc = estimator.__doc__ or ""
        ours = estimator()
        assert f'- optimizer="{ours.optimizer}" (train: --optimizer {train.optimizer})' in doc
        assert f"- max_iter={ours.max_iter} (train: --epochs {train.epochs})" in doc
        assert f"- learning_rate={ours.learning_rate} (train: --lr {train.lr})" in doc
        assert f'- dtype="{ours.dtype}" (train: --dtype {train.dtype})' in doc
        assert f"- standardize=None: {standardize} (train: {train.standardize}," in doc
        assert f"(train: --seed {train.seed})" in doc
    assert (train.optimizer, train.epochs, train.lr, train.dtype) == ("sgd", 5, 0.01, "float32")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"seed": 2**40}, "seed: expected an int in [0, 2147483647], got 1099511627776"),
        ({"epochs": 200_000}, "epochs: expected at most "),
    ],
)
def test_reconcile_names_its_own_parameters_not_the_classifiers(
    settings: dict[str, int], message: str
) -> None:
    """reconcile trains a PerceptronClassifier: its errors name reconcile's epochs, not max_iter."""
    from perceptron_lab.sklearn.reconcile import reconcile

    with pytest.raises(InputError) as caught:
        reconcile("iris", **settings)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message) and "--" not in str(caught.value)
