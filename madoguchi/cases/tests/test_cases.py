from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from madoguchi.audit.models import AuditEntry
from madoguchi.cases import crypto
from madoguchi.cases.actions import (
    CaseDetails,
    CaseNotReady,
    CaseStateError,
    PersonDetails,
    do_cancel_case,
    do_create_case,
    do_reveal_my_number,
    do_save_case_details,
    do_submit_case,
)
from madoguchi.cases.models import Case, CaseTransition, Person
from madoguchi.cases.signing import prepare, reception_date
from madoguchi.staff.permissions import CapabilityDenied
from madoguchi.staff.roles import Role
from madoguchi.submissions.models import Submission

pytestmark = pytest.mark.django_db

FORM = {
    "event_date": "令和8年4月1日",
    "moved_from": "other_municipality",
    "addr-postal_code": "２６０－００１３",
    "addr-prefecture": "千葉県",
    "addr-city": "みなと市中央区",
    "addr-town": "港町",
    "addr-block": "1-1-1",
    "prev-municipality": "千代田区",
    "prev-town": "千代田1-1",
    "contact_phone": "０９０１２３４５６７８",
    "p-0-member_id": "m1",
    "p-0-family_name": "髙﨑",
    "p-0-given_name": "太郎",
    "p-0-family_name_kana": "たかさき",
    "p-0-given_name_kana": "ﾀﾛｳ",
    "p-0-birth_date": "S59.7.1",
    "p-0-relationship": "head",
    "p-0-sex": "male",
    "p-0-nationality": "JP",
    "p-0-health_insurance": "national",
    "p-0-my_number": "1234 5678 9018",
    "p-0-subject": "on",
    "notifier": "0",
}


def new_case(staff: Any, event: str = "tennyu") -> Case:
    return do_create_case(staff, office=staff.office, event=event, event_date=date(2026, 4, 1))


def details(**person: Any) -> CaseDetails:
    values = {
        "member_id": "m1",
        "relationship": "head",
        "family_name": "山田",
        "given_name": "花子",
        "birth_date": date(1990, 1, 1),
        "sex": "female",
        "health_insurance": "national",
    }
    values.update(person)
    return CaseDetails(
        event_date=date(2026, 4, 1),
        address={"postal_code": "2600013", "prefecture": "千葉県", "city": "みなと市中央区", "town": "港町"},
        previous_address={},
        moved_from_kind="other_municipality",
        contact_phone="",
        household_facts={},
        people=[PersonDetails(**values)],
    )


# Every fact of a one-person move-in answered, so that the plan asks nothing more and the forms print.
ANSWERED_MEMBER_FACTS = {
    "has_my_number_card": False,
    "has_seal_registration": False,
    "has_driving_licence": False,
    "care_certified": False,
    "disability_certificate": False,
    "pregnant": False,
    "has_maternal_handbook": False,
    "receives_public_pension": False,
    "owns_real_estate": False,
    "child_allowance_recipient": False,
    "school": "none",
}
ANSWERED_HOUSEHOLD_FACTS = {
    "single_parent": False,
    "dog": False,
    "light_motorbike": False,
    "car": False,
    "receives_public_assistance": False,
}


def answered(case_details: CaseDetails) -> CaseDetails:
    """`case_details` with every household and member fact answered."""
    case_details.household_facts = dict(ANSWERED_HOUSEHOLD_FACTS)
    for person in case_details.people:
        person.facts = dict(ANSWERED_MEMBER_FACTS)
    return case_details


def test_case_numbers_count_per_office_and_day(staff_of: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    first, second = new_case(clerk), new_case(clerk)
    assert first.number.startswith("chuo-")
    assert first.number.endswith("-0001")
    assert second.number.endswith("-0002")


def test_the_states_follow_the_visit_and_every_transition_is_timestamped(staff_of: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    case = do_save_case_details(clerk, case, details())
    assert case.state == Case.State.INTERVIEWING
    assert case.interviewing_at is not None
    with pytest.raises(CaseStateError):
        do_submit_case(clerk, case, prepare(case, received_on=reception_date(case)))  # not signed yet
    case = do_cancel_case(clerk, case, reason="本人の申し出")
    assert case.state == Case.State.CANCELLED
    assert case.cancelled_at is not None
    assert list(CaseTransition.objects.filter(case=case).values_list("to_state", flat=True)) == [
        "interviewing",
        "cancelled",
    ]
    with pytest.raises(CaseStateError):
        do_save_case_details(clerk, case, details())


def test_my_number_is_stored_encrypted_and_revealed_only_with_an_audit_entry(staff_of: Any) -> None:
    clerk, contractor = staff_of(Role.ONESTOP_CLERK), staff_of(Role.CONTRACTOR_CLERK)
    case = do_save_case_details(contractor, new_case(contractor), details(my_number="123456789018"))
    person = Person.objects.get(case=case)
    assert "123456789018" not in person.my_number_encrypted
    assert crypto.decrypt(person.my_number_encrypted) == "123456789018"
    with pytest.raises(CapabilityDenied):
        do_reveal_my_number(contractor, person, reason="確認")
    with pytest.raises(CaseNotReady):
        do_reveal_my_number(clerk, person, reason=" ")
    assert do_reveal_my_number(clerk, person, reason="本人確認書類との照合") == "123456789018"
    reveal = AuditEntry.objects.get(action="case.my_number.reveal")
    assert reveal.actor == "clerk"
    assert reveal.summary["reason"] == "本人確認書類との照合"
    assert "123456789018" not in str(list(AuditEntry.objects.values_list("summary", flat=True)))


def test_key_rotation_keeps_numbers_readable(staff_of: Any, settings: Any) -> None:
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MY_NUMBER_KEYS = old
    token = crypto.encrypt("123456789018")
    settings.MY_NUMBER_KEYS = f"{new},{old}"
    rotated = crypto.rotate(token)
    settings.MY_NUMBER_KEYS = new
    assert crypto.decrypt(rotated) == "123456789018"
    with pytest.raises(crypto.MyNumberKeyError):
        crypto.decrypt(token)


def test_the_case_page_normalises_each_value_once(staff_of: Any, signed_in: Any) -> None:
    # given
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    client = signed_in(clerk)
    # when
    response = client.post(reverse("cases:detail", args=[case.pk]), FORM)
    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    person = case.people.get()
    assert (person.family_name, person.family_name_kana, person.given_name_kana) == (
        "髙﨑",
        "タカサキ",
        "タロウ",
    )
    assert person.birth_date == date(1984, 7, 1)
    assert case.event_date == date(2026, 4, 1)
    assert case.address["postal_code"] == "2600013"
    assert case.previous_address["municipality_code"] == "131016"
    assert case.contact_phone == "090-1234-5678"
    assert crypto.decrypt(person.my_number_encrypted) == "123456789018"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "123456789018" not in page
    assert "1234 5678 9018" not in page
    # the form, the plan and the reveal list share one read of the household
    assert sum('FROM "cases_person"' in q["sql"] for q in queries.captured_queries) == 1


def test_the_error_summary_names_each_field_and_whose_it_is(staff_of: Any, signed_in: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    form = {**FORM, "p-0-birth_date": "", "addr-town": "", "p-1-relationship": "child", "p-1-sex": "female"}
    html = signed_in(clerk).post(reverse("cases:detail", args=[case.pk]), form).content.decode()
    summary = html.split('class="form-errors"')[1].split("</ul>")[0]
    assert '<a href="#p-0-birth_date">髙﨑 太郎さん：生年月日 — 入力してください。</a>' in summary
    assert '<a href="#addr-town">住所：町名・番地 — 入力してください。</a>' in summary
    assert '<a href="#p-1-family_name">2人目の方：氏 — 入力してください。</a>' in summary


def test_a_toddler_cannot_be_the_notifier(staff_of: Any, signed_in: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    form = {
        **FORM,
        "p-1-family_name": "髙﨑",
        "p-1-given_name": "翼",
        "p-1-birth_date": "2024-01-05",
        "p-1-relationship": "child",
        "p-1-sex": "male",
        "p-1-health_insurance": "national",
        "p-1-subject": "on",
        "notifier": "1",  # the 2-year-old's radio button by mistake
    }
    response = signed_in(clerk).post(reverse("cases:detail", args=[case.pk]), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "届出人は2歳です。届出と署名は15歳以上の方にお願いしてください。" in html
    assert '<a href="#p-1-notifier">髙﨑 翼さん：届出人 — 届出人は2歳です。' in html
    assert not Person.objects.filter(case=case).exists()
    # the father as notifier: saved
    response = signed_in(clerk).post(reverse("cases:detail", args=[case.pk]), {**form, "notifier": "0"})
    assert response.status_code == 302


def test_a_my_number_typed_stays_in_its_field_after_a_mistake_elsewhere_and_is_saved_with_the_fix(
    staff_of: Any, signed_in: Any
) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    client = signed_in(clerk)
    url = reverse("cases:detail", args=[case.pk])
    # a mistake in the birth date; the My Number is right
    response = client.post(url, {**FORM, "p-0-birth_date": "平成31年5月1日"})
    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    # kept (masked, in a password field) with a note that it is not saved yet, not "type it again"
    assert 'type="password" id="p-0-my_number" name="p-0-my_number"' in html
    assert 'value="1234 5678 9018"' in html
    assert "入力済み（まだ保存されていません）" in html
    # the browser sends the form again as shown, with the date fixed: the number is saved
    response = client.post(url, {**FORM, "p-0-birth_date": "S59.7.1"})
    assert response.status_code == 302
    assert crypto.decrypt(case.people.get().my_number_encrypted) == "123456789018"
    # a wrong My Number itself is not kept: the clerk types it again where the error says
    html = client.post(url, {**FORM, "p-0-my_number": "123456789012"}).content.decode()
    assert 'value="123456789012"' not in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("p-0-my_number", "123456789012", "個人番号が正しくありません"),
        ("p-0-family_name_kana", "山田", "フリガナはカタカナで入力してください"),
        ("p-0-birth_date", "平成31年5月1日", "平成31年5月1日は存在しない日付です"),
        ("prev-municipality", "131017", "検査用数字が一致しません"),
        ("addr-postal_code", "12345", "郵便番号は7桁の数字で入力してください"),
    ],
)
def test_wrong_values_get_a_japanese_message_next_to_the_field(
    staff_of: Any, signed_in: Any, field: str, value: str, message: str
) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    response = signed_in(clerk).post(reverse("cases:detail", args=[case.pk]), {**FORM, field: value})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="{field}-error"' in html or f'name="{field}"' in html
    assert message in html
    assert not Person.objects.filter(case=case).exists()


def test_cases_of_another_office_are_refused(staff_of: Any, signed_in: Any) -> None:
    case = new_case(staff_of(Role.ONESTOP_CLERK))
    branch = staff_of(Role.BRANCH_STAFF)
    assert signed_in(branch).get(reverse("cases:detail", args=[case.pk])).status_code == 403


def test_a_branch_office_opens_a_case_with_its_long_office_code_in_the_number(
    staff_of: Any, signed_in: Any
) -> None:
    branch = staff_of(Role.BRANCH_STAFF)
    assert branch.office.code == "kita-yamate"
    response = signed_in(branch).post(
        reverse("cases:create"), {"event": "tennyu", "event_date": "2026-11-20"}
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.number == f"kita-yamate-{timezone.localdate():%Y%m%d}-0001"
    assert response["Location"] == reverse("cases:detail", args=[case.pk])


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CONCIERGE, Role.CENTER_APPROVER])
def test_roles_without_case_work_cannot_open_or_create_cases(
    staff_of: Any, signed_in: Any, role: Role
) -> None:
    client = signed_in(staff_of(role))
    assert client.post(reverse("cases:create"), {"event": "tennyu"}).status_code == 403
    assert not Case.objects.exists()


def test_ready_for_signature_prints_the_bundle_and_counts_what_the_resident_no_longer_writes(
    staff_of: Any, signed_in: Any
) -> None:
    # given: a one-person move-in with every fact answered
    clerk = staff_of(Role.ONESTOP_CLERK)
    case_details = answered(details(is_notifier=True))
    case = do_save_case_details(clerk, new_case(clerk), case_details)
    client = signed_in(clerk)
    # when
    response = client.post(reverse("cases:ready", args=[case.pk]))
    # then
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.READY_FOR_SIGNATURE
    assert case.handwritten_entries_now == 1
    assert case.handwritten_entries_before > 10
    assert case.received_on == timezone.localdate()  # the Tokyo day, printed as 受付日
    pdf = client.get(reverse("cases:bundle", args=[case.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert hashlib.sha256(pdf.content).hexdigest() == case.bundle_sha256  # what the resident signs
    assert AuditEntry.objects.filter(action="case.print", target_id=str(case.pk)).exists()
    submitted = client.post(reverse("cases:transition", args=[case.pk, "submit"]))
    assert submitted.status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.SUBMITTED
    # the submission holds exactly what was printed and signed, and the plan as signed
    submission = Submission.objects.get(source_id=str(case.pk))
    assert bytes(submission.bundle_pdf) == pdf.content
    assert submission.bundle_sha256 == case.bundle_sha256
    assert submission.received_on == case.received_on
    assert "tennyu-todoke" in [p["code"] for p in submission.plan["procedures"]]
    assert client.get(reverse("cases:bundle", args=[case.pk])).content == pdf.content  # the reprint


def test_rotate_keys_command_re_encrypts_every_stored_number(staff_of: Any, settings: Any) -> None:
    from cryptography.fernet import Fernet
    from django.core.management import CommandError, call_command

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MY_NUMBER_KEYS = old
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = do_save_case_details(clerk, new_case(clerk), details(my_number="123456789018"))
    settings.MY_NUMBER_KEYS = new  # the old key forgotten too early
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("mynumber", "rotate-keys")
    settings.MY_NUMBER_KEYS = f"{new},{old}"
    call_command("mynumber", "rotate-keys")
    settings.MY_NUMBER_KEYS = new
    assert crypto.decrypt(Person.objects.get(case=case).my_number_encrypted) == "123456789018"
    assert AuditEntry.objects.filter(action="case.my_number.rotate").exists()


def test_the_navigator_never_asks_what_sex_and_age_already_settle(staff_of: Any) -> None:
    from madoguchi.cases.casefile import household_facts
    from madoguchi.catalog.service import current_catalog
    from madoguchi.demo.cases import person
    from madoguchi.rules.engine import make_plan

    # given: a couple moving in with their baby; the husband is the head of household
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    husband = person("m1", "head", "一郎", date(1988, 3, 3), "male")
    wife = person("m2", "spouse", "花子", date(1990, 1, 1), "female")
    baby = person("m3", "child", "太郎", date(2026, 1, 5), "male")
    case = do_save_case_details(
        clerk,
        case,
        CaseDetails(
            event_date=date(2026, 4, 1),
            address={
                "postal_code": "2600013",
                "prefecture": "千葉県",
                "city": "みなと市中央区",
                "town": "港町",
            },
            previous_address={"prefecture": "東京都", "city": "千代田区", "town": "千代田1-1"},
            moved_from_kind="other_municipality",
            contact_phone="090-1234-5678",
            household_facts={},
            people=[husband, wife, baby],
        ),
    )
    # when
    plan = make_plan(current_catalog(), household_facts(case))
    asked = {(q.member_id, q.fact) for q in plan.questions}
    # then: the wife may be asked whether she is pregnant; the husband and the baby are not
    assert ("m1", "member.pregnant") not in asked
    assert ("m3", "member.pregnant") not in asked
    assert not any(fact == "member.has_maternal_handbook" and who in {"m1", "m3"} for who, fact in asked)
    # and nobody asks whether the baby registers a seal or receives the child allowance
    assert ("m3", "member.has_seal_registration") not in asked
    assert ("m3", "member.child_allowance_recipient") not in asked
    # what the household still needs to say is asked, of the right people
    assert ("m2", "member.pregnant") in asked
    assert ("m1", "member.has_seal_registration") in asked


def test_the_case_list_shows_whom_each_case_is_about_and_finds_them_by_name_or_reading(
    staff_of: Any, signed_in: Any
) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    takasaki = new_case(clerk)
    signed_in(clerk).post(reverse("cases:detail", args=[takasaki.pk]), FORM)  # 髙﨑 太郎（タカサキ タロウ）
    other = do_save_case_details(clerk, new_case(clerk), details(is_notifier=True))  # 山田 花子
    client = signed_in(clerk)
    page = client.get(reverse("cases:list")).content.decode()
    assert "髙﨑　太郎" in page
    assert "山田　花子" in page
    for typed in ("髙﨑", "たかさき", "ﾀｶｻｷ", "タロウ", takasaki.number[-4:]):
        found = client.get(reverse("cases:list"), {"q": typed}).content.decode()
        assert takasaki.number in found, typed
        assert other.number not in found, typed
    assert "見つかりませんでした。" in client.get(reverse("cases:list"), {"q": "佐藤"}).content.decode()


def test_the_resident_copy_lists_what_was_taken_in_and_what_is_done_elsewhere_without_numbers(
    staff_of: Any, signed_in: Any
) -> None:
    from madoguchi.audit.models import AuditEntry
    from madoguchi.demo.cases import make_submitted_case

    clerk = staff_of(Role.ONESTOP_CLERK)
    draft = new_case(clerk)
    client = signed_in(clerk)
    # nothing submitted yet: back to the case with a message
    assert client.get(reverse("cases:receipt", args=[draft.pk]))["Location"] == reverse(
        "cases:detail", args=[draft.pk]
    )
    case = make_submitted_case(clerk)
    assert "お客様の控えを印刷" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    response = client.get(reverse("cases:receipt", args=[case.pk]))
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert case.number in html
    assert "港　花子" in html
    assert "港　太郎" in html
    taken_in, elsewhere = html.split("この窓口でお預かりした手続")[1].split("ほかの窓口・機関でのお手続き")
    assert "国民健康保険 加入（資格取得）" in taken_in
    assert "転入届" in taken_in  # done at this counter, though not by the center
    assert "水道の使用開始の申込み" in elsewhere
    assert "転入届" not in elsewhere
    assert "090-1234-5678" not in html  # no contact number, no My Number on the copy
    assert AuditEntry.objects.filter(action="case.receipt", target_id=str(case.pk)).exists()


def test_the_resident_copy_is_printed_in_the_residents_language(staff_of: Any, signed_in: Any) -> None:
    from madoguchi.demo.cases import make_submitted_case

    clerk = staff_of(Role.ONESTOP_CLERK)
    case = make_submitted_case(clerk)
    client = signed_in(clerk)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f"{reverse('cases:receipt', args=[case.pk])}?lang=en" in detail
    html = client.get(reverse("cases:receipt", args=[case.pk]), {"lang": "en"}).content.decode()
    assert '<html lang="en">' in html
    assert "National Health Insurance enrolment" in html  # the catalog's English name
    assert "国民健康保険 加入" not in html
    # the names as written, marked Japanese, with how to read them
    assert '<span lang="ja">港　花子</span> (<span lang="ja">ミナト　ハナコ</span>)' in html
    easy = client.get(reverse("cases:receipt", args=[case.pk]), {"lang": "ja-easy"}).content.decode()
    assert '<html lang="ja">' in easy
    # the catalog's name in やさしい日本語, which keeps the official name in brackets
    assert "こくみんけんこうほけんに はいる（国民健康保険 加入）" in easy
    assert "国民健康保険 加入（資格取得）" not in easy
    assert '<span lang="ja">港　太郎</span>（<span lang="ja">ミナト　タロウ</span>）' in easy
    # the name in Latin letters, where the resident gave one, is the English copy's reading
    from madoguchi.cases.views import receipt_name

    member = {"family_name": "王", "given_name": "芳"}
    member |= {"family_name_kana": "ワン", "given_name_kana": "ファン"}
    assert receipt_name(member, "ja") == {"name": "王　芳"}
    assert receipt_name(member | {"name_roman": "WANG Fang"}, "en")["reading"] == "WANG Fang"
    assert receipt_name(member | {"name_roman": "WANG Fang"}, "ja-easy")["reading"] == "ワン　ファン"
    assert receipt_name({"family_name": "港", "given_name": "一郎"}, "en") == {"name": "港　一郎"}
    # an unknown language is the city's Japanese record, not an error
    assert (
        "この窓口でお預かりした手続"
        in client.get(reverse("cases:receipt", args=[case.pk]), {"lang": "xx"}).content.decode()
    )


def test_the_case_keeps_the_residents_language_for_their_copy_and_messages(
    staff_of: Any, signed_in: Any
) -> None:
    from madoguchi.demo.cases import make_submitted_case

    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    client = signed_in(clerk)
    url = reverse("cases:detail", args=[case.pk])
    assert 'name="language" value="ja" checked' in client.get(url).content.decode()  # Japanese unless chosen
    # a value that is not one of the site's languages is named, and nothing is saved
    refused = client.post(url, {**FORM, "language": "xx"})
    assert refused.status_code == 400
    assert '<a href="#language">お知らせ・控えの言語 — お知らせ・控えの言語を選んでください。</a>' in (
        refused.content.decode()
    )
    assert not Person.objects.filter(case=case).exists()
    # chosen: stored, and shown chosen again
    assert client.post(url, {**FORM, "language": "ja-easy"}).status_code == 302
    case.refresh_from_db()
    assert case.language == "ja-easy"
    assert 'name="language" value="ja-easy" checked' in client.get(url).content.decode()
    # the resident's copy is printed in the case's language unless another is asked for
    submitted = make_submitted_case(clerk)
    submitted.language = "en"
    submitted.save(update_fields=["language"])
    receipt = reverse("cases:receipt", args=[submitted.pk])
    assert '<html lang="en">' in client.get(receipt).content.decode()
    assert '<html lang="ja">' in client.get(receipt, {"lang": "ja"}).content.decode()
    detail = client.get(reverse("cases:detail", args=[submitted.pk])).content.decode()
    assert f'href="{receipt}?lang=ja"' in detail  # the other languages are one click away
    assert f'href="{receipt}?lang=en"' not in detail


def test_in_english_the_choices_and_life_events_are_english(staff_of: Any, signed_in: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    client = signed_in(clerk)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    for english in ("Head of household", "National Health Insurance", "Elementary school", "Moving in"):
        assert english in page, english
    for japanese in ("世帯主</option>", "国民健康保険</option>", "小学校</option>"):
        assert japanese not in page, japanese
    listing = client.get(reverse("cases:list")).content.decode()
    assert "<td>Moving in</td>" in listing
    navigator = client.get("/navigator/tennyu/").content.decode()
    assert "Head of household" in navigator
    # in Japanese (the default) the same pages stay Japanese
    client.cookies["django_language"] = "ja"
    assert "世帯主</option>" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()


ACCOUNT = {
    "bank": "みなと銀行",
    "branch": "港町支店",
    "kind": "ordinary",
    "number": "0012345",
    "holder_kana": "ミナト　ハナコ",
}


def test_the_bank_account_asked_at_the_counter_leaves_only_the_signature(
    staff_of: Any, signed_in: Any
) -> None:
    from madoguchi.demo.cases import fill_and_submit, make_submitted_case, person

    clerk = staff_of(Role.ONESTOP_CLERK)
    # without the account, the child allowance's three account cells are left to the resident's hand
    unasked = make_submitted_case(clerk)
    assert unasked.handwritten_entries_now == 4
    # the case page asks for it because the plan has the child allowance (a form printing an account)
    page = signed_in(clerk).get(reverse("cases:detail", args=[unasked.pk])).content.decode()
    assert "振込先口座は請求する方ご本人の名義に限ります" in page
    assert 'name="p-1-previous_school"' in page  # the child
    assert 'name="p-0-previous_school"' not in page  # the mother
    # asked at the counter, they are printed: the resident signs and writes nothing else
    case = new_case(clerk)
    people = [
        person("m1", "head", "花子", date(1990, 1, 1), "female"),
        person("m2", "child", "太郎", date(2020, 5, 5), "male"),
    ]
    case = fill_and_submit(clerk, case, people, payment_account=ACCOUNT)
    assert case.handwritten_entries_now == 1
    submission = Submission.objects.get(source_id=str(case.pk))
    assert submission.data["bank_account"] == ACCOUNT
    assert unasked.handwritten_entries_before == case.handwritten_entries_before


def test_the_case_form_reads_the_account_whole_or_names_what_is_missing(
    staff_of: Any, signed_in: Any
) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    client = signed_in(clerk)
    url = reverse("cases:detail", args=[case.pk])
    partial = client.post(url, {**FORM, "bank-bank": "みなと銀行", "bank-number": "12-34567-8"})
    assert partial.status_code == 400
    page = partial.content.decode()
    assert "振込先口座：支店名 — 入力してください。" in page
    assert "振込先口座：口座番号 — 口座番号は7桁までの数字で入力してください。" in page
    assert "振込先口座：口座名義（カナ） — 入力してください。" in page
    whole = {
        **FORM,
        "bank-bank": "みなと銀行",
        "bank-branch": "港町支店",
        "bank-kind": "ordinary",
        "bank-number": "１２３４５",
        "bank-holder_kana": "ﾀｶｻｷ ﾀﾛｳ",
    }
    assert client.post(url, whole).status_code == 302
    case.refresh_from_db()
    assert case.payment_account == {
        "bank": "みなと銀行",
        "branch": "港町支店",
        "kind": "ordinary",
        "number": "0012345",
        "holder_kana": "タカサキ　タロウ",
    }
    # emptied again: no account (an allowance may be claimed later), not half an account
    cleared = {**whole, "bank-bank": "", "bank-branch": "", "bank-number": "", "bank-holder_kana": ""}
    assert client.post(url, cleared).status_code == 302
    case.refresh_from_db()
    assert case.payment_account == {}


def test_a_funeral_date_before_the_death_is_refused(staff_of: Any, signed_in: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk, event="shibou")
    client = signed_in(clerk)
    url = reverse("cases:detail", args=[case.pk])
    assert "葬儀を行った日" in client.get(url).content.decode()
    before = client.post(url, {**FORM, "funeral_date": "令和8年3月30日"})
    assert before.status_code == 400
    assert "葬儀を行った日が亡くなった日より前になっています。" in before.content.decode()
    assert client.post(url, {**FORM, "funeral_date": "R8.4.3"}).status_code == 302
    case.refresh_from_db()
    assert case.funeral_date == date(2026, 4, 3)


def test_documents_to_check_are_grouped_by_procedure_each_once(staff_of: Any, signed_in: Any) -> None:
    import re

    from madoguchi.cases.casefile import household_facts
    from madoguchi.catalog.service import current_catalog
    from madoguchi.demo.cases import make_submitted_case
    from madoguchi.rules.engine import make_plan

    clerk = staff_of(Role.ONESTOP_CLERK)
    case = make_submitted_case(clerk)
    page = signed_in(clerk).get(reverse("cases:detail", args=[case.pk])).content.decode()
    boxes = re.findall(r'name="doc" value="([^"]*)"', page)
    plan = make_plan(current_catalog(), household_facts(case))
    distinct = {d for p in plan.procedures for d in p.documents}
    assert len(boxes) == len(set(boxes)) == len(distinct)
    assert re.search(r"<summary>転入届（\d+）</summary>", page)
