"""Bad input through the API: one InputError naming the argument, expected and got."""

from __future__ import annotations

import pytest

from perceptron_lab.errors import InputError, VerificationError
from perceptron_lab.losses import get_loss
from perceptron_lab.observe import observe
from perceptron_lab.optim import get_optimizer

X = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
W = [[0.5], [-0.3]]


def error(**kwargs: object) -> InputError:
    args: dict[str, object] = {"X": X, "y": [1, 0, 1], "W": W, "B": [0.1]} | kwargs
    with pytest.raises(InputError) as info:
        observe(**args)  # type: ignore[arg-type]
    return info.value


@pytest.mark.parametrize(
    ("kwargs", "argument", "got"),
    [
        ({"W": [[0.5], [-0.3], [1.0]]}, "W", "shape (3, 1)"),
        ({"B": [0.1, 0.2]}, "B", "shape (2,)"),
        ({"y": [1, 0]}, "y", "2"),
        ({"X": [[1.0, float("nan")], [3.0, 4.0], [5.0, 6.0]]}, "X", "nan at row 1, column 2"),
        ({"W": [[float("inf")], [0.0]]}, "W", "inf at row 1, column 1"),
        ({"y": [2, 0, 1]}, "y", "2 at row 1"),
        ({"y": [1, 0, -1], "loss": "bce"}, "y", "-1 at row 3"),
        (
            {
                "y": [0.5, 1, 0],
                "loss": "cross_entropy",
                "W": [[0.5, 1.0], [-0.3, 1.0]],
                "B": [0.1, 0.0],
            },
            "y",
            "0.5 at row 1",
        ),
        (
            {
                "y": [3, 1, 0],
                "loss": "cross_entropy",
                "W": [[0.5, 1.0], [-0.3, 1.0]],
                "B": [0.1, 0.0],
            },
            "y",
            "3 at row 1",
        ),
        ({"y": [2, 1, 0], "loss": "perceptron"}, "y", "2 at row 1"),
        ({"lr": 0.0}, "lr", "0.0"),
        ({"lr": -0.01}, "lr", "-0.01"),
        ({"loss": "hinge"}, "loss", "'hinge'"),
        ({"optimizer": "lion"}, "optimizer", "'lion'"),
        ({"dtype": "float16"}, "dtype", "'float16'"),
        ({"steps": 0}, "steps", "0"),
        ({"X": "abc"}, "X", "'abc'"),
    ],
)
def test_each_bad_input_names_argument_expected_and_got(
    kwargs: dict[str, object], argument: str, got: str
) -> None:
    exc = error(**kwargs)
    assert exc.argument == argument
    assert exc.got == got or got in exc.got
    assert str(exc).startswith(f"{argument}: expected ")
    assert "\n" not in str(exc)


@pytest.mark.parametrize(
    ("name", "options", "argument"),
    [
        ("sgd", {"momentum": 1.5}, "momentum"),
        ("sgd", {"nesterov": True}, "nesterov"),
        ("adam", {"betas": (0.9, 1.0)}, "betas[1]"),
        ("adam", {"eps": 0}, "eps"),
        ("adamw", {"weight_decay": -1}, "weight_decay"),
        ("rmsprop", {"alpha": -0.1}, "alpha"),
        ("adagrad", {"lr_decay": -1}, "lr_decay"),
        ("sgd", {"bogus": 1}, "optimizer options"),
    ],
)
def test_bad_hyper_parameters(name: str, options: dict[str, object], argument: str) -> None:
    with pytest.raises(InputError) as info:
        get_optimizer(name, **options)
    assert info.value.argument == argument


def test_bad_loss_options() -> None:
    with pytest.raises(InputError, match="reduction: expected 'mean' or 'sum', got 'max'"):
        get_loss("mse", reduction="max")
    with pytest.raises(InputError, match="pos_weight: expected numbers > 0"):
        get_loss("bce", pos_weight=-1.0)


def test_verification_error_names_quantity_and_step() -> None:
    exc = VerificationError("dW", 7, 3.2e-3, 1e-5)
    assert str(exc) == (
        "step 7: dW disagrees between the closed form and PyTorch: "
        "expected a relative disagreement <= 1e-05, got 3.200e-03"
    )


def test_cli_name_lists_match_the_registries() -> None:
    from perceptron_lab import losses, optim

    assert losses.loss_names() == ("bce", "cross_entropy", "mse", "perceptron")
    assert optim.rule_names() == ("adagrad", "adam", "adamw", "lbfgs", "rmsprop", "sgd")
    for catalog in (losses.CATALOG, optim.CATALOG):  # module <name>.py holds the class <name>
        for name, cls in catalog.classes().items():
            assert (cls.name, cls.__module__) == (name, f"{catalog.package}.{name}")
