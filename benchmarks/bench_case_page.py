"""Benchmark of the heaviest staff page: a one-stop case of a household of five, as the clerk opens it.

    .venv/bin/python benchmarks/bench_case_page.py [--pages 50] [--goal-ms 25]

In process, on a throwaway SQLite database with the demo city: the median CPU time (time.process_time,
so that other load on the machine counts less) of GET /cases/<id>/ for a five-person move-in, against
GET /healthz in the same run as the baseline. Goal: the median under --goal-ms (exit 1 when missed, 2 on
bad arguments). The fields and options of the page are built in Python (cases/templatetags/case_entry.py)
rather than by a template per field, which was most of the page's time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def cpu_ms(get: object, path: str, pages: int) -> float:
    times = []
    for _ in range(pages):
        began = time.process_time()
        response = get(path)  # type: ignore[operator]
        times.append((time.process_time() - began) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--goal-ms", type=float, default=25.0)
    args = parser.parse_args(argv)
    if args.pages < 5 or args.goal_ms <= 0:
        parser.error("--pages must be 5 or more and --goal-ms positive")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "madoguchi.config.settings",
            "DATABASE_URL": "",
            "MADOGUCHI_VAR_DIR": tempfile.mkdtemp(prefix="bench-case-page-"),
            "MADOGUCHI_LOG_LEVEL": "CRITICAL",
        }
    )
    import django

    django.setup()
    from datetime import date

    from django.test import Client
    from django.test.runner import DiscoverRunner
    from django.test.utils import setup_test_environment

    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    databases = runner.setup_databases()
    try:
        from madoguchi.cases.actions import do_create_case, do_save_case_details
        from madoguchi.demo.cases import details_of, make_submitted_case, person
        from madoguchi.demo.city import load_demo_city
        from madoguchi.staff.models import Staff

        load_demo_city()
        clerk = Staff.objects.get(username="clerk")
        details = details_of(make_submitted_case(clerk))
        details.people += [person(f"m{i}", "child", "次郎", date(2015, 1, 1), "male") for i in range(3, 6)]
        case = do_create_case(clerk, office=clerk.office, event="tennyu", event_date=date(2026, 11, 20))
        case = do_save_case_details(clerk, case, details)
        client = Client()
        client.force_login(clerk)
        path = f"/cases/{case.pk}/"
        size = len(client.get(path).content)
        for _ in range(5):  # warm up (templates compiled, catalog cached)
            client.get(path)
            client.get("/healthz")
        page = cpu_ms(client.get, path, args.pages)
        baseline = cpu_ms(client.get, "/healthz", args.pages)
    finally:
        runner.teardown_databases(databases)
    print(
        f"case page (5 people, {size // 1024} KB): median {page:.1f} ms CPU;  /healthz: {baseline:.1f} ms CPU"
    )
    met = page < args.goal_ms
    print(f"{'PASS' if met else 'MISS'}  case page median {page:.1f} ms  (goal < {args.goal_ms:g} ms)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
