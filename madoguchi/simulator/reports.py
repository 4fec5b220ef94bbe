"""The results of a run as immutable records, ready for JSON, a web page or a PDF report."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from madoguchi.simulator.households import HouseholdTable
from madoguchi.simulator.office import WAIT_BINS, QueueTally, Tally


@dataclass(frozen=True)
class TimeSplit:
    """Mean minutes a household spends in the office, by what it is doing."""

    waiting: float
    served: float
    walking: float
    writing: float

    @property
    def total(self) -> float:
        return self.waiting + self.served + self.walking + self.writing

    @classmethod
    def mean_of(cls, rows: list[tuple[float, float, float, float]]) -> TimeSplit:
        count = len(rows) or 1
        return cls(*(sum(row[position] for row in rows) / count for position in range(4)))


@dataclass(frozen=True)
class HouseholdFigures:
    """One household type (life event × size): how many came and their mean time in the office."""

    event: str
    size: int
    households: int
    minutes: TimeSplit


@dataclass(frozen=True)
class HourWaits:
    hour: int
    tickets: int
    mean_wait_min: float
    max_wait_min: float


@dataclass(frozen=True)
class QueueFigures:
    """One queue of the office over the run."""

    queue: str
    tickets: int
    mean_wait_min: float
    p90_wait_min: float
    utilisation: float  # counter-minutes serving / counter-minutes open
    mean_queue_length: float  # residents in line, averaged over the open time
    max_queue_length: int
    by_hour: tuple[HourWaits, ...]


def wait_share_within(tally: QueueTally, minutes: float) -> float:
    """Share of a queue's tickets that waited less than `minutes`."""
    total = sum(tally.waits)
    return sum(tally.waits[: int(minutes)]) / total if total else 1.0


def percentile(waits: list[int], fraction: float) -> float:
    total = sum(waits)
    if not total:
        return 0.0
    running = 0
    for minute, count in enumerate(waits):
        running += count
        if running >= fraction * total:
            return float(minute + 1 if minute < WAIT_BINS - 1 else minute)
    return float(WAIT_BINS - 1)


def queue_figures(name: str, tally: QueueTally) -> QueueFigures:
    tickets = sum(tally.waits)
    waited = sum(slot[1] for slot in tally.by_hour.values())
    return QueueFigures(
        queue=name,
        tickets=tickets,
        mean_wait_min=waited / tickets if tickets else 0.0,
        p90_wait_min=percentile(tally.waits, 0.9),
        utilisation=tally.busy_area / tally.capacity_area if tally.capacity_area else 0.0,
        mean_queue_length=tally.waiting_area / tally.open_minutes if tally.open_minutes else 0.0,
        max_queue_length=tally.max_waiting,
        by_hour=tuple(
            HourWaits(hour, int(slot[0]), slot[1] / slot[0] if slot[0] else 0.0, slot[2])
            for hour, slot in sorted(tally.by_hour.items())
        ),
    )


def household_figures(table: HouseholdTable, tally: Tally) -> tuple[HouseholdFigures, ...]:
    rows = []
    for index, values in sorted(tally.types.items()):
        kind = table.types[index]
        count = values[0]
        split = TimeSplit(*(value / count for value in values[1:])) if count else TimeSplit(0, 0, 0, 0)
        rows.append(HouseholdFigures(kind.event, kind.size, int(count), split))
    return tuple(rows)


@dataclass(frozen=True)
class YearReport:
    """A simulated year of one office in one design."""

    office: str
    design: str
    year: int
    seed: int
    visits: int  # tickets drawn
    days: int
    events: int  # SimPy events processed
    wall_s: float
    households: tuple[HouseholdFigures, ...]
    queues: tuple[QueueFigures, ...]

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for row, figures in zip(data["households"], self.households, strict=True):
            row["minutes"]["total"] = figures.minutes.total
        return data


@dataclass(frozen=True)
class Saving:
    """Households of one size with one life event: mean minutes before and after, and the saving."""

    event: str
    size: int
    households: int
    before: TimeSplit
    after: TimeSplit

    @property
    def saved(self) -> float:
        return self.before.total - self.after.total


@dataclass(frozen=True)
class SavingsReport:
    office: str
    seed: int
    replications: int
    rows: tuple[Saving, ...]

    def row(self, size: int) -> Saving:
        for row in self.rows:
            if row.size == size:
                return row
        raise KeyError(size)

    def as_json(self) -> dict[str, Any]:
        return {
            "office": self.office,
            "seed": self.seed,
            "replications": self.replications,
            "households": [
                {
                    "event": row.event,
                    "size": row.size,
                    "households": row.households,
                    "before_min": round(row.before.total, 1),
                    "after_min": round(row.after.total, 1),
                    "saved_min": round(row.saved, 1),
                    "before": asdict(row.before),
                    "after": asdict(row.after),
                }
                for row in self.rows
            ],
        }
