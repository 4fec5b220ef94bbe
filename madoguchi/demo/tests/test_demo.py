from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from madoguchi.audit.models import AuditEntry
from madoguchi.organization.models import Counter, Office, Queue
from madoguchi.remote.models import ExpertProfile
from madoguchi.staff.models import Staff
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db


def test_demo_city_has_the_offices_queues_and_one_account_per_role(
    capsys: pytest.CaptureFixture[str], verified_chain: Any
) -> None:
    # when
    call_command("demo")
    # then
    kinds = dict(Office.objects.values_list("code", "kind"))
    assert kinds == {
        "chuo": "ward",
        "kita": "ward",
        "minami": "ward",
        "kita-yamate": "branch",
        "minami-hama": "branch",
        "center": "center",
    }
    for ward in ["chuo", "kita", "minami"]:
        one_stop = Queue.objects.get(office__code=ward, code="one-stop")
        assert one_stop.kind == Queue.Kind.ONE_STOP
        assert Counter.objects.filter(queue=one_stop).count() >= 6
    # one account per role, and a second head-office expert for remote consultation
    roles = sorted(Staff.objects.values_list("role", flat=True))
    assert roles == sorted([*Role.values, Role.DEPARTMENT_STAFF])
    assert {p.staff.username: p.skills for p in ExpertProfile.objects.select_related("staff")} == {
        "department": ["kokuho_nenkin"],
        "expert": ["kaigo", "kosodate", "fukushi"],
    }
    out = capsys.readouterr().out
    assert "contractor" in out
    assert "minato-demo-2026" in out
    assert verified_chain().ok


def test_demo_is_idempotent_and_keeps_changed_passwords() -> None:
    call_command("demo")
    clerk = Staff.objects.get(username="clerk")
    clerk.set_password("changed-by-the-clerk")
    clerk.save(update_fields=["password"])
    entries = AuditEntry.objects.count()
    counts = (Office.objects.count(), Queue.objects.count(), Counter.objects.count(), Staff.objects.count())
    # when
    call_command("demo")
    # then
    assert AuditEntry.objects.count() == entries
    assert (
        Office.objects.count(),
        Queue.objects.count(),
        Counter.objects.count(),
        Staff.objects.count(),
    ) == counts
    assert Staff.objects.get(username="clerk").check_password("changed-by-the-clerk")
