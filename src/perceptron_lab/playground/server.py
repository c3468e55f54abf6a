"""The playground's web server: the page, its assets, and one websocket per tab.

Starlette on uvicorn (the ``web`` extra). ``/`` is the page and ``/assets/…`` what it
loads — all inside the package, nothing fetched from elsewhere — each with a strict
Content-Security-Policy. ``/ws`` carries the protocol of docs/playground.md: the first
message of a socket is ``hello``, which makes the tab a :class:`~.lab.Lab` of its own
(or finds it again by its id after a dropped connection); every later message goes to
that lab, one at a time, in a worker thread, so one tab's step never holds the others'
frames. A lab with no socket for ``idle`` seconds is dropped and its memory freed.

A socket from a page of another origin is refused (a site open in the same browser
cannot drive the playground), as is a message over the upload limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import socket
import time
from collections.abc import AsyncIterator, Callable, Mapping, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..views import katex
from .lab import UPLOAD_BYTES, Lab

ASSETS = Path(__file__).parent / "assets"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
IDLE = 600.0  # seconds a lab without a socket is kept
SWEEP = 30.0  # seconds between looks for idle labs
MAX_LABS = 64  # tabs served at once
MESSAGE_BYTES = 3 * UPLOAD_BYTES  # the largest message (an upload's text, JSON-escaped)


@dataclass
class Tab:
    """One tab's lab, the lock that serializes its messages, and when it was last used."""

    lab: Lab
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    sockets: int = 0
    seen: float = field(default_factory=time.monotonic)


class Tabs:
    """The labs by tab id; :meth:`sweep` drops those idle without a socket."""

    def __init__(self, make: Callable[[], Lab], idle: float = IDLE, most: int = MAX_LABS) -> None:
        self.make = make
        self.idle = idle
        self.most = most
        self.tabs: dict[str, Tab] = {}

    def open(self, wanted: Any) -> tuple[str, Tab]:
        """The tab ``wanted`` names (a reconnection) or a new one."""
        if isinstance(wanted, str) and wanted in self.tabs:
            tab = self.tabs[wanted]
        else:
            self.sweep()
            if len(self.tabs) >= self.most:
                raise OverflowError(
                    f"the playground serves {self.most} tabs at most: close one, or wait "
                    f"{self.idle:.0f} s for an idle one to expire"
                )
            wanted = secrets.token_urlsafe(12)
            tab = self.tabs[wanted] = Tab(self.make())
        tab.sockets += 1
        tab.seen = time.monotonic()
        return wanted, tab

    def close(self, tab: Tab) -> None:
        tab.sockets -= 1
        tab.seen = time.monotonic()

    def sweep(self) -> int:
        """Drop the labs idle for ``idle`` seconds with no socket; how many were dropped."""
        now = time.monotonic()
        gone = [k for k, t in self.tabs.items() if t.sockets <= 0 and now - t.seen > self.idle]
        for key in gone:
            del self.tabs[key]
        return len(gone)


class SecurityHeaders:
    """The CSP and its companions on every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _same_origin(ws: WebSocket) -> bool:
    """The socket was opened by a page of this server (or by a client that sends no Origin)."""
    origin = ws.headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == ws.headers.get("host")


def _dumps(reply: Mapping[str, Any]) -> str:
    return json.dumps(reply, separators=(",", ":"), allow_nan=False)


def create_app(
    make: Callable[[], Lab], *, idle: float = IDLE, sweep: float = SWEEP, most: int = MAX_LABS
) -> Starlette:
    """The playground's ASGI app; ``make`` builds a new tab's Lab."""
    tabs = Tabs(make, idle, most)
    # one thread runs every tab's labs, one message at a time: threads of their own would
    # only take turns at the GIL, each step slower, all of them late
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playground-lab")

    async def page(request: Request) -> Response:
        return FileResponse(ASSETS / "index.html", media_type="text/html")

    async def tab_socket(ws: WebSocket) -> None:
        if not _same_origin(ws):
            await ws.close(code=1008)
            return
        await ws.accept()
        tab: Tab | None = None
        try:
            while True:
                text = await ws.receive_text()
                try:
                    message = json.loads(text)
                except ValueError:
                    message = None
                if not isinstance(message, dict):
                    await ws.send_text(
                        _dumps(
                            {
                                "type": "error",
                                "op": None,
                                "message": "message: expected a JSON object",
                            }
                        )
                    )
                    continue
                if tab is None:
                    if message.get("op") != "hello":
                        await ws.send_text(
                            _dumps(
                                {
                                    "type": "error",
                                    "op": message.get("op"),
                                    "message": "op: expected hello first",
                                }
                            )
                        )
                        continue
                    try:
                        key, tab = tabs.open(message.get("session"))
                    except OverflowError as exc:
                        await ws.send_text(
                            _dumps({"type": "error", "op": "hello", "message": str(exc)})
                        )
                        await ws.close(code=1013)
                        return
                if message.get("op") == "hello":
                    message = {**message, "session": key}
                async with tab.lock:
                    loop = asyncio.get_running_loop()
                    texts = await loop.run_in_executor(worker, _answer, tab.lab, message)
                    tab.seen = time.monotonic()
                for text in texts:
                    await ws.send_text(text)
        except WebSocketDisconnect:
            pass
        finally:
            if tab is not None:
                tabs.close(tab)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async def sweeper() -> None:
            while True:
                await asyncio.sleep(sweep)
                tabs.sweep()

        task = asyncio.create_task(sweeper())
        try:
            yield
        finally:
            task.cancel()
            worker.shutdown(wait=False, cancel_futures=True)

    app = Starlette(
        routes=[
            Route("/", page),
            WebSocketRoute("/ws", tab_socket),
            Mount("/assets/katex", StaticFiles(directory=katex.FOLDER), name="katex"),
            Mount("/assets", StaticFiles(directory=ASSETS), name="assets"),
        ],
        lifespan=lifespan,
    )
    app.state.tabs = tabs
    app.add_middleware(SecurityHeaders)
    return app


def serve(
    make: Callable[[], Lab], listener: socket.socket, *, workers: int = 1, **app_options: Any
) -> None:
    """Serve on ``listener`` until Ctrl-C (or SIGTERM), in ``workers`` processes.

    The processes past the first are forked now, after the imports; each listens on the
    same port (``listen``: SO_REUSEPORT), and the kernel spreads the connections over them
    by their addresses — evenly, where one shared socket would let the first awake take a
    burst of them. A page that reconnects to another rebuilds its tab from the state its
    hello carries.
    """
    import uvicorn

    children = []
    for _ in range(workers - 1):
        pid = os.fork()
        if pid == 0:  # a worker: serve, then leave without the parent's exit handlers
            host, port = listener.getsockname()[:2]
            own = listen(host, port, workers)  # the kernel spreads the connections
            with contextlib.suppress(KeyboardInterrupt):
                uvicorn.Server(uvicorn_config(create_app(make, **app_options))).run(sockets=[own])
            os._exit(0)
        children.append(pid)
    try:  # Ctrl-C is how a server is stopped: not an error
        with contextlib.suppress(KeyboardInterrupt):
            uvicorn.Server(uvicorn_config(create_app(make, **app_options))).run(sockets=[listener])
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)


def listen(host: str, port: int, workers: int = 1) -> socket.socket:
    """A listening socket on ``host:port`` (0: any free port); for more than one worker
    process, one each on the same port (SO_REUSEPORT)."""
    return socket.create_server((host, port), reuse_port=workers > 1)


def uvicorn_config(app: Starlette, **options: Any) -> Any:
    """uvicorn's settings for the playground: messages up to an upload, no compression
    (frames cross the loopback; deflating them costs the server more than it saves)."""
    import uvicorn

    return uvicorn.Config(
        app,
        log_level="warning",
        ws_max_size=MESSAGE_BYTES,
        ws_per_message_deflate=False,
        lifespan="on",
        **options,
    )


def _answer(lab: Lab, message: Mapping[str, Any]) -> list[str]:
    """The lab's replies as JSON texts (a hello's with the tab's id); an error of the
    lab's own code is one message, and the lab serves on."""
    try:
        replies = lab.handle(message)
    except Exception as exc:  # a defect, not the user's input: say so, keep serving
        replies = [
            {
                "type": "error",
                "op": message.get("op"),
                "message": f"internal error ({type(exc).__name__}: {exc}); the page can go on",
            }
        ]
    for reply in replies:
        if reply.get("type") == "hello":
            reply["session"] = message["session"]
    return [_dumps(reply) for reply in replies]
