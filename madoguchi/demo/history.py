"""A generated ticket history for the demo city: months of past business days, as the counters record them.

A city that runs madoguchi has its tickets and their events (issued, called, serving, done, no-show,
transferred); the demo city has none, so the statistics pages and the simulator's fit from ticket data
would show nothing. This draws a history from known rates, so that what the fit recovers can be checked
against what was drawn (`HistoryRates` is the truth of a generated history):

- tickets arrive per queue as a Poisson process whose daily mean changes by month and weekday and whose
  share of the day changes by hour block (the simulator's hours);
- each queue is served first come, first served by its counters (the organization's) with lognormal
  service times; a called resident who does not come is a no-show after `NO_SHOW_MINUTES`;
- a share of the one-stop counter's residents is handed over to a department queue when served: the
  handed-over ticket arrives there after a short walk, with priority, as `do_transfer` makes it;
- a visit at a queue with `cases` (the one-stop and bereavement counters) opens a case of a household
  drawn from a varied pool, signs its plan and takes the minutes of its procedures (`case_visits`); a
  handed-over ticket keeps its case.

The tickets are written in bulk with their events (actor `demo-history`), and each counter's shift of the
day (open from the opening to the closing, taken by the office's clerks in turn), not through the actions
and the audit log: they stand for the past, before the demo's day.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from madoguchi.catalog.service import versioned_catalog
from madoguchi.demo.case_visits import CaseVisits, PlannedVisit, pools_for, write_cases
from madoguchi.organization.models import Counter, Office, Queue
from madoguchi.reception.models import CounterShift, Ticket, TicketCounter, TicketEvent
from madoguchi.rules.calendar import business_days_between
from madoguchi.simulator.households import REFERENCE_DATE
from madoguchi.simulator.parameters import (
    CLOSE_MINUTE,
    HOUR_WEIGHTS,
    LAST_TICKET_MINUTE,
    MOVE_MONTH_WEIGHTS,
    OPEN_MINUTE,
    WEEKDAY_WEIGHTS,
)
from madoguchi.staff.models import Staff

ACTOR = "demo-history"
NO_SHOW_MINUTES = 3.0  # a called resident who does not come: the counter waits this long
CALL_TO_COUNTER_MINUTES = 0.5  # from the call to the resident at the counter
TRANSFER_WALK_MINUTES = 2.0
BATCH = 2000
MOVES = ("tennyu", "tenkyo", "tenshutsu")  # the life events of the one-stop counter's cases
POOL_DATE = REFERENCE_DATE  # the pool's households are planned as of this day (their ages)


@dataclass(frozen=True)
class QueueRates:
    """One queue's truth: how busy its counters are on an ordinary weekday of an ordinary month (arrivals
    follow from it and the counters the office has), and its service times."""

    utilisation: float  # share of the counters' open minutes spent serving, before transfers
    service_mean: float  # minutes at the counter
    service_cv: float
    seasonal: bool = False  # moves: its month weights are the simulator's (March and April peak)
    cases: CaseVisits | None = None  # its visits open cases: minutes from their procedures

    def daily(self, counters: int) -> float:
        """Tickets on an ordinary day at `counters` counters."""
        return self.utilisation * counters * OPEN_DAY_MINUTES / self.service_mean


@dataclass(frozen=True)
class HistoryRates:
    """What a generated history is drawn from; the fit should find it again."""

    queues: Mapping[str, QueueRates]  # by queue code
    hour_weights: Mapping[int, float] = field(default_factory=lambda: dict(HOUR_WEIGHTS))
    weekday_weights: Mapping[int, float] = field(default_factory=lambda: dict(WEEKDAY_WEIGHTS))
    month_weights: Mapping[int, float] = field(default_factory=lambda: dict(MOVE_MONTH_WEIGHTS))
    no_show: float = 0.03
    transfer: float = 0.15  # share of one-stop residents handed over to a department queue
    transfer_to: tuple[str, ...] = ("hoken-nenkin", "kodomo")

    def daily_mean(self, queue: str, day: date, counters: int) -> float:
        rates = self.queues[queue]
        month = self.month_weights.get(day.month, 1.0) if rates.seasonal else 1.0
        return rates.daily(counters) * self.weekday_weights.get(day.weekday(), 1.0) * month


OPEN_DAY_MINUTES = LAST_TICKET_MINUTE - OPEN_MINUTE
# The demo city's ward offices (assumption): the certificate counter and the departments busy, the one-stop
# counter at half its capacity on an ordinary day (March and April double it).
DEMO_RATES = HistoryRates(
    queues={
        "shomei": QueueRates(0.75, 5.0, 0.5),
        "one-stop": QueueRates(
            0.45,
            38.0,
            0.6,
            seasonal=True,
            cases=CaseVisits(tuple((event, size) for event in MOVES for size in range(1, 6))),
        ),
        "okuyami": QueueRates(0.4, 55.0, 0.4, cases=CaseVisits((("shibou", 2), ("shibou", 3)), base=10.0)),
        "hoken-nenkin": QueueRates(0.65, 12.0, 0.5),
        "kaigo": QueueRates(0.6, 15.0, 0.5),
        "kodomo": QueueRates(0.6, 14.0, 0.5),
        "hoiku": QueueRates(0.55, 20.0, 0.5),
        "boshi-hoken": QueueRates(0.6, 18.0, 0.5),
        "shogai": QueueRates(0.5, 20.0, 0.5),
        "hogo": QueueRates(0.5, 30.0, 0.5),
        "zeimu": QueueRates(0.6, 10.0, 0.5),
    }
)


@dataclass
class _Visit:
    queue: str
    minute: float  # issued, minutes after midnight
    priority: bool = False
    transferred_from: int | None = None  # index of the ticket it was handed over from
    planned: int | None = None  # its household in the queue's pool (a visit that opens a case)
    mean: float | None = None  # its true mean minutes at the counter (a case visit), else the queue's
    # filled by the service
    number: int = 0
    counter: int = 0
    called: float = 0.0
    finished: float = 0.0
    status: str = Ticket.Status.DONE


def _arrivals(rng: random.Random, mean: float, hour_weights: Mapping[int, float]) -> list[float]:
    blocks = []
    for hour, weight in sorted(hour_weights.items()):
        start, end = max(hour * 60, OPEN_MINUTE), min((hour + 1) * 60, LAST_TICKET_MINUTE)
        if end > start and weight > 0:
            blocks.append((start, end, weight))
    total = sum(weight for _, _, weight in blocks)
    minutes: list[float] = []
    for start, end, weight in blocks:
        rate = mean * weight / total / (end - start)
        minute = start + rng.expovariate(rate) if rate > 0 else end
        while minute < end:
            minutes.append(minute)
            minute += rng.expovariate(rate)
    return minutes


def _lognormal(mean: float, cv: float) -> tuple[float, float]:
    sigma = math.sqrt(math.log(1.0 + cv**2))
    return math.log(mean) - sigma * sigma / 2.0, sigma


def _serve(
    visits: list[_Visit], counters: int, rates: QueueRates, no_show: float, rng: random.Random
) -> None:
    """First come, first served (priority first) by `counters` counters; fills called, finished, status."""
    mu, sigma = _lognormal(rates.service_mean, rates.service_cv)
    free = [(float(OPEN_MINUTE), number) for number in range(counters)]
    heapq.heapify(free)
    waiting: list[tuple[int, float, int]] = []  # (not priority, issued, index)
    order = sorted(range(len(visits)), key=lambda index: visits[index].minute)
    position = 0
    while position < len(order) or waiting:
        at, counter = heapq.heappop(free)
        while position < len(order) and visits[order[position]].minute <= at:
            visit = visits[order[position]]
            heapq.heappush(waiting, (not visit.priority, visit.minute, order[position]))
            position += 1
        if not waiting:  # the counter waits for the next resident
            visit = visits[order[position]]
            heapq.heappush(free, (visit.minute, counter))
            continue
        _, _, index = heapq.heappop(waiting)
        visit = visits[index]
        visit.counter = counter
        visit.called = at
        if rng.random() < no_show:
            visit.status = Ticket.Status.NO_SHOW
            visit.finished = at + NO_SHOW_MINUTES
        elif visit.mean is not None and rates.cases is not None:
            own_mu, own_sigma = _lognormal(max(visit.mean, 0.5), rates.cases.cv)
            visit.finished = at + CALL_TO_COUNTER_MINUTES + rng.lognormvariate(own_mu, own_sigma)
        else:
            visit.finished = at + CALL_TO_COUNTER_MINUTES + rng.lognormvariate(mu, sigma)
        heapq.heappush(free, (visit.finished, counter))


def draw_day(
    day: date,
    counters: Mapping[str, int],
    rates: HistoryRates,
    rng: random.Random,
    pools: Mapping[str, Sequence[PlannedVisit]] | None = None,
) -> list[_Visit]:
    """One business day of an office: every queue's tickets, served, with the handed-over ones. A queue
    with a pool of households opens a case for each visit, drawn from it."""
    visits: list[_Visit] = []
    by_queue: dict[str, list[_Visit]] = {}
    pools = pools or {}
    for queue in rates.queues:
        if counters.get(queue, 0) < 1:
            continue
        minutes = _arrivals(rng, rates.daily_mean(queue, day, counters[queue]), rates.hour_weights)
        by_queue[queue] = [_Visit(queue, minute) for minute in minutes]
        pool = pools.get(queue)
        if pool:
            for visit in by_queue[queue]:
                visit.planned = rng.randrange(len(pool))
                visit.mean = pool[visit.planned].minutes
    targets = [queue for queue in rates.transfer_to if queue in by_queue]
    first = [queue for queue in by_queue if queue == "one-stop"]  # the queue others are handed over from
    for queue in [*first, *(queue for queue in by_queue if queue not in first)]:
        queued = by_queue[queue]
        _serve(queued, counters[queue], rates.queues[queue], rates.no_show, rng)
        start = len(visits)
        visits.extend(queued)
        if queue != "one-stop" or not targets:
            continue
        for offset, visit in enumerate(queued):
            if visit.status == Ticket.Status.DONE and rng.random() < rates.transfer:
                visit.status = Ticket.Status.TRANSFERRED
                target = rng.choice(targets)
                by_queue[target].append(
                    _Visit(target, visit.finished + TRANSFER_WALK_MINUTES, True, start + offset)
                )
    for queue in by_queue:
        numbered = sorted((visit for visit in visits if visit.queue == queue), key=lambda v: v.minute)
        for number, visit in enumerate(numbered, start=1):
            visit.number = number
    return visits


def _at(day: date, minute: float) -> datetime:
    moment = datetime.combine(day, time()) + timedelta(minutes=minute)
    return timezone.make_aware(moment, timezone.get_default_timezone())


def generate_history(
    office: Office, days: Sequence[date], rates: HistoryRates = DEMO_RATES, seed: int = 0
) -> int:
    """Write the tickets and events of `days` for `office` (days that already have tickets are skipped).
    Returns the number of tickets written."""
    queues = {queue.code: queue for queue in Queue.objects.filter(office=office)}
    counters: dict[str, list[Counter]] = {}
    for counter in Counter.objects.filter(office=office).order_by("sort_order", "code"):
        counters.setdefault(counter.queue.code, []).append(counter)
    known = {code: len(counters.get(code, ())) for code in rates.queues if code in queues}
    recorded = set(
        Ticket.objects.filter(office=office, business_day__in=list(days))
        .values_list("business_day", flat=True)
        .distinct()
    )
    clerks = list(Staff.objects.filter(office=office, is_active=True).order_by("username"))
    catalog_number, catalog = versioned_catalog()
    drawn = pools_for(
        catalog, {code: rates.queues[code] for code in known}, POOL_DATE, f"{seed}:{office.code}"
    )
    pools = {code: pool for code, (pool, _) in drawn.items()}  # (each pool's true minutes: for the tests)
    written = 0
    for day in days:
        if day in recorded:
            continue
        rng = random.Random(f"{seed}:{office.code}:{day.isoformat()}")  # noqa: S311 (demo data)
        visits = draw_day(day, known, rates, rng, pools)
        written += _write_day(
            office,
            day,
            visits,
            queues,
            counters,
            pools,
            (catalog_number, catalog.version),
        )
        _write_shifts(day, visits, {code: counters[code][: known[code]] for code in known}, clerks)
    return written


def _write_shifts(
    day: date, visits: Sequence[_Visit], counters: Mapping[str, Sequence[Counter]], clerks: Sequence[Staff]
) -> None:
    """Each counter the history served at was open the whole day: a shift from the opening to the closing,
    or to its last resident if later. The office's clerks take the counters in turn."""
    if not clerks:
        return
    last: dict[tuple[str, int], float] = {}
    for visit in visits:
        key = (visit.queue, visit.counter)
        last[key] = max(last.get(key, 0.0), visit.finished)
    shifts: list[CounterShift] = []
    for code, open_counters in counters.items():
        for number, counter in enumerate(open_counters):
            closed = max(float(CLOSE_MINUTE), last.get((code, number), 0.0))
            shifts.append(
                CounterShift(
                    counter=counter,
                    staff=clerks[len(shifts) % len(clerks)],
                    opened_at=_at(day, float(OPEN_MINUTE)),
                    closed_at=_at(day, closed),
                )
            )
    CounterShift.objects.bulk_create(shifts, batch_size=BATCH)


def _write_day(
    office: Office,
    day: date,
    visits: list[_Visit],
    queues: Mapping[str, Queue],
    counters: Mapping[str, list[Counter]],
    pools: Mapping[str, Sequence[PlannedVisit]],
    catalog_version: tuple[int, str],
) -> int:
    tickets: list[Ticket] = []
    for visit in visits:
        counter = counters[visit.queue][visit.counter]
        issued = _at(day, visit.minute)
        called = _at(day, visit.called)
        finished = _at(day, visit.finished)
        served = visit.status != Ticket.Status.NO_SHOW
        tickets.append(
            Ticket(
                office=office,
                queue=queues[visit.queue],
                business_day=day,
                number=visit.number,
                priority=visit.priority,
                status=visit.status,
                channel=Ticket.Channel.COUNTER if visit.priority else Ticket.Channel.KIOSK,
                issued_at=issued,
                counter=counter,
                called_at=called,
                serving_at=_at(day, visit.called + CALL_TO_COUNTER_MINUTES) if served else None,
                finished_at=finished,
            )
        )
    for visit, ticket in zip(visits, tickets, strict=True):
        if visit.transferred_from is not None:
            ticket.transferred_from = tickets[visit.transferred_from]
    # the visits that open a case (a no-show never came: nothing was signed), in the order they were called
    opening = sorted(
        (
            (visit.called, index, visit.planned)
            for index, visit in enumerate(visits)
            if visit.planned is not None and visit.status != Ticket.Status.NO_SHOW
        ),
    )
    with transaction.atomic():
        opened = [
            (pools[visits[index].queue][planned], _at(day, visits[index].finished))
            for _, index, planned in opening
        ]
        cases = write_cases(office, day, opened, catalog_version)
        for (_, index, _), case in zip(opening, cases, strict=True):
            tickets[index].case = case
        for visit, ticket in zip(visits, tickets, strict=True):
            if visit.transferred_from is not None:
                ticket.case = tickets[visit.transferred_from].case
        # the handed-over-from tickets first: a ticket's foreign key needs its row
        plain = [ticket for ticket in tickets if ticket.transferred_from is None]
        Ticket.objects.bulk_create(plain, batch_size=BATCH)
        Ticket.objects.bulk_create(
            [ticket for ticket in tickets if ticket.transferred_from is not None], batch_size=BATCH
        )
        TicketEvent.objects.bulk_create(_events(tickets), batch_size=BATCH)
        last: dict[str, int] = {}
        for visit in visits:
            last[visit.queue] = max(last.get(visit.queue, 0), visit.number)
        TicketCounter.objects.bulk_create(
            [
                TicketCounter(queue=queues[code], business_day=day, last=number)
                for code, number in last.items()
            ],
            ignore_conflicts=True,
        )
    return len(tickets)


def _events(tickets: Iterable[Ticket]) -> list[TicketEvent]:
    """Each ticket's events as the counter records them: issued, called, serving (unless a no-show), ended."""
    events: list[TicketEvent] = []
    for ticket in tickets:
        steps = [
            (Ticket.Status.WAITING, ticket.issued_at, None),
            (Ticket.Status.CALLED, ticket.called_at, ticket.counter),
            (Ticket.Status.SERVING, ticket.serving_at, ticket.counter),
            (ticket.status, ticket.finished_at, ticket.counter),
        ]
        events.extend(
            TicketEvent(ticket=ticket, status=status, at=at, counter=counter, actor=ACTOR)
            for status, at, counter in steps
            if at is not None
        )
    return events


def load_demo_history(months: int, *, today: date | None = None, seed: int = 0) -> int:
    """The demo's ward offices' tickets of the last `months` months before today (idempotent per day)."""
    today = today or timezone.localdate()
    start = date(today.year, today.month, 1)
    for _ in range(months):
        start = (start - timedelta(days=1)).replace(day=1)
    days = business_days_between(start, today - timedelta(days=1))
    written = 0
    for office in Office.objects.filter(kind=Office.Kind.WARD):
        written += generate_history(office, days, DEMO_RATES, seed)
    return written
