from __future__ import annotations

from typing import Any

import pytest

from madoguchi.audit.chain import SystemActor, record
from madoguchi.audit.models import AuditEntry
from madoguchi.audit.tests import sample_events  # noqa: F401  (registers the test events)
from madoguchi.tasks import worker
from madoguchi.tasks.registry import periodic_jobs

pytestmark = pytest.mark.django_db


def test_the_worker_loop_seals_the_audit_log_about_once_a_second(monkeypatch: Any, settings: Any) -> None:
    # given: the audit sealer is a periodic job of every worker loop
    assert "audit.seal" in periodic_jobs()
    settings.MADOGUCHI_AUDIT_SEAL_SECONDS = 1.0
    monkeypatch.setattr(worker, "_periodic_last", {})
    entry = record(SystemActor("test"), "test.periodic")
    # when: the loop comes round
    worker.run_periodic(now=100.0)
    # then
    assert AuditEntry.objects.get(pk=entry.pk).seq is not None
    # and: within the second it does not run again
    later = record(SystemActor("test"), "test.periodic")
    worker.run_periodic(now=100.5)
    assert AuditEntry.objects.get(pk=later.pk).seq is None
    worker.run_periodic(now=101.0)
    assert AuditEntry.objects.get(pk=later.pk).seq is not None
