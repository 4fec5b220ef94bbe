"""Putting work on the queue: `enqueue("notifications.deliver", notification_id=...)`.

The task is a row written in the caller's transaction: inside `transaction.atomic()` no worker sees it
until the transaction commits, and a rollback leaves nothing behind. Enqueueing writes no audit entry;
the action that enqueues audits what it does.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.utils import timezone

from madoguchi.tasks.models import DEFAULT_MAX_ATTEMPTS, Task
from madoguchi.tasks.registry import lookup


class NotJSONSerialisable(ValueError):
    """Task arguments and results travel through the database as JSON."""


def as_json(value: Any, what: str) -> Any:
    """`value` as it reads back from a JSON column, or NotJSONSerialisable saying what is wrong."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise NotJSONSerialisable(
            f"{what} must be JSON (str, int, float, bool, None, list, dict): {error}"
        ) from None


def enqueue(
    name: str,
    *,
    run_after: datetime | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    **kwargs: Any,
) -> Task:
    """Queue the registered task `name` with JSON keyword arguments; run it no earlier than `run_after`.

    Raises UnknownTask for a name no installed app registered, NotJSONSerialisable for arguments that
    are not JSON (pass a UUID or a date as a string).
    """
    lookup(name)
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be at least 1, not {max_attempts}")
    if run_after is not None and timezone.is_naive(run_after):
        raise ValueError("run_after must carry a time zone")
    stored = as_json(kwargs, f"the arguments of task {name!r}")
    now = timezone.now()
    return Task.objects.create(
        name=name,
        kwargs=stored,
        max_attempts=max_attempts,
        run_after=run_after or now,
        queued_at=now,
    )
