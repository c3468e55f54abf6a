"""The playground: a page where one neuron trains step by step on the real engine.

``perceptron-lab playground`` serves it to a browser (server.py); in Jupyter,
:func:`playground` shows it as a widget (widget.py). Both drive a :class:`~.lab.Lab`,
pure Python, which answers the page's messages with frames (docs/playground.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .widget import PlaygroundWidget


def playground(
    data: str | Path = "moons",
    *,
    target: str | None = None,
    features: str | list[str] | None = None,
    size: int | None = None,
    crosses: str | list[str] | None = None,
    settings: dict[str, Any] | None = None,
    lang: str | None = None,
    runs: str | Path | None = None,
    device: str = "cpu",
) -> PlaygroundWidget:
    """The playground as a notebook widget: ``perceptron_lab.playground("xor", crosses="x1*x2")``.

    ``data`` is a built-in 2-D set (seed, and, or, xor, moons, blobs, circles, spiral,
    iris) or a CSV file (``target``, ``features``: which columns); ``settings`` the
    training's (loss, optimizer, lr, batch_size, weight_decay, momentum, seed, dtype);
    ``lang`` the page's language (None: the locale's); ``runs`` where "save as run" writes;
    ``device`` where the neuron trains (cpu, cuda, cuda:N or auto: cuda if there is one).
    ``widget.run`` is the trajectory as a run.
    Needs the web extra (``pip install 'perceptron-lab[web]'``).
    """
    from ..extras import require
    from .lab import Lab
    from .recipe import start_data

    require("web", "the playground", "anywidget")
    from .widget import PlaygroundWidget

    start, uploads = start_data(
        str(data), target=target, features=features, size=size, crosses=crosses
    )
    lab = Lab(
        start,
        settings,
        lang=lang,
        runs=None if runs is None else Path(runs),
        uploads=uploads,
        device=device,
    )
    return PlaygroundWidget(lab)
