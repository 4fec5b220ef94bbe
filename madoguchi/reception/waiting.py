"""A resident's place in the queue and the estimated wait, from the queue's live service rate.

The rate is measured, never assumed: calls of first turns in the queue over the last hour (or, early in
the day, since opening; else over the last business days). The estimate is (people ahead + 1) × the
measured interval between calls, so it follows the counters that are open and how fast they serve now.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.reception.models import Ticket

logger = logging.getLogger("madoguchi.reception")

WINDOW = timedelta(hours=1)
MIN_CALLS = 3  # fewer calls than this say too little about the rate
HISTORY_DAYS = 14
NEAR_AHEAD = 3  # "your turn is near" when this many or fewer are ahead


@dataclass(frozen=True)
class WaitEstimate:
    ahead: int
    minutes: int | None  # None: no measured rate yet
    interval_s: float | None
    basis: str  # how the rate was measured, for staff and the note on the page
    basis_code: Basis

    @property
    def near(self) -> bool:
        return self.ahead <= NEAR_AHEAD


def people_ahead(ticket: Ticket) -> int:
    """Waiting tickets called before this one: priority first, then by number."""
    if ticket.status != Ticket.Status.WAITING:
        return 0
    before = (
        Q(priority=True, number__lt=ticket.number)
        if ticket.priority
        else (Q(priority=True) | Q(number__lt=ticket.number))
    )
    return (
        Ticket.objects.filter(
            queue_id=ticket.queue_id, business_day=ticket.business_day, status=Ticket.Status.WAITING
        )
        .filter(before)
        .count()
    )


class Basis(StrEnum):
    """How a queue's call rate was measured (the wait page says it in the resident's language)."""

    LAST_HOUR = "hour"
    TODAY = "today"
    EARLIER_DAYS = "history"
    NONE = "none"

    @property
    def label(self) -> str:
        return {
            Basis.LAST_HOUR: _("直近1時間の呼出し間隔"),
            Basis.TODAY: _("本日の呼出し間隔"),
            Basis.EARLIER_DAYS: _("過去の同じ窓口の呼出し間隔"),
            Basis.NONE: _("まだ呼出しの実績がありません"),
        }[self]


@dataclass(frozen=True)
class QueueRate:
    interval_s: float | None  # seconds between calls; None: no measured rate yet
    basis: Basis


def _interval(calls: int, first: datetime | None, until: datetime) -> float | None:
    """Seconds per call: the time from the first call to `until`, over the calls made in it.

    Measuring up to now (not up to the last call) makes the wait grow when the counters stop calling.
    """
    if calls < MIN_CALLS or first is None:
        return None
    span = (until - first).total_seconds()
    return span / calls if span > 0 else None


def queue_rates(queue_ids: Iterable[int], now: datetime | None = None) -> dict[int, QueueRate]:
    """The call rate of each queue, in two queries for all of them (a third for queues without calls
    today): the board's event stream gives every resident's phone its queue's rate."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ids = list(queue_ids)
    first_calls = Ticket.objects.filter(queue_id__in=ids, called_at__isnull=False)
    recent = now - WINDOW
    rows = {
        row["queue_id"]: row
        for row in first_calls.filter(business_day=today)
        .values("queue_id")
        .annotate(
            calls=Count("pk"),
            first=Min("called_at"),
            recent_calls=Count("pk", filter=Q(called_at__gte=recent)),
            recent_first=Min("called_at", filter=Q(called_at__gte=recent)),
        )
    }
    rates: dict[int, QueueRate] = {}
    for queue_id in ids:
        row = rows.get(queue_id)
        if row is None:
            continue
        interval = _interval(row["recent_calls"], row["recent_first"], now)
        if interval is not None:
            rates[queue_id] = QueueRate(interval, Basis.LAST_HOUR)
            continue
        interval = _interval(row["calls"], row["first"], now)
        if interval is not None:
            rates[queue_id] = QueueRate(interval, Basis.TODAY)
    missing = [queue_id for queue_id in ids if queue_id not in rates]
    if missing:
        # Each earlier day: from its first call to its last, over its calls.
        days: dict[int, list[float]] = {}
        for day in (
            first_calls.filter(
                queue_id__in=missing,
                business_day__lt=today,
                business_day__gte=today - timedelta(days=HISTORY_DAYS),
            )
            .values("queue_id", "business_day")
            .annotate(first=Min("called_at"), last=Max("called_at"), calls=Count("pk"))
        ):
            if day["calls"] >= MIN_CALLS and day["last"] > day["first"]:
                seconds = (day["last"] - day["first"]).total_seconds() / day["calls"]
                days.setdefault(day["queue_id"], []).append(seconds)
        for queue_id in missing:
            intervals = days.get(queue_id)
            rates[queue_id] = (
                QueueRate(sum(intervals) / len(intervals), Basis.EARLIER_DAYS)
                if intervals
                else QueueRate(None, Basis.NONE)
            )
    return rates


def call_interval(queue_id: int, now: datetime | None = None) -> tuple[float | None, str]:
    """Seconds between calls in the queue, and the basis of the figure."""
    rate = queue_rates([queue_id], now)[queue_id]
    return rate.interval_s, rate.basis.label


def minutes_for(ahead: int, interval_s: float | None) -> int | None:
    """The estimated wait: (people ahead + 1) × the interval between calls, in whole minutes (at least 1,
    halves rounded up, as the wait page's script does when it updates the figure by itself)."""
    if interval_s is None:
        return None
    return max(1, math.floor((ahead + 1) * interval_s / 60 + 0.5))


def estimate(ticket: Ticket, now: datetime | None = None) -> WaitEstimate:
    ahead = people_ahead(ticket)
    rate = queue_rates([ticket.queue_id], now)[ticket.queue_id]
    return WaitEstimate(
        ahead=ahead,
        minutes=minutes_for(ahead, rate.interval_s),
        interval_s=rate.interval_s,
        basis=rate.basis.label,
        basis_code=rate.basis,
    )
