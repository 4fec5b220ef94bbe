"""The resident's pages: request on the phone, pick up at a store, verify; refusals in plain words."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.test import Client

from madoguchi.certificates import cards
from madoguchi.certificates.models import CertificateRequest, IssuingPoint, Suspension
from madoguchi.registry.adapter import ResidentRecord


def _card(client: Client, url: str, holder: ResidentRecord, pin: str | None = None) -> Any:
    return client.post(
        url, {"step": "card", "card": holder.card_serial, "pin": pin or cards.test_pin(holder.card_serial)}
    )


def _paper(response: Any) -> bytes:
    match = re.search(rb'href="data:application/pdf;base64,([^"]+)"', response.content)
    assert match, response.content.decode()[:2000]
    return base64.b64decode(match.group(1))


def test_requested_on_the_phone_picked_up_at_the_store_and_verified(
    client: Client, store: IssuingPoint, resident: Any, daytime: datetime
) -> None:
    # given: a resident requests a 住民票の写し on the phone
    holder = resident()
    assert _card(client, "/certificates/", holder).status_code == 302
    done = client.post(
        "/certificates/",
        {
            "step": "request",
            "kind": "juminhyo",
            "pickup": "store",
            "option-whole_household": "on",
            "nonce": "n1",
        },
    )
    assert done.status_code == 200
    made = CertificateRequest.objects.get()
    assert made.status == CertificateRequest.Status.REQUESTED
    assert made.fee == 200
    assert made.pickup_code
    assert made.pickup_code.encode() in done.content
    # when: they pick it up at the store with the same card
    url = f"/certificates/store/{store.code}/"
    assert _card(client, url, holder).status_code == 302
    page = client.get(url)
    assert made.pickup_code.encode() in page.content
    printed = client.post(url, {"step": "pickup", "request": str(made.pk)})
    # then
    paper = _paper(printed)
    made.refresh_from_db()
    assert made.status == CertificateRequest.Status.PRINTED
    verdict = client.post("/verify/", {"file": _upload(paper)})
    assert b'data-verdict="valid"' in verdict.content
    assert holder.family_name.encode() not in verdict.content  # the page shows no more than the paper
    from madoguchi.certificates.document import verification_code
    from madoguchi.certificates.models import Issuance

    by_code = client.get("/verify/", {"c": verification_code(Issuance.objects.get().serial)})
    assert b'data-verdict="valid"' in by_code.content, by_code.content.decode()[:3000]


def _upload(data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("certificate.pdf", data, content_type="application/pdf")


def test_another_card_cannot_pick_up_a_phone_request(
    client: Client, store: IssuingPoint, resident: Any, daytime: datetime
) -> None:
    owner = resident()
    other = resident(exclude=(owner.code,), household__gt=owner.household)
    _card(client, "/certificates/", owner)
    client.post("/certificates/", {"step": "request", "kind": "juminhyo", "pickup": "store", "nonce": "n"})
    made = CertificateRequest.objects.get()
    url = f"/certificates/store/{store.code}/"
    _card(client, url, other)
    assert made.pickup_code.encode() not in client.get(url).content
    refused = client.post(url, {"step": "pickup", "request": str(made.pk)})
    assert "この請求は受け取れません。" in refused.content.decode()
    made.refresh_from_db()
    assert made.status == CertificateRequest.Status.REQUESTED


def test_a_resident_under_support_measures_is_refused_at_the_store_with_a_reason(
    client: Client, store: IssuingPoint, resident: Any, daytime: datetime
) -> None:
    protected = resident(support_measure=True)
    url = f"/certificates/store/{store.code}/"
    _card(client, url, protected)
    page = client.post(url, {"step": "request", "kind": "juminhyo", "nonce": "n"})
    text = page.content.decode()
    assert "安全のための措置により" in text
    assert "窓口" in text
    assert "DV" not in text
    assert not CertificateRequest.objects.exists()
    assert b"data:application/pdf" not in page.content


def test_a_name_the_terminal_cannot_print_is_sent_to_the_counter(
    client: Client, store: IssuingPoint, resident: Any, daytime: datetime
) -> None:
    rare = resident(printable=False, family_name__in=["髙橋", "山﨑", "𠮷田"])
    url = f"/certificates/store/{store.code}/"
    _card(client, url, rare)
    page = client.post(url, {"step": "request", "kind": "juminhyo", "nonce": "n"})
    assert "印刷できない文字" in page.content.decode()


@pytest.mark.parametrize(
    ("card", "pin", "message"),
    [
        ("12345", "1234", "マイナンバーカードの番号"),
        ("１２３４５６７８９０１２", "1234", "マイナンバーカードの番号"),
        ("000000000000", "12", "暗証番号"),
        ("000000000000", "abcd", "暗証番号"),
    ],
)
def test_bad_card_input_names_the_field(
    client: Client, store: IssuingPoint, card: str, pin: str, message: str
) -> None:
    page = client.post(f"/certificates/store/{store.code}/", {"step": "card", "card": card, "pin": pin})
    assert page.status_code == 400
    assert message in page.content.decode()


def test_a_wrong_pin_says_how_many_tries_are_left(client: Client, store: IssuingPoint, resident: Any) -> None:
    holder = resident()
    wrong = "0000" if cards.test_pin(holder.card_serial) != "0000" else "1111"
    page = _card(client, f"/certificates/store/{store.code}/", holder, pin=wrong)
    assert page.status_code == 400
    assert "暗証番号が違います。" in page.content.decode()


def test_an_unknown_store_is_404(client: Client, db: None) -> None:
    assert client.get("/certificates/store/no-such-store/").status_code == 404


def test_verify_by_code_and_bad_inputs(client: Client, db: None) -> None:
    assert b'data-verdict="code"' in client.post("/verify/", {"code": "MDG1V2026-ABC.0000"}).content
    assert client.post("/verify/", {}).status_code == 400
    assert client.post("/verify/", {"file": _upload(b"not a pdf")}).status_code == 400
    assert client.get("/verify/").status_code == 200


def test_managers_see_and_acknowledge_a_suspension(
    signed_in: Callable[..., Client], staff_of: Any, store: IssuingPoint
) -> None:
    from madoguchi.certificates.actions import do_report_anomaly

    do_report_anomaly(
        store.office, "mismatch", "terminal received a document that is not its session's", point=store
    )
    manager = signed_in(staff_of("manager"))
    alert = manager.get("/certificates/manage/alerts/")
    assert "証明書の自動交付を停止している庁舎があります" in alert.content.decode()
    assert "中央区役所" in alert.content.decode()
    page = manager.get("/certificates/manage/")
    assert "自動交付を停止している庁舎があります" in page.content.decode()
    suspension = Suspension.objects.get()
    manager.post(f"/certificates/manage/suspensions/{suspension.pk}/acknowledge/", {"note": ""})
    assert Suspension.objects.filter(acknowledged_at=None).exists()
    manager.post(
        f"/certificates/manage/suspensions/{suspension.pk}/acknowledge/", {"note": "端末の設定を確認した"}
    )
    assert not Suspension.objects.filter(acknowledged_at=None).exists()
    assert "停止" not in manager.get("/certificates/manage/alerts/").content.decode()
    clerk = signed_in(staff_of("onestop_clerk"))
    assert clerk.get("/certificates/manage/").status_code == 403


def test_the_certificate_counter_finds_prints_the_request_and_issues(
    signed_in: Callable[..., Client], staff_of: Any, resident: Any, daytime: datetime
) -> None:
    # given
    clerk = signed_in(staff_of("onestop_clerk"))
    holder = resident()
    # when: the clerk searches in hiragana with a 和暦 birth date
    from madoguchi.identity.wareki import format_date

    found = clerk.post(
        "/certificates/counter/",
        {
            "step": "search",
            "family_kana": holder.family_kana,
            "given_kana": holder.given_kana,
            "birth_date": format_date(holder.birth_date),
        },
    )
    assert holder.code.encode() in found.content
    # the request prints pre-filled; only the signature is left
    form = clerk.post(
        "/certificates/counter/",
        {"subject": holder.code, "kind": "juminhyo", "relation": "self", "step": "form", "nonce": "a"},
    )
    assert form["Content-Type"] == "application/pdf"
    # issuing without the signature checked is refused, naming it
    refused = clerk.post(
        "/certificates/counter/",
        {"subject": holder.code, "kind": "juminhyo", "relation": "self", "step": "issue", "nonce": "a"},
    )
    assert refused.status_code == 400
    assert "署名" in refused.content.decode()
    issued = clerk.post(
        "/certificates/counter/",
        {
            "subject": holder.code,
            "kind": "juminhyo",
            "relation": "self",
            "step": "issue",
            "signed": "on",
            "nonce": "a",
        },
    )
    # then
    assert issued["Content-Type"] == "application/pdf"
    made = CertificateRequest.objects.get()
    assert made.status == CertificateRequest.Status.PRINTED
    assert made.channel == "counter"
    assert made.fee == 300
    from madoguchi.certificates import verification

    assert verification.by_file(issued.content).valid
    # a double click gives the same request, not a second certificate
    clerk.post(
        "/certificates/counter/",
        {
            "subject": holder.code,
            "kind": "juminhyo",
            "relation": "self",
            "step": "issue",
            "signed": "on",
            "nonce": "a",
        },
    )
    assert CertificateRequest.objects.count() == 1


def test_the_counter_refuses_an_agent_for_a_protected_resident_and_bad_search_input(
    signed_in: Callable[..., Client], staff_of: Any, resident: Any, daytime: datetime
) -> None:
    clerk = signed_in(staff_of("onestop_clerk"))
    protected = resident(support_measure=True)
    page = clerk.post(
        "/certificates/counter/",
        {
            "subject": protected.code,
            "kind": "juminhyo",
            "relation": "agent",
            "requester": "代理 太郎",
            "letter": "on",
            "step": "issue",
            "signed": "on",
            "nonce": "b",
        },
    )
    assert page.status_code == 400
    assert "安全のための措置により" in page.content.decode()
    assert not CertificateRequest.objects.exists()
    bad = clerk.post(
        "/certificates/counter/",
        {"step": "search", "family_kana": "yamada", "given_kana": "ハナコ", "birth_date": "昨日"},
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "フリガナ（氏）" in text
    assert "生年月日" in text
    assert signed_in(staff_of("manager")).get("/certificates/counter/").status_code == 403


def test_a_phone_request_is_picked_up_at_the_counter_by_its_pickup_number(
    client: Client, signed_in: Callable[..., Client], staff_of: Any, resident: Any, daytime: datetime
) -> None:
    holder = resident()
    _card(client, "/certificates/", holder)
    client.post("/certificates/", {"step": "request", "kind": "juminhyo", "pickup": "counter", "nonce": "c"})
    made = CertificateRequest.objects.get()
    clerk = signed_in(staff_of("onestop_clerk"))
    unseen = clerk.post("/certificates/counter/", {"step": "pickup", "pickup_code": made.pickup_code})
    assert unseen.status_code == 400
    assert "本人確認" in unseen.content.decode()
    wrong = clerk.post(
        "/certificates/counter/", {"step": "pickup", "pickup_code": "00000000", "identified": "on"}
    )
    assert "この引換番号の受け取り待ちの請求はありません。" in wrong.content.decode()
    issued = clerk.post(
        "/certificates/counter/", {"step": "pickup", "pickup_code": made.pickup_code, "identified": "on"}
    )
    assert issued["Content-Type"] == "application/pdf"
    made.refresh_from_db()
    assert made.status == CertificateRequest.Status.PRINTED
    assert made.fee == 300
    again = clerk.post(
        "/certificates/counter/", {"step": "pickup", "pickup_code": made.pickup_code, "identified": "on"}
    )
    assert again.status_code == 400  # handed over once
