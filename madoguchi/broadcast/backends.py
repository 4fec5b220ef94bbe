"""The broadcast backends: in-process, Redis and PostgreSQL LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import json
import logging
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from madoguchi.broadcast.hub import Hub, Subscription

logger = logging.getLogger("madoguchi.broadcast")

# How long a new listener waits for the broker subscription before it goes on without it (the broker may be
# down; the listener still gets its snapshot and receives events once the broker is back).
READY_TIMEOUT_S = 5.0


class BroadcastError(Exception):
    pass


class Broadcaster(ABC):
    """Publish from any thread (after commit); subscribe from async views."""

    def __init__(self) -> None:
        self.hub = Hub()

    @abstractmethod
    def publish(self, channel: str, message: str) -> None: ...

    async def start(self) -> None:  # noqa: B027 (in process there is nothing to start)
        """Make sure this process receives the broker's messages."""

    @asynccontextmanager
    async def subscribe(self, channel: str, *local: str) -> AsyncIterator[Subscription]:
        """Listen to `channel` on every app server, and to the `local` channels of this process (which the
        broker never carries: a process tells its own streams something, see sse.SnapshotCache.follow)."""
        await self.start()
        async with self.hub.subscribe(channel, *local) as subscription:
            yield subscription


class MemoryBroadcaster(Broadcaster):
    """One process: a published message goes straight to this process's listeners."""

    def publish(self, channel: str, message: str) -> None:
        self.hub.deliver(channel, message)


class BrokerBroadcaster(Broadcaster):
    """Several processes: publish to the broker; one listener task per process feeds the hub."""

    def __init__(self) -> None:
        super().__init__()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready: asyncio.Event | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        ready = self._ready
        if ready is None or self._task is None or self._task.done() or self._loop is not loop:
            self._loop = loop
            self._ready = ready = asyncio.Event()
            self._task = loop.create_task(self._run(ready), name=f"broadcast-{type(self).__name__}")
        try:
            await asyncio.wait_for(ready.wait(), READY_TIMEOUT_S)
        except TimeoutError:
            logger.warning("broadcast broker not reachable yet; listeners get events once it is")

    async def _run(self, ready: asyncio.Event) -> None:
        backoff = 0.5
        while True:
            try:
                await self.listen(ready)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the broker went away: reconnect with backoff, never give up
                logger.warning(
                    "broadcast listener lost its broker (%s); reconnecting in %.1fs", error, backoff
                )
            ready.clear()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)

    @abstractmethod
    async def listen(self, ready: asyncio.Event) -> None:
        """Subscribe, set `ready`, then deliver every message to the hub until the connection drops."""


class RedisBroadcaster(BrokerBroadcaster):
    PREFIX = "madoguchi:"

    def __init__(self, url: str) -> None:
        super().__init__()
        import redis

        self.url = url
        self._client = redis.Redis.from_url(url)  # thread-safe connection pool for publishing

    def publish(self, channel: str, message: str) -> None:
        self._client.publish(self.PREFIX + channel, message)

    async def listen(self, ready: asyncio.Event) -> None:
        from redis import asyncio as aioredis

        client = aioredis.Redis.from_url(self.url)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.psubscribe(self.PREFIX + "*")
                ready.set()
                async for item in pubsub.listen():
                    if item["type"] == "pmessage":
                        channel = item["channel"].decode()[len(self.PREFIX) :]
                        self.hub.deliver(channel, item["data"].decode())
        finally:
            await client.aclose()


class PostgresBroadcaster(BrokerBroadcaster):
    """NOTIFY through the default database; LISTEN on one extra connection per process."""

    PG_CHANNEL = "madoguchi_broadcast"
    MAX_PAYLOAD = 7900  # PostgreSQL refuses NOTIFY payloads of 8000 bytes or more

    def publish(self, channel: str, message: str) -> None:
        from django.db import connection

        payload = json.dumps([channel, message], ensure_ascii=False)
        if len(payload.encode("utf-8")) > self.MAX_PAYLOAD:
            raise BroadcastError(f"message on {channel!r} is too large for PostgreSQL NOTIFY")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [self.PG_CHANNEL, payload])

    async def listen(self, ready: asyncio.Event) -> None:
        import psycopg

        async with await psycopg.AsyncConnection.connect(_conninfo(), autocommit=True) as connection:
            await connection.execute(f"LISTEN {self.PG_CHANNEL}")
            ready.set()
            async for notification in connection.notifies():
                channel, message = json.loads(notification.payload)
                self.hub.deliver(channel, message)


def _conninfo() -> str:
    from django.conf import settings
    from psycopg.conninfo import make_conninfo

    database: dict[str, Any] = dict(settings.DATABASES["default"])
    if "postgresql" not in database["ENGINE"]:
        raise BroadcastError("MADOGUCHI_BROADCAST_URL=postgres:// needs DATABASE_URL to name PostgreSQL")
    params = {
        "dbname": database.get("NAME"),
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "host": database.get("HOST"),
        "port": database.get("PORT"),
    }
    return make_conninfo(**{key: str(value) for key, value in params.items() if value})


def broadcaster_for(url: str) -> Broadcaster:
    """The backend named by a `MADOGUCHI_BROADCAST_URL`."""
    scheme = urlsplit(url).scheme if url else "memory"
    if scheme == "memory":
        return MemoryBroadcaster()
    if scheme in {"redis", "rediss", "unix"}:
        return RedisBroadcaster(url)
    if scheme in {"postgres", "postgresql"}:
        return PostgresBroadcaster()
    raise BroadcastError(
        f"MADOGUCHI_BROADCAST_URL {url!r}: use memory://, redis://HOST:PORT/DB or postgres://"
    )
