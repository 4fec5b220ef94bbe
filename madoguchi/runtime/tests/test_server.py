"""The server answers each keep-alive request at once: TCP_NODELAY on every accepted connection."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from madoguchi.runtime.server import NoDelayHttpProtocol, ServeOptions, bind, config


class Transport:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"socket": self.sock, "peername": ("127.0.0.1", 1), "sockname": ("127.0.0.1", 2)}.get(
            name, default
        )

    def is_closing(self) -> bool:
        return False


def test_every_accepted_connection_gets_tcp_nodelay() -> None:
    listener = bind("127.0.0.1", 0, reuse_port=True)
    client = socket.create_connection(listener.getsockname())
    # what uvicorn's workers get: a socket rebuilt from a file descriptor, without its protocol number
    accepted, _ = listener.accept()
    rebuilt = socket.fromfd(accepted.fileno(), socket.AF_INET, socket.SOCK_STREAM)
    accepted.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
    assert rebuilt.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
    settings = config(ServeOptions("127.0.0.1", 0, proxy_headers=False))
    settings.load()
    loop = asyncio.new_event_loop()
    try:
        protocol = NoDelayHttpProtocol(settings, server_state=_state(), app_state={}, _loop=loop)
        protocol.connection_made(Transport(rebuilt))  # type: ignore[arg-type]
    finally:
        loop.close()
    assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    for sock in (client, accepted, rebuilt, listener):
        sock.close()


def test_two_workers_can_listen_on_one_port() -> None:
    first = bind("127.0.0.1", 0, reuse_port=True)
    second = bind("127.0.0.1", first.getsockname()[1], reuse_port=True)  # SO_REUSEPORT: the kernel balances
    assert second.getsockname() == first.getsockname()
    first.close()
    second.close()


def _state() -> Any:
    from uvicorn.server import ServerState

    return ServerState()


def test_a_server_process_hides_what_start_up_loaded_from_the_garbage_collector() -> None:
    import gc

    from madoguchi.runtime.server import GC_THRESHOLDS, tune_garbage_collector

    before = gc.get_threshold()
    try:
        tune_garbage_collector()
        assert gc.get_threshold() == GC_THRESHOLDS
        assert gc.get_freeze_count() > 0  # Django and the apps, loaded by the test run
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_server_parses_http_in_c_on_uvloop() -> None:
    settings = config(ServeOptions("127.0.0.1", 0, proxy_headers=False))
    assert settings.http is NoDelayHttpProtocol
    assert settings.loop == "uvloop"  # installed on every platform the project runs on (not Windows)


def test_a_stream_server_without_a_shared_broker_refuses_to_start(settings: Any) -> None:
    from django.core.management import CommandError, call_command

    # given the in-process broadcast, which no other process's events reach
    settings.MADOGUCHI_BROADCAST_URL = "memory://"
    # when a stream server beside an app server is started
    # then it says what to set instead of holding boards that never change
    with pytest.raises(CommandError, match="--streams needs a shared broadcast broker"):
        call_command("serve", "--streams", "--port", "0")


def test_a_stream_server_runs_no_background_tasks(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import call_command

    from madoguchi.runtime.management.commands import serve

    settings.MADOGUCHI_BROADCAST_URL = "redis://127.0.0.1:6379/3"
    settings.MADOGUCHI_TASK_WORKERS = 2
    pools: list[int] = []

    class Pool:
        def __init__(self, count: int, label: str) -> None:
            pools.append(count)

        def start(self) -> Pool:
            return self

        def stop(self, timeout: float) -> None:
            pass

    monkeypatch.setattr(serve, "WorkerPool", Pool)
    monkeypatch.setattr(serve, "serve_in_process", lambda options: None)
    # when the app server and then the stream server start
    call_command("serve", "--port", "0")
    call_command("serve", "--port", "0", "--streams")
    # then only the app server runs the task workers
    assert pools == [2, 0]
