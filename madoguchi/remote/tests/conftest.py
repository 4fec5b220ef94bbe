"""Remote consultation tests: the demo city's branch clerk and experts, a case at the branch, a clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from madoguchi.audit.chain import SystemActor
from madoguchi.cases.actions import do_create_case
from madoguchi.cases.models import Case
from madoguchi.remote import presence
from madoguchi.remote.models import ExpertProfile
from madoguchi.staff.actions import do_create_staff
from madoguchi.staff.models import Staff

TOKYO = ZoneInfo("Asia/Tokyo")
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=TOKYO)


class Clock:
    """Tokyo time that tests move by hand: `clock.now`, `clock.advance(seconds)`."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(MONDAY)
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def branch_clerk(demo_city: None) -> Staff:
    return Staff.objects.select_related("office").get(username="branch")


@pytest.fixture
def case(branch_clerk: Staff) -> Case:
    return do_create_case(
        branch_clerk, office=branch_clerk.office, event="tennyu", event_date=date(2026, 12, 1)
    )


@pytest.fixture
def expert(demo_city: None) -> Callable[..., Staff]:
    """An expert of the demo city, or a new one with the given skills, on duty at Monday 10:00."""

    def make(username: str = "department", skills: list[str] | None = None) -> Staff:
        staff = Staff.objects.filter(username=username).first()
        if staff is None:
            template = Staff.objects.get(username="department")
            staff = do_create_staff(
                SystemActor("test"),
                username=username,
                password="x-long-enough-2026",
                role=template.role,
                office=template.office,
                department=template.department,
                last_name=username,
                first_name="専門",
            )
        profile, _created = ExpertProfile.objects.get_or_create(staff=staff)
        if skills is not None:
            profile.skills = skills
        profile.duty_days = [0, 1, 2, 3, 4]
        profile.save()
        return staff

    return make


def online(staff: Staff, at: datetime | None = None) -> uuid.UUID:
    """One of `staff`'s pages beats now."""
    tab = uuid.uuid4()
    presence.beat(staff, tab, now=at or timezone.now())
    return tab


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Any:
    return django_capture_on_commit_callbacks
