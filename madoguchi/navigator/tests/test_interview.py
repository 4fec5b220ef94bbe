from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from madoguchi.catalog.service import current_catalog
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db

FAMILY_FORM = {
    "event_date": "2026-04-01",
    "moved_from": "other_municipality",
    "m-0-label": "父",
    "m-0-relationship": "head",
    "m-0-birth_date": "1988-05-10",
    "m-0-subject": "on",
    "m-1-label": "母",
    "m-1-relationship": "spouse",
    "m-1-birth_date": "1990-02-03",
    "m-1-subject": "on",
    "m-2-label": "長女",
    "m-2-relationship": "child",
    "m-2-birth_date": "2018-06-20",
    "m-2-subject": "on",
}


def test_start_lists_the_ten_life_events(staff_of: Any, signed_in: Any) -> None:
    html = signed_in(staff_of(Role.CONTRACTOR_CLERK)).get("/navigator/").content.decode()
    for name in ["転入", "出生", "死亡（おくやみ）", "社会保険の喪失（退職など）"]:
        assert name in html


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CENTER_APPROVER, Role.CONCIERGE])
def test_the_navigator_is_for_counter_staff(staff_of: Any, signed_in: Any, role: Role) -> None:
    assert signed_in(staff_of(role)).get("/navigator/").status_code == 403


def test_questions_appear_only_when_they_decide_something(staff_of: Any, signed_in: Any) -> None:
    # given: a family whose insurance is not known yet
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    # when
    html = client.post("/navigator/tennyu/", FAMILY_FORM).content.decode()
    # then: the insurance question is asked for each member, nothing about pregnancy or care for a child
    assert 'name="m-0-f-health_insurance"' in html
    assert 'name="m-2-f-health_insurance"' in html
    assert 'name="m-2-f-care_certified"' not in html
    assert "転入届" in html
    # when the answer is given, the question moves to the answered facts and the plan is decided
    answered = {
        **FAMILY_FORM,
        "m-0-f-health_insurance": "national",
        "m-1-f-health_insurance": "national",
        "m-2-f-health_insurance": "national",
    }
    html = client.post("/navigator/tennyu/", answered).content.decode()
    assert "確認済みの事項" in html
    assert "国民健康保険 加入" in html


def test_a_procedure_that_waits_names_the_person_and_the_question(staff_of: Any, signed_in: Any) -> None:
    from madoguchi.rules.facts import FACTS

    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    # given a family whose insurance is not known yet
    html = client.post("/navigator/tennyu/", FAMILY_FORM).content.decode()
    # then the undecided 国民健康保険 says whose answer it waits for, and which question
    ask = html[html.index("plan-item--ask") :]
    label = FACTS["member.health_insurance"].label_ja
    for person in ("父", "母", "長女"):
        assert escape(f"{person}：{label}") in ask
    # and in English, with the English question
    client.post("/i18n/setlang/", {"language": "en", "next": "/navigator/"})
    html = client.post("/navigator/tennyu/", FAMILY_FORM).content.decode()
    ask = html[html.index("plan-item--ask") :]
    assert "Decided by these answers" in ask
    assert escape(f"父: {FACTS['member.health_insurance'].label_en}") in ask


def test_sex_and_age_decide_which_questions_appear(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    # given a family moving in, the father entered as a man, and an 8-year-old daughter
    form = {**FAMILY_FORM, "m-0-sex": "male", "m-1-sex": "female"}
    html = client.post("/navigator/tennyu/", form).content.decode()
    # then nobody asks whether the father is pregnant, nor about an 8-year-old's seal or driving licence
    assert 'name="m-0-f-pregnant"' not in html
    assert 'name="m-1-f-pregnant"' in html
    assert 'name="m-2-f-has_seal_registration"' not in html
    assert 'name="m-2-f-has_driving_licence"' not in html
    assert 'name="m-0-f-has_seal_registration"' in html
    # an answer that the age settles is not kept either (sent before the birth date was corrected)
    html = client.post("/navigator/tennyu/", {**form, "m-2-f-has_seal_registration": "yes"}).content.decode()
    assert 'name="m-2-f-has_seal_registration"' not in html
    # and the sex chosen stays selected
    assert '<option value="male" selected>' in html


def test_htmx_updates_only_the_workspace(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    response = client.post("/navigator/tennyu/", FAMILY_FORM, headers={"hx-request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="workspace"')
    assert "<header" not in html


def test_one_catalog_lookup_per_request(staff_of: Any, signed_in: Any) -> None:
    # given
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    client.post("/navigator/tennyu/", FAMILY_FORM)  # the catalog is built once per process
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/navigator/tennyu/", FAMILY_FORM)
    # then
    assert response.status_code == 200
    lookups = [q["sql"] for q in queries.captured_queries if "catalog_catalogversion" in q["sql"]]
    assert len(lookups) == 1


def test_adding_and_removing_members(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    html = client.post("/navigator/tennyu/", {**FAMILY_FORM, "add_member": "1"}).content.decode()
    assert 'name="m-3-birth_date"' in html
    html = client.post("/navigator/tennyu/", {**FAMILY_FORM, "m-2-remove": "1"}).content.decode()
    assert 'name="m-2-birth_date"' not in html


def test_a_wrong_birth_date_is_shown_next_to_the_member_in_japanese(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    html = client.post("/navigator/tennyu/", {**FAMILY_FORM, "m-2-birth_date": "2030-01-01"}).content.decode()
    assert "生年月日が届出日（異動日）より後になっています。" in html
    assert "birth date is after the event date" not in html
    html = client.post("/navigator/tennyu/", {**FAMILY_FORM, "m-2-birth_date": "2020-13-45"}).content.decode()
    assert "生年月日が正しくありません。" in html
    assert "is not a" not in html


def test_a_blank_form_shows_what_to_enter_and_no_error(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    html = client.get("/navigator/tennyu/").content.decode()
    assert "field__error" not in html
    assert "is not a" not in html
    assert "生年月日と続柄を入力すると、必要な手続が表示されます。" in html
    # a second person added but not yet filled in: still no error, the plan waits for their birth date
    html = client.post("/navigator/tennyu/", {**FAMILY_FORM, "add_member": "1"}).content.decode()
    assert "field__error" not in html


def test_checklist_prints_in_japanese_and_english(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    answered = {**FAMILY_FORM, "m-0-f-health_insurance": "national"}
    ja = client.post("/navigator/tennyu/checklist/", {**answered, "lang": "ja"}).content.decode()
    assert '<html lang="ja">' in ja
    assert "転入届" in ja
    assert "中央区役所" in ja
    en = client.post("/navigator/tennyu/checklist/", {**answered, "lang": "en"}).content.decode()
    assert '<html lang="en">' in en
    assert "Moving-in notification" in en
    easy = client.post("/navigator/tennyu/checklist/", {**answered, "lang": "ja-easy"}).content.decode()
    assert '<html lang="ja">' in easy
    assert "うえから じゅんばんに てつづきを してください" in easy
    assert "転入届" in easy  # the official name stays, in brackets beside the easy one


def test_checklist_in_easy_japanese_shows_the_catalogs_easy_texts(staff_of: Any, signed_in: Any) -> None:
    # given: a household moving in, and the procedure it needs first as the default catalog writes it
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    answered = {**FAMILY_FORM, "m-0-f-health_insurance": "national"}
    procedure = current_catalog().procedure("tennyu-todoke")
    reason = procedure.rules[-1]  # moved in from another municipality in Japan
    assert procedure.name_easy
    assert reason.reason_easy
    # when: the checklist is printed in やさしい日本語
    easy = client.post("/navigator/tennyu/checklist/", {**answered, "lang": "ja-easy"}).content.decode()
    # then: the procedure's easy name, reason and documents are on it, not the administrative Japanese
    assert escape(procedure.name_easy) in easy
    assert escape(reason.reason_easy) in easy
    assert escape(reason.reason) not in easy
    assert escape(procedure.documents_easy[0]) in easy
    assert "data-untranslated" not in easy
    # and the Japanese checklist keeps the standard Japanese
    ja = client.post("/navigator/tennyu/checklist/", {**answered, "lang": "ja"}).content.decode()
    assert escape(reason.reason) in ja
    assert escape(reason.reason_easy) not in ja


def test_unknown_event_is_404(staff_of: Any, signed_in: Any) -> None:
    assert signed_in(staff_of(Role.ONESTOP_CLERK)).get("/navigator/holiday/").status_code == 404
