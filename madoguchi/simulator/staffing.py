"""Staffing: the fewest counters per hour block of one queue that meet a waiting-time target."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from madoguchi.simulator.households import ONE_STOP, HouseholdTable
from madoguchi.simulator.parameters import AFTER, HOURS, OfficeConfig, Schedule, flat
from madoguchi.simulator.reports import wait_share_within
from madoguchi.simulator.runs import (
    DayJob,
    SimulationError,
    business_days,
    day_loads,
    default_table,
    run_jobs,
    split_days,
)


@dataclass(frozen=True)
class StaffingTarget:
    """`share` of the queue's tickets wait less than `wait_minutes` (e.g. 90 % under 30 minutes)."""

    wait_minutes: float = 30.0
    share: float = 0.9
    queue: str = ONE_STOP
    design: str = AFTER


@dataclass(frozen=True)
class StaffingPlan:
    """A schedule that meets the target, where one counter fewer in any hour block would not."""

    queue: str
    schedule: Schedule  # counters per hour block of HOURS
    share_within: float  # the share reached with this schedule
    evaluations: int  # simulated schedules
    hours: tuple[int, ...] = HOURS

    @property
    def counter_hours(self) -> int:
        return sum(self.schedule)


def share_within(
    config: OfficeConfig,
    target: StaffingTarget,
    days: Sequence[date],
    seed: int,
    table: HouseholdTable,
    workers: int | None = 1,
) -> float:
    """Share of the target queue's tickets that waited less than the target, over `days`."""
    loads = day_loads(config, table, days, config.visits_per_year)
    keyed = [(load, f"{seed}:{config.code}:{load.day.isoformat()}") for load in loads]
    count = (os.cpu_count() or 1) if workers is None else max(1, workers)
    jobs = [DayJob(config, table, (target.design,), chunk) for chunk in split_days(keyed, count)]
    tally = run_jobs(jobs, workers)[target.design]
    queue = tally.queues.get(target.queue)
    return 1.0 if queue is None else wait_share_within(queue, target.wait_minutes)


def fewest_counters(
    config: OfficeConfig,
    target: StaffingTarget,
    days: Sequence[date] | None = None,
    seed: int = 0,
    *,
    max_counters: int = 40,
    table: HouseholdTable | None = None,
    workers: int | None = 1,
) -> StaffingPlan:
    """Search counters per hour block: the smallest flat schedule that meets the target (bisection),
    then one counter less in each hour block while the target holds, until no block can lose one.

    Every candidate runs on the same days and the same arrivals (common random numbers), so the
    comparison between two schedules is not blurred by the dice. Days default to the first ten business
    days of June of the reference year.
    """
    if not 0 < target.share <= 1 or target.wait_minutes <= 0:
        raise SimulationError("the target needs a share in (0, 1] and a positive number of minutes")
    table = table or default_table()
    chosen = list(days) if days is not None else [day for day in business_days(2026) if day.month == 6][:10]
    shares: dict[Schedule, float] = {}

    def meets(schedule: Schedule) -> tuple[bool, float]:
        if schedule not in shares:
            candidate = config.with_schedule(target.design, target.queue, schedule)
            shares[schedule] = share_within(candidate, target, chosen, seed, table, workers)
        return shares[schedule] >= target.share, shares[schedule]

    ok, share = meets(flat(max_counters))
    if not ok:
        raise SimulationError(f"even {max_counters} counters in every hour do not meet the target")
    low, high = 1, max_counters  # the smallest flat schedule that meets the target is in [low, high]
    while low < high:
        middle = (low + high) // 2
        if meets(flat(middle))[0]:
            high = middle
        else:
            low = middle + 1
    schedule = list(flat(high))
    share = meets(tuple(schedule))[1]
    changed = True
    while changed:
        changed = False
        for block in reversed(range(len(schedule))):  # late blocks first: they affect fewer residents
            while schedule[block] > 1:
                schedule[block] -= 1
                ok, candidate_share = meets(tuple(schedule))
                if ok:
                    share = candidate_share
                    changed = True
                else:
                    schedule[block] += 1
                    break
    return StaffingPlan(target.queue, tuple(schedule), share, len(shares))
