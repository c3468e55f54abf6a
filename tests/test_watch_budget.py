"""The watch's budget: every step recorded, a share of them verified, mistakes still named.

The oracle for which steps are verified is the rule itself (the first, every suspect one,
then as many as the share pays for), driven here with the allowance set to 0 so that a
short test loop is past it; for the mistakes, the causes the full check names.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from torch import nn

from perceptron_lab import watch
from perceptron_lab.errors import InputError
from perceptron_lab.watch import DiagnosisError, budget
from perceptron_lab.watch.budget import Budget


@pytest.fixture
def no_allowance(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The steady state: no free seconds of checks (as a long loop is, past its first)."""
    monkeypatch.setattr(budget, "ALLOWANCE", 0.0)
    yield


def _data() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(11)
    X = torch.randn(64, 3, generator=g)
    return X, (X[:, 0] - X[:, 1] > 0).float().unsqueeze(1)


def test_the_rule() -> None:
    b = Budget(share=0.25, allowance=1.0)
    assert b.wants(first=True, suspect=False)
    b.spent, b.loop = 0.9, 0.0
    assert b.wants(first=False, suspect=False)  # within the allowance
    b.spent, b.loop = 2.0, 4.0
    assert not b.wants(first=False, suspect=False)  # 2.0 > max(1, 0.25 × 4)
    assert b.wants(first=False, suspect=True)  # a suspect step whatever the cost
    b.loop = 8.0
    assert b.wants(first=False, suspect=False)  # 2.0 ≤ 0.25 × 8
    assert b.skipped == 1
    assert Budget(share=None).wants(first=False, suspect=False)


def test_a_long_loop_is_recorded_whole_and_verified_in_part(no_allowance: None) -> None:
    X, y = _data()
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    criterion = nn.BCEWithLogitsLoss()
    weights = []
    with watch(model, optimizer, criterion, budget=0.05) as run:
        for _ in range(300):
            optimizer.zero_grad()
            criterion(model(X), y).backward()
            optimizer.step()
            weights.append(model.weight.detach().clone())
    summary = run.summary
    assert summary.steps == 300 and 1 <= summary.verified_steps < 300
    assert run.trace.steps[0]["verified"] is True
    assert not summary.watch["diagnoses"]
    # every step is in the trace, as the loop had it
    for row, w in zip(run.trace.steps, weights, strict=True):
        assert row["W_after"] == pytest.approx(w.T.reshape(-1).tolist(), abs=0)
    [note] = [n for n in summary.watch["notes"] if "verified in full" in n]
    assert note.startswith(f"{summary.verified_steps} of 300 steps verified in full")
    # the run's summary says so too, not "every step"
    from perceptron_lab.views.run_summary import summary_table

    table = {str(label): str(value) for label, value in summary_table(run.trace, "en").rows}
    assert table["verified"].startswith(f"{summary.verified_steps} steps (of 300: the first,")
    from perceptron_lab.views.report.facts import verification

    facts = dict(verification(run.trace, "en"))
    assert facts["verified steps"].startswith(f"{summary.verified_steps} of 300 (the first,")


def test_a_mistake_that_starts_late_is_named_when_it_starts(no_allowance: None) -> None:
    """zero_grad() dropped from step 200 on: the leftover gradient makes the step suspect."""
    X, y = _data()
    model = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    criterion = nn.BCEWithLogitsLoss()
    with pytest.raises(DiagnosisError) as caught, watch(model, optimizer, criterion, budget=0.01):
        for t in range(1, 301):
            if t < 200:
                optimizer.zero_grad()
            criterion(model(X), y).backward()
            optimizer.step()
    assert (caught.value.cause, caught.value.diagnosis.step) == ("not_zeroed", 200)


def test_a_late_broadcast_is_named_when_it_starts(no_allowance: None) -> None:
    X, y = _data()
    model = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    criterion = nn.MSELoss()
    with (
        pytest.warns(UserWarning, match="broadcasting"),
        pytest.raises(DiagnosisError) as caught,
        watch(model, optimizer, criterion, budget=0.01),
    ):
        for t in range(1, 201):
            optimizer.zero_grad()
            target = y if t < 150 else y.squeeze(1)  # (N, 1) until step 150, then (N,)
            criterion(model(X), target).backward()
            optimizer.step()
    assert (caught.value.cause, caught.value.diagnosis.step) == ("broadcast", 150)


@pytest.mark.parametrize("bad", [0, -0.5, float("nan"), "half", 1000])
def test_a_budget_out_of_range_is_refused(bad: object) -> None:
    model = nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(InputError, match=r"^budget: expected a share"):
        watch(model, optimizer, nn.MSELoss(), budget=bad)  # type: ignore[arg-type]
