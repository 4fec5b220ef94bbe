from __future__ import annotations

import html
from typing import Any

import pytest
from django.urls import reverse

from madoguchi.audit.chain import SystemActor, record
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db


def test_manager_searches_the_log(staff_of: Any, signed_in: Any) -> None:
    # given
    record(SystemActor("test"), "test.findme", extra={"note": "needle"})
    client = signed_in(staff_of(Role.MANAGER))
    # when
    everything = client.get(reverse("audit:search"))
    filtered = client.get(reverse("audit:search"), {"action": "test."})
    by_actor = client.get(reverse("audit:search"), {"actor": "nobody-at-all"})
    # then
    assert everything.status_code == 200
    assert "test.findme" in filtered.content.decode()
    assert html.unescape('{"note": "needle"}') in html.unescape(filtered.content.decode())
    assert "<td>システム</td>" in filtered.content.decode()
    assert "staff.create" not in filtered.content.decode()
    assert "条件に合う記録はありません" in by_actor.content.decode()


def test_htmx_requests_get_only_the_results_fragment(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.MANAGER))
    response = client.get(reverse("audit:search"), {"action": "staff."}, headers={"hx-request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="audit-results"')
    assert "<header" not in html
    assert "staff.create" in html


def test_a_reversed_date_range_is_a_clear_error(staff_of: Any, signed_in: Any) -> None:
    response = signed_in(staff_of(Role.MANAGER)).get(
        reverse("audit:search"), {"date_from": "2026-11-24", "date_to": "2026-11-01"}
    )
    assert response.status_code == 400
    assert "終了日は開始日以降の日付にしてください" in response.content.decode()


def test_a_malformed_date_is_a_clear_error(staff_of: Any, signed_in: Any) -> None:
    response = signed_in(staff_of(Role.MANAGER)).get(reverse("audit:search"), {"date_from": "R8.11.24x"})
    assert response.status_code == 400
    assert "日付を正しく入力してください" in response.content.decode()


@pytest.mark.parametrize("role", [Role.CONTRACTOR_CLERK, Role.ONESTOP_CLERK, Role.CENTER_APPROVER])
def test_the_log_is_refused_to_counter_roles(staff_of: Any, role: Role, signed_in: Any) -> None:
    assert signed_in(staff_of(role)).get(reverse("audit:search")).status_code == 403
