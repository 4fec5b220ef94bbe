"""The steps of a simulation run (transactions/states.py), taken by its task with conditional updates."""

from __future__ import annotations

from typing import Any

from madoguchi.simulation.models import SimulationRun
from madoguchi.transactions.states import Machine, Step

Status = SimulationRun.Status


class RunStateError(Exception):
    def __init__(self, run: Any, step: Step) -> None:
        super().__init__(f"simulation run {run.pk} is {run.status}: cannot {step.name}")


RUN = Machine(
    "status",
    [
        # A retried task finds its run running already: it starts again from the beginning.
        Step("start", {Status.QUEUED, Status.RUNNING}, Status.RUNNING),
        Step("finish", {Status.RUNNING}, Status.DONE, stamp="finished_at"),
        Step("fail", {Status.RUNNING}, Status.FAILED, stamp="finished_at"),
        Step("interrupt", {Status.QUEUED, Status.RUNNING}, Status.INTERRUPTED, stamp="finished_at"),
    ],
    error=RunStateError,
    audit="simulation.{step}",
)
