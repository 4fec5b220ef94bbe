"""The simulator's offices from the city's own organization data: queues, counters, staff, ticket history.

The plain-Python simulator takes an `OfficeConfig`; this builds one for a ward office from what the city
entered (organization.Office, Queue, Counter; staff.Staff) and what the office recorded (reception.Ticket),
so that a planner simulates the office they run and not an example. What the data cannot say is an
assumption, named here and in docs/simulator.md:

- the queue a simulated procedure goes to is its department's queue at the office; the certificate counter
  is the department queue of the department that issues 住民票の写し; a department with no queue at the
  office has one counter (the resident goes to its desk);
- the concierge desk has as many positions as the office has concierge staff (at least one);
- same-day documents are processed behind the one-stop counter by half as many clerks as it has counters;
- before the one-stop counter, its clerks sat at the departments whose procedures it took over, in
  proportion to that work;
- the counters open in each hour block are the mean of the office's counter shifts (who opened which
  counter, and when they closed it) over the last 365 days, where a queue has shifts on at least
  `MIN_HISTORY_DAYS` business days; else every counter of the queue is open all day;
- a department's own residents (who come for its business, not a life event) are the tickets its queues
  served over the last 365 days that were not handed over from another counter, per business day with
  tickets (at weekday weight 1), and their mean handling time, where the office has at least
  `MIN_HISTORY_DAYS` business days of tickets; else, as for the package's example ward, as many as keep
  each department's counters half busy, at the example's minutes per visit;
- the yearly visits are the office's other tickets of the last 365 days (certificates, the one-stop and
  bereavement counters; none handed over) where it has recorded at least `MIN_HISTORY_DAYS` business
  days, else 60 certificate tickets a day per certificate counter.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from madoguchi.organization.models import Office, Queue
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, load_catalog
from madoguchi.simulator import OfficeConfig, default_table
from madoguchi.simulator.households import CERTIFICATE, CERTIFICATE_PROCEDURE, CERTIFICATE_QUEUE, ONE_STOP
from madoguchi.simulator.office import CONCIERGE, PROCESSING
from madoguchi.simulator.parameters import (
    CLOSE_MINUTE,
    ERRAND_DEFAULT_MINUTES,
    ERRAND_MINUTES,
    ERRAND_UTILISATION,
    HOURS,
    VISIT_SHARES,
    WEEKDAY_WEIGHTS,
    Errand,
    Schedule,
    flat,
    hour_block,
    with_errand_load,
)
from madoguchi.simulator.runs import business_days

if TYPE_CHECKING:
    from madoguchi.reception.models import Ticket

PROCESSING_CLERKS_PER_ONE_STOP_COUNTER = 0.5  # assumption
CERTIFICATES_PER_COUNTER_PER_DAY = 60  # assumption, where the office has no ticket history yet
MIN_HISTORY_DAYS = 20


class UnknownOffice(LookupError):
    pass


def simulated_offices() -> list[Office]:
    """The ward offices the simulator can model: those with a one-stop queue and counters."""
    return list(
        Office.objects.filter(kind=Office.Kind.WARD, queues__kind=Queue.Kind.ONE_STOP)
        .distinct()
        .order_by("sort_order", "code")
    )


def office_config(code: str) -> OfficeConfig:
    """The OfficeConfig of the ward office `code`, from the organization data (UnknownOffice if none)."""
    office = next((office for office in simulated_offices() if office.code == code), None)
    if office is None:
        raise UnknownOffice(code)
    certificate_department = load_catalog(DEFAULT_CATALOG_DIR).procedure(CERTIFICATE_PROCEDURE).department
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    names_en: dict[str, str] = {}
    queue_of_counter: dict[int, str] = {}
    departments: dict[int, str] = {}  # department queues (not the certificate counter): pk → simulated name
    for queue in (
        Queue.objects.filter(office=office).select_related("department").prefetch_related("counters")
    ):
        counters = list(queue.counters.all())
        if not counters:
            continue
        if queue.kind == Queue.Kind.ONE_STOP:
            name = ONE_STOP
        elif queue.kind == Queue.Kind.DEPARTMENT and queue.department is not None:
            department = queue.department.code
            name = CERTIFICATE_QUEUE if department == certificate_department else department
            if name != CERTIFICATE_QUEUE:
                departments[queue.pk] = name
        else:
            continue  # the bereavement counter: its households are modelled at the one-stop counter
        counts[name] = counts.get(name, 0) + len(counters)
        names[name] = queue.name_ja
        if queue.name_en:
            names_en[name] = queue.name_en
        queue_of_counter.update((counter.pk, name) for counter in counters)
    staffed = shift_schedules(office, queue_of_counter)
    after: dict[str, Schedule] = {name: staffed.get(name, flat(count)) for name, count in counts.items()}
    one_stop = after.get(ONE_STOP, flat(0))
    after[CONCIERGE] = flat(max(1, office.staff.filter(role="concierge", is_active=True).count()))
    names[CONCIERGE] = "コンシェルジュ"
    names_en[CONCIERGE] = "Concierge"
    after[PROCESSING] = tuple(
        max(1, math.ceil(open_counters * PROCESSING_CLERKS_PER_ONE_STOP_COUNTER))
        for open_counters in one_stop
    )
    names[PROCESSING] = "処理（交付物の作成）"
    names_en[PROCESSING] = "Processing (documents issued)"
    before = {name: hours for name, hours in after.items() if name not in {ONE_STOP, CONCIERGE, PROCESSING}}
    for department, share in _one_stop_work_by_department().items():
        moved = tuple(
            max(1, round(open_counters * share)) if open_counters else 0 for open_counters in one_stop
        )
        own = before.get(department, flat(0))
        before[department] = tuple(a + b for a, b in zip(own, moved, strict=True))
    recorded = _recorded(office)
    config = OfficeConfig(
        code=office.code,
        visits_per_year=_visits_per_year(recorded, counts.get(CERTIFICATE_QUEUE, 1), set(departments)),
        before=before,
        after=after,
        name=office.name_ja,
        queue_names=names,
        queue_names_en=names_en,
        errands=errands(recorded, departments),
    )
    if recorded.days < MIN_HISTORY_DAYS:  # no history to count them: the example ward's assumption
        assumed = {
            name: Errand(0.0, ERRAND_MINUTES.get(name, ERRAND_DEFAULT_MINUTES))
            for name in sorted(set(departments.values()))
        }
        config = with_errand_load(replace(config, errands=assumed), ERRAND_UTILISATION)
    return config


@dataclass(frozen=True)
class _Recorded:
    """The office's tickets of the last 365 days that were not handed over from another counter, its
    business days with tickets, and their mean weekday weight."""

    tickets: QuerySet[Ticket]
    days: int
    weekday_weight: float


def _recorded(office: Office) -> _Recorded:
    from madoguchi.reception.models import Ticket

    since = timezone.localdate() - timedelta(days=365)
    recorded = Ticket.objects.filter(office=office, business_day__gte=since, transferred_from__isnull=True)
    days = list(recorded.order_by().values_list("business_day", flat=True).distinct())
    weight = sum(WEEKDAY_WEIGHTS.get(day.weekday(), 1.0) for day in days) / len(days) if days else 1.0
    return _Recorded(recorded, len(days), weight)


def errands(recorded: _Recorded, departments: Mapping[int, str]) -> dict[str, Errand]:
    """Each department's own residents (`departments`: queue pk → simulated name) from its recorded
    tickets served (the simulator has no one who leaves unserved), where the office has
    `MIN_HISTORY_DAYS` business days of them."""
    from madoguchi.reception.models import Ticket

    if recorded.days < MIN_HISTORY_DAYS or not departments:
        return {}
    tickets: dict[str, int] = defaultdict(int)
    handled: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    rows = recorded.tickets.filter(
        queue_id__in=list(departments), status__in=[Ticket.Status.DONE, Ticket.Status.TRANSFERRED]
    ).values_list("queue_id", "status", "serving_at", "finished_at")
    for queue_id, status, serving, finished in rows.iterator(chunk_size=5000):
        name = departments[queue_id]
        tickets[name] += 1
        if status == Ticket.Status.DONE and serving is not None and finished is not None:
            handled[name][0] += 1
            handled[name][1] += max(0.0, (finished - serving).total_seconds() / 60.0)
    per_day = recorded.days * recorded.weekday_weight
    return {
        name: Errand(round(count / per_day, 2), round(handled[name][1] / handled[name][0], 2))
        for name, count in sorted(tickets.items())
        if handled[name][0] > 0
    }


def shift_schedules(office: Office, queue_of_counter: Mapping[int, str]) -> dict[str, Schedule]:
    """Counters open in each hour block (HOURS) per simulated queue: the mean over the business days of the
    last 365 on which the queue had shifts, where there are at least `MIN_HISTORY_DAYS` of them. A shift
    still open from an earlier day (a clerk who did not close the counter) counts until the closing."""
    from madoguchi.reception.models import CounterShift

    today = timezone.localdate()
    since = timezone.now() - timedelta(days=365)
    minutes: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(HOURS))
    days: dict[str, set[date]] = defaultdict(set)
    shifts = CounterShift.objects.filter(counter__office=office, opened_at__gte=since).values_list(
        "counter_id", "opened_at", "closed_at"
    )
    blocks = _blocks()
    for counter_id, opened_at, closed_at in shifts.iterator():
        name = queue_of_counter.get(counter_id)
        opened = timezone.localtime(opened_at)
        if name is None or opened.date() == today:
            continue  # today is not over: its shifts are not a day's schedule yet
        start = opened.hour * 60 + opened.minute
        if closed_at is None or timezone.localtime(closed_at).date() != opened.date():
            end = float(CLOSE_MINUTE)
        else:
            closed = timezone.localtime(closed_at)
            end = closed.hour * 60 + closed.minute + closed.second / 60
        days[name].add(opened.date())
        for position, (block_start, block_end) in enumerate(blocks):
            overlap = min(end, block_end) - max(start, block_start)
            if overlap > 0:
                minutes[name][position] += overlap / (block_end - block_start)
    return {
        name: tuple(round(total / len(days[name])) for total in minutes[name])
        for name in minutes
        if len(days[name]) >= MIN_HISTORY_DAYS
    }


def _blocks() -> list[tuple[float, float]]:
    """The hour blocks (HOURS) as (start, end) minutes of the day, from the opening to the closing."""
    return [hour_block(hour, CLOSE_MINUTE) for hour in HOURS]


def _one_stop_work_by_department() -> dict[str, float]:
    """Share of the one-stop counter's work (catalog minutes × visit shares) by department: where its clerks
    sat before the one-stop counter existed."""
    table = default_table()
    minutes: dict[str, float] = defaultdict(float)
    sizes = {kind.event: 0 for kind in table.types}
    for kind in table.types:
        sizes[kind.event] += 1
    for kind in table.types:
        share = VISIT_SHARES.get(kind.event, 0.0) / sizes[kind.event]
        for work in kind.works:
            if work.counter == ONE_STOP and kind.event != CERTIFICATE:
                minutes[work.department] += share * work.minutes
    total = sum(minutes.values()) or 1.0
    return {department: value / total for department, value in minutes.items() if value / total >= 0.05}


def _visits_per_year(recorded: _Recorded, certificate_counters: int, departments: set[int]) -> int:
    """The year's visits of the simulated purposes: the recorded tickets less the departments' own
    residents (`departments`: their queues), who are simulated apart."""
    if recorded.days >= MIN_HISTORY_DAYS:
        year = len(business_days(timezone.localdate().year))
        others = recorded.tickets.exclude(queue_id__in=departments).count()
        return max(1, round(others * year / recorded.days))
    year = len(business_days(timezone.localdate().year))
    certificates = certificate_counters * CERTIFICATES_PER_COUNTER_PER_DAY * year
    return max(1, round(certificates / VISIT_SHARES[CERTIFICATE]))
