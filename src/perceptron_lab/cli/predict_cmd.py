"""``perceptron-lab predict RUN_DIR FILE``: a trained run's predictions for a new file. Thin."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from . import options

OUT_SUFFIXES = (".csv", ".parquet")


def add_predict_parser(sub: Any) -> None:
    """The ``predict`` sub-command."""
    p = sub.add_parser(
        "predict",
        parents=[options.run_dir(), options.language()],
        help="predict a new file's rows with a trained run (labels and probabilities)",
        description=(
            "Read FILE (.csv, .tsv or .parquet), take the columns the run trained on by "
            "name (other columns are ignored, the target is not needed), apply the run's "
            "feature crosses and standardization, and write one row per input row: its "
            "row number, the prediction in the training file's own class names (or the "
            "number, for regression) and the probabilities P(<class>): of class 1 for two "
            "classes, of each class for more. The run's last step's W and B are used, so a "
            "stopped run predicts too."
        ),
    )
    p.add_argument("file", type=options.path, metavar="FILE", help="the rows to predict")
    p.add_argument(
        "-o",
        "--out",
        type=options.path,
        help="write the predictions to a .csv or .parquet file (default: CSV on stdout)",
    )
    p.set_defaults(run=run_predict)


def run_predict(args: argparse.Namespace) -> int:
    from ..engine.atomic import check_replaceable, write_text_atomic
    from ..engine.model import Model
    from ..views.i18n import Words

    out: Path | None = None if options.is_stdout(args.out) else args.out
    if out is not None:
        if out.suffix.lower() not in OUT_SUFFIXES:
            raise InputError("--out", "a .csv or .parquet file name", repr(str(out)))
        check_replaceable(out, "--out")
    model = Model.load(args.run_dir)
    columns = model.predict_file(args.file).columns()
    if out is None:
        _write_csv(columns, sys.stdout)
        return 0
    if out.suffix.lower() == ".parquet":
        _write_parquet(columns, out)
    else:
        text = io.StringIO()
        _write_csv(columns, text)
        write_text_atomic(out, text.getvalue())
    n = len(columns["row"])
    print(Words(args.lang, "evaluate")("predictions_written", n=n, path=out))
    return 0


def _write_csv(columns: dict[str, Any], stream: IO[str]) -> None:
    """The columns as CSV: a header, then one line per row (numbers in full, as repr)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(list(columns))
    for row in zip(*(c.tolist() for c in columns.values()), strict=True):
        writer.writerow(row)


def _write_parquet(columns: dict[str, Any], path: Path) -> None:
    """The columns as one Parquet file, written to a temporary name and renamed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..engine.atomic import write_atomic

    table = pa.table({name: pa.array(values.tolist()) for name, values in columns.items()})
    write_atomic(path, lambda tmp: pq.write_table(table, tmp))
