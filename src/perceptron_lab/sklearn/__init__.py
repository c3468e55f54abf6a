"""scikit-learn estimators over the verified trainer, and the reconciliation with scikit-learn's own (the sklearn extra)."""

from ..extras import require

require("sklearn", "working with scikit-learn", "sklearn")  # before the modules that import it

from .estimators import PerceptronClassifier, PerceptronRegressor

__all__ = ["PerceptronClassifier", "PerceptronRegressor"]
