"""The playground's server on a free loopback port, in a thread, for a test (bounded: it stops)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import uvicorn

from perceptron_lab.playground.lab import Lab
from perceptron_lab.playground.server import create_app, uvicorn_config


@contextlib.contextmanager
def serving(make: Callable[[], Lab] | None = None, **app_options: Any) -> Iterator[tuple[str, Any]]:
    """(the base URL, the app) of a server that lives for the with-block."""
    app = create_app(make or (lambda: Lab({"name": "seed"}, {"lr": 0.1})), **app_options)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn_config(app))
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[listener])), daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield f"127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(30)
        listener.close()
