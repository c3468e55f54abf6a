"""perceptron-lab: train single-layer neural networks and watch every number they learn from.

``perceptron_lab.watch(model, optimizer, loss_fn)`` records and verifies a PyTorch loop
of your own (see :mod:`perceptron_lab.watch`); it imports torch only when a watch starts.
``perceptron_lab.playground("moons")`` shows the playground in a notebook (the web extra).
``perceptron_lab.set_language("es")`` puts what a notebook displays in Spanish (default:
the locale's language).
``perceptron_lab.check(answers, exercise)`` grades a student's answers to an exercise sheet
(``perceptron-lab exercise``), naming the mistake behind each wrong one
(:mod:`.exercises.grading`).
"""

from typing import Any

__version__ = "0.1.0"

from .playground import playground
from .views.i18n import set_language
from .watch import watch

__all__ = ["__version__", "check", "playground", "set_language", "watch"]


def __getattr__(name: str) -> Any:
    if name == "check":  # imported when first used: ``import perceptron_lab`` stays light
        from .exercises.grading import check

        return check
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
