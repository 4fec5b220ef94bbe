"""The center's figures: backlog per queue and ward, the oldest item, past deadline, throughput, returns."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from madoguchi.center.models import WorkItem, WorkItemEvent, WorkQueue
from madoguchi.center.states import OPEN as OPEN_STATES
from madoguchi.organization.models import Office

Status = WorkItem.Status
OPEN = list(OPEN_STATES)


def open_counts(today: date) -> dict[str, int]:
    """Open items waiting, awaiting approval and past their deadline, in one query."""
    return WorkItem.objects.filter(status__in=OPEN).aggregate(
        waiting=Count("pk", filter=Q(status=Status.RECEIVED)),
        awaiting_approval=Count("pk", filter=Q(status=Status.AWAITING_APPROVAL)),
        overdue=Count("pk", filter=Q(deadline__lt=today)),
    )


def center_figures(today: date, since: date) -> dict[str, Any]:
    open_items = WorkItem.objects.filter(status__in=OPEN)
    wards = list(Office.objects.filter(kind__in=[Office.Kind.WARD, Office.Kind.BRANCH]))
    cells: dict[tuple[int, int], int] = {
        (row["queue_id"], row["received_office_id"]): row["n"]
        for row in open_items.values("queue_id", "received_office_id").annotate(n=Count("pk"))
    }
    backlog = []
    for queue in WorkQueue.objects.all():
        counts = [cells.get((queue.pk, ward.pk), 0) for ward in wards]
        if any(counts):
            backlog.append({"queue": queue, "counts": counts, "total": sum(counts)})
    oldest = open_items.aggregate(first=Min("received_on"))["first"]
    events = WorkItemEvent.objects.filter(at__date__gte=since)  # `__date` is taken in Asia/Tokyo
    done_per_day = {
        row["day"]: row["n"]
        for row in events.filter(status=Status.DONE)
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
    }
    days = [since + timedelta(days=offset) for offset in range((today - since).days + 1)]
    throughput = [{"day": day, "done": done_per_day.get(day, 0)} for day in days]
    top = max([row["done"] for row in throughput] + [1])
    decided = (
        events.filter(status__in=[Status.DONE, Status.RETURNED]).values("status").annotate(n=Count("pk"))
    )
    decided_counts = {row["status"]: row["n"] for row in decided}
    decisions = decided_counts.get(Status.DONE, 0) + decided_counts.get(Status.RETURNED, 0)
    return {
        "wards": wards,
        "backlog": backlog,
        "backlog_total": sum(row["total"] for row in backlog),
        "oldest_days": (today - oldest).days if oldest else None,
        "overdue": open_counts(today)["overdue"],
        # in steps of 5 %: each step is a class in app.css (the CSP allows no inline style)
        "throughput": [row | {"height": round(row["done"] / top * 20) * 5} for row in throughput],
        "throughput_top": top,
        "return_rate": (decided_counts.get(Status.RETURNED, 0) / decisions) if decisions else None,
        "return_rate_pct": f"{decided_counts.get(Status.RETURNED, 0) / decisions * 100:.1f}"
        if decisions
        else "",
        "decisions": decisions,
        "since": since,
        "today": today,
    }
