"""Benchmark of the rules engine as the plan API runs it: validate the facts, plan, serialise to JSON.

Goals (exit 1 when one is missed):
  - API work per plan for the 5-person move-in <= 2 ms (--goal-api-ms). POST /api/v1/plans does, besides
    HTTP and Django, exactly this: parse the JSON body, read and validate the facts (`read_facts`, inside
    `make_plan`), plan, `Plan.as_json()` and encode the answer with `JsonResponse`. 2 ms is a small part
    of the 5 ms a request may take if one server process is to answer 200 requests/s (the kiosk's goal).
  - that API work <= 3x the baseline (--goal-ratio): validating the input and serialising the answer may
    cost at most twice the decision itself.

    .venv/bin/python benchmarks/bench_engine.py [--batch 2000] [--seconds 2] [--quick]

The baseline, measured in the same run, is the bare engine call on facts already validated
(`make_plan(catalog, household)`): the decision alone. Each step of the API path is also timed alone, so the
output shows where the time goes. Reported: microseconds per plan (median of repeated timed loops), and
plans/s over a batch of random households through the same API path. `--quick` is a smoke run for the tests
(tiny batch, short loops): its figures mean little.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.conf import settings
from django.http import JsonResponse

from benchmarks.goals import Goal, non_negative_float, parser, positive_float, positive_int, report
from madoguchi.printing.casefile import household_facts
from madoguchi.printing.examples import EXAMPLES
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, Catalog, load_catalog
from madoguchi.rules.engine import make_plan
from madoguchi.rules.facts import EVENTS, HEALTH_INSURANCE
from madoguchi.rules.household import read_facts

# The facts of the example case file `madoguchi forms --example 5-person-tennyu` (the same family the
# forms benchmark renders): a couple, two school children and a parent certified for long-term care.
FIVE_PERSON_TENNYU = household_facts(EXAMPLES["5-person-tennyu"])
GOAL_API_MS = 2.0
GOAL_RATIO = 3.0


def random_household(rng: random.Random) -> dict[str, Any]:
    event = rng.choice(list(EVENTS))
    event_date = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
    size = rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6])
    members = []
    for index in range(size):
        relationship = "head" if index == 0 else rng.choice(["spouse", "child", "child", "parent"])
        age_days = rng.randrange(0, 95 * 365)
        member: dict[str, Any] = {
            "id": f"m{index + 1}",
            "relationship": relationship,
            "birth_date": (event_date - timedelta(days=age_days)).isoformat(),
        }
        if rng.random() < 0.8:
            member["health_insurance"] = rng.choice(list(HEALTH_INSURANCE))
        for flag in [
            "has_my_number_card",
            "has_seal_registration",
            "care_certified",
            "receives_public_pension",
        ]:
            if rng.random() < 0.5:
                member[flag] = rng.random() < 0.3
        members.append(member)
    facts: dict[str, Any] = {"event": event, "event_date": event_date.isoformat(), "members": members}
    if event not in {"tennyu", "tenshutsu", "tenkyo"}:
        facts["subject_member_ids"] = [rng.choice(members)["id"]]
    if event == "shussei":
        facts["subject_member_ids"] = [members[-1]["id"]]
        members[-1]["birth_date"] = event_date.isoformat()
        members[-1]["relationship"] = "child" if size > 1 else "head"
    return facts


def time_per_call(functions: dict[str, Callable[[], object]], seconds: float) -> dict[str, float]:
    """Median seconds per call of each function, over rounds that take turns, filling about `seconds` each.

    Taking turns spreads the noise of a busy machine over every function alike, so their ratios hold.
    """
    calls: dict[str, int] = {}
    round_seconds = 0.0
    for name, function in functions.items():
        count = 1
        while True:
            start = time.perf_counter()
            for _ in range(count):
                function()
            elapsed = time.perf_counter() - start
            if elapsed > min(0.05, seconds / 5):
                break
            count *= 2
        calls[name] = count
        round_seconds += elapsed
    rounds = max(5, int(seconds * len(functions) / round_seconds))
    samples: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            start = time.perf_counter()
            for _ in range(calls[name]):
                function()
            samples[name].append((time.perf_counter() - start) / calls[name])
    return {name: statistics.median(values) for name, values in samples.items()}


def api_plan(catalog: Catalog, body: bytes) -> bytes:
    """What POST /api/v1/plans does with a body, without HTTP, Django's request handling or an office."""
    plan = make_plan(catalog, json.loads(body))
    data = plan.as_json()
    data.pop("not_applicable")
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False}).content


def main(argv: list[str] | None = None) -> int:
    arguments = parser(__doc__)
    arguments.add_argument(
        "--batch", type=positive_int, default=2000, help="random households in the batch (default 2000)"
    )
    arguments.add_argument(
        "--seconds", type=positive_float, default=2.0, help="time per measurement (default 2)"
    )
    arguments.add_argument("--quick", action="store_true", help="a smoke run: --batch 20 --seconds 0.05")
    arguments.add_argument("--goal-api-ms", type=non_negative_float, default=GOAL_API_MS)
    arguments.add_argument("--goal-ratio", type=non_negative_float, default=GOAL_RATIO)
    args = arguments.parse_args(argv)
    if args.quick:
        args.batch, args.seconds = 20, 0.05
    if not settings.configured:
        settings.configure()  # JsonResponse reads DEFAULT_CHARSET; nothing else of Django is used

    catalog = load_catalog(DEFAULT_CATALOG_DIR)
    body = json.dumps(FIVE_PERSON_TENNYU, ensure_ascii=False).encode()
    household = read_facts(FIVE_PERSON_TENNYU)
    plan = make_plan(catalog, household)
    data = plan.as_json()
    data.pop("not_applicable")

    rng = random.Random(20261124)
    bodies = [json.dumps(random_household(rng), ensure_ascii=False).encode() for _ in range(args.batch)]

    def plan_batch() -> None:
        for each in bodies:
            api_plan(catalog, each)

    steps = time_per_call(
        {
            "parse JSON body": lambda: json.loads(body),
            "read_facts (validate)": lambda: read_facts(FIVE_PERSON_TENNYU),
            "make_plan (baseline)": lambda: make_plan(catalog, household),
            "Plan.as_json": plan.as_json,
            "JsonResponse encode": lambda: (
                JsonResponse(data, json_dumps_params={"ensure_ascii": False}).content
            ),
            "API path, all of it": lambda: api_plan(catalog, body),
        },
        args.seconds,
    )
    baseline = steps["make_plan (baseline)"]
    api = steps.pop("API path, all of it")
    batch_seconds = time_per_call({"batch": plan_batch}, args.seconds)["batch"]

    print(
        f"rules engine, {len(catalog.procedures)} procedures in the catalog; 5-person move-in: "
        f"{len(plan.procedures)} procedures, {len(plan.questions)} questions, "
        f"{len(api_plan(catalog, body)):,} bytes of JSON"
    )
    for label, value in steps.items():
        print(f"  {label:24} {value * 1e6:8.0f} µs   ({value / api:4.0%} of the API path)")
    print(f"  {'API path, all of it':24} {api * 1e6:8.0f} µs   ({api / baseline:.1f}x the baseline)")
    print(
        f"  batch of {args.batch} random households through the API path: "
        f"{args.batch / batch_seconds:,.0f} plans/s ({batch_seconds / args.batch * 1e6:.0f} µs each)"
    )
    return report(
        [
            Goal(
                "API work per 5-person plan",
                api * 1000,
                "<=",
                args.goal_api_ms,
                "ms",
                "validate + plan + JSON fits easily in a request at 200 requests/s per process",
            ),
            Goal(
                "API work / bare engine call",
                api / baseline,
                "<=",
                args.goal_ratio,
                "x",
                "validating and serialising cost at most twice the decision itself",
            ),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
