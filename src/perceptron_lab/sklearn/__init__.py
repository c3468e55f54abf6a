"""scikit-learn estimators over the verified trainer, and the reconciliation with scikit-learn's own."""

from .estimators import PerceptronClassifier, PerceptronRegressor

__all__ = ["PerceptronClassifier", "PerceptronRegressor"]
