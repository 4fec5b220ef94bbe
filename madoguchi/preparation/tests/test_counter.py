"""The counter's side: the scan page, the badges of prepared values, the list of visits, the import API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from madoguchi.audit.chain import SystemActor
from madoguchi.cases.models import Case
from madoguchi.preparation import actions, qr
from madoguchi.preparation.models import PreparedVisit
from madoguchi.preparation.tests.households import household
from madoguchi.reservations.actions import Resident
from madoguchi.staff.actions import do_create_api_token
from madoguchi.staff.roles import Role

RESIDENT = Resident(office_code="chuo")


def test_a_scanned_code_opens_the_case_with_each_prepared_value_marked(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    texts = actions.do_finish(RESIDENT, household(4)).texts
    assert client.get("/prepared/scan/").status_code == 200
    response = client.post("/prepared/scan/", {"code": "\r\n".join(texts) + "\r\n"})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "本人がスマートフォンで入力" in page
    assert 'id="prepared-notice"' in page
    assert "𠮷田" in page
    again = client.post("/prepared/scan/", {"code": texts[0]})  # a second scan: the same case
    assert again["Location"] == f"/cases/{case.pk}/"
    assert Case.objects.count() == 1


def test_the_parts_of_a_sequence_are_kept_in_the_page_until_all_are_read(
    staff_of: Any, signed_in: Any
) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    texts = actions.do_finish(RESIDENT, household(8)).texts
    assert len(texts) == 2
    first = client.post("/prepared/scan/", {"code": texts[1]})
    assert first.status_code == 200
    assert "2個のうち1個" in first.content.decode()
    assert not Case.objects.exists()
    done = client.post("/prepared/scan/", {"part": [texts[1]], "code": texts[0]})
    assert done.status_code == 302
    assert Case.objects.get().people.count() == 8


def test_a_photo_of_the_phone_is_read_on_the_server(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    texts = actions.do_finish(RESIDENT, household(2)).texts
    image = qr.png(qr.symbols(texts)[0])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/prepared/scan/", {"image": SimpleUploadedFile("phone.png", image, "image/png")})
    assert response.status_code == 302
    blank = client.post(
        "/prepared/scan/", {"image": SimpleUploadedFile("x.png", b"not an image", "image/png")}
    )
    assert blank.status_code == 400
    assert "QRコードを読み取れませんでした" in blank.content.decode()


def test_a_refused_code_says_why_and_creates_nothing(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    text = actions.do_finish(RESIDENT, household(1)).texts[0]
    changed = text[:-3] + ("A" if text[-3] != "A" else "B") + text[-2:]
    for bad, message in [
        (changed, "変えられています"),
        ("hello", "事前入力のQRコードではありません"),
        (text[:-1], "途中までしか"),
    ]:
        response = client.post("/prepared/scan/", {"code": bad})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Case.objects.exists()


def test_the_scan_page_may_use_the_camera_and_no_other_page_may(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    assert "camera=(self)" in client.get("/prepared/scan/")["Permissions-Policy"]
    assert "camera=()" in client.get("/cases/")["Permissions-Policy"]


def test_only_case_handlers_scan_and_managers_see_the_visits_coming(staff_of: Any, signed_in: Any) -> None:
    assert signed_in(staff_of(Role.MANAGER)).get("/prepared/scan/").status_code == 403
    actions.do_finish(RESIDENT, household(3))
    page = signed_in(staff_of(Role.MANAGER)).get("/prepared/visits/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2026-12-07" in text
    assert "𠮷田" not in text  # no names on the planning page


def _api(client: Client, token: str, body: Any) -> Any:
    return client.post(
        "/api/v1/preparations/import",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_the_import_api_opens_a_case_from_codes_or_a_record(staff_of: Any, client: Client) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    token = do_create_api_token(SystemActor("test"), clerk, name="test")[1]
    texts = actions.do_finish(RESIDENT, household(8)).texts
    assert _api(client, token, {"codes": texts[:1]}).status_code == 409
    made = _api(client, token, {"codes": texts})
    assert made.status_code == 201, made.content
    assert made.json()["created"] is True
    assert made.json()["saved"] is True
    again = _api(client, token, {"code": "\n".join(texts)})
    assert again.status_code == 200
    assert again.json()["case"] == made.json()["case"]
    record = household(2) | {"source": "clerk"}
    assert _api(client, token, {"preparation": record}).status_code == 201
    broken = household(1)
    broken["members"][0]["birth_date"] = "yesterday"
    refused = _api(client, token, {"preparation": broken})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["path"].startswith("preparation.")
    assert _api(client, token, {"code": "hello"}).status_code == 400
    assert _api(client, token, {"code": 5}).status_code == 400
    assert _api(client, token, []).status_code == 400
    assert _api(client, "wrong", {"code": texts[0]}).status_code == 401
    manager = staff_of(Role.MANAGER)
    assert (
        _api(
            client, do_create_api_token(SystemActor("test"), manager, name="m")[1], {"codes": texts}
        ).status_code
        == 403
    )
    assert PreparedVisit.objects.filter(case__isnull=False).count() == 2


def test_an_imported_hikkoshi_file_is_listed_on_the_scan_page_and_opens_the_case(
    staff_of: Any, signed_in: Any, tmp_path: Any
) -> None:
    import io as _io
    from pathlib import Path

    from django.core.management import CommandError, call_command

    samples = Path(__file__).resolve().parent / "samples"
    out = _io.StringIO()
    good = str(samples / "hikkoshi-two-households-utf8.csv")
    call_command("preparation", "import", "--kind", "hikkoshi", good, stdout=out)
    assert "2 preparation(s) kept" in out.getvalue()
    call_command("preparation", "import", "--kind", "hikkoshi", good, stdout=out)
    assert PreparedVisit.objects.filter(mode="imported").count() == 2  # read again: the same two
    broken = str(samples / "broken-bad-values.csv")
    with pytest.raises(CommandError) as refused:
        call_command("preparation", "import", "--kind", "hikkoshi", broken)
    assert refused.value.returncode == 2
    assert "3行目 続柄" in str(refused.value)
    assert PreparedVisit.objects.count() == 2
    clerk = staff_of(Role.ONESTOP_CLERK)
    client = signed_in(clerk)
    page = client.get("/prepared/scan/").content.decode()
    assert "𠮷田 髙志" in page
    visit = PreparedVisit.objects.get(mode="imported", members=4)
    opened = client.post(f"/prepared/imported/{visit.pk}/open/")
    assert opened.status_code == 302
    case = Case.objects.get()
    assert case.people.count() == 4
    detail = client.get(opened["Location"]).content.decode()
    assert "マイナポータル（引越しワンストップ）" in detail
    assert "𠮷田 髙志" not in client.get("/prepared/scan/").content.decode()  # opened: no longer waiting


def test_the_announced_day_of_an_imported_visit_becomes_a_proposed_slot_the_clerk_books(
    staff_of: Any, signed_in: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from madoguchi.organization.models import Queue
    from madoguchi.reservations.actions import open_days
    from madoguchi.reservations.models import Reservation

    queue = Queue.objects.get(office__code="chuo", code=Queue.ONE_STOP_CODE)
    soon = timezone.localdate() + timedelta(days=1)
    day = next(d.day for d in open_days(queue) if d.remaining and d.day > soon)
    data = household(3) | {"source": "mynaportal_hikkoshi"}
    data["visit"] = {"office": "chuo", "date": day.isoformat()}
    (visit,) = actions.do_import(SystemActor("test"), [data])
    assert visit.proposed_start is not None
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    page = client.get("/prepared/scan/").content.decode()
    assert f"{visit.proposed_start:%H:%M} で予約する" in page
    assert client.post(f"/prepared/imported/{visit.pk}/book/").status_code == 302
    assert client.post(f"/prepared/imported/{visit.pk}/book/").status_code == 302  # a double click
    reservation = Reservation.objects.get()
    assert reservation.day == day
    assert reservation.start == visit.proposed_start
    assert reservation.name_kana == "ヨシダ　タカシ"
    visit.refresh_from_db()
    assert visit.reservation == reservation
    assert "予約 " in client.get("/prepared/scan/").content.decode()


def test_a_value_the_clerk_corrects_on_the_case_page_then_says_it_came_from_the_counter(
    staff_of: Any, signed_in: Any
) -> None:
    from madoguchi.cases.entry import entry_from_case

    clerk = staff_of(Role.ONESTOP_CLERK)
    client = signed_in(clerk)
    case = actions.open_case(
        clerk, actions.read_codes(actions.do_finish(RESIDENT, household(2)).texts), office=clerk.office
    ).case
    values = dict(entry_from_case(case).values)
    values["addr-building"] = "髙﨑ハイツ306"
    assert client.post(f"/cases/{case.pk}/", values).status_code == 302
    visit = PreparedVisit.objects.get()
    assert visit.field_sources["addr-building"] == "clerk"
    assert visit.field_sources["addr-town"] == "resident"
    assert visit.record["address"]["building"] == "髙﨑ハイツ305"  # what was brought stays as brought
    assert "窓口で入力" in client.get(f"/cases/{case.pk}/").content.decode()
