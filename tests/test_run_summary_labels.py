"""The run summary's words: which loss (after or before an update), and the verify schedule."""

from __future__ import annotations

import pytest

from perceptron_lab.cli import main


@pytest.mark.parametrize(
    ("lang", "after", "schedule"),
    [
        ("en", "(after the last update)", "one in every 32"),
        ("es", "(tras la última actualización)", "uno de cada 32"),
    ],
)
def test_train_summary_says_its_loss_is_after_the_last_update(
    lang: str, after: str, schedule: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["train", "seed", "--verify-every", "32", "--epochs", "40", "--quiet", "--lang", lang]
    assert main(argv) == 0
    out = " ".join(capsys.readouterr().out.split())  # the table may fold a line
    assert after in out and schedule in out and "32th" not in out
