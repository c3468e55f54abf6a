"""perceptron-lab: train single-layer neural networks and watch every number they learn from.

``perceptron_lab.watch(model, optimizer, loss_fn)`` records and verifies a PyTorch loop
of your own (see :mod:`perceptron_lab.watch`); it imports torch only when a watch starts.
``perceptron_lab.playground("moons")`` shows the playground in a notebook (the web extra).
``perceptron_lab.set_language("es")`` puts what a notebook displays in Spanish (default:
the locale's language).
"""

__version__ = "0.1.0"

from .playground import playground
from .views.i18n import set_language
from .watch import watch

__all__ = ["__version__", "playground", "set_language", "watch"]
