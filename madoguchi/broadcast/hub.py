"""The in-process fan-out: a message published once reaches every listener of its channel in this process."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

# A listener that cannot keep up (a frozen tablet) keeps only the newest messages. Board and status messages
# carry the whole state, so the newest one is all a listener needs.
BACKLOG = 16


class Subscription:
    """One listener's inbox, owned by the event loop it was created in; fed from any thread (through
    `loop.call_soon_threadsafe`, see Hub.deliver).

    Waiting for a message costs one future and one timer, not a task: a server process holds a few
    hundred streams, each waiting again after every message.
    """

    def __init__(self, channel: str, loop: asyncio.AbstractEventLoop) -> None:
        self.channel = channel
        self._loop = loop
        self._inbox: deque[str] = deque(maxlen=BACKLOG)  # full: the oldest message makes room
        self._waiter: asyncio.Future[None] | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def put(self, message: str) -> None:
        """On the listener's loop: keep the message (dropping the oldest when the backlog is full)."""
        self._inbox.append(message)
        _wake(self._waiter)

    def drain(self) -> list[str]:
        """The messages already waiting, without waiting for more."""
        drained = list(self._inbox)
        self._inbox.clear()
        return drained

    async def get(self, timeout: float | None = None) -> str | None:
        """The next message, or None when `timeout` seconds pass without one."""
        if not self._inbox:
            waiter: asyncio.Future[None] = self._loop.create_future()
            self._waiter = waiter
            timer = self._loop.call_later(timeout, _wake, waiter) if timeout is not None else None
            try:
                await waiter
            finally:
                self._waiter = None
                if timer is not None:
                    timer.cancel()
            if not self._inbox:
                return None
        return self._inbox.popleft()


def _wake(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)


def _put_all(subscriptions: list[Subscription], message: str) -> None:
    for subscription in subscriptions:
        subscription.put(message)


class Hub:
    def __init__(self) -> None:
        self._subscriptions: dict[str, set[Subscription]] = defaultdict(set)
        self._versions: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def version(self, channel: str) -> int:
        """How many messages this process has received on `channel`: a cached snapshot taken at one version
        is still current while the version has not moved."""
        with self._lock:
            return self._versions[channel]

    def deliver(self, channel: str, message: str) -> int:
        """Give `message` to every listener of `channel` in this process; returns how many there were."""
        with self._lock:
            self._versions[channel] += 1
            listeners = list(self._subscriptions.get(channel, ()))
        # One wake-up per event loop, not one per listener: a server process holds a few hundred boards
        # and phones on one loop, and waking it a few hundred times per message cost more than the views.
        by_loop: dict[asyncio.AbstractEventLoop, list[Subscription]] = defaultdict(list)
        for subscription in listeners:
            by_loop[subscription.loop].append(subscription)
        for loop, subscriptions in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: its listeners are gone
                loop.call_soon_threadsafe(_put_all, subscriptions, message)
        return len(listeners)

    def listeners(self, channel: str) -> int:
        with self._lock:
            return len(self._subscriptions.get(channel, ()))

    @asynccontextmanager
    async def subscribe(self, channel: str, *also: str) -> AsyncIterator[Subscription]:
        """One inbox for the messages of `channel` and of the channels `also` (in this process only)."""
        subscription = Subscription(channel, asyncio.get_running_loop())
        channels = (channel, *also)
        with self._lock:
            for name in channels:
                self._subscriptions[name].add(subscription)
        try:
            yield subscription
        finally:
            with self._lock:
                for name in channels:
                    self._subscriptions[name].discard(subscription)
                    if not self._subscriptions[name]:
                        del self._subscriptions[name]
