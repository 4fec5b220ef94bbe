"""Counter statistics from the recorded tickets: visits by day (week, month) and hour, waits (median and
90th percentile), handling times per queue, counter and procedure (`procedure_times`), no-show and
hand-over rates; as a page with charts and as CSV. Times are the city's (Asia/Tokyo); a wait runs from
the ticket to the first call, a handling time from the resident at the counter to the end of the service."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.organization.models import Office
from madoguchi.reception.models import Ticket
from madoguchi.reception.procedure_times import ProcedureFit, fit_procedure_minutes, signed_visits

GROUPINGS = ("day", "week", "month")
MAX_DAYS = 400  # a period longer than this is refused: a year and a bit is what a manager compares


def _percentile(values: Sequence[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def _median(values: Sequence[float]) -> float | None:
    return float(median(values)) if values else None


def _minutes(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return (later - earlier).total_seconds() / 60.0


@dataclass(frozen=True)
class Figures:
    """One row of the statistics: a queue, a period of days, an hour or a counter."""

    label: str
    tickets: int
    wait_median: float | None
    wait_p90: float | None
    handling_median: float | None
    handling_mean: float | None
    no_show_rate: float | None  # of the called tickets
    transfer_rate: float | None  # of the called tickets
    per_day: float | None = None  # tickets per business day (hours and queues)

    @property
    def no_show_percent(self) -> str:
        return "" if self.no_show_rate is None else f"{self.no_show_rate:.1%}"

    @property
    def transfer_percent(self) -> str:
        return "" if self.transfer_rate is None else f"{self.transfer_rate:.1%}"

    @classmethod
    def of(cls, label: str, rows: Sequence[_Row], days: int | None = None) -> Figures:
        waits = [row.wait for row in rows if row.wait is not None]
        handling = [row.handling for row in rows if row.handling is not None]
        called = [row for row in rows if row.wait is not None]
        return cls(
            label=label,
            tickets=len(rows),
            wait_median=_median(waits),
            wait_p90=_percentile(waits, 0.9),
            handling_median=_median(handling),
            handling_mean=sum(handling) / len(handling) if handling else None,
            no_show_rate=(sum(row.status == Ticket.Status.NO_SHOW for row in called) / len(called))
            if called
            else None,
            transfer_rate=(sum(row.status == Ticket.Status.TRANSFERRED for row in called) / len(called))
            if called
            else None,
            per_day=len(rows) / days if days else None,
        )


@dataclass(frozen=True)
class _Row:
    queue: str
    counter: str
    day: date
    hour: int
    wait: float | None
    handling: float | None
    status: str


@dataclass(frozen=True)
class Statistics:
    office: Office
    start: date
    end: date
    grouping: str
    days: int  # business days with tickets
    total: Figures
    queues: tuple[Figures, ...]
    periods: tuple[Figures, ...]  # by day, week (from its Monday) or month
    hours: tuple[Figures, ...]
    counters: tuple[Figures, ...]
    procedures: ProcedureFit  # counter minutes per procedure, from the visits' signed plans


def _period_label(day: date, grouping: str) -> str:
    if grouping == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    if grouping == "month":
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def office_statistics(office: Office, start: date, end: date, grouping: str = "day") -> Statistics:
    tickets = (
        Ticket.objects.filter(office=office, business_day__gte=start, business_day__lte=end)
        .select_related("queue", "counter")
        .only(
            "business_day",
            "issued_at",
            "called_at",
            "serving_at",
            "finished_at",
            "status",
            "case_id",
            "queue__name_ja",
            "queue__name_en",
            "queue__sort_order",
            "counter__name_ja",
            "counter__name_en",
        )
        .order_by("queue__sort_order", "issued_at")
    )
    rows: list[_Row] = []
    handled: dict[str, float] = defaultdict(float)  # each case's counter minutes, for the procedure fit
    for ticket in tickets:
        row = _Row(
            queue=ticket.queue.name,
            counter=ticket.counter.name if ticket.counter else "",
            day=ticket.business_day,
            hour=timezone.localtime(ticket.issued_at).hour,
            wait=_minutes(ticket.called_at, ticket.issued_at),
            handling=_minutes(ticket.finished_at, ticket.serving_at)
            if ticket.status in {Ticket.Status.DONE, Ticket.Status.TRANSFERRED}
            else None,
            status=ticket.status,
        )
        rows.append(row)
        if ticket.case_id is not None and row.handling is not None:
            handled[str(ticket.case_id)] += max(0.0, row.handling)
    days = len({row.day for row in rows})
    return Statistics(
        office=office,
        start=start,
        end=end,
        grouping=grouping,
        days=days,
        total=Figures.of("", rows, days),
        queues=tuple(Figures.of(label, group, days) for label, group in _grouped(rows, lambda r: r.queue)),
        periods=tuple(
            Figures.of(label, group, len({row.day for row in group}))
            for label, group in sorted(_grouped(rows, lambda r: _period_label(r.day, grouping)))
        ),
        hours=tuple(
            Figures.of(f"{hour}:00", group, days)
            for hour, group in sorted(_grouped(rows, lambda r: r.hour), key=lambda item: int(item[0]))
        ),
        counters=tuple(
            Figures.of(label, group, days) for label, group in _grouped(rows, lambda r: r.counter) if label
        ),
        procedures=fit_procedure_minutes(signed_visits(handled)),
    )


def _grouped(rows: Iterable[_Row], key: object) -> list[tuple[str, list[_Row]]]:
    groups: dict[object, list[_Row]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)  # type: ignore[operator]
    return [(label if isinstance(label, str) else str(label), group) for label, group in groups.items()]


CSV_HEADER = (
    "section",
    "label",
    "tickets",
    "tickets_per_day",
    "wait_median_min",
    "wait_p90_min",
    "handling_median_min",
    "handling_mean_min",
    "no_show_rate",
    "transfer_rate",
    "procedure_minutes",  # the procedure rows: its own minutes and their 90% interval
    "procedure_minutes_low",
    "procedure_minutes_high",
)


def csv_rows(statistics: Statistics) -> Iterable[tuple[str, ...]]:
    """Every table of the page, one CSV row a line: section, label and the figures."""

    def number(value: float | None, digits: int = 1) -> str:
        return "" if value is None else f"{value:.{digits}f}"

    yield CSV_HEADER
    sections = (
        ("total", (statistics.total,)),
        ("queue", statistics.queues),
        (statistics.grouping, statistics.periods),
        ("hour", statistics.hours),
        ("counter", statistics.counters),
    )
    for section, figures in sections:
        for row in figures:
            yield (
                section,
                row.label,
                str(row.tickets),
                number(row.per_day),
                number(row.wait_median),
                number(row.wait_p90),
                number(row.handling_median),
                number(row.handling_mean),
                number(row.no_show_rate, 3),
                number(row.transfer_rate, 3),
                "",
                "",
                "",
            )
    # a procedure row: its codes (several when they always come together), the visits that signed it,
    # the median minutes of those visits and the procedure's own minutes (blank: too few or not separable)
    for procedure in statistics.procedures.procedures:
        yield (
            "procedure",
            "+".join(procedure.codes),
            str(procedure.visits),
            "",
            "",
            "",
            number(procedure.visit_median),
            "",
            "",
            "",
            number(procedure.minutes),
            number(procedure.low),
            number(procedure.high),
        )


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str
    label: str


@dataclass(frozen=True)
class BarChart:
    """An SVG bar chart's geometry (viewBox 0 0 720 260; the plot from x 64 to 704, y 20 to 220)."""

    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]  # (y, label)
    label_every: int


def bar_chart(values: Sequence[tuple[str, float | None]], unit: str) -> BarChart:
    left, right, top, bottom = 64.0, 704.0, 20.0, 220.0
    numbers = [value or 0.0 for _, value in values]
    scale_max = _nice(max(numbers, default=0.0))
    slot = (right - left) / max(1, len(values))
    bars = []
    for number, (label, value) in enumerate(values):
        height = (value or 0.0) / scale_max * (bottom - top) if scale_max else 0.0
        bars.append(
            Bar(
                x=round(left + number * slot + slot * 0.1, 1),
                y=round(bottom - height, 1),
                width=round(slot * 0.8, 1),
                height=round(height, 1),
                title=f"{label}: {'—' if value is None else f'{value:.1f}'} {unit}",
                label=label,
            )
        )
    ticks = tuple(
        (round(bottom - fraction * (bottom - top), 1), f"{scale_max * fraction:g}")
        for fraction in (0.0, 0.25, 0.5, 0.75, 1.0)
    )
    return BarChart(tuple(bars), ticks, max(1, math.ceil(len(values) / 12)))


def _nice(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^n at or above `value` (an axis maximum)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


class InvalidPeriod(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {value}" for key, value in errors.items()))
        self.errors = errors


def read_days(
    query: Mapping[str, str],
    fields: tuple[str, str],
    defaults: tuple[date | None, date | None],
    errors: dict[str, str],
) -> tuple[date | None, date | None]:
    """The first and last day of a period from two date fields (a blank one takes its default), with each
    mistake added to `errors` at its field: not a date, the last before the first, longer than MAX_DAYS."""
    days: list[date | None] = []
    for field, default in zip(fields, defaults, strict=True):
        text = (query.get(field) or "").strip()
        if not text:
            days.append(default)
            continue
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            days.append(None)
            errors[field] = _("日付は 2026-04-01 のように入力してください。")
    start, end = days
    if start is not None and end is not None:
        if end < start:
            errors[fields[1]] = _("終わりの日は始めの日より後にしてください。")
        elif (end - start).days + 1 > MAX_DAYS:
            errors[fields[1]] = _("期間は %(days)s 日以内にしてください。") % {"days": MAX_DAYS}
    return start, end


def read_period(query: Mapping[str, str], offices: Sequence[Office]) -> tuple[Office, date, date, str]:
    """The office, the first and last day and the grouping a manager asked for, or InvalidPeriod naming
    each field. Defaults: the first office, the 28 days up to yesterday, by day."""
    errors: dict[str, str] = {}
    by_code = {office.code: office for office in offices}
    code = (query.get("office") or "").strip()
    office = by_code.get(code) if code else (offices[0] if offices else None)
    if office is None:
        errors["office"] = _("庁舎を選んでください。")
    yesterday = timezone.localdate() - timedelta(days=1)
    start, end = read_days(query, ("from", "to"), (yesterday - timedelta(days=27), yesterday), errors)
    grouping = (query.get("by") or "day").strip()
    if grouping not in GROUPINGS:
        errors["by"] = _("集計の単位を選んでください。")
    if errors or office is None or start is None or end is None:
        raise InvalidPeriod(errors)
    return office, start, end, grouping
