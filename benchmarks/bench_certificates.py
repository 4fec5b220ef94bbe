"""Benchmark of certificate issuing: the synthetic population's generation, and certificates issued end to
end through the simulated network (card, center, issuer, signed PDF, terminal check, print).

    .venv/bin/python benchmarks/bench_certificates.py [--residents 300000] [--requests 400]
        [--processes N] [--threads 8] [--quick]
        [--goal-per-s 5] [--goal-p99-ms 5000] [--goal-ratio 0.5] [--goal-generate-s 120]

On a throwaway SQLite database (or PostgreSQL when DATABASE_URL is set) through the real migrations:
1. `registry generate` of --residents (300,000) into the database, against the baseline, in the same run,
   of drawing the same residents in memory only;
2. --requests residents, each at a store, --processes × --threads at a time, every printed document checked
   for its subject; against the baseline of rendering and signing the same number of certificates alone
   (the floor of the work: what the network, the database and the checks add is the difference).

Goals: printed ≥ --goal-per-s certificates/s; p99 card-to-paper ≤ --goal-p99-ms; end to end at least
--goal-ratio of the render-and-sign floor; generation ≤ --goal-generate-s seconds; and no printed document
with another resident's subject. Exit 0 when met, 1 when missed, 2 on bad arguments.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.goals import Goal, non_negative_float, parser, positive_float, positive_int, report

DAYTIME = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def main(argv: list[str] | None = None) -> int:
    arguments = parser(__doc__)
    arguments.add_argument("--residents", type=positive_int, default=300_000)
    arguments.add_argument("--requests", type=positive_int, default=400)
    arguments.add_argument("--processes", type=positive_int, default=max(1, os.cpu_count() or 1))
    arguments.add_argument("--threads", type=positive_int, default=8)
    arguments.add_argument("--quick", action="store_true", help="20,000 residents and 60 requests")
    arguments.add_argument("--goal-per-s", type=non_negative_float, default=5.0)
    arguments.add_argument("--goal-p99-ms", type=positive_float, default=5000.0)
    arguments.add_argument("--goal-ratio", type=non_negative_float, default=0.5)
    arguments.add_argument("--goal-generate-s", type=positive_float, default=120.0)
    args = arguments.parse_args(argv)
    if args.quick:
        args.residents, args.requests = 20_000, 60
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "madoguchi.config.settings",
            "MADOGUCHI_VAR_DIR": tempfile.mkdtemp(prefix="bench-certificates-"),
            "MADOGUCHI_LOG_LEVEL": "CRITICAL",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    started_clock = time.time()
    timezone.now = lambda: (
        DAYTIME + (datetime.now(tz=DAYTIME.tzinfo) - datetime.fromtimestamp(started_clock, tz=DAYTIME.tzinfo))
    )  # type: ignore[assignment]

    from django.test.runner import DiscoverRunner

    runner = DiscoverRunner(verbosity=0)
    databases = runner.setup_databases() if os.environ.get("DATABASE_URL") else None
    if databases is None:
        call_command("migrate", verbosity=0)
    try:
        from madoguchi.audit.chain import SystemActor
        from madoguchi.certificates import document, load
        from madoguchi.certificates.content import content_for
        from madoguchi.certificates.eligibility import refusal
        from madoguchi.certificates.kinds import catalog
        from madoguchi.certificates.models import IssuingPoint
        from madoguchi.demo.city import load_demo_city
        from madoguchi.registry import population
        from madoguchi.registry.actions import do_load_population
        from madoguchi.registry.adapter import registry
        from madoguchi.registry.models import SimulatedResident

        load_demo_city()
        begin = time.perf_counter()
        in_memory = sum(1 for _ in population.generate(args.residents))
        bare = time.perf_counter() - begin
        begin = time.perf_counter()
        loaded = do_load_population(SystemActor("bench"), population.generate(args.residents))
        generated = time.perf_counter() - begin
        if loaded != in_memory:
            raise RuntimeError(f"loaded {loaded} residents, drew {in_memory}")
        print(f"population of {loaded:,}: {generated:.1f} s into the database, {bare:.1f} s drawn in memory")

        kind = catalog().kinds["juminhyo"]
        holders = []
        for row in SimulatedResident.objects.exclude(card_serial="").order_by("code").iterator():
            record = registry().resident(row.code)
            household = registry().household(record.household) if record else []
            if (
                record
                and refusal(
                    kind, subject=record, relation="self", channel="store", when=DAYTIME, household=household
                )
                is None
            ):
                holders.append(record)
            if len(holders) == args.requests:
                break
        begin = time.perf_counter()
        for holder in holders:
            content = content_for(kind, holder, {"whole_household": True, "relation": True})
            document.sign(
                document.render(content, serial="0", request_id="0", tag="0", issued_on=DAYTIME.date())
            )
        floor = len(holders) / (time.perf_counter() - begin) * args.processes
        points = list(IssuingPoint.objects.filter(kind__in=["store", "machine"]))
        result = load.run(holders, points, processes=args.processes, threads=args.threads, issuers=2)
        print(
            f"{result.requests} requests, {args.processes} processes x {args.threads} threads: "
            f"{result.printed} printed in {result.seconds:.1f} s = {result.per_second:.1f}/s "
            f"(render and sign alone: {floor:.1f}/s); p50 {result.percentile(0.5) * 1000:.0f} ms, "
            f"p99 {result.percentile(0.99) * 1000:.0f} ms; wrong subject: {result.wrong_subject}"
        )
        for error in result.errors[:5]:
            print("error:", error)
    finally:
        if databases is not None:
            runner.teardown_databases(databases)
    return report(
        [
            Goal(
                "printed per second",
                result.per_second,
                ">=",
                args.goal_per_s,
                "/s",
                "stores at a busy hour are served",
            ),
            Goal(
                "p99 card to paper",
                result.percentile(0.99) * 1000,
                "<=",
                args.goal_p99_ms,
                "ms",
                "nobody waits long at a store",
            ),
            Goal(
                "share of the render-and-sign floor",
                result.per_second / floor,
                ">=",
                args.goal_ratio,
                "×",
                "the network's checks cost little",
            ),
            Goal(
                "population generated",
                generated,
                "<=",
                args.goal_generate_s,
                "s",
                "a city-sized test population in minutes",
            ),
            Goal(
                "printed with another's subject",
                float(result.wrong_subject + len(result.errors)),
                "<=",
                0.0,
                "documents",
                "nobody gets someone else's certificate",
            ),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
