"""The in-process fan-out: a message published once reaches every listener of its channel in this process."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

# A listener that cannot keep up (a frozen tablet) keeps only the newest messages. Board and status messages
# carry the whole state, so the newest one is all a listener needs.
BACKLOG = 16


class Subscription:
    """One listener's inbox, owned by the event loop it was created in; fed from any thread."""

    def __init__(self, channel: str, loop: asyncio.AbstractEventLoop) -> None:
        self.channel = channel
        self._loop = loop
        self._inbox: asyncio.Queue[str] = asyncio.Queue(maxsize=BACKLOG)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def put(self, message: str) -> None:
        """On the listener's loop: keep the message (dropping the oldest when the backlog is full)."""
        if self._inbox.full():
            self._inbox.get_nowait()
        self._inbox.put_nowait(message)

    def drain(self) -> list[str]:
        """The messages already waiting, without waiting for more."""
        drained = []
        while not self._inbox.empty():
            drained.append(self._inbox.get_nowait())
        return drained

    async def get(self, timeout: float | None = None) -> str | None:
        """The next message, or None when `timeout` seconds pass without one."""
        try:
            return await asyncio.wait_for(self._inbox.get(), timeout)
        except TimeoutError:
            return None


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
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        subscription = Subscription(channel, asyncio.get_running_loop())
        with self._lock:
            self._subscriptions[channel].add(subscription)
        try:
            yield subscription
        finally:
            with self._lock:
                self._subscriptions[channel].discard(subscription)
                if not self._subscriptions[channel]:
                    del self._subscriptions[channel]
