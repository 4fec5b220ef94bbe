"""Where in an office each planned procedure is handled: the queue (and its ticket letter) or outside."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from madoguchi.organization.models import Office, Queue
from madoguchi.rules.engine import Plan


@dataclass(frozen=True)
class Location:
    code: str
    label: str
    ticket_prefix: str = ""


def locate(plan: Plan, office: Office | None) -> dict[str, Location]:
    """Procedure code → location at `office` (one query for the office's queues)."""
    queues = list(Queue.objects.filter(office=office).select_related("department")) if office else []
    one_stop = next((q for q in queues if q.code == Queue.ONE_STOP_CODE), None)
    by_department = {
        q.department.code: q for q in queues if q.department is not None and q.kind == Queue.Kind.DEPARTMENT
    }
    locations: dict[str, Location] = {}
    for procedure in plan.procedures:
        if procedure.counter == "external":
            locations[procedure.code] = Location("external", _("市外の機関（ご案内のみ）"))
            continue
        queue = one_stop if procedure.counter == "one_stop" else by_department.get(procedure.department)
        if queue is not None:
            locations[procedure.code] = Location(queue.code, queue.name, queue.ticket_prefix)
        elif procedure.counter == "one_stop":
            locations[procedure.code] = Location("one-stop", _("総合窓口"))
        else:
            locations[procedure.code] = Location("city-hall", _("本庁の所管課"))
    return locations
