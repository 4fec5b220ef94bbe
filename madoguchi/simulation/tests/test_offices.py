"""The simulator's office from the city's data: counters per hour block from the counters' shifts, the
departments' own residents and the yearly visits from the tickets."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from madoguchi.demo.history import HistoryRates, QueueRates, generate_history
from madoguchi.organization.models import Counter, Office, Queue
from madoguchi.reception.models import CounterShift, Ticket
from madoguchi.rules.calendar import business_days_between
from madoguchi.simulation.offices import MIN_HISTORY_DAYS, office_config
from madoguchi.simulator.households import CERTIFICATE_QUEUE
from madoguchi.simulator.parameters import (
    ERRAND_MINUTES,
    ERRAND_UTILISATION,
    HOURS,
    LAST_TICKET_MINUTE,
    OPEN_MINUTE,
    WEEKDAY_WEIGHTS,
    flat,
)
from madoguchi.simulator.runs import business_days
from madoguchi.staff.models import Staff

pytestmark = pytest.mark.django_db


def at(day: date, clock: str) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.fromisoformat(clock)))


def lunch_rotation(days: list[date]) -> list[Counter]:
    """Two one-stop counters of 中央区役所 open all day, one of them closed from 12:00 to 13:00."""
    first, second = list(Counter.objects.filter(office__code="chuo", queue__kind=Queue.Kind.ONE_STOP))[:2]
    clerk = Staff.objects.filter(office__code="chuo").first()
    assert clerk is not None
    for day in days:
        CounterShift.objects.create(
            counter=first, staff=clerk, opened_at=at(day, "08:30"), closed_at=at(day, "17:15")
        )
        CounterShift.objects.create(
            counter=second, staff=clerk, opened_at=at(day, "08:30"), closed_at=at(day, "12:00")
        )
        CounterShift.objects.create(
            counter=second, staff=clerk, opened_at=at(day, "13:00"), closed_at=at(day, "17:15")
        )
    return [first, second]


def past_business_days(count: int) -> list[date]:
    today = timezone.localdate()
    return business_days_between(today - timedelta(days=count * 2 + 10), today - timedelta(days=1))[-count:]


def test_the_counters_open_each_hour_come_from_the_shifts(demo_city: None) -> None:
    without_shifts = office_config("chuo")
    lunch_rotation(past_business_days(MIN_HISTORY_DAYS))
    config = office_config("chuo")
    by_hour = dict(zip(HOURS, config.after["one_stop"], strict=True))
    assert by_hour == {8: 2, 9: 2, 10: 2, 11: 2, 12: 1, 13: 2, 14: 2, 15: 2, 16: 2, 17: 2}
    # the processing clerks follow the one-stop counter; before, its clerks sat at the departments
    assert config.after["processing"] == tuple(1 for _ in HOURS)
    assert config.before["hoken_nenkin"] >= config.after["hoken_nenkin"]
    # a queue with no shifts keeps all its counters open all day
    assert config.after["shomei"] == without_shifts.after["shomei"]
    assert len(set(config.after["shomei"])) == 1


def test_too_few_days_of_shifts_leave_the_counters_open_all_day(demo_city: None) -> None:
    lunch_rotation(past_business_days(MIN_HISTORY_DAYS - 1))
    counters = Counter.objects.filter(office__code="chuo", queue__kind=Queue.Kind.ONE_STOP).count()
    assert office_config("chuo").after["one_stop"] == flat(counters)


def test_todays_shifts_are_not_a_day_of_schedule_yet(demo_city: None) -> None:
    days = past_business_days(MIN_HISTORY_DAYS - 1)
    lunch_rotation([*days, timezone.localdate()])
    counters = Counter.objects.filter(office__code="chuo", queue__kind=Queue.Kind.ONE_STOP).count()
    assert office_config("chuo").after["one_stop"] == flat(counters)


def test_a_departments_own_residents_come_from_its_tickets_not_handed_over(demo_city: None) -> None:
    """The tickets a department's queue issued for its own business (not handed over from the one-stop
    counter) give its residents per ordinary day and their minutes; the yearly visits leave them out."""
    office = Office.objects.get(code="chuo")
    days = past_business_days(MIN_HISTORY_DAYS + 5)
    rates = HistoryRates(
        queues={
            "shomei": QueueRates(0.6, 5.0, 0.5),
            "one-stop": QueueRates(0.5, 38.0, 0.6),
            "hoken-nenkin": QueueRates(0.6, 12.0, 0.5),
        },
        no_show=0.0,
        transfer=0.3,
    )
    generate_history(office, days, rates, seed=5)
    queue = Queue.objects.get(office=office, code="hoken-nenkin")
    own = Ticket.objects.filter(queue=queue, transferred_from__isnull=True)
    assert Ticket.objects.filter(queue=queue, transferred_from__isnull=False).exists()  # some handed over
    weight = sum(WEEKDAY_WEIGHTS[day.weekday()] for day in days) / len(days)

    config = office_config("chuo")
    errand = config.errands[queue.department.code]  # type: ignore[union-attr]
    assert errand.per_day * weight * len(days) == pytest.approx(own.count(), rel=0.01)
    assert errand.minutes == pytest.approx(12.0, rel=0.1)  # the mean handling time drawn
    assert set(config.errands) == {queue.department.code}  # type: ignore[union-attr]
    others = Ticket.objects.filter(office=office, transferred_from__isnull=True).exclude(queue=queue).count()
    year = len(business_days(timezone.localdate().year))
    assert config.visits_per_year == pytest.approx(others * year / len(days), rel=0.01)


def test_without_history_a_departments_own_residents_are_the_example_wards_assumption(
    demo_city: None,
) -> None:
    """No tickets to count them: each department's counters half busy with them (ERRAND_UTILISATION), at
    the example ward's minutes per visit."""
    config = office_config("chuo")
    errand = config.errands["hoken_nenkin"]
    assert errand.minutes == ERRAND_MINUTES["hoken_nenkin"]
    counters = sum(config.after["hoken_nenkin"]) / len(config.after["hoken_nenkin"])
    day = LAST_TICKET_MINUTE - OPEN_MINUTE
    assert errand.per_day * errand.minutes == pytest.approx(ERRAND_UTILISATION * counters * day, rel=0.01)
    assert CERTIFICATE_QUEUE not in config.errands  # the certificate counter's visits are the certificates'
    assert "one_stop" not in config.errands
