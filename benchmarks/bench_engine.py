"""Benchmark of the rules engine: plans per second for one household and for a batch.

    .venv/bin/python benchmarks/bench_engine.py [--batch 2000] [--seconds 2]

The baseline, measured in the same run, is reading and validating the same facts against the published
schema (`read_facts`): the cost any engine taking household-facts/v1 pays before deciding anything.
Reported: microseconds per plan (median of repeated timed loops) and plans per second.
"""

from __future__ import annotations

import argparse
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

from madoguchi.printing.casefile import household_facts
from madoguchi.printing.examples import EXAMPLES
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, load_catalog
from madoguchi.rules.engine import make_plan
from madoguchi.rules.facts import EVENTS, HEALTH_INSURANCE
from madoguchi.rules.household import read_facts

# The facts of the example case file `madoguchi forms --example 5-person-tennyu` (the same family the
# forms benchmark renders): a couple, two school children and a parent certified for long-term care.
FIVE_PERSON_TENNYU = household_facts(EXAMPLES["5-person-tennyu"])


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


def time_per_call(function: Callable[[], object], seconds: float) -> float:
    """Median seconds per call over repeated loops filling about `seconds`."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            function()
        elapsed = time.perf_counter() - start
        if elapsed > 0.05:
            break
        calls *= 2
    loops = max(5, int(seconds / elapsed))
    samples = []
    for _ in range(loops):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batch", type=int, default=2000, help="households in the batch (default 2000)")
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement (default 2)")
    args = parser.parse_args()

    catalog = load_catalog(DEFAULT_CATALOG_DIR)
    household = read_facts(FIVE_PERSON_TENNYU)
    rng = random.Random(20261124)
    batch = [random_household(rng) for _ in range(args.batch)]
    prepared = [read_facts(facts) for facts in batch]

    results = {
        "catalog_procedures": len(catalog.procedures),
        "one_household_plan_us": time_per_call(lambda: make_plan(catalog, household), args.seconds) * 1e6,
        "one_household_validate_and_plan_us": time_per_call(
            lambda: make_plan(catalog, FIVE_PERSON_TENNYU), args.seconds
        )
        * 1e6,
        "baseline_validate_only_us": time_per_call(lambda: read_facts(FIVE_PERSON_TENNYU), args.seconds)
        * 1e6,
    }

    def plan_batch() -> None:
        for facts in prepared:
            make_plan(catalog, facts)

    batch_seconds = time_per_call(plan_batch, args.seconds)
    results["batch_households"] = args.batch
    results["batch_plans_per_second"] = args.batch / batch_seconds
    results["batch_mean_plan_us"] = batch_seconds / args.batch * 1e6
    results["one_household_plans_per_second"] = 1e6 / results["one_household_plan_us"]

    print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in results.items()}))
    print(
        f"5-person move-in: {results['one_household_plan_us']:.0f} µs per plan "
        f"({results['one_household_plans_per_second']:.0f} plans/s); with schema validation "
        f"{results['one_household_validate_and_plan_us']:.0f} µs; baseline validation alone "
        f"{results['baseline_validate_only_us']:.0f} µs.\n"
        f"Batch of {args.batch} random households: {results['batch_plans_per_second']:.0f} plans/s "
        f"({results['batch_mean_plan_us']:.0f} µs each).",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
