"""Business days of a Japanese city office (開庁日): weekdays that are neither a national holiday nor in the
year-end and New Year closure (年末年始, 12/29–1/3).

National holidays, substitute holidays (振替休日) and citizens' holidays (国民の休日) come from the bundled
data of the `holidays` package: nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from datetime import date, timedelta

import holidays

# 行政機関の休日に関する法律 第1条第1項第3号: 12月29日から翌年1月3日まで.
YEAR_END_CLOSURE = frozenset({(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)})
SATURDAY = 5


@functools.cache
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("JP", years=year))


def is_national_holiday(day: date) -> bool:
    """A 国民の祝日, 振替休日 or 国民の休日."""
    return day in _national_holidays(day.year)


def is_business_day(day: date) -> bool:
    """The office is open: not Saturday or Sunday, not a national holiday, not 12/29–1/3."""
    return (
        day.weekday() < SATURDAY
        and (day.month, day.day) not in YEAR_END_CLOSURE
        and not is_national_holiday(day)
    )


def business_days_between(start: date, end: date) -> list[date]:
    """The business days from `start` to `end`, both included."""
    days = (start + timedelta(days=offset) for offset in range((end - start).days + 1))
    return [day for day in days if is_business_day(day)]


def _business_days_after(start: date, step: int) -> Iterator[date]:
    """Business days after `start` (step 1) or before it (step -1), nearest first. Endless: no closure
    lasts longer than a few days."""
    day = start
    while True:
        day += timedelta(days=step)
        if is_business_day(day):
            yield day


def add_business_days(start: date, count: int) -> date:
    """The date `count` business days after `start` (before it if `count` is negative). `start` itself is
    not counted and need not be a business day; `count == 0` gives `start`.

    add_business_days(date(2026, 12, 28), 1) == date(2027, 1, 4)
    """
    if count == 0:
        return start
    days = _business_days_after(start, 1 if count > 0 else -1)
    return next(itertools.islice(days, abs(count) - 1, None))


def next_business_days(start: date, count: int) -> list[date]:
    """The first `count` business days from `start` on, `start` included when it is one."""
    if count <= 0:
        return []
    first = start if is_business_day(start) else add_business_days(start, 1)
    return [first, *itertools.islice(_business_days_after(first, 1), count - 1)]
