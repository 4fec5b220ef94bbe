"""Publishing: actions call `publish_on_commit` so listeners never see what a rollback undid."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.db import transaction

from madoguchi.broadcast.backends import Broadcaster, broadcaster_for

logger = logging.getLogger("madoguchi.broadcast")


@cache
def get_broadcaster() -> Broadcaster:
    return broadcaster_for(settings.MADOGUCHI_BROADCAST_URL)


def publish(channel: str, message: dict[str, Any]) -> None:
    """Send `message` to every listener of `channel` on every app server. Never fails the caller."""
    try:
        get_broadcaster().publish(channel, json.dumps(message, ensure_ascii=False, separators=(",", ":")))
    except Exception:  # a broker outage must not fail a clerk's call; boards catch up on reconnect
        logger.exception("broadcast failed on %s", channel)


def publish_on_commit(channel: str, build: Callable[[], dict[str, Any]]) -> None:
    """Build and publish the message once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: publish(channel, build()))
