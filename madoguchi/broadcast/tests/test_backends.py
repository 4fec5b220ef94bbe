from __future__ import annotations

import asyncio
import json
import socket
import threading
from typing import Any

import pytest

from madoguchi.broadcast.backends import (
    Broadcaster,
    BroadcastError,
    MemoryBroadcaster,
    PostgresBroadcaster,
    RedisBroadcaster,
    broadcaster_for,
)
from madoguchi.broadcast.hub import BACKLOG, Hub

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


async def receive_from_another_thread(broadcaster: Broadcaster, channel: str, sent: list[str]) -> list[str]:
    """Subscribe, publish `sent` from a plain thread (as a view's on_commit does), collect what arrives."""
    received: list[str] = []
    async with broadcaster.subscribe(channel) as subscription:
        thread = threading.Thread(target=lambda: [broadcaster.publish(channel, m) for m in sent])
        thread.start()
        while len(received) < len(sent):
            message = await subscription.get(timeout=5)
            assert message is not None, f"only {received} arrived"
            received.append(message)
        thread.join()
        assert await subscription.get(timeout=0.2) is None  # nothing more, nothing twice
    return received


def test_the_url_chooses_the_backend() -> None:
    assert isinstance(broadcaster_for(""), MemoryBroadcaster)
    assert isinstance(broadcaster_for("memory://"), MemoryBroadcaster)
    assert isinstance(broadcaster_for("redis://127.0.0.1:6379/0"), RedisBroadcaster)
    assert isinstance(broadcaster_for("postgres://"), PostgresBroadcaster)
    with pytest.raises(BroadcastError, match="MADOGUCHI_BROADCAST_URL"):
        broadcaster_for("amqp://rabbit")


def test_in_process_messages_reach_every_listener_of_the_channel_only() -> None:
    async def scenario() -> tuple[list[str], list[str | None]]:
        broadcaster = MemoryBroadcaster()
        async with broadcaster.subscribe("office.kita") as other:
            received = await receive_from_another_thread(broadcaster, "office.chuo", ["1", "2", "3"])
            return received, [await other.get(timeout=0.1)]

    received, other = asyncio.run(scenario())
    assert received == ["1", "2", "3"]
    assert other == [None]


def test_a_slow_listener_keeps_the_newest_messages() -> None:
    async def scenario() -> list[str]:
        hub = Hub()
        async with hub.subscribe("c") as subscription:
            for index in range(BACKLOG + 5):
                hub.deliver("c", str(index))
            await asyncio.sleep(0)  # let the loop run the hand-overs
            out = []
            while (message := await subscription.get(timeout=0.05)) is not None:
                out.append(message)
            return out

    assert asyncio.run(scenario()) == [str(i) for i in range(5, BACKLOG + 5)]


def test_listeners_are_forgotten_when_they_leave() -> None:
    async def scenario() -> tuple[int, int]:
        hub = Hub()
        async with hub.subscribe("c"):
            during = hub.listeners("c")
        return during, hub.listeners("c")

    assert asyncio.run(scenario()) == (1, 0)


@pytest.mark.skipif(not redis_running(), reason="no Redis at 127.0.0.1:6379")
def test_redis_carries_messages_between_processes() -> None:
    async def scenario() -> list[str]:
        return await receive_from_another_thread(RedisBroadcaster(REDIS_URL), "office.chuo", ["a", "b"])

    assert asyncio.run(scenario()) == ["a", "b"]


@pytest.mark.skipif(not redis_running(), reason="no Redis at 127.0.0.1:6379")
def test_redis_publisher_and_listener_may_be_different_objects() -> None:
    # given: two "app servers" (two broadcaster objects with their own connections)
    publisher, listener = RedisBroadcaster(REDIS_URL), RedisBroadcaster(REDIS_URL)

    async def scenario() -> str | None:
        async with listener.subscribe("office.kita") as subscription:
            await asyncio.to_thread(publisher.publish, "office.kita", json.dumps({"n": 1}))
            return await subscription.get(timeout=5)

    assert asyncio.run(scenario()) == '{"n": 1}'


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgres_notify_carries_messages(settings: Any) -> None:
    from django.db import connection

    broadcaster = PostgresBroadcaster()

    async def scenario() -> list[str]:
        async with broadcaster.subscribe("office.chuo") as subscription:

            def publish() -> None:
                try:
                    broadcaster.publish("office.chuo", "日本語も届く")
                    broadcaster.publish("office.chuo", json.dumps({"calls": []}))
                finally:
                    connection.close()

            await asyncio.to_thread(publish)
            return [await subscription.get(timeout=5), await subscription.get(timeout=5)]  # type: ignore[list-item]

    assert asyncio.run(scenario()) == ["日本語も届く", '{"calls": []}']


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_a_message_too_large_for_notify() -> None:
    with pytest.raises(BroadcastError, match="too large"):
        PostgresBroadcaster().publish("office.chuo", "x" * 9000)
