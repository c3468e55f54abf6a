"""``perceptron-lab compare``: perceptron-lab beside scikit-learn on one dataset. Thin by design."""

from __future__ import annotations

import argparse
from typing import Any

from ..engine import strict_json
from . import options


def add_compare_parser(sub: Any) -> None:
    """The ``compare`` sub-command."""
    p = sub.add_parser(
        "compare",
        parents=[options.columns(), options.language(), options.text_or_json(), options.threads()],
        help="fit a dataset with perceptron-lab and scikit-learn; list what differs, measure the gap",
        description=(
            "Standardize a classification dataset and fit it with perceptron-lab, "
            "scikit-learn's LogisticRegression and its SGDClassifier. List every setting "
            "that makes their results differ (LogisticRegression's penalty C, the "
            "intercept's penalty, tolerances, SGDClassifier's loss, per-sample updates, "
            "alpha and learning-rate schedule) with the setting that matches them, then "
            "the gap left in coefficients, loss and accuracy."
        ),
    )
    p.add_argument(
        "dataset",
        nargs="?",
        default="breast_cancer",
        help="a built-in classification dataset or a data file (default: breast_cancer)",
    )
    p.add_argument(
        "--penalty",
        choices=("l2", "none"),
        default="l2",
        help="l2: LogisticRegression's C, matched by weight decay 1/(C·N); "
        "none: no penalty, and ‖W‖ by epoch (default: l2)",
    )
    p.add_argument(
        "--C",
        type=options.bounded("C"),
        default=1.0,
        help="LogisticRegression's inverse penalty (default: 1.0)",
    )
    p.add_argument(
        "--epochs",
        type=options.bounded("epochs"),
        default=3000,
        help="perceptron-lab's full-batch epochs (default: 3000)",
    )
    p.add_argument(
        "--lr",
        type=options.bounded("lr"),
        default=0.05,
        help="Adam's learning rate, cosine-annealed (default: 0.05)",
    )
    p.add_argument(
        "--seed",
        type=options.bounded("seed"),
        default=0,
        help="seed of every model (default: 0)",
    )
    p.add_argument(
        "--verify-every",
        type=options.bounded("verify_every"),
        help="verify every K-th step against PyTorch (default: the first and the last)",
    )
    p.set_defaults(run=run_compare)


def run_compare(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..data import load
    from ..data.crosses import check_crosses, crossed
    from ..sklearn.reconcile import reconcile
    from ..sklearn.reconcile_table import comparison_view

    data = load(args.dataset, **options.columns_of(args))
    data = crossed(data, check_crosses(args.crosses))
    comparison = reconcile(
        data,
        penalty=args.penalty,
        C=args.C,
        epochs=args.epochs,
        lr=args.lr,
        seed=args.seed,
        verify_every=args.verify_every,
    )
    if args.format == "json":
        print(strict_json.dumps(comparison.to_dict()))
    else:
        Console(highlight=False).print(comparison_view(comparison, args.lang))
    return 0
