"""Malformed input at every edge answers 4xx naming the field, never 500 (run on SQLite and PostgreSQL:
NUL only fails on PostgreSQL).

The causes the audit found: NUL in paths, query strings, JSON and form fields; JSON nested 100,000 deep;
5,000-digit integers; dates like 9999-12-31 and 0001-01-01; non-numeric ids; over-long or duplicate member
ids and over-long text.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlencode
from uuid import uuid4

import pytest
from django.test import Client

from madoguchi.audit.chain import SystemActor
from madoguchi.cases.actions import do_create_case
from madoguchi.cases.models import Case
from madoguchi.organization.models import Office
from madoguchi.reception.actions import do_create_kiosk_token
from madoguchi.staff.actions import do_create_api_token

pytestmark = pytest.mark.django_db

FAMILY = {
    "event": "tennyu",
    "event_date": "2026-04-01",
    "moved_from": {"kind": "other_municipality", "municipality_code": "131016"},
    "members": [
        {"id": "m1", "relationship": "head", "birth_date": "1988-05-10", "health_insurance": "national"},
    ],
}
DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "9" * 5000
FORM_ENCODED = "application/x-www-form-urlencoded"


def family(**changes: Any) -> str:
    data = json.loads(json.dumps(FAMILY))
    for path, value in changes.items():
        target = data
        *parents, last = path.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return json.dumps(data)


def refused(response: Any, field: str, statuses: tuple[int, ...] = (400,)) -> None:
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    text = response.content.decode()
    assert field in text, text[:500]


def client(**kwargs: Any) -> Client:
    return Client(raise_request_exception=False, **kwargs)


# --- The anonymous plans API ---------------------------------------------------------------------------

PLAN_BODIES = [
    ("nul in a string", family(event="tennyu\u0000"), "event"),
    ("nul in a key", json.dumps({**FAMILY, "a\u0000": 1}), "(body)"),
    ("nested 100,000 deep", DEEP, "(body)"),
    ("5,000-digit integer", HUGE, "(body)"),
    ("integer beyond 2**53", family(members__0__age=2**60), "age"),
    ("NaN", '{"event": NaN}', "(body)"),
    ("not UTF-8", b'{"event": "\xff"}', "(body)"),
    ("event date 9999-12-31", family(event_date="9999-12-31"), "event_date"),
    ("event date 0001-01-01", family(event_date="0001-01-01"), "event_date"),
    ("birth date 0001-01-01", family(members__0__birth_date="0001-01-01"), "birth_date"),
    ("over-long member id", family(members__0__id="m" * 5000), "id"),
]


@pytest.mark.parametrize(
    ("body", "field"), [case[1:] for case in PLAN_BODIES], ids=[c[0] for c in PLAN_BODIES]
)
def test_plans_api_refuses_bad_bodies(demo_city: None, body: str | bytes, field: str) -> None:
    # when
    response = client().post("/api/v1/plans", body, content_type="application/json")
    # then
    refused(response, field)
    assert response.json()["errors"]


def test_plans_api_refuses_nul_in_the_query(demo_city: None) -> None:
    response = client().post("/api/v1/plans?office=chuo%00", family(), content_type="application/json")
    refused(response, "office")


# --- The kiosk and counter APIs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (DEEP, "(body)"),
        (HUGE, "(body)"),
        ('{"office": "chuo", "queue": "one-stop\\u0000"}', "queue"),
        ('{"office": "chuo", "queue": "one-stop", "priority": 1e999}', "(body)"),
    ],
    ids=["deep", "huge", "nul", "infinity"],
)
def test_kiosk_api_refuses_bad_bodies(demo_city: None, body: str, field: str) -> None:
    # given
    _kiosk, token = do_create_kiosk_token(SystemActor("test"), office=Office.objects.get(code="chuo"))
    # when
    response = client().post(
        "/api/v1/tickets", body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    # then
    refused(response, field, (400, 413))


@pytest.mark.parametrize(
    ("body", "field"),
    [(DEEP[:4000], "(body)"), ('{"queue": "kaigo", "note": "a\\u0000"}', "note"), (HUGE[:3000], "(body)")],
    ids=["deep", "nul", "huge"],
)
def test_counter_api_refuses_bad_transfer_bodies(staff_of: Any, body: str, field: str) -> None:
    # given
    _token, secret = do_create_api_token(SystemActor("test"), staff_of("onestop_clerk"))
    # when
    response = client().post(
        f"/api/v1/tickets/{uuid4()}/transfer",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    # then
    refused(response, field, (400, 413))


# --- Paths and query strings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/wait/a%00b/", "(path)"),
        ("/reserve/chuo/?date=2026-04-01%00", "date"),
        ("/reserve/chuo/?queue=one-stop%00", "queue"),
        ("/navigator/?q=%00", "q"),
    ],
)
def test_anonymous_urls_refuse_nul(demo_city: None, url: str, field: str) -> None:
    refused(client().get(url), field)


@pytest.mark.parametrize(
    "query",
    ["q=%00", "date_from=9999-12-31", "date_from=0001-01-01", "date_to=9999-12-31", "date_from=abc"],
)
def test_audit_search_refuses_bad_queries(staff_of: Any, signed_in: Any, query: str) -> None:
    # when
    response = signed_in(staff_of("manager")).get(f"/audit/?{query}")
    # then
    refused(response, "q" if query.startswith("q=") else "日")


# --- The case page's form ------------------------------------------------------------------------------

CASE_FORM = {
    "event_date": "2026-04-01",
    "addr-postal_code": "2600013",
    "addr-prefecture": "千葉県",
    "addr-city": "みなと市中央区",
    "addr-town": "港町",
    "addr-block": "1-1-1",
    "p-0-member_id": "m1",
    "p-0-family_name": "山田",
    "p-0-given_name": "太郎",
    "p-0-birth_date": "S59.7.1",
    "p-0-relationship": "head",
    "p-0-sex": "male",
    "p-0-nationality": "JP",
    "p-0-health_insurance": "national",
    "p-0-subject": "on",
    "notifier": "0",
}
SECOND_PERSON = {
    "p-1-member_id": "m2",
    "p-1-family_name": "山田",
    "p-1-given_name": "花子",
    "p-1-birth_date": "1990-01-01",
    "p-1-relationship": "spouse",
    "p-1-sex": "female",
    "p-1-nationality": "JP",
    "p-1-health_insurance": "national",
    "p-1-subject": "on",
}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"addr-town": "港町\x00"}, "addr-town"),
        ({"addr-building": "x" * 5000}, "addr-building"),
        ({"addr-building": "ビル\x07"}, "addr-building"),
        ({"event_date": "9999-12-31"}, "event_date"),
        ({"event_date": "0001-01-01"}, "event_date"),
        ({"p-0-birth_date": "1872-12-31"}, "p-0-birth_date"),
        ({"p-0-member_id": "m" * 100}, "p-0-member_id"),
        ({**SECOND_PERSON, "p-1-member_id": "m1"}, "p-1-member_id"),
        ({"p-0-member_id": "m1\x01"}, "p-0-member_id"),
        ({"contact_phone": "0" * 5000}, "contact_phone"),
        ({"moved_from": "x" * 100}, "moved_from"),
        ({"event_date": "9999-12-31", "funeral_date": "9999-12-31"}, "event_date"),
    ],
    ids=[
        "nul",
        "over-long building",
        "bell character",
        "event date 9999",
        "event date 0001",
        "birth before meiji 6",
        "over-long member id",
        "duplicate member id",
        "control in member id",
        "over-long phone",
        "over-long moved-from",
        "far event date with a far funeral",
    ],
)
def test_case_form_refuses_bad_fields(
    staff_of: Any, signed_in: Any, changes: dict[str, str], field: str
) -> None:
    # given
    clerk = staff_of("onestop_clerk")
    case = do_create_case(clerk, office=clerk.office, event="tennyu", event_date=date(2026, 4, 1))
    # when
    response = signed_in(clerk).post(f"/cases/{case.pk}/", {**CASE_FORM, **changes})
    # then
    assert response.status_code == 400, response.status_code
    text = response.content.decode()
    assert f'href="#{field}"' in text or f"「{field}」" in text  # the summary (or the error page) names it
    assert not Case.objects.get(pk=case.pk).people.exists()  # nothing half-written


def test_case_form_ignores_a_row_numbered_with_5000_digits(staff_of: Any, signed_in: Any) -> None:
    # given
    clerk = staff_of("onestop_clerk")
    case = do_create_case(clerk, office=clerk.office, event="tennyu", event_date=date(2026, 4, 1))
    # when
    response = signed_in(clerk).post(
        f"/cases/{case.pk}/",
        urlencode({**CASE_FORM, f"p-{HUGE}-family_name": "山田"}),
        content_type=FORM_ENCODED,
    )
    # then
    assert response.status_code == 302
    assert [p.member_id for p in Case.objects.get(pk=case.pk).people.all()] == ["m1"]


def test_case_form_refuses_nul_when_url_encoded(staff_of: Any, signed_in: Any) -> None:
    # given
    clerk = staff_of("onestop_clerk")
    case = do_create_case(clerk, office=clerk.office, event="tennyu", event_date=date(2026, 4, 1))
    # when
    body = urlencode({**CASE_FORM, "addr-building": "港ビル\x00"})
    response = signed_in(clerk).post(f"/cases/{case.pk}/", body, content_type=FORM_ENCODED)
    # then
    refused(response, "「addr-building」")
    assert not Case.objects.get(pk=case.pk).people.exists()


# --- Uploads ---------------------------------------------------------------------------------------------


def _xlsx(broken: Any) -> bytes:
    import io
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    for number in range(30):
        workbook.active.append(["業務", "課", number])
    plain = io.BytesIO()
    workbook.save(plain)
    source = zipfile.ZipFile(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, broken(data) if name == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


def test_screening_upload_refuses_an_xlsx_with_a_dtd_at_once(staff_of: Any, signed_in: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    def with_entities(data: bytes) -> bytes:
        return b'<!DOCTYPE w [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>' + data.replace(
            b"<v>", b"<v>&b;", 1
        )

    upload = SimpleUploadedFile("inventory.xlsx", _xlsx(with_entities))
    response = signed_in(staff_of("manager")).post("/screening/upload/", {"file": upload})
    assert response.status_code == 400
    assert "文書型定義（DTD）" in response.content.decode()


def test_screening_upload_of_malformed_xml_says_why_on_its_page(staff_of: Any, signed_in: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from madoguchi.tasks.worker import drain

    # when: a sheet cut in half is uploaded (its zip is sound: only reading the rows finds it broken)
    client = signed_in(staff_of("manager"))
    upload = SimpleUploadedFile("inventory.xlsx", _xlsx(lambda d: d[: len(d) // 2]))
    response = client.post("/screening/upload/", {"file": upload})
    assert response.status_code == 302
    assert drain("test") == 1
    # then: the read's page says the file could not be read and why, never a 500
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'data-status="failed"' in page.content.decode()
    assert "ファイルを読み込めませんでした" in page.content.decode()


# --- Non-numeric ids and far dates in staff forms --------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "url", "data", "field"),
    [
        ("onestop_clerk", "/reception/counter/", {"counter": "abc"}, "「counter」"),
        ("onestop_clerk", "/reception/counter/", {"counter": HUGE}, "「counter」"),
        ("center_staff", "/center/claim/", {"queue": "abc"}, "「queue」"),
        ("center_staff", "/center/exports/", {"queue": "abc", "day": "2026-04-01"}, "「queue」"),
        (
            "center_staff",
            "/center/exports/",
            {"queue": "1", "day": "9999-12-31", "encoding": "utf-8"},
            "処理日",
        ),
    ],
    ids=["counter abc", "counter 5000 digits", "claim queue abc", "export queue abc", "export day 9999"],
)
def test_staff_forms_refuse_bad_ids_and_dates(
    staff_of: Any, signed_in: Any, role: str, url: str, data: dict[str, str], field: str
) -> None:
    # when
    response = signed_in(staff_of(role)).post(url, data)
    # then
    refused(response, field)
