"""The shared state read of the event streams: one read per change for every stream of a process."""

from __future__ import annotations

import asyncio

import pytest

from madoguchi.broadcast.events import get_broadcaster
from madoguchi.broadcast.sse import STATE_READ, SnapshotCache, state_read_channel


def test_followed_changes_are_read_once_in_the_background_and_announced_to_the_process() -> None:
    async def scenario() -> tuple[list[int], list[str | None], str | None]:
        hub = get_broadcaster().hub
        cache = SnapshotCache()
        channel = "test.follow"
        reads: list[int] = []

        async def compute() -> str:
            reads.append(hub.version(channel))
            await asyncio.sleep(0.05)
            return f"state at {reads[-1]}"

        async with hub.subscribe("unrelated", state_read_channel(channel)) as subscription:
            hub.deliver(channel, "change")
            await asyncio.sleep(0)
            for _ in range(100):  # a hundred streams received the change: one read
                cache.follow(channel, compute, needed=hub.version(channel))
            first = await subscription.get(timeout=2)
            # a change during the next read is followed by one more read after it
            hub.deliver(channel, "change")
            cache.follow(channel, compute, needed=hub.version(channel))
            await asyncio.sleep(0.01)
            hub.deliver(channel, "change")
            cache.follow(channel, compute, needed=hub.version(channel))
            second = await subscription.get(timeout=2)
            third = await subscription.get(timeout=2)
            nothing_more = await subscription.get(timeout=0.2)
            assert cache.latest(channel, needed=hub.version(channel)) == f"state at {hub.version(channel)}"
        return reads, [first, second, third], nothing_more

    reads, announced, nothing_more = asyncio.run(scenario())
    assert len(reads) == 3
    assert reads == sorted(reads)
    assert announced == [STATE_READ] * 3
    assert nothing_more is None


def test_a_failed_read_is_logged_and_the_next_change_reads_again(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> tuple[str | None, str | None]:
        hub = get_broadcaster().hub
        cache = SnapshotCache()
        channel = "test.follow-failing"
        failing = {"now": True}

        async def compute() -> str:
            if failing["now"]:
                raise ConnectionError("the database is away")
            return "state"

        async with hub.subscribe("unrelated", state_read_channel(channel)) as subscription:
            hub.deliver(channel, "change")
            cache.follow(channel, compute, needed=hub.version(channel))
            during_outage = await subscription.get(timeout=0.3)
            failing["now"] = False
            hub.deliver(channel, "change")
            cache.follow(channel, compute, needed=hub.version(channel))
            return during_outage, await subscription.get(timeout=2)

    during_outage, after = asyncio.run(scenario())
    assert during_outage is None
    assert after == STATE_READ
    assert "reading the state of test.follow-failing failed" in caplog.text


def test_a_batch_of_events_is_formatted_and_encoded_once_for_every_stream_of_the_process() -> None:
    from madoguchi.broadcast.sse import _encoded

    state = '{"office":"chuo","calls":["A-001"],"note":"窓口"}'
    first = _encoded((state, "two\nlines"))
    # what a browser's EventSource reads: each line of an event after "data: ", a blank line after each
    assert first == (f"data: {state}\n\ndata: two\ndata: lines\n\n").encode()
    # the next stream that sends the same batch writes the very same bytes, not a copy made anew
    assert _encoded((state, "two\nlines")) is first
