"""A fixed clock and bookings made through the real action."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from madoguchi.organization.models import Queue

TOKYO = ZoneInfo("Asia/Tokyo")
TUESDAY = date(2026, 11, 24)  # a business day; the next one is Wednesday the 25th
WEDNESDAY = date(2026, 11, 25)
SATURDAY = date(2026, 11, 28)


def one_stop(office: str = "chuo") -> Queue:
    return Queue.objects.get(office__code=office, code="one-stop")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The time in Tokyo, Tuesday 2026-11-24 08:00 unless set: `clock.set(WEDNESDAY, time(9, 0))`."""

    class Clock:
        def set(self, day: date, at: time) -> None:
            moment = datetime.combine(day, at, tzinfo=TOKYO)
            monkeypatch.setattr(timezone, "now", lambda: moment)

    fixed = Clock()
    fixed.set(TUESDAY, time(8, 0))
    return fixed


@pytest.fixture
def create_reservation(demo_city: None, settings: Any) -> Any:
    """Book through `do_book`, as a resident of the queue's office unless an actor is given.

    The per-contact limit of public bookings is lifted here: these tests book many times with one phone
    number (the limits have tests of their own in test_pages.py)."""
    from madoguchi.reservations.actions import Resident, do_book
    from madoguchi.reservations.models import Reservation

    settings.MADOGUCHI_BOOKINGS_PER_PHONE = 1000

    def create(
        *,
        actor: Any = None,
        queue: Queue | None = None,
        day: date = WEDNESDAY,
        start: time = time(9, 15),
        name_kana: str = "ミナト　ハナコ",
        phone: str = "090-1234-5678",
        email: str = "",
        purpose: str = "",
    ) -> Reservation:
        queue = queue or one_stop()
        resident = actor is None
        return do_book(
            Resident(queue.office.code) if resident else actor,
            queue=queue,
            day=day,
            start=start,
            name_kana=name_kana,
            phone=phone,
            email=email,
            purpose=purpose,
            channel=Reservation.Channel.RESIDENT if resident else Reservation.Channel.STAFF,
        )

    return create
