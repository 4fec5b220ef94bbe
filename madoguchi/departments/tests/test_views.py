"""The department's screens: the list of handed-over cases, the case with review → confirm, and the counter's
link to it."""

from __future__ import annotations

from typing import Any

import pytest

from madoguchi.audit.models import AuditEntry
from madoguchi.demo.cases import bereavement_handed_over
from madoguchi.departments.models import Decision
from madoguchi.organization.models import Counter
from madoguchi.reception.actions import do_call_next, do_open_counter

pytestmark = pytest.mark.django_db

PENSION = "kokumin-nenkin-mishikyu"


@pytest.fixture
def handed(staff_of: Any) -> Any:
    return bereavement_handed_over(staff_of("onestop_clerk"))


def test_the_list_shows_the_handed_case_with_what_waits_for_a_decision(
    handed: Any, staff_of: Any, signed_in: Any
) -> None:
    case, _ticket = handed
    page = signed_in(staff_of("department_staff")).get("/departments/").content.decode()
    assert case.number in page
    assert "港　一郎、港　花子" in page
    row = page.split(f'data-case="{case.number}"')[1].split("</tr>")[0]
    assert "<td>1件</td><td>0件</td>" in row


def test_the_case_page_shows_the_signed_data_and_no_my_number(
    handed: Any, staff_of: Any, signed_in: Any
) -> None:
    case, ticket = handed
    response = signed_in(staff_of("department_staff")).get(f"/departments/cases/{case.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "未支給年金・遺族基礎年金の請求" in page
    assert '引継ぎメモ：<span lang="ja">未支給年金の請求</span>' in page
    assert ticket.display in page
    assert '<span lang="ja">港　花子</span>（届出人）' in page
    assert "個人番号" in page
    assert "my_number" not in page
    assert AuditEntry.objects.filter(action="department.case.view", target_id=str(case.pk)).exists()


def test_review_then_confirm_and_a_second_click_finds_it_decided(
    handed: Any, staff_of: Any, signed_in: Any
) -> None:
    case, _ticket = handed
    client = signed_in(staff_of("department_staff"))
    url = f"/departments/cases/{case.pk}/"
    missing = client.post(url, {"step": "review", "procedure": PENSION, "outcome": "rejected", "reason": ""})
    assert missing.status_code == 400
    assert "不受理の「理由」を入力してください" in missing.content.decode()
    other = client.post(url, {"step": "review", "procedure": "tennyu-todoke", "outcome": "accepted"})
    assert other.status_code == 400
    assert "決定する手続を選び直してください" in other.content.decode()
    unchosen = client.post(url, {"step": "review", "procedure": PENSION})
    assert unchosen.status_code == 400
    assert "受理か不受理を選んでください" in unchosen.content.decode()
    review = client.post(url, {"step": "review", "procedure": PENSION, "outcome": "accepted"})
    assert review.status_code == 200
    assert "この決定を登録しますか" in review.content.decode()
    assert not Decision.objects.exists()  # the review decides nothing
    confirm = {"step": "confirm", "procedure": PENSION, "outcome": "accepted", "reason": ""}
    first = client.post(url, confirm, follow=True)
    assert "「受理」と決定しました" in first.content.decode()
    second = client.post(url, confirm, follow=True)  # a double click, or Back and submit again
    assert second.status_code == 200
    assert "決定済みです（受理）" in second.content.decode()
    assert Decision.objects.filter(case=case).count() == 1
    assert "<td>0件</td><td>1件</td>" in client.get("/departments/").content.decode()


def test_a_case_not_handed_to_the_department_is_refused(handed: Any, staff_of: Any, signed_in: Any) -> None:
    from madoguchi.demo.cases import make_submitted_case

    other = make_submitted_case(staff_of("onestop_clerk"))  # never handed over
    client = signed_in(staff_of("department_staff"))
    assert client.get(f"/departments/cases/{other.pk}/").status_code == 403
    assert (
        client.post(
            f"/departments/cases/{other.pk}/",
            {"step": "confirm", "procedure": PENSION, "outcome": "accepted"},
        ).status_code
        == 403
    )
    assert signed_in(staff_of("onestop_clerk")).get("/departments/").status_code == 403


def test_the_department_counter_opens_the_handed_case_on_the_department_screen(
    handed: Any, staff_of: Any, signed_in: Any
) -> None:
    case, ticket = handed
    department = staff_of("department_staff")
    counter = Counter.objects.get(queue=ticket.queue, code__endswith="1")
    do_open_counter(department, counter=counter)
    assert do_call_next(department, counter=counter) == ticket
    page = signed_in(department).get("/reception/counter/").content.decode()
    assert f'href="/departments/cases/{case.pk}/"' in page
    assert f'href="/cases/{case.pk}/"' not in page  # the one-stop case page is not theirs


def test_the_one_stop_case_page_shows_the_department_s_decision(
    handed: Any, staff_of: Any, signed_in: Any
) -> None:
    from madoguchi.departments.actions import do_decide

    case, _ticket = handed
    do_decide(staff_of("department_staff"), case, procedure=PENSION, outcome="rejected", reason="書類不足")
    page = signed_in(staff_of("onestop_clerk")).get(f"/cases/{case.pk}/").content.decode()
    assert "所管課の決定" in page
    assert "未支給年金・遺族基礎年金の請求：" in page
    assert '<span class="decision decision--rejected">不受理</span>（保険年金課・' in page
    assert "・書類不足" in page
