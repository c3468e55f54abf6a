"""A model's metrics on a file as terminal tables and as JSON (``perceptron-lab evaluate``).

Reads the metrics :mod:`perceptron_lab.engine.model_metrics` computed; computes none.
Class names are the user's text: a table holds them as a rich ``Text``, never as markup.
"""

from __future__ import annotations

import math
from typing import Any

from rich.table import Table
from rich.text import Text

from ..engine.model_metrics import ClassMetrics, RegressionMetrics
from .coefficients import class_mapping
from .i18n import Words
from .numbers import fmt

Metrics = ClassMetrics | RegressionMetrics


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for column in columns:
        table.add_column(Text(column), overflow="fold")
    return table


def evaluation_tables(metrics: Metrics, title: str, lang: str = "en") -> list[Table]:
    """The summary (and for classes: the confusion matrix and the per-class table)."""
    w = Words(lang, "evaluate")
    summary = _table(title, w("metric"), w("value"))
    if isinstance(metrics, RegressionMetrics):
        r2 = w("r2_constant") if math.isnan(metrics.r2) else fmt(metrics.r2)
        for key, value in (("r2", r2), ("mae", fmt(metrics.mae)), ("rmse", fmt(metrics.rmse))):
            summary.add_row(w(key), value)
        return [summary]
    summary.add_row(w("classes"), Text(class_mapping(metrics.classes, lang)))
    summary.add_row(w("accuracy"), fmt(metrics.accuracy))
    loss = w("no_probabilities") if metrics.log_loss is None else fmt(metrics.log_loss)
    summary.add_row(w("log_loss"), loss)
    if len(metrics.classes) == 2:
        auc = w("one_class") if metrics.roc_auc is None else fmt(metrics.roc_auc)
        summary.add_row(w("roc_auc"), auc)
    confusion = _table(w("confusion"), w("true_predicted"), *metrics.classes)
    for name, row in zip(metrics.classes, metrics.confusion.tolist(), strict=True):
        confusion.add_row(Text(name), *(str(v) for v in row))
    per_class = _table(
        w("per_class"), w("class"), w("precision"), w("recall"), w("f1"), w("support")
    )
    for i, name in enumerate(metrics.classes):
        per_class.add_row(
            Text(name),
            fmt(float(metrics.precision[i])),
            fmt(float(metrics.recall[i])),
            fmt(float(metrics.f1[i])),
            str(int(metrics.support[i])),
        )
    return [summary, confusion, per_class]


def evaluation_json(metrics: Metrics) -> dict[str, Any]:
    """Every number of the evaluation, JSON-ready (NaN left for strict_json to write as null)."""
    if isinstance(metrics, RegressionMetrics):
        return {"n": metrics.n, "r2": metrics.r2, "mae": metrics.mae, "rmse": metrics.rmse}
    return {
        "n": metrics.n,
        "classes": list(metrics.classes),
        "accuracy": metrics.accuracy,
        "log_loss": metrics.log_loss,
        "roc_auc": metrics.roc_auc,
        "confusion_matrix": metrics.confusion.tolist(),
        "per_class": {
            name: {
                "precision": float(metrics.precision[i]),
                "recall": float(metrics.recall[i]),
                "f1": float(metrics.f1[i]),
                "support": int(metrics.support[i]),
            }
            for i, name in enumerate(metrics.classes)
        },
    }
