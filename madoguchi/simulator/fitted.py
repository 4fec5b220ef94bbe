"""The office as its own ticket records describe it: each queue's arrivals and service times, fitted from
the recorded tickets, simulated on the same days so that the simulated waits can be set against the
recorded ones.

Plain data in, plain data out (the Django side, `madoguchi.simulation.fit`, reads the tickets): a
`FittedOffice` holds, per queue, the tickets per business day by month, the service time's mean and
coefficient of variation, the no-show share and the time a no-show holds a counter, and the counters open;
for the office, the weekday factors and the share of tickets in each hour block. `simulate_fitted` runs
those days with SimPy: every queue a FIFO line before its counters, lognormal service times.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median

import simpy

from madoguchi.simulator.office import Counters, QueueTally, hour_shares, multiplier_drawer
from madoguchi.simulator.parameters import HOURS, OPEN_MINUTE, flat


@dataclass(frozen=True)
class Waits:
    """Minutes from the ticket to the call: how many, mean, median, 90th percentile."""

    tickets: int
    mean: float
    median: float
    p90: float

    @classmethod
    def of(cls, minutes: Sequence[float]) -> Waits:
        if not minutes:
            return cls(0, 0.0, 0.0, 0.0)
        ordered = sorted(minutes)
        return cls(
            len(ordered),
            sum(ordered) / len(ordered),
            float(median(ordered)),
            ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)],
        )


@dataclass(frozen=True)
class FittedQueue:
    code: str
    name: str
    daily_by_month: Mapping[int, float]  # month → tickets per business day
    service_mean: float  # minutes a served resident holds a counter: from the call to the end
    service_cv: float
    no_show: float  # share of called tickets
    no_show_minutes: float  # from the call to the no-show
    counters: int  # counters that served this queue over the period
    recorded: Waits

    def daily(self, day: date, weekday_factors: Mapping[int, float]) -> float:
        return self.daily_by_month.get(day.month, 0.0) * weekday_factors.get(day.weekday(), 1.0)


@dataclass(frozen=True)
class FittedOffice:
    office: str
    days: tuple[date, ...]  # the business days the fit read
    queues: tuple[FittedQueue, ...]
    weekday_factors: Mapping[int, float]  # weekday → tickets relative to the mean business day
    hour_shares: Mapping[int, float]  # hour block → share of the day's tickets
    transfer: float  # share of the one-stop counter's served residents handed over to another queue

    def queue(self, code: str) -> FittedQueue:
        for queue in self.queues:
            if queue.code == code:
                return queue
        raise KeyError(code)


@dataclass(frozen=True)
class QueueComparison:
    """A queue's recorded waits beside the simulated ones: pooled over the replications, and the band (5th
    to 95th percentile over the replications) in which the period's mean and 90th percentile fall. A busy
    queue's waits change much from one run of the same days to the next; the recorded period is one run."""

    code: str
    name: str
    recorded: Waits
    simulated: Waits
    mean_band: tuple[float, float]
    p90_band: tuple[float, float]

    @property
    def within(self) -> bool:
        """The recorded mean and 90th percentile both lie in the simulated bands."""
        low, high = self.mean_band
        p90_low, p90_high = self.p90_band
        return low <= self.recorded.mean <= high and p90_low <= self.recorded.p90 <= p90_high


REPLICATIONS = 20


def simulate_fitted(
    fitted: FittedOffice, seed: int = 0, replications: int = REPLICATIONS
) -> tuple[QueueComparison, ...]:
    """Every day the fit read, simulated `replications` times with the fitted rates; each queue's simulated
    waits beside the recorded ones."""
    blocks = hour_shares(fitted.hour_shares)
    pooled: dict[str, list[float]] = {queue.code: [] for queue in fitted.queues}
    runs: dict[str, list[Waits]] = {queue.code: [] for queue in fitted.queues}
    for replication in range(max(1, replications)):
        waits: dict[str, list[float]] = {queue.code: [] for queue in fitted.queues}
        for day in fitted.days:
            key = f"{seed}:{replication}:{fitted.office}:{day.isoformat()}"
            _simulate_day(fitted, day, blocks, random.Random(key), waits)  # noqa: S311 (simulation draws)
        for code, minutes in waits.items():
            pooled[code].extend(minutes)
            runs[code].append(Waits.of(minutes))
    return tuple(
        QueueComparison(
            queue.code,
            queue.name,
            queue.recorded,
            Waits.of(pooled[queue.code]),
            _band([run.mean for run in runs[queue.code]]),
            _band([run.p90 for run in runs[queue.code]]),
        )
        for queue in fitted.queues
    )


def _band(values: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(values)
    last = len(ordered) - 1
    return ordered[round(0.05 * last)], ordered[round(0.95 * last)]


def _simulate_day(
    fitted: FittedOffice,
    day: date,
    blocks: Sequence[tuple[float, float, float]],
    rng: random.Random,
    waits: dict[str, list[float]],
) -> None:
    env = simpy.Environment(initial_time=OPEN_MINUTE)

    def resident(
        queue: FittedQueue, counters: Counters, draw: Callable[[random.Random], float]
    ) -> Generator[simpy.Event, None, None]:
        since = env.now
        yield counters.request()
        waits[queue.code].append(env.now - since)
        held = queue.no_show_minutes if rng.random() < queue.no_show else queue.service_mean * draw(rng)
        yield env.timeout(held)
        counters.release(held)

    def source(queue: FittedQueue, counters: Counters, mean: float) -> Generator[simpy.Event, None, None]:
        draw = multiplier_drawer("lognormal", queue.service_cv)
        for start, end, share in blocks:
            rate = mean * share / (end - start)
            if rate <= 0:
                continue
            if env.now < start:
                yield env.timeout(start - env.now)
            minute = start + rng.expovariate(rate)
            while minute < end:
                yield env.timeout(minute - env.now)
                env.process(resident(queue, counters, draw))
                minute += rng.expovariate(rate)

    def hours(lines: list[Counters]) -> Generator[simpy.Event, None, None]:
        for hour in HOURS[1:]:
            yield env.timeout(hour * 60 - env.now)
            for line in lines:
                line.dispatch()

    lines = []
    for queue in fitted.queues:
        counters = Counters(env, flat(max(1, queue.counters)), QueueTally())
        lines.append(counters)
        env.process(source(queue, counters, queue.daily(day, fitted.weekday_factors)))
    env.process(hours(lines))
    env.run()
