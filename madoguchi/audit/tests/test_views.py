from __future__ import annotations

import html
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from madoguchi.audit.chain import SystemActor, record
from madoguchi.audit.tests import sample_events  # noqa: F401  (registers the test events)
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db


def test_manager_searches_the_log(staff_of: Any, signed_in: Any) -> None:
    # given
    record(SystemActor("test"), "test.findme", extra={"note": "needle"})
    client = signed_in(staff_of(Role.MANAGER))
    # when
    everything = client.get(reverse("audit:search"))
    filtered = client.get(reverse("audit:search"), {"action": "category:test"})
    by_actor = client.get(reverse("audit:search"), {"actor": "nobody-at-all"})
    # then
    assert everything.status_code == 200
    results = _results(filtered)
    assert "テスト（findme）" in results
    assert "needle" in results
    assert html.unescape('{"note": "needle"}') in html.unescape(results)  # the raw entry, folded
    assert "<td>システム</td>" in results
    assert "職員の登録" not in results
    assert "条件に合う記録はありません" in by_actor.content.decode()


def _results(response: Any) -> str:
    page = response.content.decode()
    return page[page.index('<section id="audit-results"') :]


def test_the_log_shows_words_names_and_readable_changes(staff_of: Any, signed_in: Any) -> None:
    # given: a manager changes a staff member's role, and a status change in codes
    manager = staff_of(Role.MANAGER)
    manager.last_name, manager.first_name = "港", "花子"
    manager.save(update_fields=["last_name", "first_name"])
    record(manager, "test.status", before={"status": "waiting"}, after={"status": "called"})
    # when
    response = signed_in(manager).get(reverse("audit:search"), {"action": "test.status"})
    # then: the event's label, the person's name, the states by their words
    results = _results(response)
    assert "テストの状態変更" in results
    assert "港 花子" in results
    assert "お待ち → 呼出し中" in results
    # and the codes stay available to auditors in the folded detail
    assert '<details class="audit-raw">' in results
    assert "test.status" in results
    assert f">{manager.username}<" in results


def test_the_log_reads_in_english(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.MANAGER))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("audit:search"), {"action": "category:staff"})
    assert response.status_code == 200
    results = _results(response)
    assert "Staff member registered" in results
    assert "職員の登録" not in results


def test_htmx_requests_get_only_the_results_fragment(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.MANAGER))
    response = client.get(
        reverse("audit:search"), {"action": "category:staff"}, headers={"hx-request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="audit-results"')
    assert "<header" not in html
    assert "職員の登録" in html


def test_an_unknown_action_is_a_clear_error(staff_of: Any, signed_in: Any) -> None:
    response = signed_in(staff_of(Role.MANAGER)).get(reverse("audit:search"), {"action": "staff."})
    assert response.status_code == 400


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
