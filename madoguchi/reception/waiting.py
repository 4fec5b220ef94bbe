"""A resident's place in the queue and the estimated wait, from the queue's live service rate.

The rate is measured, never assumed: calls of first turns in the queue over the last hour (or, early in
the day, since opening; else over the last business days). The estimate is (people ahead + 1) × the
measured interval between calls, so it follows the counters that are open and how fast they serve now.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

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


def _rate_interval(calls: list[datetime], until: datetime) -> float | None:
    """Seconds per call: the time from the first call to `until`, over the calls made in it.

    Measuring up to now (not up to the last call) makes the wait grow when the counters stop calling.
    """
    if len(calls) < MIN_CALLS:
        return None
    span = (until - min(calls)).total_seconds()
    return span / len(calls) if span > 0 else None


def call_interval(queue_id: int, now: datetime | None = None) -> tuple[float | None, str]:
    """Seconds between calls in the queue, and the basis of the figure."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_calls = Ticket.objects.filter(queue_id=queue_id, called_at__isnull=False)
    today_calls = [
        called
        for called in first_calls.filter(business_day=today).values_list("called_at", flat=True)
        if called is not None
    ]
    interval = _rate_interval([called for called in today_calls if called >= now - WINDOW], now)
    if interval is not None:
        return interval, _("直近1時間の呼出し間隔")
    interval = _rate_interval(today_calls, now)
    if interval is not None:
        return interval, _("本日の呼出し間隔")
    # Each earlier day: from its first call to its last, over its calls.
    days = (
        first_calls.filter(business_day__lt=today, business_day__gte=today - timedelta(days=HISTORY_DAYS))
        .values("business_day")
        .annotate(first=Min("called_at"), last=Max("called_at"), calls=Count("pk"))
    )
    intervals = [
        (day["last"] - day["first"]).total_seconds() / day["calls"]
        for day in days
        if day["calls"] >= MIN_CALLS and day["last"] > day["first"]
    ]
    if intervals:
        return sum(intervals) / len(intervals), _("過去の同じ窓口の呼出し間隔")
    return None, _("まだ呼出しの実績がありません")


def estimate(ticket: Ticket, now: datetime | None = None) -> WaitEstimate:
    ahead = people_ahead(ticket)
    interval, basis = call_interval(ticket.queue_id, now)
    minutes = None if interval is None else max(1, round((ahead + 1) * interval / 60))
    return WaitEstimate(ahead=ahead, minutes=minutes, interval_s=interval, basis=basis)
