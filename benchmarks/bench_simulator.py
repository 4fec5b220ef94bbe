"""Benchmark of the effect simulator: a year of a busy ward, in SimPy events per second.

Goals (exit 1 when one is missed):
  - the office model processes >= 0.8x the SimPy events per second of the bare M/M/c baseline on one core
    (--goal-ratio): the office's routes, schedules and records cost at most a fifth of SimPy's own speed.
  - the year on all cores takes <= 60 s per 300,000 visits (--goal-seconds, scaled to --visits): a manager
    waits a minute at most for a year of the busiest ward.

    .venv/bin/python benchmarks/bench_simulator.py [--visits 300000] [--office chuo] [--design after]
                                                   [--quick] [--json]

The baseline, measured in the same run, is a bare SimPy M/M/c model of the same size: as many arrivals as
the year's tickets and as many servers as the office's counters in that design, one `simpy.Resource`,
exponential times, one process per customer. Reported: events per second of the office model on one core
against the baseline, and the wall time of the year on all cores. `--quick` is a smoke run for the tests
(3,000 visits): its ratio is rougher than a full year's.
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from collections.abc import Generator
from pathlib import Path

import simpy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.goals import Goal, non_negative_float, parser, positive_int, report
from madoguchi.simulator import DESIGNS, OFFICES, default_table, simulate_year
from madoguchi.simulator.households import ONE_STOP
from madoguchi.simulator.office import CONCIERGE, routes_for
from madoguchi.simulator.parameters import OfficeConfig
from madoguchi.simulator.runs import REFERENCE_DAY, business_days

GOAL_RATIO = 0.8
GOAL_SECONDS = 60.0  # per 300,000 visits


def counters_of(config: OfficeConfig, design: str) -> int:
    """Counters of every queue the design's households visit (the busiest hour block of each)."""
    table = default_table()
    queues = {stop.queue for route in routes_for(table, design, config) for stop in route}
    queues |= {ONE_STOP, CONCIERGE} & set(config.after if design == "after" else config.before)
    return sum(max(config.schedule(design, queue)) for queue in queues)


def bare_mmc(arrivals: int, servers: int, seed: int = 0) -> tuple[int, float]:
    """Events processed and seconds taken by a bare M/M/c SimPy model at 80 % load."""
    rng = random.Random(seed)
    env = simpy.Environment()
    resource = simpy.Resource(env, capacity=servers)
    service_mean = 10.0
    interarrival_mean = service_mean / (0.8 * servers)

    def customer() -> Generator[simpy.Event, None, None]:
        with resource.request() as request:
            yield request
            yield env.timeout(rng.expovariate(1.0 / service_mean))

    def source() -> Generator[simpy.Event, None, None]:
        for _ in range(arrivals):
            yield env.timeout(rng.expovariate(1.0 / interarrival_mean))
            env.process(customer())

    env.process(source())
    events = 0
    started = time.perf_counter()
    while env.peek() != math.inf:
        env.step()
        events += 1
    return events, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    arguments = parser(__doc__)
    arguments.add_argument("--visits", type=positive_int, default=300_000)
    arguments.add_argument("--office", default="chuo", choices=sorted(OFFICES))
    arguments.add_argument("--design", default="after", choices=DESIGNS)
    arguments.add_argument("--json", action="store_true", help="figures as JSON; the goals go to stderr")
    arguments.add_argument("--quick", action="store_true", help="a smoke run: --visits 3000")
    arguments.add_argument("--goal-ratio", type=non_negative_float, default=GOAL_RATIO)
    arguments.add_argument(
        "--goal-seconds", type=non_negative_float, default=GOAL_SECONDS, help="per 300,000 visits"
    )
    args = arguments.parse_args(argv)
    if args.quick:
        args.visits = 3000
    config = OFFICES[args.office]
    default_table()  # the plans of every household type, computed once
    business_days(REFERENCE_DAY.year)  # the holiday calendar, imported once (a process's cost, not a year's)

    one_core = simulate_year(config, args.visits, seed=1, design=args.design, workers=1)
    all_cores = simulate_year(config, args.visits, seed=1, design=args.design)
    servers = counters_of(config, args.design)
    bare_events, bare_seconds = bare_mmc(one_core.visits, servers)

    figures = {
        "office": args.office,
        "design": args.design,
        "visits": one_core.visits,
        "servers": servers,
        "model_events": one_core.events,
        "model_events_per_s_one_core": round(one_core.events / one_core.wall_s),
        "model_wall_s_one_core": round(one_core.wall_s, 2),
        "model_wall_s_all_cores": round(all_cores.wall_s, 2),
        "bare_mmc_events": bare_events,
        "bare_mmc_events_per_s": round(bare_events / bare_seconds),
        "bare_mmc_wall_s": round(bare_seconds, 2),
    }
    figures["model_vs_bare_events_per_s"] = round(
        figures["model_events_per_s_one_core"] / figures["bare_mmc_events_per_s"], 2
    )
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:32} {value}")
    scale = args.visits / 300_000
    return report(
        [
            Goal(
                "office model / bare M/M/c, events/s",
                figures["model_events_per_s_one_core"] / figures["bare_mmc_events_per_s"],
                ">=",
                args.goal_ratio,
                "x",
                "the office's routes and records cost at most a fifth of SimPy's own speed",
            ),
            Goal(
                f"year of {args.visits:,} visits, all cores",
                all_cores.wall_s,
                "<=",
                args.goal_seconds * scale,
                "s",
                "a manager waits a minute at most for a year of the busiest ward (scaled to the visits)",
            ),
        ],
        out=sys.stderr if args.json else sys.stdout,
    )


if __name__ == "__main__":
    sys.exit(main())
