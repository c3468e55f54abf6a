"""The tables shipped in the package are scikit-learn's, bit for bit (data/bundled.py)."""

from __future__ import annotations

import numpy as np
import pytest

from perceptron_lab.data.bundled import TABLES, bundled_table

datasets = pytest.importorskip("sklearn.datasets")


@pytest.mark.parametrize("name", TABLES)
def test_a_bundled_table_is_sklearns_bit_for_bit(name: str) -> None:
    oracle = getattr(datasets, f"load_{name}")()
    table = bundled_table(name)
    for field in ("data", "target"):
        ours, theirs = getattr(table, field), np.asarray(oracle[field])
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        assert ours.tobytes() == theirs.tobytes()  # the same bits, -0.0 and all
    assert table.feature_names.tolist() == [str(f) for f in oracle.feature_names]
    assert table.target_names.tolist() == np.asarray(oracle.get("target_names", ())).tolist()


def test_the_bundled_tables_carry_their_licence() -> None:
    from importlib.resources import files

    text = (files("perceptron_lab.data") / "tables" / "LICENSE").read_text(encoding="utf-8")
    assert "BSD 3-Clause License" in text and "The scikit-learn developers" in text
