"""Background tasks of the notifications app (registered by `madoguchi.tasks` at start-up)."""

from __future__ import annotations

from madoguchi.notifications.service import DELIVER_TASK, deliver
from madoguchi.tasks.context import TaskContext
from madoguchi.tasks.registry import task


@task(DELIVER_TASK)
def deliver_notification(context: TaskContext, *, notification_id: str) -> dict[str, str]:
    return deliver(notification_id, last_attempt=context.is_last_attempt)
