"""The one shape of state machines: steps, refusals, stamps, audit codes; and every machine of madoguchi
names only states its model knows, and stamps only fields its model has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from madoguchi.cases.states import CASE
from madoguchi.center.states import EXPORT, WORK_ITEM
from madoguchi.reception.states import TICKET
from madoguchi.reservations.states import RESERVATION
from madoguchi.simulation.states import RUN
from madoguchi.tasks.states import TASK
from madoguchi.transactions.states import Machine, Step

NOW = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)


class Refused(Exception):
    pass


@dataclass
class Door:
    state: str = "closed"
    opened_at: datetime | None = None


DOOR = Machine(
    "state",
    [Step("open", {"closed"}, "open", stamp="opened_at"), Step("close", {"open"}, "closed")],
    error=lambda row, step: Refused(f"{row.state} → {step.name}"),
    audit="door.{target}",
)


def test_a_step_moves_the_state_stamps_the_time_and_names_the_fields_to_save() -> None:
    door = Door()
    assert DOOR.allowed(door) == ["open"]
    before, fields = DOOR.apply(door, "open", NOW)
    assert (before, door.state, door.opened_at, fields) == ("closed", "open", NOW, ["state", "opened_at"])
    assert DOOR.allowed(door) == ["close"]
    assert DOOR.event("open") == "door.open"


def test_a_step_not_allowed_raises_the_machines_error_and_changes_nothing() -> None:
    door = Door(state="open")
    with pytest.raises(Refused, match="open → open"):
        DOOR.apply(door, "open", NOW)
    assert (door.state, door.opened_at) == ("open", None)
    with pytest.raises(LookupError):
        DOOR.allows(door, "slam")


@pytest.mark.parametrize(
    ("machine", "model"),
    [
        (CASE, "cases.Case"),
        (WORK_ITEM, "center.WorkItem"),
        (TICKET, "reception.Ticket"),
        (RESERVATION, "reservations.Reservation"),
        (TASK, "tasks.Task"),
        (RUN, "simulation.SimulationRun"),
        (EXPORT, "center.DailyExport"),
    ],
)
def test_every_machine_knows_its_models_states_and_fields(machine: Machine, model: str) -> None:
    from django.apps import apps

    klass = apps.get_model(model)
    field = klass._meta.get_field(machine.field)
    states = {value for value, _label in field.choices}
    for step in machine.steps.values():
        assert step.sources <= states, step
        assert step.target in states, step
        if step.stamp:
            klass._meta.get_field(step.stamp)  # raises if the model has no such field


@pytest.mark.django_db
def test_a_conditional_step_changes_only_rows_still_in_a_from_state() -> None:
    from madoguchi.tasks.models import Task

    queued = Task.objects.create(name="a", kwargs={})
    done = Task.objects.create(name="b", kwargs={}, status=Task.Status.DONE)
    both = Task.objects.filter(pk__in=[queued.pk, done.pk])
    assert TASK.update(both, "claim", NOW, worker="w1") == 1  # the done one is left alone
    queued.refresh_from_db()
    done.refresh_from_db()
    assert (queued.status, queued.started_at, queued.worker) == ("running", NOW, "w1")
    assert (done.status, done.worker) == ("done", "")
    assert TASK.update(Task.objects.filter(pk=queued.pk), "claim", NOW) == 0  # taken already
