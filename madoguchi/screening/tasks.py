"""Background tasks of the screening page (registered by `madoguchi.tasks` at start-up)."""

from __future__ import annotations

from typing import Any

from madoguchi.screening.actions import READ_TASK, do_interrupt_lost_reads, read_queued_inventory
from madoguchi.tasks.context import TaskContext
from madoguchi.tasks.registry import periodic, task
from madoguchi.tasks.worker import heartbeat_interval


@task(READ_TASK)
def read_inventory(context: TaskContext, *, read_id: str) -> dict[str, Any]:
    return read_queued_inventory(read_id, context.progress)


# As often as a task's heartbeat: a read whose worker died reads "interrupted" soon after its task fails.
@periodic("screening.interrupt_lost_reads", every=heartbeat_interval)
def interrupt_lost_reads() -> int:
    return do_interrupt_lost_reads()
