"""The navigator is the case's interview: the case opens in it, its answers are saved into the case, and an
interview started in the navigator becomes a case without typing anything twice."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from madoguchi.cases.models import Case
from madoguchi.demo.cases import make_submitted_case
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db


def _draft_family(clerk: Any) -> Case:
    """A move-in being interviewed: a father and a daughter, nothing asked yet."""
    from madoguchi.cases.actions import CaseDetails, do_create_case, do_save_case_details
    from madoguchi.demo.cases import person

    case = do_create_case(clerk, office=clerk.office, event="tennyu", event_date=date(2026, 11, 20))
    details = CaseDetails(
        event_date=date(2026, 11, 20),
        address={"postal_code": "2600013", "prefecture": "千葉県", "city": "みなと市中央区", "town": "港町"},
        previous_address={},
        moved_from_kind="other_municipality",
        contact_phone="",
        household_facts={},
        people=[
            person("m1", "head", "一郎", date(1985, 1, 1), "male"),
            person("m7", "child", "花子", date(2016, 4, 4), "female"),
        ],
    )
    return do_save_case_details(clerk, case, details)


def test_the_case_opens_in_the_navigator_with_its_people_named_and_saves_the_answers(
    staff_of: Any, signed_in: Any
) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = _draft_family(clerk)
    client = signed_in(clerk)
    url = reverse("cases:interview", args=[case.pk])
    page = client.get(url).content.decode()
    assert "受付案件 " + case.number + " の聞き取り" in page
    assert "港 一郎" in page
    assert "港 花子" in page
    assert 'name="m-1-id" value="m7"' in page  # the stored member's id travels with the form
    # the father is never asked whether he is pregnant (his sex settles it)
    assert 'name="m-0-f-pregnant"' not in page
    form = {
        "event_date": "2026-11-20",
        "moved_from": "other_municipality",
        "m-0-id": "m1",
        "m-0-relationship": "head",
        "m-0-birth_date": "1985-01-01",
        "m-0-subject": "on",
        "m-0-f-has_my_number_card": "yes",
        "m-1-id": "m7",
        "m-1-relationship": "child",
        "m-1-birth_date": "2016-04-04",
        "m-1-subject": "on",
        "m-1-f-school": "elementary",
        "h-dog": "no",
        "save": "1",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    case.refresh_from_db()
    people = {p.member_id: p for p in case.people.all()}
    assert set(people) == {"m1", "m7"}
    assert people["m1"].facts["has_my_number_card"] is True
    assert people["m1"].family_name == "港"  # the case page's fields are kept
    assert people["m7"].facts["school"] == "elementary"
    assert case.household_facts == {"dog": False}
    # a missing birth date is said plainly, naming the person, and nothing is saved
    broken = client.post(url, {**form, "m-1-birth_date": "", "h-dog": "yes"})
    assert broken.status_code == 400
    assert "港 花子：生年月日を入力してください。" in broken.content.decode()
    case.refresh_from_db()
    assert case.household_facts == {"dog": False}


def test_an_interview_started_in_the_navigator_becomes_the_case(staff_of: Any, signed_in: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    client = signed_in(clerk)
    form = {
        "event_date": "2026-11-20",
        "moved_from": "abroad",
        "m-0-relationship": "head",
        "m-0-birth_date": "1990-02-02",
        "m-0-subject": "on",
        "m-0-f-health_insurance": "national",
        "m-1-relationship": "spouse",
        "m-1-birth_date": "1991-03-03",
        "m-1-subject": "on",
        "h-car": "yes",
    }
    navigator = client.post(reverse("navigator:interview", args=["tennyu"]), form).content.decode()
    assert "この聞き取りで受付案件を作る" in navigator
    response = client.post(reverse("cases:from-interview", args=["tennyu"]), form)
    assert response.status_code == 302
    case = Case.objects.get(pk=response["Location"].split("/")[-2])
    assert (case.event, case.event_date, case.moved_from_kind) == ("tennyu", date(2026, 11, 20), "abroad")
    assert case.household_facts == {"car": True}
    people = list(case.people.all())
    assert [(p.member_id, p.relationship, p.birth_date) for p in people] == [
        ("m1", "head", date(1990, 2, 2)),
        ("m2", "spouse", date(1991, 3, 3)),
    ]
    assert people[0].health_insurance == "national"
    # the case page asks next for what the navigator never asks: names and sex
    page = client.get(response["Location"]).content.decode()
    assert "氏名・性別と住所を入力してください" in page
    # an interview with a date missing makes no case, and comes back with what was typed
    before = Case.objects.count()
    missing = client.post(reverse("cases:from-interview", args=["tennyu"]), {**form, "m-1-birth_date": ""})
    assert missing.status_code == 400
    assert "生年月日を入力してください" in missing.content.decode()
    assert 'value="1990-02-02"' in missing.content.decode()
    assert Case.objects.count() == before


def test_the_navigator_never_changes_a_submitted_case(staff_of: Any, signed_in: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = make_submitted_case(clerk)
    client = signed_in(clerk)
    url = reverse("cases:interview", args=[case.pk])
    assert client.post(url, {"event_date": "2026-11-21", "save": "1"}).status_code == 302
    case.refresh_from_db()
    assert case.event_date == date(2026, 11, 20)
    assert case.state == Case.State.SUBMITTED


def test_a_department_clerk_uses_the_navigator_without_making_cases(staff_of: Any, signed_in: Any) -> None:
    form = {"event_date": "2026-11-20", "m-0-relationship": "head", "m-0-birth_date": "1990-02-02"}
    department = signed_in(staff_of(Role.DEPARTMENT_STAFF))
    page = department.post(reverse("navigator:interview", args=["tennyu"]), form).content.decode()
    assert "必要な手続" in page
    assert "この聞き取りで受付案件を作る" not in page
    assert department.post(reverse("cases:from-interview", args=["tennyu"]), form).status_code == 403
