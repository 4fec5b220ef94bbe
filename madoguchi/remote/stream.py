"""A party's event stream in the room: what changed (the consultation, the case, the queue) and the
signalling messages addressed to it, as server-sent events.

The stream carries notices, not state: on "state" the page fetches the room's state, on "case" it
reloads the case panel. Every (re)connection starts with a "hello", after which the page fetches the
state again, so that nothing missed while a network was down stays missed.

A signalling message (an SDP offer is a few kilobytes) is published deflated when it is large, because
PostgreSQL's NOTIFY carries at most 8,000 bytes; the stream inflates it before the page sees it.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import AsyncIterator
from typing import Any

from django.http import StreamingHttpResponse

from madoguchi.broadcast.events import get_broadcaster, publish
from madoguchi.broadcast.sse import KEEPALIVE_S, RETRY_MS

DEFLATE_ABOVE = 2000  # characters of a message's JSON


def publish_signal(channel: str, message: dict[str, Any]) -> None:
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    if len(text) > DEFLATE_ABOVE:
        packed = base64.b64encode(zlib.compress(text.encode(), 6)).decode("ascii")
        publish(channel, {"type": "z", "z": packed})
    else:
        publish(channel, message)


def inflate(message: str) -> str:
    if message.startswith('{"type":"z"'):
        packed = json.loads(message)["z"]
        return zlib.decompress(base64.b64decode(packed)).decode()
    return message


def _event(data: str) -> bytes:
    return ("".join(f"data: {line}\n" for line in data.splitlines() or [""]) + "\n").encode()


async def _events(channels: tuple[str, ...], keepalive: float) -> AsyncIterator[bytes]:
    yield f"retry: {RETRY_MS}\n\n".encode()
    async with get_broadcaster().subscribe(*channels) as subscription:
        yield _event('{"type":"hello"}')  # subscribed: now the page fetches the state
        while True:
            message = await subscription.get(timeout=keepalive)
            if message is None:
                yield b": keep-alive\n\n"
                continue
            batch = [message, *subscription.drain()]
            yield b"".join(_event(inflate(m)) for m in batch)


def event_stream(*channels: str, keepalive: float = KEEPALIVE_S) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_events(channels, keepalive), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
