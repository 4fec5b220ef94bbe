"""The managers' figures of remote consultation: per branch and skill, the waits to an expert, the
outcomes, and what planning experts' hours needs (requests per weekday hour, mean length, and the experts
each hour needs for a service level, by the Erlang C formula of madoguchi.simulator.queueing)."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from madoguchi.remote.models import Consultation
from madoguchi.remote.skills import skill_label
from madoguchi.simulator.queueing import servers_for_service_level

TARGET_WAIT_MINUTES = 2.0  # a branch should reach an expert within this …
TARGET_SHARE = 0.8  # … in this share of consultations (an assumption a city sets for itself)


def _percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile, as the counter statistics take it: the smallest wait that `share` of
    the consultations did not exceed (`int(share * n)` took the next one: the longest of ten as the 90th)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


@dataclass(frozen=True)
class Row:
    office: str
    skill: str
    requested: int
    answered: int
    connected: int  # answered consultations whose video connected (the rest: a network or device problem)
    connect_p50_s: float | None  # from the answer to the video, median seconds
    callbacks: int
    cancelled: int
    wait_p50_min: float | None
    wait_p90_min: float | None
    mean_minutes: float | None
    outcomes: dict[str, int]


def figures(today: date, *, days: int = 30) -> dict[str, Any]:
    since = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime(since.year, since.month, since.day))
    consultations = list(
        Consultation.objects.filter(requested_at__gte=start).select_related("office").order_by("requested_at")
    )
    groups: dict[tuple[str, str], list[Consultation]] = defaultdict(list)
    for c in consultations:
        groups[(c.office.name, c.skill)].append(c)
    rows = []
    for (office, skill), items in sorted(groups.items()):
        waits = [c.wait_seconds / 60 for c in items if c.wait_seconds is not None]
        lengths = [c.duration_seconds / 60 for c in items if c.duration_seconds is not None]
        # answer to video, of the answered consultations whose video connected
        connecting = [
            max(0.0, (c.connected_at - c.accepted_at).total_seconds())
            for c in items
            if c.accepted_at is not None and c.connected_at is not None
        ]
        rows.append(
            Row(
                office=office,
                skill=skill_label(skill),
                requested=len(items),
                answered=sum(1 for c in items if c.accepted_at is not None),
                connected=len(connecting),
                connect_p50_s=_percentile(connecting, 0.5),
                callbacks=sum(1 for c in items if c.callback_at is not None),
                cancelled=sum(1 for c in items if c.state == Consultation.State.CANCELLED),
                wait_p50_min=_percentile(waits, 0.5),
                wait_p90_min=_percentile(waits, 0.9),
                mean_minutes=statistics.fmean(lengths) if lengths else None,
                outcomes=dict(Counter(c.get_outcome_display() for c in items if c.outcome)),
            )
        )
    return {"since": since, "rows": rows, "planning": planning(consultations, days=days)}


def planning(consultations: list[Consultation], *, days: int) -> list[dict[str, Any]]:
    """Per skill and hour of the day: requests per hour on an average business day, the mean length, and
    the experts that hour needs so that TARGET_SHARE reach one within TARGET_WAIT_MINUTES."""
    business_days = max(1, round(days * 5 / 7))
    by_skill: dict[str, list[Consultation]] = defaultdict(list)
    for c in consultations:
        by_skill[c.skill].append(c)
    result = []
    for skill, items in sorted(by_skill.items()):
        lengths = [c.duration_seconds / 60 for c in items if c.duration_seconds is not None]
        mean = statistics.fmean(lengths) if lengths else None
        hours: Counter[int] = Counter(timezone.localtime(c.requested_at).hour for c in items)
        row_hours = []
        # the office hours, widened to any hour that had requests (an evening counter, a night shift)
        first, last = min([8, *hours]), max([17, *hours])
        for hour in range(first, last + 1):
            rate = hours.get(hour, 0) / business_days  # requests per hour
            needed = (
                servers_for_service_level(rate, mean, TARGET_WAIT_MINUTES, TARGET_SHARE)
                if mean and rate > 0
                else 0
            )
            row_hours.append({"hour": hour, "rate": rate, "experts": needed})
        result.append(
            {"skill": skill_label(skill), "mean_minutes": mean, "hours": row_hours, "count": len(items)}
        )
    return result
