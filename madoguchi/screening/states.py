"""The steps of reading an uploaded inventory (transactions/states.py), taken by its task."""

from __future__ import annotations

from typing import Any

from madoguchi.screening.models import InventoryRead
from madoguchi.transactions.states import Machine, Step

Status = InventoryRead.Status


class ReadStateError(Exception):
    def __init__(self, read: Any, step: Step) -> None:
        super().__init__(f"inventory read {read.pk} is {read.status}: cannot {step.name}")


READ = Machine(
    "status",
    [
        Step("start", {Status.QUEUED}, Status.RUNNING),
        Step("finish", {Status.RUNNING}, Status.DONE, stamp="finished_at"),
        Step("fail", {Status.RUNNING}, Status.FAILED, stamp="finished_at"),
        Step("interrupt", {Status.QUEUED, Status.RUNNING}, Status.INTERRUPTED, stamp="finished_at"),
    ],
    error=ReadStateError,
    audit="screening.inventory.{step}",  # only the stored result is audited (screening.inventory.upload)
)
