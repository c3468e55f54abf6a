"""scikit-learn's own estimator checks, every one of them, on both estimators."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from perceptron_lab.sklearn import PerceptronClassifier, PerceptronRegressor

pytestmark = [
    pytest.mark.usefixtures("one_torch_thread"),
    # short fits on purpose; test_sklearn.py tests the warning itself
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
]


@parametrize_with_checks([PerceptronClassifier(), PerceptronRegressor()])
def test_scikit_learn_check(estimator: Any, check: Callable[[Any], None]) -> None:
    check(estimator)


ARRAY_API_CHECK = """
from sklearn.utils.estimator_checks import estimator_checks_generator
from perceptron_lab.sklearn import PerceptronClassifier, PerceptronRegressor
ran = 0
for est in (PerceptronClassifier(), PerceptronRegressor()):
    for estimator, check in estimator_checks_generator(est):
        if "array_api" in str(check):
            check(estimator)
            ran += 1
print(ran)
"""


@pytest.mark.slow
def test_array_api_check_that_scikit_learn_skips_without_scipy_array_api() -> None:
    """check_array_api_input runs only when SCIPY_ARRAY_API=1 is set before scipy loads."""
    done = subprocess.run(
        [sys.executable, "-c", ARRAY_API_CHECK],
        env={**os.environ, "SCIPY_ARRAY_API": "1", "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2"]
