"""Server-sent events: a snapshot first, then every message of the channel, with keep-alives.

Browsers' EventSource reconnects by itself after a network drop; every reconnect starts with a fresh
snapshot, so nothing missed while offline stays missing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import lru_cache

from django.http import StreamingHttpResponse

from madoguchi.broadcast.events import get_broadcaster

KEEPALIVE_S = 15.0
RETRY_MS = 2000
# A stream writes at most once per this many seconds: what arrives meanwhile goes out together, in one
# write (a board still gets one event per call, so that each call chimes).
COALESCE_S = 0.05
# What a process tells its own streams of a channel when it has read the channel's state anew (see
# SnapshotCache.follow); it travels on the process's local channel `state_read_channel(channel)`.
STATE_READ = "\x00state-read"

logger = logging.getLogger("madoguchi.broadcast")


def state_read_channel(channel: str) -> str:
    """The in-process channel on which the streams of `channel` learn of a new state read."""
    return f"{channel}#state-read"


class SnapshotCache:
    """One snapshot computation for a crowd: when 100 boards reconnect at once (after a restart), the state
    is read from the database once, not 100 times with 100 connections.

    A cached snapshot is served only while no message has arrived on its channel since it was taken (every
    board message carries the whole state, so a newer message means a newer state) and for `ttl` seconds
    at most, in case a broker outage lost a message.
    """

    def __init__(self, ttl: float = 5.0, min_interval: float = 0.0) -> None:
        self.ttl = ttl
        # At most one computation per `min_interval` per channel: under a burst of changes the crowd gets
        # the state a little later (by at most that much) instead of one database read per change.
        self.min_interval = min_interval
        self._entries: dict[str, tuple[int, float, str]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._wanted: dict[str, int] = {}
        self._followers: dict[str, asyncio.Task[None]] = {}

    def latest_version(self, channel: str) -> int | None:
        """The channel's version at the newest state read, or None before the first."""
        entry = self._entries.get(channel)
        return None if entry is None else entry[0]

    def follow(self, channel: str, compute: Callable[[], Awaitable[str]], *, needed: int) -> None:
        """Read the state at or after version `needed` in the background, and then tell this process's
        streams (STATE_READ on `state_read_channel`): a stream never waits for the database between two
        chimes, and one read serves every stream of the process. Changes received during a read are
        followed by one more read after it."""
        if needed > self._wanted.get(channel, -1):
            self._wanted[channel] = needed
        loop = asyncio.get_running_loop()
        task = self._followers.get(channel)
        if task is None or task.done() or task.get_loop() is not loop:
            task = loop.create_task(self._follow(channel, compute))
            self._followers[channel] = task

    async def _follow(self, channel: str, compute: Callable[[], Awaitable[str]]) -> None:
        hub = get_broadcaster().hub
        while (version := self.latest_version(channel)) is None or version < self._wanted[channel]:
            try:
                await self.get(channel, compute, needed=self._wanted[channel])
            except Exception:  # the database is away: streams keep the last state; the next change retries
                logger.exception("reading the state of %s failed", channel)
                return
            hub.deliver(state_read_channel(channel), STATE_READ)

    def latest(self, channel: str, *, needed: int | None = None) -> str | None:
        """The newest state read of the channel, or None; with `needed`, only a state read at or after
        that version (one that already includes a change received)."""
        entry = self._entries.get(channel)
        if entry is None or (needed is not None and entry[0] < needed):
            return None
        return entry[2]

    async def get(
        self, channel: str, compute: Callable[[], Awaitable[str]], *, needed: int | None = None
    ) -> str:
        """The channel's state, read at or after the channel's version `needed` (default: the current
        one): a stream that received a change asks for a state that includes it, and a hundred streams
        that received it share the one read that does."""
        hub = get_broadcaster().hub
        # The version asked for is the one when asked: whoever held the lock meanwhile may have read it.
        wanted = hub.version(channel) if needed is None else needed
        entry = self._entries.get(channel)
        if entry is not None and entry[0] >= wanted and time.monotonic() - entry[1] < self.ttl:
            return entry[2]  # the crowd after the first reader: no lock, no wait
        lock = self._locks.setdefault(channel, asyncio.Lock())
        async with lock:
            version = hub.version(channel)
            entry = self._entries.get(channel)
            if entry is not None and entry[0] >= wanted and time.monotonic() - entry[1] < self.ttl:
                return entry[2]
            if entry is not None and (wait := self.min_interval - (time.monotonic() - entry[1])) > 0:
                await asyncio.sleep(wait)
                version = hub.version(channel)  # what arrived meanwhile is in the state read now
            value = await compute()
            self._entries[channel] = (version, time.monotonic(), value)
            return value


def _event(data: str) -> str:
    return "".join(f"data: {line}\n" for line in data.splitlines() or [""]) + "\n"


@lru_cache(maxsize=64)
def _encoded(batch: tuple[str, ...]) -> bytes:
    """A batch of events as the bytes written: the same batch (a call's chime with the office's state, a
    few kilobytes) goes to every board and phone of the process, and is formatted and encoded once, not
    once per stream."""
    return "".join(_event(event) for event in batch).encode()


# What a stream sends for the messages it received: batches of events, each batch written at once (a board
# sends a call's chime at once, and the office's state read after it as a second batch).
Render = Callable[[list[str]], AsyncIterator[list[str]]]


async def _as_published(messages: list[str]) -> AsyncIterator[list[str]]:
    yield messages


def _never(message: str) -> bool:
    return False


async def _stream(
    channel: str,
    snapshot: Callable[[], Awaitable[str]],
    keepalive: float,
    render: Render,
    coalesce: float,
    urgent: Callable[[str], bool],
    follows_reads: bool,
) -> AsyncIterator[str | bytes]:
    yield f"retry: {RETRY_MS}\n\n"
    local = (state_read_channel(channel),) if follows_reads else ()
    # Subscribe before taking the snapshot: a message published in between is then delivered, not lost.
    async with get_broadcaster().subscribe(channel, *local) as subscription:
        yield _event(await snapshot())
        sent = time.monotonic()
        while True:
            message = await subscription.get(timeout=keepalive)
            if message is None:
                yield ": keep-alive\n\n"
                continue
            if not urgent(message) and (wait := coalesce - (time.monotonic() - sent)) > 0:
                await asyncio.sleep(wait)
            pending = [message, *subscription.drain()]  # a burst is rendered together
            async for batch in render(pending):
                yield _encoded(tuple(batch))
            sent = time.monotonic()


def event_stream(
    channel: str,
    snapshot: Callable[[], Awaitable[str]],
    *,
    keepalive: float = KEEPALIVE_S,
    render: Render = _as_published,
    coalesce: float = COALESCE_S,
    urgent: Callable[[str], bool] = _never,
    follows_reads: bool = False,
) -> StreamingHttpResponse:
    """`render` turns the messages received since the last event into the events sent (by default, each
    message as published); `coalesce` is the least time in seconds between two writes of the stream,
    except after a message that is `urgent` (a call to chime), which is rendered at once. With
    `follows_reads`, `render` also receives STATE_READ when the process has read the state anew."""
    response = StreamingHttpResponse(
        _stream(channel, snapshot, keepalive, render, coalesce, urgent, follows_reads),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response
