"""Business days: weekdays that are not a national holiday and not in the 12/29–1/3 closure."""

from __future__ import annotations

from datetime import date

import pytest

from madoguchi.rules.calendar import add_business_days, is_business_day, next_business_days


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (date(2026, 1, 1), False),  # 元日
        (date(2026, 1, 2), False),  # 年末年始 (a Friday)
        (date(2026, 1, 3), False),  # 年末年始 (a Saturday anyway)
        (date(2026, 1, 5), True),  # the first business day of 2026
        (date(2026, 1, 12), False),  # 成人の日 (second Monday of January)
        (date(2026, 5, 6), False),  # 振替休日: 憲法記念日 5/3 fell on a Sunday
        (date(2026, 5, 7), True),
        (date(2026, 9, 22), False),  # 国民の休日 between 敬老の日 and 秋分の日
        (date(2026, 11, 23), False),  # 勤労感謝の日
        (date(2026, 11, 24), True),  # a Tuesday
        (date(2026, 11, 28), False),  # a Saturday
        (date(2026, 11, 29), False),  # a Sunday
        (date(2026, 12, 28), True),  # the last business day of 2026
        (date(2026, 12, 29), False),  # 年末年始 (a Tuesday)
        (date(2026, 12, 31), False),
    ],
)
def test_business_days_know_holidays_and_the_year_end_closure(day: date, open_: bool) -> None:
    assert is_business_day(day) is open_


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 12, 28), 1, date(2027, 1, 4)),  # over the year-end closure
        (date(2026, 5, 1), 1, date(2026, 5, 7)),  # over Golden Week and its substitute holiday
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # from a Saturday
        (date(2026, 11, 24), 20, date(2026, 12, 22)),
        (date(2027, 1, 4), -1, date(2026, 12, 28)),  # backwards
        (date(2026, 11, 28), 0, date(2026, 11, 28)),
    ],
)
def test_add_business_days(start: date, count: int, expected: date) -> None:
    assert add_business_days(start, count) == expected


def test_next_business_days_start_with_the_day_itself_when_it_is_one() -> None:
    assert next_business_days(date(2026, 5, 1), 2) == [date(2026, 5, 1), date(2026, 5, 7)]
    assert next_business_days(date(2026, 5, 2), 3) == [date(2026, 5, 7), date(2026, 5, 8), date(2026, 5, 11)]
    assert next_business_days(date(2026, 5, 2), 0) == []
