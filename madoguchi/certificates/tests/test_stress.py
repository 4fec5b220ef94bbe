"""At least 10,000 requests at once on PostgreSQL: every printed document's subject is its requester.

The count is `MADOGUCHI_CERTIFICATE_STRESS` (10,000 by default; CI runs the default). Stores, issuer
processes, timeouts at every step and duplicated deliveries are mixed in, as on a bad day in a real city.
"""

from __future__ import annotations

import os
from datetime import datetime

import pytest

from madoguchi.audit.chain import SystemActor
from madoguchi.certificates import load
from madoguchi.certificates.eligibility import refusal
from madoguchi.certificates.kinds import catalog
from madoguchi.certificates.models import CertificateRequest, IssuingPoint
from madoguchi.registry import population
from madoguchi.registry.actions import do_load_population
from madoguchi.registry.adapter import registry
from madoguchi.registry.models import SimulatedResident

REQUESTS = int(os.environ.get("MADOGUCHI_CERTIFICATE_STRESS", "10000"))
PROCESSES = max(2, os.cpu_count() or 2)
THREADS = 8


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_ten_thousand_concurrent_requests_each_print_their_own_resident(
    demo_city: None, daytime: datetime
) -> None:
    # given: a population with enough eligible card holders, and every store of the demo city
    do_load_population(SystemActor("test"), population.generate(int(REQUESTS * 1.6) + 500))
    kind = catalog().kinds["juminhyo"]
    holders = []
    for row in SimulatedResident.objects.exclude(card_serial="").order_by("code").iterator():
        record = registry().resident(row.code)
        assert record is not None
        if (
            refusal(
                kind,
                subject=record,
                relation="self",
                channel="store",
                when=daytime,
                household=registry().household(record.household),
            )
            is None
        ):
            holders.append(record)
        if len(holders) == REQUESTS:
            break
    assert len(holders) == REQUESTS
    points = list(IssuingPoint.objects.filter(kind__in=["store", "machine"]))
    # when
    result = load.run(
        holders,
        points,
        processes=PROCESSES,
        threads=THREADS,
        issuers=3,
        timeout_every=97,
        duplicate_every=101,
    )
    # then
    print(  # noqa: T201 (the figure the note reports, shown with -s)
        f"\n{result.requests} requests, {PROCESSES} processes x {THREADS} threads: {result.printed} printed, "
        f"{result.failed} failed (injected timeouts), {result.duplicates_refused} duplicates refused, "
        f"{result.wrong_subject} wrong subject; "
        f"{result.per_second:.1f} printed/s, p50 {result.percentile(0.5) * 1000:.0f} ms, "
        f"p99 {result.percentile(0.99) * 1000:.0f} ms"
    )
    assert result.errors == []
    assert result.wrong_subject == 0
    injected = len(range(0, REQUESTS, 97))
    assert result.failed == injected
    assert result.printed == REQUESTS - injected
    assert CertificateRequest.objects.filter(status="printed").count() == result.printed
    assert load.valid_issuances() == result.printed  # every cancelled request's document is void
    assert result.duplicates_refused == len([i for i in range(0, REQUESTS, 101) if i % 97])
