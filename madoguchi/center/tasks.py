"""Background tasks of the center (registered by `madoguchi.tasks` at start-up)."""

from __future__ import annotations

from madoguchi.center.exports import EXPORT_TASK, fail_lost_exports, write_export
from madoguchi.tasks.context import TaskContext
from madoguchi.tasks.registry import periodic, task
from madoguchi.tasks.worker import heartbeat_interval


@task(EXPORT_TASK)
def daily_export(context: TaskContext, *, export_id: int) -> dict[str, object]:
    return write_export(export_id, last_attempt=context.is_last_attempt)


# As often as a task's heartbeat: an export whose worker died reads "failed" soon after its task fails.
@periodic("center.fail_lost_exports", every=heartbeat_interval)
def fail_lost() -> int:
    return fail_lost_exports()
