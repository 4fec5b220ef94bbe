"""One business day of a ward office as a SimPy model: arrivals, routes through the counters, the tallies.

Residents are SimPy processes (generators); a queue is a FIFO line in front of a group of counters whose
number changes by hour block. Both designs run on the same arrivals and the same random draws (common
random numbers), so their difference is the design's and not the dice's.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import simpy

from madoguchi.simulator.households import (
    CERTIFICATE,
    CERTIFICATE_QUEUE,
    ONE_STOP,
    HouseholdTable,
    HouseholdType,
    Work,
    shares_by_key,
)
from madoguchi.simulator.parameters import (
    AFTER,
    CLOSE_MINUTE,
    FIRST_HOUR,
    HANDOVER_PROCESSED,
    HOURS,
    LAST_TICKET_MINUTE,
    MOVE_EVENTS,
    OPEN_MINUTE,
    Errand,
    OfficeConfig,
    Schedule,
    hour_block,
)

CONCIERGE = "concierge"
PROCESSING = "processing"  # the clerks behind the counter who process and issue same-day documents (after)
WAIT_BINS = 601  # waits are tallied in whole minutes, the last bin holds 600 minutes and more


@dataclass(frozen=True)
class Arrival:
    """One household's visit: when, which type, and its own draws (shared by both designs)."""

    minute: float
    kind: int  # index into HouseholdTable.types
    service: tuple[float, ...]  # mean-1 multipliers: one per work, then one for the fixed part of a call
    writing: float  # mean-1 multiplier of the household's writing speed
    probe: int = -1  # ≥ 0: a household followed one by one (the savings report)


@dataclass(frozen=True)
class Stop:
    """One call at a counter: walk there, write, wait, be served."""

    queue: str
    walk: float
    writing: float  # minutes of handwriting before taking the ticket
    fixed: float  # minutes of the call that do not depend on the procedures
    works: tuple[tuple[float, int], ...]  # (counter minutes, index of the multiplier)
    signing: float = 0.0  # minutes of signing at the counter (counted as writing)
    # documents issued behind the counter once this call is over: (processing minutes, multiplier index);
    # the household goes on and, at the end of its visit, waits for any that are not ready yet
    processing: tuple[tuple[float, int], ...] = ()
    codes: tuple[str, ...] = ()  # the procedures served at this call, for the breakdown of one household


Route = tuple[Stop, ...]


def _lognormal_sigma(cv: float) -> float:
    return math.sqrt(math.log(1.0 + cv * cv))


def multiplier_drawer(distribution: str, cv: float) -> Callable[[random.Random], float]:
    """Draws with mean 1 and coefficient of variation `cv`: lognormal, or gamma (exponential at CV 1)."""
    if cv <= 0:
        return lambda rng: 1.0
    if distribution == "gamma":
        shape = 1.0 / (cv * cv)
        return lambda rng: rng.gammavariate(shape, 1.0 / shape)
    if distribution != "lognormal":
        raise ValueError(f"unknown distribution {distribution!r}")
    sigma = _lognormal_sigma(cv)
    mu = -sigma * sigma / 2.0
    exp = math.exp
    # rng.gauss keeps the second normal of each pair it draws: about twice as fast as lognormvariate's
    # normalvariate, and the office model draws a multiplier for every procedure of every visit
    return lambda rng: exp(mu + sigma * rng.gauss(0.0, 1.0))


def route(kind: HouseholdType, design: str, config: OfficeConfig) -> Route:
    """The counters a household of this type calls at, in order, in one design."""
    timings = config.timings
    entry_minutes = timings.handwritten_entry_seconds / 60.0
    signing = timings.signatures_after * timings.signature_seconds / 60.0
    fixed_index = len(kind.works)
    scale = timings.catalog_factor
    by_queue: dict[str, list[Work]] = {}
    one_stop: list[Work] = []
    for work in kind.works:
        if kind.event == CERTIFICATE:
            by_queue.setdefault(CERTIFICATE_QUEUE, []).append(work)
        elif design == AFTER and work.counter == ONE_STOP:
            one_stop.append(work)
        else:
            by_queue.setdefault(work.department, []).append(work)
    stops: list[Stop] = []
    # After, every form is printed from what the household said: the one-stop bundle, the department
    # forms of the same visit, and a certificate request (pre-filled from the My Number card or the
    # navigator, as 岩見沢's 書かない窓口); the resident signs instead of writing.
    prefilled = design == AFTER
    if design == AFTER and kind.event != CERTIFICATE:
        stops.append(Stop(CONCIERGE, timings.walk_from_entrance, 0.0, timings.concierge, ()))
    if one_stop:
        processed = [work for work in one_stop if config.handover.get(work.code) == HANDOVER_PROCESSED]
        stops.append(
            Stop(
                ONE_STOP,
                timings.walk_between_counters,
                0.0,
                timings.counter_call + timings.interview + timings.form_review * len(one_stop),
                tuple((work.minutes * scale * timings.one_stop_factor, work.index) for work in one_stop),
                signing=signing,
                processing=tuple(
                    (work.minutes * scale * timings.processing_factor, work.index) for work in processed
                ),
                codes=tuple(work.code for work in one_stop),
            )
        )
    for queue, items in by_queue.items():
        walk = timings.walk_between_counters if stops else timings.walk_from_entrance
        if prefilled:
            writing, sign, factor = 0.0, signing, timings.prefilled_factor
        else:
            writing, sign, factor = entry_minutes * sum(work.entries for work in items), 0.0, 1.0
        works = tuple((work.minutes * scale * factor, work.index) for work in items)
        codes = tuple(work.code for work in items)
        stops.append(Stop(queue, walk, writing, timings.counter_call, works, signing=sign, codes=codes))
    return tuple((_with_fixed_index(stop, fixed_index)) for stop in stops)


def errand_route(queue: str, errand: Errand, config: OfficeConfig) -> Route:
    """A department's own resident: straight to its counter, the same in both designs (no concierge, no
    form printed for them: the one-stop counter changes nothing for their business)."""
    stop = Stop(queue, config.timings.walk_from_entrance, 0.0, 0.0, ((errand.minutes, 0),))
    return (_with_fixed_index(stop, 1),)


def errand_queues(config: OfficeConfig) -> tuple[str, ...]:
    """The queues with their own residents, in the order their routes follow the household types'."""
    return tuple(sorted(queue for queue, errand in config.errands.items() if errand.per_day > 0))


def _with_fixed_index(stop: Stop, fixed_index: int) -> Stop:
    # The fixed part of every call draws from the same multiplier: one household is slow or quick throughout.
    return replace(stop, works=(*stop.works, (stop.fixed, fixed_index)))


# --- Arrivals


def hour_shares(weights: Mapping[int, float]) -> list[tuple[float, float, float]]:
    """(start minute, end minute, share of the day's tickets) for each hour block with tickets."""
    blocks = []
    for hour, weight in sorted(weights.items()):
        start, end = hour_block(hour, LAST_TICKET_MINUTE)
        if end > start and weight > 0:
            blocks.append((start, end, weight))
    total = sum(weight for _, _, weight in blocks)
    return [(start, end, weight / total) for start, end, weight in blocks]


@dataclass(frozen=True)
class DayLoad:
    """Expected tickets of one business day and the chance of each household type."""

    day: date
    expected_visits: float
    kinds: tuple[int, ...]
    cumulative: tuple[float, ...]  # cumulative probabilities over `kinds`


def draw_arrivals(
    load: DayLoad,
    table: HouseholdTable,
    config: OfficeConfig,
    rng: random.Random,
    probes: Sequence[int] = (),
) -> list[Arrival]:
    """A Poisson day of arrivals (rate by hour block), plus the `probes` (type indexes) at random times."""
    timings = config.timings
    service_draw = multiplier_drawer(timings.service_distribution, timings.service_cv)
    writing_draw = multiplier_drawer("lognormal", timings.writing_cv)
    blocks = hour_shares(config.hour_weights)
    arrivals: list[Arrival] = []

    draws = [len(kind.works) + 1 for kind in table.types]

    def visit(minute: float, kind: int, probe: int = -1) -> Arrival:
        service = tuple([service_draw(rng) for _ in range(draws[kind])])
        return Arrival(minute, kind, service, writing_draw(rng), probe)

    for start, end, share in blocks:
        rate = load.expected_visits * share / (end - start)
        if rate <= 0:
            continue
        minute = start + rng.expovariate(rate)
        while minute < end:
            position = rng.random()
            kind = load.kinds[bisect_left(load.cumulative, position)]  # the first kind whose share reaches it
            arrivals.append(visit(minute, kind))
            minute += rng.expovariate(rate)
    weights = [share for _, _, share in blocks]
    for number, kind in enumerate(probes):
        start, end, _ = rng.choices(blocks, weights)[0]
        arrivals.append(visit(rng.uniform(start, end), kind, number))
    # the departments' own residents, drawn last (an office without them draws what it drew before); their
    # routes follow the household types' (`routes_for`), so their kind is past the table's
    weekday = config.weekday_weights.get(load.day.weekday(), 1.0)
    for number, queue in enumerate(errand_queues(config)):
        kind = len(table.types) + number
        for start, end, share in blocks:
            rate = config.errands[queue].per_day * weekday * share / (end - start)
            if rate <= 0:
                continue  # a weekday weighted 0: nobody comes
            minute = start + rng.expovariate(rate)
            while minute < end:
                arrivals.append(Arrival(minute, kind, (service_draw(rng), service_draw(rng)), 1.0))
                minute += rng.expovariate(rate)
    arrivals.sort(key=lambda arrival: arrival.minute)
    return arrivals


def day_weight(day: date, config: OfficeConfig) -> float:
    """Relative number of visits of a business day (weekday × the month's share of moves)."""
    move_share = sum(share for event, share in config.visit_shares.items() if event in MOVE_EVENTS)
    month = config.move_month_weights.get(day.month, 1.0)
    return config.weekday_weights.get(day.weekday(), 1.0) * ((1.0 - move_share) + move_share * month)


def kind_chances(
    day: date, table: HouseholdTable, config: OfficeConfig
) -> tuple[tuple[int, ...], tuple[float, ...]]:
    month = config.move_month_weights.get(day.month, 1.0)
    shares = {
        event: share * (month if event in MOVE_EVENTS else 1.0)
        for event, share in config.visit_shares.items()
    }
    by_key = shares_by_key(table, shares, config.size_shares)
    if CERTIFICATE in shares:
        by_key[table.types[table.index(CERTIFICATE, 1)].key] = shares[CERTIFICATE]
    kinds = [index for index, kind in enumerate(table.types) if by_key.get(kind.key, 0.0) > 0]
    total = sum(by_key[table.types[index].key] for index in kinds)
    cumulative: list[float] = []
    running = 0.0
    for index in kinds:
        running += by_key[table.types[index].key] / total
        cumulative.append(running)
    cumulative[-1] = 1.0
    return tuple(kinds), tuple(cumulative)


# --- Tallies (mutable while a run lasts; turned into frozen reports at the end)


@dataclass
class QueueTally:
    waits: list[int] = field(default_factory=lambda: [0] * WAIT_BINS)  # tickets by whole minutes waited
    by_hour: dict[int, list[float]] = field(default_factory=dict)  # hour → [tickets, minutes waited, max]
    busy_area: float = 0.0  # counter-minutes serving
    capacity_area: float = 0.0  # counter-minutes open
    waiting_area: float = 0.0  # resident-minutes in the line
    open_minutes: float = 0.0
    max_waiting: int = 0

    def merge(self, other: QueueTally) -> None:
        self.waits = [a + b for a, b in zip(self.waits, other.waits, strict=True)]
        for hour, (tickets, minutes, longest) in other.by_hour.items():
            mine = self.by_hour.setdefault(hour, [0.0, 0.0, 0.0])
            mine[0] += tickets
            mine[1] += minutes
            mine[2] = max(mine[2], longest)
        self.busy_area += other.busy_area
        self.capacity_area += other.capacity_area
        self.waiting_area += other.waiting_area
        self.open_minutes += other.open_minutes
        self.max_waiting = max(self.max_waiting, other.max_waiting)


# per household type: [households, waiting, served, walking, writing, documents]
TypeTally = list[float]
PARTS = 5  # waiting, served, walking, writing, documents


@dataclass(frozen=True)
class StopRecord:
    """What one followed household did at one call: for the breakdown per counter and procedure."""

    queue: str
    walking: float
    writing: float
    waiting: float
    served: float
    procedures: tuple[tuple[str, float], ...]  # (procedure code, counter minutes) served at this call


@dataclass(frozen=True)
class Probe:
    """One followed household: its type, its five parts (minutes) and its calls."""

    kind: int
    parts: tuple[float, float, float, float, float]  # waiting, served, walking, writing, documents
    stops: tuple[StopRecord, ...]


@dataclass
class Tally:
    """What a run of days adds up; days merge into one tally (across processes too)."""

    types: dict[int, TypeTally] = field(default_factory=dict)
    probes: list[Probe] = field(default_factory=list)
    queues: dict[str, QueueTally] = field(default_factory=dict)
    events: int = 0
    days: int = 0
    errands: int = 0  # the departments' own residents (counted in their queues, not among the types)

    def merge(self, other: Tally) -> None:
        for kind, values in other.types.items():
            mine = self.types.setdefault(kind, [0.0] * (PARTS + 1))
            for position, value in enumerate(values):
                mine[position] += value
        self.probes.extend(other.probes)
        for name, queue in other.queues.items():
            self.queues.setdefault(name, QueueTally()).merge(queue)
        self.events += other.events
        self.days += other.days
        self.errands += other.errands


# --- The model


class Counters:
    """The counters of one queue: a FIFO line, and as many residents served as counters are open.

    The day's areas are sums, not integrals kept at every change: the counter-minutes serving are the sum of
    each resident's time holding a counter (`release(held)`), and the resident-minutes in the line the sum of
    the waits (`record_wait`): the same figures (every resident leaves the line and the counter before the
    day ends), without the bookkeeping at every request and release."""

    __slots__ = ("_last_capacity", "busy", "env", "line", "schedule", "tally")

    def __init__(self, env: simpy.Environment, schedule: Schedule, tally: QueueTally) -> None:
        self.env = env
        self.schedule = schedule
        self.line: deque[simpy.Event] = deque()
        self.busy = 0
        self.tally = tally
        self._last_capacity = schedule[-1] if schedule[-1] > 0 else max(schedule)

    def capacity(self, now: float) -> int:
        block = int(now // 60) - FIRST_HOUR
        if block >= len(self.schedule):
            return self._last_capacity  # after the closing, the last counters serve whoever is still in line
        return self.schedule[max(block, 0)]

    def request(self) -> simpy.Event:
        event = self.env.event()
        if not self.line and self.busy < self.capacity(self.env.now):
            self.busy += 1
            event.succeed()
        else:
            self.line.append(event)
            if len(self.line) > self.tally.max_waiting:
                self.tally.max_waiting = len(self.line)
        return event

    def release(self, held: float) -> None:
        """A resident leaves the counter after holding it `held` minutes."""
        self.tally.busy_area += held
        self.busy -= 1
        self.dispatch()

    def dispatch(self) -> None:
        if not self.line:
            return  # most releases: nobody waiting
        capacity = self.capacity(self.env.now)
        if self.busy < capacity:
            while self.line and self.busy < capacity:
                self.busy += 1
                self.line.popleft().succeed()

    def record_wait(self, since: float, waited: float) -> None:
        tally = self.tally
        tally.waiting_area += waited
        tally.waits[min(int(waited), WAIT_BINS - 1)] += 1
        hour = int(since // 60)
        slot = tally.by_hour.get(hour)
        if slot is None:
            slot = tally.by_hour[hour] = [0.0, 0.0, 0.0]
        slot[0] += 1
        slot[1] += waited
        if waited > slot[2]:
            slot[2] = waited

    def close(self, end: float) -> None:
        """Add the open counter-minutes of the day, from the opening to the last resident served."""
        self.tally.open_minutes += end - OPEN_MINUTE
        area = 0.0
        for position, hour in enumerate(HOURS):
            start, stop = hour_block(hour, max(end, float(CLOSE_MINUTE)))
            if stop > start:
                area += self.schedule[position] * (stop - start)
        overtime_from = (HOURS[-1] + 1) * 60.0
        if end > overtime_from:
            area += self._last_capacity * (end - overtime_from)
        self.tally.capacity_area += area


def simulate_day(
    design: str,
    config: OfficeConfig,
    routes: Sequence[Route],
    arrivals: Sequence[Arrival],
    tally: Tally,
) -> None:
    """Run one business day of one design and add it to `tally`."""
    env = simpy.Environment(initial_time=OPEN_MINUTE)
    queues: dict[str, Counters] = {}

    def counters(name: str) -> Counters:
        queue = queues.get(name)
        if queue is None:
            queue_tally = tally.queues.setdefault(name, QueueTally())
            queue = queues[name] = Counters(env, config.schedule(design, name), queue_tally)
        return queue

    for name in {stop.queue for kind_route in routes for stop in kind_route}:
        counters(name)
    if any(stop.processing for kind_route in routes for stop in kind_route):
        counters(PROCESSING)

    def process(minutes: float, done: simpy.Event) -> Generator[simpy.Event, None, None]:
        # A same-day document: a processing clerk takes it when free, the household is told when it is ready.
        queue = queues[PROCESSING]
        since = env.now
        yield queue.request()
        queue.record_wait(since, env.now - since)
        yield env.timeout(minutes)
        queue.release(minutes)
        done.succeed()

    households = len(routes) - len(errand_queues(config))  # the routes past them are the errands'
    timeout = env.timeout  # looked up once: the households call it at every step
    resolved = [tuple((stop, queues[stop.queue]) for stop in kind_route) for kind_route in routes]

    def household(arrival: Arrival) -> Generator[simpy.Event, None, None]:
        waited = served = walked = written = documents = 0.0
        multipliers = arrival.service
        pending: list[simpy.Event] = []
        records: list[StopRecord] | None = [] if arrival.probe >= 0 else None
        speed = arrival.writing
        for stop, queue in resolved[arrival.kind]:
            writing = stop.writing * speed
            yield timeout(stop.walk + writing)
            walked += stop.walk
            written += writing
            since = env.now
            yield queue.request()
            wait = env.now - since
            queue.record_wait(since, wait)
            waited += wait
            service = 0.0
            for minutes, index in stop.works:
                service += minutes * multipliers[index]
            signing = stop.signing * speed
            yield timeout(service + signing)
            queue.release(service + signing)
            served += service
            written += signing
            for minutes, index in stop.processing:
                done = env.event()
                env.process(process(minutes * multipliers[index], done))
                pending.append(done)
            if records is not None:
                procedures = tuple(
                    (code, minutes * multipliers[index])
                    for code, (minutes, index) in zip(stop.codes, stop.works, strict=False)
                )
                records.append(
                    StopRecord(stop.queue, stop.walk, writing + signing, wait, service, procedures)
                )
        if arrival.kind >= households:
            tally.errands += 1  # a department's own resident: its ticket is in its queue's tally
            return
        if pending:
            since = env.now
            yield env.all_of(pending)
            documents = env.now - since
        if records is not None:
            parts = (waited, served, walked, written, documents)
            tally.probes.append(Probe(arrival.kind, parts, tuple(records)))
        values = tally.types.get(arrival.kind)
        if values is None:
            values = tally.types[arrival.kind] = [0.0] * (PARTS + 1)
        values[0] += 1
        values[1] += waited
        values[2] += served
        values[3] += walked
        values[4] += written
        values[5] += documents

    def source() -> Generator[simpy.Event, None, None]:
        for arrival in arrivals:
            delay = arrival.minute - env.now
            if delay > 0:
                yield env.timeout(delay)
            env.process(household(arrival))

    def hours() -> Generator[simpy.Event, None, None]:
        for hour in HOURS[1:]:
            yield env.timeout(hour * 60 - env.now)
            for queue in queues.values():
                queue.dispatch()

    env.process(source())
    env.process(hours())
    events = 0
    step = env.step
    peek = env.peek
    while peek() != math.inf:
        step()
        events += 1
    for queue in queues.values():
        queue.close(env.now)
    tally.events += events
    tally.days += 1


def routes_for(table: HouseholdTable, design: str, config: OfficeConfig) -> tuple[Route, ...]:
    """The route of each household type of `table`, then of each queue's own residents (`errand_queues`)."""
    households = tuple(route(kind, design, config) for kind in table.types)
    errands = tuple(errand_route(queue, config.errands[queue], config) for queue in errand_queues(config))
    return households + errands
