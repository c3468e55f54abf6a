"""A run read back as a model: its last W and B, and what turns new rows into predictions.

A file's rows x (the run's original feature columns, by name) go through what training
did to them, in the same order::

    φ(x)              the run's feature crosses (data/crosses.py), on the raw values
    x' = (φ(x) − μ)/σ  the run's standardizer, if it standardized (μ, σ of its training rows)
    Z = x'W + B        (N, k), in the run's dtype
    A = f(Z)           the loss's activation: σ(Z) = P(class 1), softmax(Z)ᵢ = P(class i),
                       or the value itself (regression)

and the prediction is the loss's own (z ≥ 0 → class 1; the largest zᵢ), named by the
file's class labels (classes[i] is class index i).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np
import torch

from ..data import Standardizer
from ..data.checks import dtype_from_name
from ..data.columns import Table, find_column, list_columns, to_float_column
from ..data.crosses import check_crosses, cross_columns
from ..data.files import read_table
from ..data.labels import label_names, parse_numbers
from ..errors import InputError
from ..losses import Loss, get_loss
from .datasource import run_scaler
from .run_data import shape
from .trace import Trace


@dataclass(frozen=True)
class Prediction:
    """What a model says about N rows."""

    Z: np.ndarray  # (N, k) logits
    values: np.ndarray  # (N,) the class label (str) of each row, or its predicted number
    index: np.ndarray | None  # (N,) class indices 0..C-1; None for regression
    probabilities: np.ndarray | None  # (N, m): P(class 1) (binary), P(class i) (C classes)
    probability_names: tuple[str, ...]  # (m,) the class each probability column is of

    def columns(self) -> dict[str, np.ndarray]:
        """The table ``predict`` writes: row (1-based), prediction, then P(<class>) each."""
        n = len(self.values)
        table = {"row": np.arange(1, n + 1), "prediction": self.values}
        for j, name in enumerate(self.probability_names):
            assert self.probabilities is not None
            table[f"P({name})"] = self.probabilities[:, j]
        return table


@dataclass(frozen=True)
class Rows:
    """A file's rows as the model reads them."""

    X: np.ndarray  # (N, d₀) the run's original feature columns, raw
    y: np.ndarray | None  # (N,) class indices of the run's classes, or numbers; None: no target


@dataclass(frozen=True)
class Model:
    """A finished (or stopped) run's last W and B with the run's loss, names and scaling."""

    W: torch.Tensor  # (d, k)
    B: torch.Tensor  # (k,)
    loss: Loss
    inputs: tuple[str, ...]  # (d₀,) the columns a file must hold: the features before crosses
    feature_names: tuple[str, ...]  # (d,) W's rows: the inputs, then the crosses
    target_name: str
    classes: tuple[str, ...] | None  # classes[i] ↔ class index i; None: a regression loss
    crosses: tuple[str, ...]
    scaler: Standardizer | None

    @classmethod
    def load(cls, run_dir: str | Path) -> Model:
        """The model of a run directory: its last recorded step's W_after and B_after."""
        trace = Trace.load(run_dir)
        m = trace.manifest
        if m.is_watched:
            raise InputError(
                "run_dir",
                "a run trained by perceptron-lab train",
                f"a watched loop's run in {run_dir}",
            )
        if not trace.steps:
            raise InputError("run_dir", "a run with at least one step", f"none in {run_dir}")
        d, k = shape(trace)
        dtype = dtype_from_name(m.config.dtype)
        last = trace.steps[-1]
        W = torch.tensor(last["W_after"], dtype=torch.float64).to(dtype).reshape(d, k)
        B = torch.tensor(last["B_after"], dtype=torch.float64).to(dtype).reshape(k)
        loss = get_loss(m.loss.name, **m.loss.options)
        crosses = check_crosses(m.data.recipe.get("crosses"))
        names = m.data.feature_names
        return cls(
            W=W,
            B=B,
            loss=loss,
            inputs=names[:2] if crosses else names,
            feature_names=names,
            target_name=m.data.target_name,
            classes=m.data.classes if loss.task != "regression" else None,
            crosses=crosses,
            scaler=run_scaler(m.data.recipe, m.data.scaling, m.config),
        )

    def features(self, X: np.ndarray) -> np.ndarray:
        """x' = (φ(x) − μ)/σ: raw rows (N, d₀) as the run's inputs (N, d)."""
        phi = cross_columns(X, self.crosses) if self.crosses else X  # (N, d)
        return phi if self.scaler is None else self.scaler.transform(phi)

    def predict(self, X: np.ndarray) -> Prediction:
        """Predictions for raw rows X (N, d₀), in the original feature columns' order."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.inputs):
            raise InputError(
                "X",
                f"rows of {len(self.inputs)} features ({', '.join(self.inputs)})",
                f"shape {X.shape}",
            )
        x = torch.as_tensor(self.features(X), dtype=self.W.dtype)  # (N, d)
        Z = torch.addmm(self.B, x, self.W)  # (N, k)
        if self.classes is None:  # a regression loss: one output, ŷ = z
            return Prediction(Z.double().numpy(), Z[:, 0].double().numpy(), None, None, ())
        index = self.loss.class_index(self.loss.predict(Z))
        assert index is not None  # a classification loss
        labels = np.asarray(self.classes, dtype=object)[index]
        if not self.loss.probabilistic:
            return Prediction(Z.double().numpy(), labels, index, None, ())
        A = self.loss.activation.closed(Z.double()).numpy()  # (N, k), from the run's Z
        names = self.classes[1:] if A.shape[1] == 1 else self.classes
        return Prediction(Z.double().numpy(), labels, index, A, tuple(names))

    def read(self, path: str | Path, *, target: bool) -> Rows:
        """A file's rows: the run's feature columns by name (others ignored), its target if
        it has one (``target``: it must)."""
        table = read_table(path, "file")
        X = np.column_stack([self._column(table, name) for name in self.inputs])  # (N, d₀)
        t = find_column(table.columns, self.target_name)
        if t is None:
            if target:
                self._missing(table, self.target_name, "the target")
            return Rows(X, None)
        return Rows(X, self._target(table, t))

    def predict_file(self, path: str | Path) -> Prediction:
        """Predictions for a file's rows (.csv, .tsv or .parquet), columns read by name."""
        return self.predict(self.read(path, target=False).X)

    def _missing(self, table: Table, name: str, what: str) -> NoReturn:
        raise InputError(
            "file",
            f"a column '{name}' ({what} the run trained on)",
            f"none in {table.source}; its columns: {list_columns(table.columns)}",
        )

    def _column(self, table: Table, name: str) -> np.ndarray:
        """Feature column ``name`` as floats (N,)."""
        i = find_column(table.columns, name)
        if i is None:
            self._missing(table, name, "a feature")
        return to_float_column(table.values[i], table.columns[i], table.source, table.where)

    def _target(self, table: Table, i: int) -> np.ndarray:
        """Target column i: indices into the run's classes, or numbers (regression)."""
        values, column = table.values[i], table.columns[i]
        if self.classes is None:
            return to_float_column(values, column, table.source, table.where)
        names = label_names(
            parse_numbers(values) if table.text else values, table.source, table.where
        )
        known = {c: j for j, c in enumerate(self.classes)}
        unknown = sorted({n for n in names if n not in known})
        if unknown:
            raise InputError(
                "file",
                f"labels of column '{column}' among the run's classes ({', '.join(self.classes)})",
                f"{', '.join(map(repr, unknown))} in {table.source}",
            )
        return np.array([known[n] for n in names], dtype=np.int64)  # (N,)
