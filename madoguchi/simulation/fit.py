"""Fit the office's queues from its recorded tickets (`madoguchi simulate fit`): arrival rates by month,
weekday and hour, service times per queue, no-shows and hand-overs, and the recorded waits to compare the
simulation with. The model that uses them is the plain-Python `madoguchi.simulator.fitted`."""

from __future__ import annotations

import math
from collections import Counter as Tally
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from madoguchi.organization.models import Office
from madoguchi.reception.models import Ticket
from madoguchi.rules.calendar import business_days_between
from madoguchi.simulator.fitted import FittedOffice, FittedQueue, QueueComparison, Waits

MIN_TICKETS = 20
SERVED = {
    Ticket.Status.DONE,
    Ticket.Status.TRANSFERRED,
}  # a queue with fewer tickets over the period is left out: nothing to fit


class NoHistory(ValueError):
    """The office recorded no ticket in the period (or the period is empty)."""


def _minutes(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60.0


def fit_office(office: Office, start: date, end: date) -> FittedOffice:
    """What the tickets of `office` from `start` to `end` (both included) say about its queues."""
    if end < start:
        raise NoHistory("the period ends before it starts")
    rows = list(
        Ticket.objects.filter(office=office, business_day__gte=start, business_day__lte=end)
        .select_related("queue")
        .values_list(
            "queue__code",
            "queue__name_ja",
            "business_day",
            "issued_at",
            "called_at",
            "serving_at",
            "finished_at",
            "status",
            "counter_id",
        )
    )
    if not rows:
        raise NoHistory(f"{office.code} recorded no ticket from {start} to {end}")
    days = business_days_between(start, end)
    recorded_days = {row[2] for row in rows}
    days = [day for day in days if day in recorded_days] or sorted(recorded_days)
    days_in_month = Tally(day.month for day in days)
    per_day = Tally(row[2] for row in rows)
    weekday_totals: dict[int, list[int]] = defaultdict(list)
    for day in days:
        weekday_totals[day.weekday()].append(per_day.get(day, 0))
    # A weekday's factor, month by month: its tickets against its month's mean business day, averaged.
    month_mean = {
        month: sum(per_day.get(day, 0) for day in days if day.month == month) / count
        for month, count in days_in_month.items()
    }
    weekday_factors: dict[int, float] = {}
    for weekday in weekday_totals:
        ratios = [per_day.get(day, 0) / month_mean[day.month] for day in days if day.weekday() == weekday]
        weekday_factors[weekday] = sum(ratios) / len(ratios) if month_mean else 1.0
    hours = Tally(timezone.localtime(row[3]).hour for row in rows)
    hour_shares = {hour: count / len(rows) for hour, count in sorted(hours.items())}

    by_queue: dict[str, list[tuple]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in rows:
        by_queue[row[0]].append(row)
        names[row[0]] = row[1]
    queues = []
    one_stop_served = one_stop_transferred = 0
    for code, tickets in by_queue.items():
        if len(tickets) < MIN_TICKETS:
            continue
        month_tickets = Tally(row[2].month for row in tickets)
        # the days' mix of weekdays: the month's tickets over the month's days, the weekday factors applied
        daily_by_month = {}
        for month in days_in_month:
            weight = sum(weekday_factors.get(day.weekday(), 1.0) for day in days if day.month == month)
            daily_by_month[month] = month_tickets.get(month, 0) / weight if weight else 0.0
        # what holds a counter: from the call (the clerk waits for the resident) to the end of the service
        service = [
            _minutes(row[6], row[4])
            for row in tickets
            if row[4] is not None and row[6] is not None and row[7] in SERVED
        ]
        called = [row for row in tickets if row[4] is not None]
        no_shows = [row for row in called if row[7] == Ticket.Status.NO_SHOW and row[6] is not None]
        mean = sum(service) / len(service) if service else 0.0
        spread = (
            math.sqrt(sum((value - mean) ** 2 for value in service) / (len(service) - 1))
            if len(service) > 1
            else 0.0
        )
        # the counters that served this queue over the period: a quiet queue's second counter may stay
        # idle for days, so a day's count would miss it
        counters = {row[8] for row in called if row[8] is not None}
        waits = [_minutes(row[4], row[3]) for row in called]
        queues.append(
            FittedQueue(
                code=code,
                name=names[code],
                daily_by_month=daily_by_month,
                service_mean=mean,
                service_cv=spread / mean if mean else 0.0,
                no_show=len(no_shows) / len(called) if called else 0.0,
                no_show_minutes=(
                    sum(_minutes(row[6], row[4]) for row in no_shows) / len(no_shows) if no_shows else 0.0
                ),
                counters=max(1, len(counters)),
                recorded=Waits.of(waits),
            )
        )
        if code == "one-stop":
            one_stop_served = sum(
                1 for row in tickets if row[7] in {Ticket.Status.DONE, Ticket.Status.TRANSFERRED}
            )
            one_stop_transferred = sum(1 for row in tickets if row[7] == Ticket.Status.TRANSFERRED)
    return FittedOffice(
        office=office.code,
        days=tuple(days),
        queues=tuple(sorted(queues, key=lambda queue: queue.code)),
        weekday_factors=weekday_factors,
        hour_shares=hour_shares,
        transfer=one_stop_transferred / one_stop_served if one_stop_served else 0.0,
    )


def fit_report(fitted: FittedOffice, compared: Sequence[QueueComparison]) -> dict[str, Any]:
    """The fit and the comparison as JSON: per queue its fitted rates and its recorded and simulated waits."""
    by_code = {comparison.code: comparison for comparison in compared}
    return {
        "office": fitted.office,
        "from": fitted.days[0].isoformat() if fitted.days else None,
        "to": fitted.days[-1].isoformat() if fitted.days else None,
        "business_days": len(fitted.days),
        "weekday_factors": {
            str(day): round(factor, 3) for day, factor in sorted(fitted.weekday_factors.items())
        },
        "hour_shares": {str(hour): round(share, 4) for hour, share in sorted(fitted.hour_shares.items())},
        "transfer": round(fitted.transfer, 4),
        "queues": [
            {
                "queue": queue.code,
                "name": queue.name,
                "counters": queue.counters,
                "daily_by_month": {
                    str(month): round(value, 2) for month, value in sorted(queue.daily_by_month.items())
                },
                "service_mean": round(queue.service_mean, 2),
                "service_cv": round(queue.service_cv, 3),
                "no_show": round(queue.no_show, 4),
                "recorded": _waits(queue.recorded),
                "simulated": _waits(by_code[queue.code].simulated),
                "simulated_mean_band": [round(value, 2) for value in by_code[queue.code].mean_band],
                "simulated_p90_band": [round(value, 2) for value in by_code[queue.code].p90_band],
                "recorded_within_simulated": by_code[queue.code].within,
            }
            for queue in fitted.queues
        ],
    }


def _waits(waits: Waits) -> dict[str, float]:
    return {
        "tickets": waits.tickets,
        "mean": round(waits.mean, 2),
        "median": round(waits.median, 2),
        "p90": round(waits.p90, 2),
    }
