"""The steps of a background task (transactions/states.py), taken by the workers with conditional updates."""

from __future__ import annotations

from typing import Any

from madoguchi.tasks.models import Task
from madoguchi.transactions.states import Machine, Step

Status = Task.Status


class TaskStateError(Exception):
    def __init__(self, task: Any, step: Step) -> None:
        super().__init__(f"task {task.pk} is {task.status}: cannot {step.name}")


TASK = Machine(
    "status",
    [
        Step("claim", {Status.QUEUED}, Status.RUNNING, stamp="started_at"),
        Step("finish", {Status.RUNNING}, Status.DONE, stamp="finished_at"),
        Step("retry", {Status.RUNNING}, Status.QUEUED),
        Step("fail", {Status.RUNNING}, Status.FAILED, stamp="finished_at"),
    ],
    error=TaskStateError,
    audit="tasks.task.{target}",  # tasks are not audited; the code is never recorded
)
