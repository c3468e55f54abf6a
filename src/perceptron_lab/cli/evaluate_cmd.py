"""``perceptron-lab evaluate RUN_DIR FILE``: a trained run's metrics on a labelled file. Thin."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..engine import strict_json
from ..errors import InputError
from . import options


def add_evaluate_parser(sub: Any) -> None:
    """The ``evaluate`` sub-command."""
    p = sub.add_parser(
        "evaluate",
        parents=[options.run_dir(), options.text_or_json(), options.language()],
        help="measure a trained run on a labelled file: accuracy, confusion, F1, R², …",
        description=(
            "Predict FILE's rows (.csv, .tsv or .parquet; the run's feature columns and its "
            "target column, by name) and compare with the target. Classification: accuracy, "
            "the confusion matrix, precision, recall and F1 per class, log-loss and (two "
            "classes) ROC AUC. Regression: R², MAE, RMSE and, with --plot, the residuals "
            "against the predictions."
        ),
    )
    p.add_argument("file", type=options.path, metavar="FILE", help="the labelled rows")
    p.add_argument(
        "--plot",
        type=options.path,
        metavar="FILE",
        help="regression: draw the residuals y − ŷ against ŷ to a .png or .svg file",
    )
    p.set_defaults(run=run_evaluate)


def run_evaluate(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..engine.atomic import check_replaceable
    from ..engine.model import Model
    from ..engine.model_metrics import (
        RegressionMetrics,
        classification_metrics,
        regression_metrics,
    )
    from ..views.evaluation import evaluation_json, evaluation_tables
    from ..views.i18n import Words

    if args.plot is not None:
        check_replaceable(args.plot, "--plot")
    model = Model.load(args.run_dir)
    if args.plot is not None and model.classes is not None:
        raise InputError(
            "--plot", "a regression run (the plot is of its residuals)", "a classification run"
        )
    rows = model.read(args.file, target=True)
    assert rows.y is not None
    prediction = model.predict(rows.X)
    metrics = (
        regression_metrics(prediction, rows.y)
        if model.classes is None
        else classification_metrics(prediction, rows.y, model.classes, model.loss.probabilistic)
    )
    w = Words(args.lang, "evaluate")
    run, file = str(args.run_dir), str(args.file)
    if args.format == "json":
        print(strict_json.dumps(evaluation_json(metrics)))
    else:
        console = Console(highlight=False)
        title = w("title", run=run, file=file, n=metrics.n)
        for table in evaluation_tables(metrics, title, args.lang):
            console.print(table)
    if args.plot is not None:
        from ..views.plots.residuals import save_residual_plot

        assert isinstance(metrics, RegressionMetrics)
        path = save_residual_plot(metrics, args.plot, run, file, model.target_name, args.lang)
        # JSON on stdout stays one document: the note goes to stderr
        print(
            w("plot_written", path=path), file=sys.stderr if args.format == "json" else sys.stdout
        )
    return 0
