"""The resident's pages: a household prepared step by step ends as a code the counter opens unchanged."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.test import Client

from madoguchi.cases.models import Case
from madoguchi.preparation import actions, codes
from madoguchi.preparation.models import PreparedVisit
from madoguchi.staff.roles import Role

DRAFT = re.compile(r'name="draft" value="([^"]*)"')
CODE = re.compile(r'name="code" value="([^"]*)"')


class Resident:
    """A phone going through the steps: each POST sends back the draft the last page held."""

    def __init__(self, client: Client, language: str = "ja") -> None:
        self.client = client
        self.client.cookies["django_language"] = language
        page = client.get("/prepare/")
        assert page.status_code == 200
        self.page = page
        self.draft = self._draft(page)

    @staticmethod
    def _draft(page: Any) -> str:
        return html.unescape(DRAFT.search(page.content.decode()).group(1))

    def post(self, step: str, data: dict[str, str], go: str = "next", status: int = 200) -> str:
        page = self.client.post("/prepare/", {"draft": self.draft, "step": step, "go": go, **data})
        assert page.status_code == status, page.content.decode()[:3000]
        self.page = page
        match = DRAFT.search(page.content.decode())
        if match:
            self.draft = html.unescape(match.group(1))
        return page.content.decode()


PEOPLE = {
    "p-0-family_name": "𠮷田",
    "p-0-given_name": "髙志",
    "p-0-family_name_kana": "ヨシダ",
    "p-0-given_name_kana": "タカシ",
    "p-0-birth_date": "1984-05-17",
    "p-0-sex": "male",
    "p-0-relationship": "head",
    "p-0-nationality": "JP",
    "p-0-health_insurance": "employee",
}


def _person(index: int, given: str, kana: str, birth: str, sex: str, relationship: str) -> dict[str, str]:
    p = f"p-{index}-"
    return {
        p + "family_name": "𠮷田",
        p + "given_name": given,
        p + "family_name_kana": "ヨシダ",
        p + "given_name_kana": kana,
        p + "birth_date": birth,
        p + "sex": sex,
        p + "relationship": relationship,
        p + "nationality": "JP",
        p + "health_insurance": "employee_dependent",
    }


ADDRESS = {
    "addr-postal_code": "2600013",
    "addr-prefecture": "千葉県",
    "addr-city": "千葉市中央区",
    "addr-town": "中央四丁目",
    "addr-block": "5番1号",
    "addr-building": "髙﨑ハイツ305",
    "prev-prefecture": "東京都",
    "prev-city": "港区",
    "prev-town": "芝公園四丁目",
    "prev-block": "2番8号",
    "moved_from": "other_municipality",
    "contact_phone": "090-1234-5678",
    "bank-bank": "千葉銀行",
    "bank-branch": "本店営業部",
    "bank-kind": "ordinary",
    "bank-number": "1234567",
    "bank-holder_kana": "ヨシダ タカシ",
}


def answer_every_question(phone: Resident) -> None:
    """Answer every question the plan asks ("no"; a child at elementary school), round after round."""
    for _round in range(5):
        page = phone.page.content.decode()
        if 'name="step" value="questions"' not in page:
            return
        names = sorted(set(re.findall(r'type="radio" name="((?:p-\d+-f|h)-[a-z_]+)" value="', page)))
        answers = {}
        for name in names:
            values = re.findall(rf'name="{re.escape(name)}" value="([^"]+)"', page)
            answers[name] = (
                "elementary" if "elementary" in values else ("no" if "no" in values else values[0])
            )
        phone.post("questions", answers)


def prepare_household(client: Client, language: str = "en") -> tuple[Resident, str]:
    phone = Resident(client, language)
    phone.post("event", {"event": "tennyu", "event_date": "2026-11-28"})
    for _index in (1, 2, 3):
        phone.post("people", {}, go="add_person")
    people = {
        **PEOPLE,
        **_person(1, "美﨑", "ミサキ", "1986-11-02", "female", "spouse"),
        **_person(2, "陽葵", "ヒマリ", "2016-07-21", "female", "child"),
        **_person(3, "蒼", "アオイ", "2022-02-09", "male", "child"),
        "p-2-previous_school": "港区立芝小学校",
    }
    phone.post("people", people)
    phone.post("address", ADDRESS)
    answer_every_question(phone)
    assert 'name="step" value="plan"' in phone.page.content.decode()
    phone.post("plan", {})
    done = phone.post("visit", {"office": "chuo", "date": ""})
    return phone, done


def test_a_four_person_move_in_prepared_in_english_opens_at_the_counter_as_entered(
    staff_of: Any, client: Client
) -> None:
    _phone, done = prepare_household(client, "en")
    assert "Your preparation is complete" in done
    texts = [html.unescape(t) for t in CODE.findall(done)]
    assert texts
    assert PreparedVisit.objects.count() == 1
    opened = actions.read_codes(texts)
    record = opened.record
    assert record["language"] == "en"
    assert record["source"] == "resident"
    assert [m["given_name"] for m in record["members"]] == ["髙志", "美﨑", "陽葵", "蒼"]
    assert record["members"][0]["family_name"] == "𠮷田"
    assert record["address"]["building"] == "髙﨑ハイツ305"
    assert record["members"][2]["previous_school"] == "港区立芝小学校"
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = actions.open_case(clerk, opened, office=clerk.office).case
    assert case.people.count() == 4
    from django.utils import timezone

    from madoguchi.cases.signing import prepare

    prepared = prepare(case, received_on=timezone.localdate())
    assert prepared.asked == ()
    assert prepared.handwritten_now == 1  # nothing but the signature


def test_every_step_is_in_english_when_the_resident_reads_english(client: Client, demo_city: None) -> None:
    phone = Resident(client, "en")
    page = phone.page.content.decode()
    assert "Step 1 of 7" in page
    assert not re.search(
        r"[\u3040-\u30ff\u4e00-\u9fff]",
        re.sub(r'<[^>]*lang="ja"[^>]*>[^<]*<', "", re.sub(r'value="[^"]*"', "", page)),
    )


def test_a_wrong_date_is_named_and_the_draft_kept(client: Client, demo_city: None) -> None:
    phone = Resident(client, "ja")
    phone.post("event", {"event": "tennyu", "event_date": "2026-02-30"}, status=400)
    page = phone.page.content.decode()
    assert "届出の事由が生じた日" in page
    assert 'aria-invalid="true"' in page
    assert json.loads(phone.draft)["event"] == "tennyu"


def test_a_birth_date_after_the_event_and_an_empty_name_are_refused_on_the_people_step(
    client: Client, demo_city: None
) -> None:
    phone = Resident(client, "ja")
    phone.post("event", {"event": "tennyu", "event_date": "2026-11-28"})
    page = phone.post("people", {**PEOPLE, "p-0-given_name": "", "p-0-birth_date": "2027-01-01"}, status=400)
    assert "f-p-0-given_name" in page
    assert "生年月日が届出の事由が生じた日より後" in page


@pytest.mark.parametrize(
    "draft",
    [
        "{",
        "[]",
        json.dumps({"id": "x"}),
        json.dumps({"id": "8f0c7b1e-8a53-4a4f-9a53-1f1b2c3d4e5f", "values": {"a": 1}}),
        "x" * 70_000,
    ],
)
def test_a_tampered_draft_is_refused_with_a_message(client: Client, demo_city: None, draft: str) -> None:
    page = client.post("/prepare/", {"draft": draft, "step": "people"})
    assert page.status_code in (400, 413)


def test_a_double_tap_on_finish_makes_one_visit(client: Client, demo_city: None) -> None:
    phone, _done = prepare_household(client, "ja")
    again = client.post("/prepare/", {"draft": phone.draft, "step": "visit", "go": "next", "office": "chuo"})
    assert again.status_code == 200
    assert PreparedVisit.objects.count() == 1
    assert not Case.objects.exists()


def test_the_code_can_be_saved_as_a_png(client: Client, demo_city: None) -> None:
    _phone, done = prepare_household(client, "ja")
    text = html.unescape(CODE.findall(done)[0])
    png = client.post("/prepare/code.png", {"code": text})
    assert png["Content-Type"] == "image/png"
    from madoguchi.preparation import qr

    assert qr.read_image(png.content) == [text]
    assert client.post("/prepare/code.png", {"code": "hello"}).status_code == 400
    assert codes.scan([text]).complete  # the saved picture holds the whole code


def test_the_plan_says_when_the_account_an_allowance_is_paid_to_is_missing(
    client: Client, demo_city: None
) -> None:
    phone = Resident(client, "ja")
    phone.post("event", {"event": "tennyu", "event_date": "2026-11-28"})
    phone.post("people", {}, go="add_person")
    phone.post("people", {**PEOPLE, **_person(1, "陽葵", "ヒマリ", "2016-07-21", "female", "child")})
    address = {k: v for k, v in ADDRESS.items() if not k.startswith("bank-")}
    phone.post("address", address)
    answer_every_question(phone)
    assert "手当の振込先口座が入力されていないため" in phone.page.content.decode()


def test_a_time_slot_booked_on_the_visit_step_is_the_visits_reservation(
    client: Client, demo_city: None, settings: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from madoguchi.organization.models import Queue
    from madoguchi.reservations.actions import available_slots, open_days
    from madoguchi.reservations.models import Reservation

    settings.MADOGUCHI_BOOKINGS_PER_PHONE = 100
    queue = Queue.objects.get(office__code="chuo", code=Queue.ONE_STOP_CODE)
    day = next(
        d.day for d in open_days(queue) if d.remaining and d.day > timezone.localdate() + timedelta(days=1)
    )
    slot = next(s for s in available_slots(queue, day) if s.remaining)
    phone = Resident(client, "ja")
    phone.post("event", {"event": "tennyu", "event_date": "2026-11-28"})
    phone.post("people", PEOPLE)
    phone.post("address", ADDRESS)
    answer_every_question(phone)
    phone.post("plan", {})
    page = phone.post("visit", {"office": "chuo", "date": day.isoformat()}, go="slots")
    assert f'value="{slot.start:%H:%M}"' in page
    done = phone.post("visit", {"office": "chuo", "date": day.isoformat(), "slot": f"{slot.start:%H:%M}"})
    reservation = Reservation.objects.get()
    assert reservation.day == day
    assert reservation.start == slot.start
    assert reservation.name_kana == "ヨシダ　タカシ"
    visit = PreparedVisit.objects.get()
    assert visit.reservation == reservation
    assert visit.visit_date == day
    texts = [html.unescape(t) for t in CODE.findall(done)]
    assert actions.read_codes(texts).record["visit"]["reservation"] == reservation.code
    # Back and finish again (a double tap): the same booking, not a second one
    phone.post("visit", {"office": "chuo", "date": day.isoformat(), "slot": f"{slot.start:%H:%M}"})
    assert Reservation.objects.count() == 1
