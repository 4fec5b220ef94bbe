"""Runs of the model: a year of an office, and the savings by household size, on all cores."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from madoguchi.printing.forms import load_forms
from madoguchi.rules.calendar import is_business_day
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, load_catalog
from madoguchi.rules.facts import EVENTS
from madoguchi.simulator.households import HouseholdTable, build_table
from madoguchi.simulator.office import (
    DayLoad,
    Tally,
    day_weight,
    draw_arrivals,
    kind_chances,
    routes_for,
    simulate_day,
)
from madoguchi.simulator.parameters import AFTER, DESIGNS, OfficeConfig
from madoguchi.simulator.reports import (
    FollowReport,
    Saving,
    SavingsReport,
    YearReport,
    followed_household,
    household_figures,
    queue_figures,
)

Progress = Callable[[float], None]

# assumption: the savings report follows households through an ordinary day (not in the March-April peak).
REFERENCE_DAY = date(2026, 6, 2)
PROBES_PER_SIZE = (
    1  # households of each size followed per replicated day (few, so they hardly load the office)
)


class SimulationError(ValueError):
    """Arguments a run cannot use (a design, a size, a number of visits)."""


def business_days(year: int) -> list[date]:
    """The days a ward office is open in `year` (the rules' calendar: holidays and 12/29-1/3 closed)."""
    return list(_business_days(year))


@cache
def _business_days(year: int) -> tuple[date, ...]:
    first = date(year, 1, 1)
    days = (first + timedelta(days=offset) for offset in range((date(year + 1, 1, 1) - first).days))
    return tuple(day for day in days if is_business_day(day))


@cache
def default_table() -> HouseholdTable:
    """The household types of the bundled catalog and forms (computed once per process)."""
    return build_table(load_catalog(DEFAULT_CATALOG_DIR), load_forms(), EVENTS)


def day_loads(
    config: OfficeConfig, table: HouseholdTable, days: Sequence[date], visits: int
) -> list[DayLoad]:
    """Expected tickets per business day so that the year adds up to `visits`."""
    year = business_days(days[0].year) if days else []
    total_weight = sum(day_weight(day, config) for day in year) or 1.0
    loads = []
    for day in days:
        kinds, cumulative = kind_chances(day, table, config)
        loads.append(DayLoad(day, visits * day_weight(day, config) / total_weight, kinds, cumulative))
    return loads


@dataclass(frozen=True)
class DayJob:
    """Days to simulate in one worker: each day with the key its random draws are seeded from."""

    config: OfficeConfig
    table: HouseholdTable
    designs: tuple[str, ...]
    days: tuple[tuple[DayLoad, str], ...]
    probes: tuple[int, ...] = ()


def run_job(job: DayJob) -> dict[str, Tally]:
    """Simulate the job's days in every design on the same arrivals (common random numbers)."""
    routes = {design: routes_for(job.table, design, job.config) for design in job.designs}
    tallies = {design: Tally() for design in job.designs}
    for load, key in job.days:
        arrivals = draw_arrivals(load, job.table, job.config, random.Random(key), job.probes)  # noqa: S311 (simulation draws)
        for design in job.designs:
            simulate_day(design, job.config, routes[design], arrivals, tallies[design])
    return tallies


def run_jobs(
    jobs: Sequence[DayJob], workers: int | None = None, progress: Progress | None = None
) -> dict[str, Tally]:
    """Run jobs in parallel processes (`workers`, default all cores) and merge them in job order."""
    workers = (os.cpu_count() or 1) if workers is None else workers
    results: list[dict[str, Tally] | None] = [None] * len(jobs)
    if workers <= 1 or len(jobs) <= 1:
        for number, job in enumerate(jobs):
            results[number] = run_job(job)
            if progress is not None:
                progress((number + 1) / len(jobs))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            _collect(pool, jobs, results, progress)
    merged: dict[str, Tally] = {}
    for result in results:
        for design, tally in (result or {}).items():
            merged.setdefault(design, Tally()).merge(tally)
    return merged


def _collect(
    pool: Executor, jobs: Sequence[DayJob], results: list[dict[str, Tally] | None], progress: Progress | None
) -> None:
    futures = {pool.submit(run_job, job): number for number, job in enumerate(jobs)}
    for done, future in enumerate(as_completed(futures), start=1):
        results[futures[future]] = future.result()
        if progress is not None:
            progress(done / len(jobs))


def split_days(items: Sequence[tuple[DayLoad, str]], count: int) -> list[tuple[tuple[DayLoad, str], ...]]:
    """Deal days into `count` jobs like cards, so that busy months spread over all jobs."""
    count = max(1, min(count, len(items)))
    return [tuple(items[start::count]) for start in range(count)]


def simulate_year(
    config: OfficeConfig,
    visits: int | None = None,
    seed: int = 0,
    *,
    design: str = AFTER,
    year: int = REFERENCE_DAY.year,
    days: Iterable[date] | None = None,
    table: HouseholdTable | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> YearReport:
    """Every business day of `year` (or the given `days`) of one office in one design.

    `visits` is the expected number of tickets over the whole year (default: the office's); `progress`
    receives the fraction of days done.
    """
    if design not in DESIGNS:
        raise SimulationError(f"unknown design {design!r}: one of {', '.join(DESIGNS)}")
    visits = config.visits_per_year if visits is None else visits
    if visits < 0:
        raise SimulationError("the number of visits cannot be negative")
    table = table or default_table()
    chosen = list(days) if days is not None else business_days(year)
    loads = day_loads(config, table, chosen, visits)
    keyed = [(load, f"{seed}:{config.code}:{load.day.isoformat()}") for load in loads]
    cores = (os.cpu_count() or 1) if workers is None else max(1, workers)
    jobs = [DayJob(config, table, (design,), chunk) for chunk in split_days(keyed, cores * 8)]
    started = time.perf_counter()
    tally = run_jobs(jobs, workers, progress).get(design, Tally())
    return YearReport(
        office=config.code,
        design=design,
        year=year,
        seed=seed,
        visits=int(sum(values[0] for values in tally.types.values())),
        errands=tally.errands,
        days=tally.days,
        events=tally.events,
        wall_s=time.perf_counter() - started,
        households=household_figures(table, tally),
        queues=tuple(queue_figures(name, queue) for name, queue in sorted(tally.queues.items())),
    )


def savings(
    config: OfficeConfig,
    sizes: Iterable[int] = range(1, 7),
    replications: int = 200,
    seed: int = 0,
    *,
    event: str = "tennyu",
    probes_per_size: int = PROBES_PER_SIZE,
    reference_day: date = REFERENCE_DAY,
    table: HouseholdTable | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> SavingsReport:
    """Mean time in the office before and after for the typical households of each size with `event`.

    Each replication is the office's ordinary day (`reference_day`) with its usual visitors, in which
    `probes_per_size` households of each size arrive at random times; both designs see the same day.
    """
    table = table or default_table()
    sizes = list(sizes)
    try:
        kinds = [table.index(event, size) for size in sizes]
    except KeyError as error:
        raise SimulationError(f"no household type {error.args[0]} in the catalog") from error
    followed = follow(
        config,
        kinds,
        replications,
        seed,
        per_replication=probes_per_size,
        days=[reference_day],
        table=table,
        workers=workers,
        progress=progress,
        key="savings",
    )
    rows = tuple(
        Saving(event, size, row.households, row.before, row.after)
        for size, row in zip(sizes, followed.rows, strict=True)
    )
    return SavingsReport(config.code, seed, replications, rows)


def follow(
    config: OfficeConfig,
    kinds: Sequence[int],
    replications: int,
    seed: int = 0,
    *,
    designs: Sequence[str] = DESIGNS,
    per_replication: int = 1,
    days: Sequence[date] = (REFERENCE_DAY,),
    table: HouseholdTable | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    key: str = "follow",
) -> FollowReport:
    """Follow households of the given types (indexes into `table`) through the office's days.

    Replication n is day `days[n % len(days)]` with its usual visitors, in which `per_replication`
    households of each kind arrive at random times; every design sees the same day and the same draws.
    """
    table = table or default_table()
    if replications < 1:
        raise SimulationError("at least one replication is needed")
    if not days:
        raise SimulationError("no business day to simulate")
    unknown = [design for design in designs if design not in DESIGNS]
    if unknown or not designs:
        raise SimulationError(f"designs are {', '.join(DESIGNS)}, not {', '.join(unknown) or 'none'}")
    probes = tuple(kind for kind in kinds for _ in range(per_replication))
    loads = day_loads(config, table, list(days), config.visits_per_year)
    keyed = [
        (loads[number % len(loads)], f"{seed}:{config.code}:{key}:{number}") for number in range(replications)
    ]
    cores = (os.cpu_count() or 1) if workers is None else max(1, workers)
    jobs = [DayJob(config, table, tuple(designs), chunk, probes) for chunk in split_days(keyed, cores * 2)]
    tallies = run_jobs(jobs, workers, progress)
    rows = []
    for kind in dict.fromkeys(kinds):
        by_design = {design: [p for p in tallies[design].probes if p.kind == kind] for design in designs}
        rows.append(followed_household(table.types[kind], by_design, config))
    return FollowReport(config.code, seed, replications, tuple(designs), tuple(rows))
