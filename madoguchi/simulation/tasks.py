"""Background tasks of the simulation page (registered by `madoguchi.tasks` at start-up)."""

from __future__ import annotations

from typing import Any

from madoguchi.simulation.actions import RUN_TASK, do_interrupt_lost_runs, execute
from madoguchi.tasks.context import TaskContext
from madoguchi.tasks.registry import periodic, task
from madoguchi.tasks.worker import heartbeat_interval


@task(RUN_TASK)
def run_simulation(context: TaskContext, *, run_id: str) -> dict[str, Any]:
    return execute(run_id, context.progress)


# As often as a task's heartbeat: a run whose worker died reads "interrupted" soon after its task fails.
@periodic("simulation.interrupt_lost", every=heartbeat_interval)
def interrupt_lost_runs() -> int:
    return do_interrupt_lost_runs()
