"""The ASGI handler: sync views whole in one pool thread, event streams on Django's async path."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
from typing import Any

import pytest
from django.core import signals
from django.test import Client

from madoguchi.runtime.asgi import PooledASGIHandler


def _scope(path: str, method: str = "GET", query: bytes = b"", headers: list[Any] | None = None) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"testserver"), *(headers or [])],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


def _call(
    handler: PooledASGIHandler, scope: dict, body: bytes = b"", *, until_body: bool = True
) -> tuple[dict, bytes, bool]:
    """One request through the handler: the response start message, the body received, and whether the
    response was still open 0.2 s after the (first) body."""
    sent: list[dict] = []
    received = asyncio.Event()
    open_after: list[bool] = []

    async def run() -> None:
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict:
            if messages:
                return messages.pop(0)
            await asyncio.sleep(3600)  # the client stays connected
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and (until_body or message.get("body")):
                received.set()

        task = asyncio.create_task(handler(scope, receive, send))
        await asyncio.wait_for(received.wait(), timeout=10)
        await asyncio.sleep(0.2)
        open_after.append(not task.done())
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(run())
    start = next(message for message in sent if message["type"] == "http.response.start")
    body_parts = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start, body_parts, open_after[0]


def _timeless(page: bytes) -> bytes:
    return re.sub(rb"\d\d:\d\d(:\d\d)?", b"", page)


@pytest.fixture
def handler(db: None) -> Any:
    """The handler, its pool threads using this test's database connection (as Django's live server
    threads do), so that they see the test's data and everything is rolled back after it."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import close_old_connections, connections

    shared = connections["default"]
    shared.inc_thread_sharing()

    def share() -> None:
        connections["default"] = shared

    handler = PooledASGIHandler(threads=2)
    handler._pool = ThreadPoolExecutor(2, thread_name_prefix="madoguchi-request", initializer=share)
    # as Django's test client: the test's transaction must outlive each request
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield handler
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    handler._pool.shutdown()
    shared.dec_thread_sharing()


def test_a_page_is_served_whole_in_a_pool_thread_with_the_same_answer_as_django(
    handler: PooledASGIHandler, demo_city: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asgiref.sync import AsyncToSync

    # no event loop run inside the pool thread (an async-only middleware in the chain would need one)
    loops: list[object] = []
    original = AsyncToSync.__call__

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        loops.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AsyncToSync, "__call__", counted)
    threads: list[str] = []

    def started(**kwargs: Any) -> None:
        threads.append(threading.current_thread().name)

    finished: list[str] = []

    def ended(**kwargs: Any) -> None:
        finished.append(threading.current_thread().name)

    signals.request_started.connect(started)
    signals.request_finished.connect(ended)
    try:
        start, body, still_open = _call(handler, _scope("/board/chuo/"))
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(ended)
    assert loops == []
    assert start["status"] == 200
    assert not still_open
    assert _timeless(body) == _timeless(Client().get("/board/chuo/").content)
    # request_started and request_finished (which hands the database connection back) in the same
    # pool thread: the one that ran the view
    assert threads == finished
    assert threads[0].startswith("madoguchi-request")


def test_a_post_with_a_body_cookies_and_errors_keep_their_meaning(
    handler: PooledASGIHandler, demo_city: None
) -> None:
    # a form post without its CSRF token: Django's own 403, not a 500
    start, _, _ = _call(
        handler,
        _scope("/accounts/login/", "POST", headers=[(b"content-type", b"application/x-www-form-urlencoded")]),
        b"username=clerk&password=x",
    )
    assert start["status"] == 403
    # the login page sets its CSRF cookie as a Set-Cookie header
    start, body, _ = _call(handler, _scope("/accounts/login/"))
    assert start["status"] == 200
    assert any(name == b"Set-Cookie" and value.startswith(b"csrftoken=") for name, value in start["headers"])
    assert b"csrfmiddlewaretoken" in body
    # unknown paths: the sync chain's 404 (with CommonMiddleware's slash redirect first)
    assert _call(handler, _scope("/no/such/page/"))[0]["status"] == 404
    assert _call(handler, _scope("/board/chuo"))[0]["status"] == 301
    # a JSON API call with a bad token
    start, body, _ = _call(
        handler,
        _scope("/api/v1/tickets", "POST", headers=[(b"authorization", b"Bearer nope")]),
        json.dumps({"office": "chuo", "queue": "one-stop"}).encode(),
    )
    assert start["status"] == 401


def test_event_streams_take_the_async_path_and_everything_else_the_pool(
    handler: PooledASGIHandler, demo_city: None
) -> None:
    from django.urls import reverse

    streams = [reverse("reception:board-events", args=["chuo"]), reverse("reception:status-events")]
    assert all(handler._async_view(_scope(path)) for path in streams)
    pages = ["/board/chuo/", "/healthz", "/api/v1/tickets", "/no/such/page/", "/"]
    assert not any(handler._async_view(_scope(path)) for path in pages)
    # static files: the static files middleware, which is async-only, on the async path
    assert handler._async_view(_scope("/static/madoguchi/js/wait.js"))


def test_a_body_over_the_limit_is_refused_unread_whether_declared_or_not(
    handler: PooledASGIHandler, demo_city: None, settings: Any
) -> None:
    settings.MADOGUCHI_MAX_REQUEST_BYTES = 1000
    form = [(b"content-type", b"application/x-www-form-urlencoded")]
    # declared too long: answered before a byte is read
    start, body, _ = _call(
        handler,
        _scope("/accounts/login/", "POST", headers=[*form, (b"content-length", b"5000")]),
        b"x" * 5000,
    )
    assert start["status"] == 413
    assert "大きすぎます" in body.decode()
    # not declared (or declared short): refused as soon as the body passes the limit
    start, _, _ = _call(handler, _scope("/accounts/login/", "POST", headers=form), b"x" * 1001)
    assert start["status"] == 413
    # within the limit: the view answers (here Django's CSRF refusal)
    start, _, _ = _call(handler, _scope("/accounts/login/", "POST", headers=form), b"x" * 1000)
    assert start["status"] == 403
