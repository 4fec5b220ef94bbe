"""The concierge's choices: a resident's purpose → the queue that serves it at this office."""

from __future__ import annotations

from dataclasses import dataclass

from madoguchi.organization.models import Office, Queue
from madoguchi.rules.catalog import Catalog
from madoguchi.rules.facts import EVENTS

# Deaths go to the bereavement counter where the office has one (おくやみ窓口); every other life event to
# the one-stop counter.
BEREAVEMENT_EVENTS = frozenset({"shibou"})


@dataclass(frozen=True)
class Purpose:
    label: str
    hint: str
    queue: Queue
    event: str = ""  # the life event, when the purpose is one

    @property
    def value(self) -> str:
        """The form value: queue and life event, e.g. "12:tennyu"."""
        return f"{self.queue.pk}:{self.event}"


def purposes(office: Office, catalog: Catalog) -> list[Purpose]:
    queues = list(Queue.objects.filter(office=office).select_related("department"))
    one_stop = next((q for q in queues if q.code == Queue.ONE_STOP_CODE), None)
    bereavement = next((q for q in queues if q.kind == Queue.Kind.BEREAVEMENT), None)
    found: list[Purpose] = []
    for event in catalog.life_events:
        queue = bereavement if event.code in BEREAVEMENT_EVENTS and bereavement else one_stop
        if queue is not None:
            found.append(Purpose(event.name_ja, queue.name, queue, event.code))
    for queue in queues:
        if queue.kind == Queue.Kind.DEPARTMENT:
            found.append(Purpose(queue.name, queue.department.name if queue.department else "", queue))
    return found


def chosen_purpose(office: Office | None, value: str) -> tuple[Queue | None, str]:
    """The queue (only one of `office`'s) and the life event ("" if none) of a `Purpose.value`."""
    queue_id, _sep, event = value.partition(":")
    queue = Queue.objects.filter(office=office, pk=queue_id).first() if queue_id.isdigit() else None
    return queue, event if event in EVENTS else ""
