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
- the yearly visits are the office's tickets of the last 365 days where it has recorded at least
  `MIN_HISTORY_DAYS` business days, else 60 certificate tickets a day per certificate counter.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from madoguchi.organization.models import Office, Queue
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, load_catalog
from madoguchi.simulator import OfficeConfig, default_table
from madoguchi.simulator.households import CERTIFICATE, CERTIFICATE_PROCEDURE, CERTIFICATE_QUEUE, ONE_STOP
from madoguchi.simulator.office import CONCIERGE, PROCESSING
from madoguchi.simulator.parameters import VISIT_SHARES, flat
from madoguchi.simulator.runs import business_days

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
    after: dict[str, int] = {}
    names: dict[str, str] = {}
    for queue in (
        Queue.objects.filter(office=office).select_related("department").prefetch_related("counters")
    ):
        counters = len(queue.counters.all())
        if not counters:
            continue
        if queue.kind == Queue.Kind.ONE_STOP:
            name = ONE_STOP
        elif queue.kind == Queue.Kind.DEPARTMENT and queue.department is not None:
            department = queue.department.code
            name = CERTIFICATE_QUEUE if department == certificate_department else department
        else:
            continue  # the bereavement counter: its households are modelled at the one-stop counter
        after[name] = after.get(name, 0) + counters
        names[name] = queue.name_ja
    one_stop = after.get(ONE_STOP, 0)
    after[CONCIERGE] = max(1, office.staff.filter(role="concierge", is_active=True).count())
    names[CONCIERGE] = "コンシェルジュ"
    after[PROCESSING] = max(1, math.ceil(one_stop * PROCESSING_CLERKS_PER_ONE_STOP_COUNTER))
    names[PROCESSING] = "処理（交付物の作成）"
    before = {name: count for name, count in after.items() if name not in {ONE_STOP, CONCIERGE, PROCESSING}}
    for department, share in _one_stop_work_by_department().items():
        before[department] = before.get(department, 0) + max(1, round(one_stop * share))
    return OfficeConfig(
        code=office.code,
        visits_per_year=_visits_per_year(office, after.get(CERTIFICATE_QUEUE, 1)),
        before={name: flat(count) for name, count in before.items()},
        after={name: flat(count) for name, count in after.items()},
        name=office.name_ja,
        queue_names=names,
    )


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


def _visits_per_year(office: Office, certificate_counters: int) -> int:
    from madoguchi.reception.models import Ticket

    since = timezone.localdate() - timedelta(days=365)
    recorded = Ticket.objects.filter(office=office, business_day__gte=since, transferred_from__isnull=True)
    days = recorded.values("business_day").distinct().count()
    if days >= MIN_HISTORY_DAYS:
        year = len(business_days(timezone.localdate().year))
        return max(1, round(recorded.count() * year / days))
    year = len(business_days(timezone.localdate().year))
    certificates = certificate_counters * CERTIFICATES_PER_COUNTER_PER_DAY * year
    return max(1, round(certificates / VISIT_SHARES[CERTIFICATE]))
