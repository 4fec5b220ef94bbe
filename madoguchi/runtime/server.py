"""The HTTP server of `madoguchi serve`: uvicorn, N worker processes, balanced, without the Nagle stall.

Two problems of `uvicorn --workers N` measured on a city's load test, and what this does instead:

- Keep-alive responses after the first gained about 40 ms: the listening socket reaches uvicorn's worker
  processes through `socket.fromfd`, which loses the protocol number, so asyncio's transport does not
  recognise it as TCP and never sets TCP_NODELAY on accepted sockets (Nagle's algorithm then waits for the
  delayed ACK of the previous response). Here each connection sets TCP_NODELAY itself
  (`NoDelayHttpProtocol`), whatever the socket's origin.
- A burst of connections landed on one worker in half the runs: every worker accepts from one shared
  socket and whoever wakes first takes the whole burst. Here each worker process binds its own socket
  with SO_REUSEPORT and the kernel spreads new connections over them by a hash of the client address.

HTTP is parsed by httptools (llhttp, the parser of Node.js) and the event loop is uvloop (libuv), both C
and both uvicorn's own "standard" choice: with the pure-Python h11 parser and asyncio's loop, a server
process spent more of its time in parsing requests and writing a hundred boards' events than in the views.
Where uvloop is not available (Windows) asyncio's loop is used.

The parent process supervises the workers (a worker that dies is started again) and runs the background
task workers as threads, as before.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import signal
import socket
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

logger = logging.getLogger("madoguchi.server")


class NoDelayHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol that answers each request without waiting for Nagle's algorithm."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    proxy_headers: bool


def bind(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A listening TCP socket; with `reuse_port`, one per worker process on the same address."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def event_loop() -> str:
    """uvloop where it is installed (every platform but Windows), else asyncio's own loop."""
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def config(options: ServeOptions) -> Any:
    import uvicorn

    return uvicorn.Config(
        "madoguchi.config.asgi:application",
        host=options.host,
        port=options.port,
        http=NoDelayHttpProtocol,
        loop=event_loop(),
        log_config=None,  # Django's LOGGING already configured the root logger (JSON lines).
        proxy_headers=options.proxy_headers,
        server_header=False,
        # Boards and phones hold event streams open: on shutdown they get 3 s, then reconnect.
        timeout_graceful_shutdown=3,
    )


# Python's cyclic garbage collector, tuned for a long-running server (as Instagram's Django servers do):
# what start-up loaded (Django, the apps, the catalog) is moved out of the collector's sight, and the
# youngest generation is collected after 20,000 new objects instead of 700. A request makes thousands of
# ORM objects; with the default, the collections ran many times a second and each full one walked the
# whole heap, which showed as the slowest 1-5 % of counter calls and board chimes (benchmarks/README.md).
GC_THRESHOLDS = (20_000, 50, 100)


def tune_garbage_collector() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def serve_in_process(options: ServeOptions, sock: socket.socket | None = None) -> None:
    """One uvicorn server in this process (on `sock`, or binding its own)."""
    import uvicorn

    server = uvicorn.Server(config(options))
    tune_garbage_collector()
    server.run(sockets=[sock] if sock is not None else None)


def _worker(options: ServeOptions) -> None:
    """The body of one worker process: Django set up afresh, its own SO_REUSEPORT socket."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")
    import django

    django.setup()
    serve_in_process(options, bind(options.host, options.port, reuse_port=True))


def supervise(options: ServeOptions, workers: int) -> None:
    """Run `workers` server processes until SIGINT/SIGTERM; a worker that dies is started again."""
    context = multiprocessing.get_context("spawn")
    # Bind once here first: a port that is taken fails now, in the foreground, with a clear error.
    bind(options.host, options.port, reuse_port=True).close()
    stopping = False

    def start() -> BaseProcess:
        process = context.Process(target=_worker, args=(options,), name="madoguchi-http", daemon=False)
        process.start()
        return process

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = [start() for _ in range(workers)]
    try:
        while not stopping:
            time.sleep(0.5)
            for index, process in enumerate(processes):
                if not process.is_alive() and not stopping:
                    logger.warning(
                        "HTTP worker %s ended (exit code %s); starting another", process.pid, process.exitcode
                    )
                    processes[index] = start()
    finally:
        for process in processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
