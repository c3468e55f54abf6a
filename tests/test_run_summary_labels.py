"""The run summary's words: ordinal English, and which loss (after or before an update)."""

from __future__ import annotations

import pytest

from perceptron_lab.cli import main
from perceptron_lab.views.run_summary import ordinal


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (32, "32nd"), (103, "103rd"), (111, "111th")],
)  # fmt: skip
def test_ordinals_are_english(n: int, text: str) -> None:
    assert ordinal(n) == text


def test_train_summary_says_its_loss_is_after_the_last_update(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["train", "seed", "--verify-every", "32", "--epochs", "40", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "(after the last update)" in out and "every 32nd" in out and "32th" not in out
