"""Background tasks of the simulation page (registered by `madoguchi.tasks` at start-up)."""

from __future__ import annotations

from typing import Any

from madoguchi.simulation.actions import RUN_TASK, execute
from madoguchi.tasks.context import TaskContext
from madoguchi.tasks.registry import task


@task(RUN_TASK)
def run_simulation(context: TaskContext, *, run_id: str) -> dict[str, Any]:
    return execute(run_id, context.progress)
