"""The concierge's choices: a resident's purpose → the queue that serves it at this office."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pykakasi

from madoguchi.organization.models import Office, Queue
from madoguchi.rules.catalog import Catalog
from madoguchi.rules.facts import EVENTS
from madoguchi.ui.languages import is_english

# Deaths go to the bereavement counter where the office has one (おくやみ窓口); every other life event to
# the one-stop counter.
BEREAVEMENT_EVENTS = frozenset({"shibou"})


@dataclass(frozen=True)
class Purpose:
    label: str
    hint: str
    queue: Queue
    event: str = ""  # the life event, when the purpose is one
    keywords: str = ""  # what else finds it in the filter: its procedures' names, and readings in hiragana

    @property
    def value(self) -> str:
        """The form value: queue and life event, e.g. "12:tennyu"."""
        return f"{self.queue.pk}:{self.event}"


@lru_cache(maxsize=4096)
def reading(text: str) -> str:
    """The hiragana reading of Japanese text (「児童手当」→「じどうてあて」), from pykakasi's dictionary."""
    return "".join(part["hira"] for part in _kakasi().convert(text))


@lru_cache(maxsize=1)
def _kakasi() -> pykakasi.kakasi:
    return pykakasi.kakasi()


def _keywords(*texts: str) -> str:
    names = [text for text in texts if text]
    return " ".join([*names, *(reading(text) for text in names)])


def purposes(office: Office, catalog: Catalog) -> list[Purpose]:
    """What the concierge can choose, each findable by the procedures it covers: the life events (「児童手当」
    finds 出生 and 転入, which include it) and the departments' own counters (their procedures)."""
    queues = list(Queue.objects.filter(office=office).select_related("department"))
    one_stop = next((q for q in queues if q.code == Queue.ONE_STOP_CODE), None)
    bereavement = next((q for q in queues if q.kind == Queue.Kind.BEREAVEMENT), None)
    found: list[Purpose] = []
    english = is_english()
    for event in catalog.life_events:
        queue = bereavement if event.code in BEREAVEMENT_EVENTS and bereavement else one_stop
        if queue is not None:
            covered = [p.name_ja for p in catalog.procedures if event.code in p.events]
            english_names = [p.name_en for p in catalog.procedures if event.code in p.events and p.name_en]
            keywords = _keywords(event.name_ja, *covered) + " " + " ".join([event.name_en, *english_names])
            label = event.name_en if english and event.name_en else event.name_ja
            found.append(Purpose(label, queue.name, queue, event.code, keywords))
    for queue in queues:
        if queue.kind == Queue.Kind.DEPARTMENT:
            department = queue.department
            own = [p.name_ja for p in catalog.procedures if department and p.department == department.code]
            hint = department.name if department else ""
            found.append(Purpose(queue.name, hint, queue, keywords=_keywords(queue.name, hint, *own)))
    return found


def chosen_purpose(office: Office | None, value: str) -> tuple[Queue | None, str]:
    """The queue (only one of `office`'s) and the life event ("" if none) of a `Purpose.value`."""
    queue_id, _sep, event = value.partition(":")
    queue = (
        Queue.objects.filter(office=office, pk=queue_id).first()
        if queue_id.isdigit() and len(queue_id) < 10
        else None
    )
    return queue, event if event in EVENTS else ""
