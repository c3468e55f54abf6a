"""Learning-rate schedules: the closed form against torch's scheduler, hand numbers, parsing."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from perceptron_lab.errors import InputError
from perceptron_lab.optim.schedules import (
    SCHEDULES,
    Constant,
    CosineAnnealingLR,
    ExponentialLR,
    Schedule,
    StepLR,
    get_schedule,
    parse_schedule,
)

EPS = 2.0**-52  # float64 unit roundoff ×2: the spacing of floats at 1
RTOL = 1e-12

base_lrs = st.floats(1e-4, 10.0)
# gamma >= 0.1 keeps γ·gammaᵗ a normal float64 for t < 300 (0.1³⁰⁰·1e-4 = 1e-304);
# below that both sides underflow to subnormals and relative agreement means nothing.
decays = st.sampled_from([1.0, 0.5, 0.1]) | st.floats(0.1, 1.0)


@st.composite
def schedules(draw: st.DrawFn, name: str, base_lr: float) -> Schedule:
    if name == "constant":
        return get_schedule(name)
    if name == "step":
        return get_schedule(name, step_size=draw(st.integers(1, 60)), gamma=draw(decays))
    if name == "exponential":
        return get_schedule(name, gamma=draw(decays))
    # eta_min: 0, below base_lr (annealing down, the textbook case), or above (rising)
    ratio = draw(st.sampled_from([0.0, 0.0]) | st.floats(0.0, 1.0) | st.floats(1.0, 10.0))
    return get_schedule(name, T_max=draw(st.integers(1, 400)), eta_min=ratio * base_lr)


def tolerance(schedule: Schedule, t: int, base_lr: float, torch_lr: float) -> float:
    """The allowed |closed form − torch| at step t; see CosineAnnealingLR's docstring."""
    tol = RTOL * abs(torch_lr)
    if isinstance(schedule, CosineAnnealingLR) and t > schedule.T_max:
        # past T_max torch's recursion restarts from (1 − cos(π/T))/2 and carries an
        # O(ε·T²) relative rounding difference; measured excess <= 0.2 of this term
        scale = max(base_lr, schedule.eta_min)
        tol += EPS * scale * (schedule.T_max**2 + t)
    return tol


def torch_lrs(schedule: Schedule, base_lr: float, steps: int) -> list[float]:
    """param_groups[0]["lr"] before each optimizer.step(), torch's order: opt, then sched."""
    param = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    optimizer = torch.optim.SGD([param], lr=base_lr)
    scheduler = schedule.torch_scheduler(optimizer)
    assert isinstance(scheduler, torch.optim.lr_scheduler.LRScheduler)
    out = []
    for _ in range(steps):
        out.append(float(optimizer.param_groups[0]["lr"]))
        param.grad = torch.ones_like(param)
        optimizer.step()
        scheduler.step()
    return out


@pytest.mark.parametrize("name", list(SCHEDULES))
@settings(max_examples=40, deadline=None)
@given(data=st.data(), base_lr=base_lrs, steps=st.integers(50, 300))
def test_closed_form_matches_torch_scheduler(
    name: str, data: st.DataObject, base_lr: float, steps: int
) -> None:
    schedule = data.draw(schedules(name, base_lr))
    for t, got in enumerate(torch_lrs(schedule, base_lr, steps)):
        closed = schedule.lr(t, base_lr)
        assert abs(closed - got) <= tolerance(schedule, t, base_lr, got), (schedule, t, closed, got)


@pytest.mark.parametrize(
    ("schedule", "base_lr", "expected"),
    [
        (Constant(), 0.1, [0.1, 0.1, 0.1, 0.1, 0.1]),
        (StepLR(step_size=2, gamma=0.5), 1.0, [1.0, 1.0, 0.5, 0.5, 0.25]),
        (StepLR(step_size=3, gamma=0.1), 2.0, [2.0, 2.0, 2.0, 0.2, 0.2, 0.2, 0.02]),
        (ExponentialLR(gamma=0.5), 2.0, [2.0, 1.0, 0.5, 0.25, 0.125]),
        # T_max = 4: (1 + cos(π/4))/2 = (2 + √2)/4, cos(π/2) = 0 -> 1/2, then back up past T_max
        (
            CosineAnnealingLR(T_max=4),
            1.0,
            [
                1.0,
                (2 + math.sqrt(2)) / 4,
                0.5,
                (2 - math.sqrt(2)) / 4,
                0.0,
                (2 - math.sqrt(2)) / 4,
                0.5,
                (2 + math.sqrt(2)) / 4,
                1.0,
            ],
        ),
        (CosineAnnealingLR(T_max=2, eta_min=0.1), 0.5, [0.5, 0.3, 0.1, 0.3, 0.5]),
    ],
    ids=["constant", "step-2-0.5", "step-3-0.1", "exponential-0.5", "cosine-4", "cosine-2-eta"],
)
def test_hand_computed_numbers(schedule: Schedule, base_lr: float, expected: list[float]) -> None:
    closed = [schedule.lr(t, base_lr) for t in range(len(expected))]
    assert closed == pytest.approx(expected, rel=1e-15, abs=1e-16)
    assert torch_lrs(schedule, base_lr, len(expected)) == pytest.approx(
        expected, rel=1e-14, abs=1e-16
    )


def test_cosine_after_t_max_follows_the_cosine_back_up() -> None:
    schedule = CosineAnnealingLR(T_max=10, eta_min=0.01)
    assert schedule.lr(10, 1.0) == pytest.approx(0.01, rel=1e-15)
    assert schedule.lr(20, 1.0) == pytest.approx(1.0, rel=1e-15)
    assert schedule.lr(30, 1.0) == pytest.approx(0.01, rel=1e-13)
    assert schedule.lr(15, 1.0) == pytest.approx(schedule.lr(5, 1.0), rel=1e-15)


def test_cosine_recursion_agrees_to_1e_12_up_to_t_max() -> None:
    # the strict claim: before the first minimum the recursion telescopes
    for T_max in (1, 7, 100, 299):
        schedule = CosineAnnealingLR(T_max=T_max, eta_min=0.0)
        for t, got in enumerate(torch_lrs(schedule, 0.3, T_max + 1)):
            assert abs(schedule.lr(t, 0.3) - got) <= RTOL * abs(got)


def test_registry_and_options_are_json() -> None:
    assert list(SCHEDULES) == ["constant", "step", "exponential", "cosine"]
    for name, cls in SCHEDULES.items():
        assert cls.name == name
        assert isinstance(parse_schedule(cls.example), cls)
    schedule = get_schedule("cosine", T_max=100, eta_min=1e-5)
    assert json.loads(json.dumps(schedule.options())) == {"T_max": 100, "eta_min": 1e-5}
    assert Constant().options() == {}
    assert repr(StepLR(10, 0.5)) == "StepLR(step_size=10, gamma=0.5)"


# --- parse_schedule ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cls", "options"),
    [
        ("constant", Constant, {}),
        ("step:step_size=10,gamma=0.5", StepLR, {"step_size": 10, "gamma": 0.5}),
        ("step:step_size=10", StepLR, {"step_size": 10, "gamma": 0.1}),
        ("exponential:gamma=0.95", ExponentialLR, {"gamma": 0.95}),
        ("exponential:gamma=1", ExponentialLR, {"gamma": 1.0}),
        ("cosine:T_max=100", CosineAnnealingLR, {"T_max": 100, "eta_min": 0.0}),
        ("cosine:T_max=100,eta_min=1e-5", CosineAnnealingLR, {"T_max": 100, "eta_min": 1e-5}),
        (
            "  cosine : T_max = 100 , eta_min = 0  ",
            CosineAnnealingLR,
            {"T_max": 100, "eta_min": 0.0},
        ),
    ],
)
def test_parse_schedule(text: str, cls: type[Schedule], options: dict[str, Any]) -> None:
    schedule = parse_schedule(text)
    assert type(schedule) is cls
    assert schedule.options() == options
    assert [type(v) for v in schedule.options().values()] == [type(v) for v in options.values()]


@pytest.mark.parametrize(
    "text",
    [
        "constant",
        "step:step_size=10,gamma=0.5",
        "exponential:gamma=0.95",
        "cosine:T_max=100,eta_min=0.0",
        "cosine:T_max=3,eta_min=1e-05",
    ],
)
def test_str_is_the_cli_form(text: str) -> None:
    assert str(parse_schedule(text)) == text


@pytest.mark.parametrize("name", list(SCHEDULES))
@given(data=st.data(), base_lr=base_lrs)
def test_parse_round_trips(name: str, data: st.DataObject, base_lr: float) -> None:
    schedule = data.draw(schedules(name, base_lr))
    again = parse_schedule(str(schedule))
    assert type(again) is type(schedule)
    assert again.options() == schedule.options()
    assert str(again) == str(schedule)


KNOWN = "one of constant, step, exponential, cosine"


@pytest.mark.parametrize(
    ("text", "expected", "got"),
    [
        ("", KNOWN, "''"),
        ("linear:gamma=0.5", KNOWN, "'linear'"),
        ("step:", "key=value pairs separated by ',' after 'step:'", "''"),
        ("step:step_size", "key=value pairs separated by ',' after 'step:'", "'step_size'"),
        ("step:step_size=2,", "key=value pairs separated by ',' after 'step:'", "''"),
        ("step:=2", "key=value pairs separated by ',' after 'step:'", "'=2'"),
        ("step:step_size=2,step_size=3", "each option once", "step_size twice"),
        ("exponential:gamma=fast", "a number for gamma", "'fast'"),
        ("step:step_size=2,lr=0.1", "options of 'step' (step_size, gamma)", "lr"),
        ("constant:gamma=0.5", "no options for 'constant'", "gamma"),
        ("step:gamma=0.5", "'step' with step_size set", "no step_size"),
        ("cosine", "'cosine' with T_max set", "no T_max"),
        ("step:step_size=0", "an integer >= 1 for step_size", "0"),
        ("step:step_size=2.5", "an integer >= 1 for step_size", "2.5"),
        ("step:step_size=2,gamma=0", "a number in (0, 1] for gamma", "0"),
        ("step:step_size=2,gamma=0.0", "a number in (0, 1] for gamma", "0.0"),
        ("exponential:gamma=1.5", "a number in (0, 1] for gamma", "1.5"),
        ("exponential:gamma=nan", "a number in (0, 1] for gamma", "nan"),
        ("cosine:T_max=-3", "an integer >= 1 for T_max", "-3"),
        ("cosine:T_max=10,eta_min=-1", "a number >= 0 for eta_min", "-1"),
    ],
)
def test_parse_errors(text: str, expected: str, got: str) -> None:
    with pytest.raises(InputError) as info:
        parse_schedule(text)
    err = info.value
    assert (err.argument, err.expected, err.got) == ("schedule", expected, got)
    message = str(err)
    assert message.startswith(f"schedule: expected {expected}, got {got}")
    assert "\n" not in message


def test_parse_error_hints_show_the_syntax() -> None:
    with pytest.raises(InputError, match=r"e\.g\. 'step:step_size=10,gamma=0\.5'"):
        parse_schedule("step:step_size")
    with pytest.raises(InputError, match=r"e\.g\. 'constant', 'step:step_size=10"):
        parse_schedule("warmup")


# --- construction and lr() errors ---------------------------------------------------


@pytest.mark.parametrize(
    ("build", "argument", "expected", "got"),
    [
        (lambda: StepLR(0), "step_size", "an integer >= 1", "0"),
        (lambda: StepLR(2.0), "step_size", "an integer >= 1", "2.0"),  # type: ignore[arg-type]
        (lambda: StepLR(True), "step_size", "an integer >= 1", "True"),
        (lambda: StepLR(2, gamma=0.0), "gamma", "a number in (0, 1]", "0.0"),
        (lambda: StepLR(2, gamma=-0.5), "gamma", "a number in (0, 1]", "-0.5"),
        (lambda: ExponentialLR(1.01), "gamma", "a number in (0, 1]", "1.01"),
        (lambda: ExponentialLR(float("nan")), "gamma", "a number in (0, 1]", "nan"),
        (lambda: ExponentialLR("0.5"), "gamma", "a number in (0, 1]", "'0.5'"),  # type: ignore[arg-type]
        (lambda: CosineAnnealingLR(0), "T_max", "an integer >= 1", "0"),
        (lambda: CosineAnnealingLR(10, eta_min=-1e-3), "eta_min", "a number >= 0", "-0.001"),
        (lambda: CosineAnnealingLR(10, eta_min=float("inf")), "eta_min", "a number >= 0", "inf"),
        (lambda: get_schedule("step", step_size=0), "step_size", "an integer >= 1", "0"),
        (lambda: get_schedule("linear"), "schedule", KNOWN, "'linear'"),
        (
            lambda: get_schedule("exponential", gama=0.5),
            "schedule",
            "options of 'exponential' (gamma)",
            "gama",
        ),
        (
            lambda: get_schedule("exponential"),
            "schedule",
            "'exponential' with gamma set",
            "no gamma",
        ),
        (lambda: Constant().lr(-1, 0.1), "t", "an integer >= 0 (0 is the first step)", "-1"),
        (lambda: Constant().lr(1.0, 0.1), "t", "an integer >= 0 (0 is the first step)", "1.0"),  # type: ignore[arg-type]
        (lambda: StepLR(2).lr(0, 0.0), "base_lr", "a number > 0", "0.0"),
    ],
)
def test_errors_name_argument_expected_and_got(
    build: Any, argument: str, expected: str, got: str
) -> None:
    with pytest.raises(InputError) as info:
        build()
    err = info.value
    assert (err.argument, err.expected, err.got) == (argument, expected, got)
    assert str(err).startswith(f"{argument}: expected {expected}, got {got}")
    assert "\n" not in str(err)


def test_step_size_error_message_is_one_line() -> None:
    with pytest.raises(InputError) as info:
        get_schedule("step", step_size=0)
    assert str(info.value) == "step_size: expected an integer >= 1, got 0"
