"""Background tasks of the back office (registered by `madoguchi.tasks` at start-up)."""

from __future__ import annotations

from madoguchi.center.exports import EXPORT_TASK, write_export
from madoguchi.tasks.context import TaskContext
from madoguchi.tasks.registry import task


@task(EXPORT_TASK)
def daily_export(context: TaskContext, *, export_id: int) -> dict[str, object]:
    return write_export(export_id, last_attempt=context.is_last_attempt)
