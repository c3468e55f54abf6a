"""One exception family. Every message says what was expected and what came.

``InputError`` is the user's mistake (bad argument, bad data), naming the parameter as
the Python API spells it (``batch_size``); the CLI names it by its flag (``--batch-size``)
in one line on stderr, with exit code 2. ``VerificationError`` means the closed form and
PyTorch disagree beyond tolerance. ``DivergenceError`` means training produced a
non-finite number.
"""

from __future__ import annotations

from typing import Any


class PerceptronLabError(Exception):
    """Base of every error perceptron-lab raises on purpose."""

    summary: Any = None  # the RunSummary of the run it stopped, when training raised it


class InputError(PerceptronLabError, ValueError):
    """A bad argument or bad data: names the argument, what was expected, what came.

    >>> str(InputError("lr", "a number > 0", "-1"))
    'lr: expected a number > 0, got -1'
    """

    def __init__(self, argument: str, expected: str, got: str, hint: str | None = None) -> None:
        self.argument = argument
        self.expected = expected
        self.got = got
        self.hint = hint
        message = f"{argument}: expected {expected}, got {got}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)

    def renamed(self, argument: str, hint: str | None = None) -> InputError:
        """The same mistake, naming ``argument``: how the CLI names a parameter by its flag.

        ``hint`` replaces the hint, in the words of the one renaming (None: kept).

        >>> str(InputError("batch_size", "an integer >= 1", "0").renamed("--batch-size"))
        '--batch-size: expected an integer >= 1, got 0'
        """
        return InputError(argument, self.expected, self.got, self.hint if hint is None else hint)


class VerificationError(PerceptronLabError):
    """The closed form and PyTorch disagree on a quantity beyond the tolerance."""

    def __init__(self, quantity: str, step: int, disagreement: float, tolerance: float) -> None:
        self.quantity = quantity
        self.step = step
        self.disagreement = disagreement
        self.tolerance = tolerance
        super().__init__(
            f"step {step}: {quantity} disagrees between the closed form and PyTorch: "
            f"expected a relative disagreement <= {tolerance:.0e}, got {disagreement:.3e}"
        )


class DivergenceError(PerceptronLabError):
    """Training produced a non-finite loss, gradient or parameter."""

    def __init__(self, quantity: str, step: int, hint: str) -> None:
        self.quantity = quantity
        self.step = step
        self.hint = hint
        super().__init__(
            f"step {step}: {quantity}: expected finite numbers, got NaN or Inf ({hint})"
        )
