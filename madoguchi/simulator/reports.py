"""The results of a run as immutable records, ready for JSON, a web page or a PDF report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from madoguchi.simulator.households import HouseholdTable, HouseholdType
from madoguchi.simulator.office import PARTS, WAIT_BINS, Probe, QueueTally, Tally
from madoguchi.simulator.parameters import OfficeConfig


@dataclass(frozen=True)
class TimeSplit:
    """Mean minutes a household spends in the office, by what it is doing."""

    waiting: float  # in line for a counter
    served: float  # at a counter
    walking: float
    writing: float  # forms by hand, and signing
    documents: float = 0.0  # done at every counter, waiting for a document issued behind the counter

    @property
    def total(self) -> float:
        return self.waiting + self.served + self.walking + self.writing + self.documents

    @classmethod
    def mean_of(cls, rows: list[tuple[float, ...]]) -> TimeSplit:
        count = len(rows) or 1
        return cls(*(sum(row[position] for row in rows) / count for position in range(PARTS)))


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
        split = TimeSplit(*(value / count for value in values[1:])) if count else TimeSplit(0, 0, 0, 0, 0)
        rows.append(HouseholdFigures(kind.event, kind.size, int(count), split))
    return tuple(rows)


@dataclass(frozen=True)
class YearReport:
    """A simulated year of one office in one design."""

    office: str
    design: str
    year: int
    seed: int
    visits: int  # households drawn (life events and certificates)
    days: int
    events: int  # SimPy events processed
    wall_s: float
    households: tuple[HouseholdFigures, ...]
    queues: tuple[QueueFigures, ...]
    errands: int = 0  # the departments' own residents drawn (their tickets are in `queues`)

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


@dataclass(frozen=True)
class CallFigures:
    """One call of a followed household at one counter, averaged over the replications."""

    queue: str
    walking: float
    writing: float
    waiting: float
    served: float
    procedures: tuple[tuple[str, float], ...]  # (procedure code, mean counter minutes)


@dataclass(frozen=True)
class FollowedHousehold:
    """A household type followed through the office: its mean parts and calls in each design."""

    event: str
    size: int
    label: str
    households: int  # followed households per design
    procedures: tuple[str, ...]  # what it does at the counters, in the plan's order
    undecided: tuple[str, ...]  # procedures its facts leave open: not simulated
    minutes: dict[str, TimeSplit]  # design → mean parts
    calls: dict[str, tuple[CallFigures, ...]]  # design → its calls in order

    @property
    def before(self) -> TimeSplit:
        return self.minutes["before"]

    @property
    def after(self) -> TimeSplit:
        return self.minutes["after"]

    @property
    def saved(self) -> float | None:
        if "before" in self.minutes and "after" in self.minutes:
            return self.before.total - self.after.total
        return None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "event": self.event,
            "size": self.size,
            "label": self.label,
            "households": self.households,
            "procedures": list(self.procedures),
            "undecided": list(self.undecided),
        }
        for design, split in self.minutes.items():
            data[f"{design}_min"] = round(split.total, 1)
        if self.saved is not None:
            data["saved_min"] = round(self.saved, 1)
        for design, split in self.minutes.items():
            data[design] = {**asdict(split), "calls": [_call_json(call) for call in self.calls[design]]}
        return data


def _call_json(call: CallFigures) -> dict[str, Any]:
    return {
        "queue": call.queue,
        "walking": round(call.walking, 2),
        "writing": round(call.writing, 2),
        "waiting": round(call.waiting, 2),
        "served": round(call.served, 2),
        "procedures": [{"code": code, "minutes": round(minutes, 2)} for code, minutes in call.procedures],
    }


def followed_household(
    kind: HouseholdType, by_design: Mapping[str, Sequence[Probe]], config: OfficeConfig
) -> FollowedHousehold:
    """Mean parts and calls of the followed households of one type (every probe of a type in a design
    makes the same calls in the same order, so calls are averaged position by position)."""
    minutes: dict[str, TimeSplit] = {}
    calls: dict[str, tuple[CallFigures, ...]] = {}
    count = 0
    for design, probes in by_design.items():
        count = len(probes)
        minutes[design] = TimeSplit.mean_of([probe.parts for probe in probes])
        calls[design] = _mean_calls(probes)
    return FollowedHousehold(
        kind.event,
        kind.size,
        kind.label,
        count,
        tuple(work.code for work in kind.works),
        kind.undecided,
        minutes,
        calls,
    )


def _mean_calls(probes: Sequence[Probe]) -> tuple[CallFigures, ...]:
    if not probes:
        return ()
    count = len(probes)
    calls = []
    for position, first in enumerate(probes[0].stops):
        stops = [probe.stops[position] for probe in probes]
        procedures = tuple(
            (code, sum(stop.procedures[number][1] for stop in stops) / count)
            for number, (code, _) in enumerate(first.procedures)
        )
        calls.append(
            CallFigures(
                first.queue,
                sum(stop.walking for stop in stops) / count,
                sum(stop.writing for stop in stops) / count,
                sum(stop.waiting for stop in stops) / count,
                sum(stop.served for stop in stops) / count,
                procedures,
            )
        )
    return tuple(calls)


@dataclass(frozen=True)
class FollowReport:
    """Households followed through an office in one or both designs."""

    office: str
    seed: int
    replications: int
    designs: tuple[str, ...]
    rows: tuple[FollowedHousehold, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "office": self.office,
            "seed": self.seed,
            "replications": self.replications,
            "designs": list(self.designs),
            "households": [row.as_json() for row in self.rows],
        }
