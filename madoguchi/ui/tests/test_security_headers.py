"""Every page carries a strict CSP and never stays in a cache (the auditor's header findings)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control

from madoguchi.audit.chain import SystemActor
from madoguchi.cases.actions import CaseDetails, PersonDetails, do_create_case, do_save_case_details
from madoguchi.cases.models import Person
from madoguchi.center.models import WorkItem
from madoguchi.config.paths import PACKAGE_DIR
from madoguchi.demo.cases import make_submitted_case
from madoguchi.organization.models import Office, Queue
from madoguchi.reception.actions import do_create_kiosk_token
from madoguchi.reception.models import Ticket
from madoguchi.reservations.actions import Resident, do_book
from madoguchi.reservations.models import Reservation
from madoguchi.reservations.tests.conftest import TOKYO, TUESDAY, WEDNESDAY
from madoguchi.staff.roles import Role
from madoguchi.ui.headers import extend_csp, relax_permissions
from madoguchi.ui.middleware import SecurityHeadersMiddleware

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def assert_private_page(response: HttpResponse) -> None:
    assert "no-store" in {directive.strip() for directive in response["Cache-Control"].split(",")}
    assert response["Content-Security-Policy"] == CSP
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_sign_in_page_has_the_policies() -> None:
    assert_private_page(Client().get(reverse("staff:login")))


def test_the_case_page_and_the_my_number_reveal_are_never_cached(staff_of: Any, signed_in: Any) -> None:
    # given a case with a My Number
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = do_create_case(clerk, office=clerk.office, event="tennyu", event_date=date(2026, 4, 1))
    person = PersonDetails(
        member_id="m1",
        relationship="head",
        family_name="山田",
        given_name="花子",
        birth_date=date(1990, 1, 1),
        sex="female",
        health_insurance="national",
        my_number="123456789018",
    )
    address = {"postal_code": "2600013", "prefecture": "千葉県", "city": "みなと市中央区", "town": "港町"}
    details = CaseDetails(
        event_date=date(2026, 4, 1),
        address=address,
        previous_address={},
        moved_from_kind="other_municipality",
        contact_phone="",
        household_facts={},
        people=[person],
    )
    case = do_save_case_details(clerk, case, details)
    client = signed_in(clerk)
    # when the clerk opens the case and reveals the number
    page = client.get(reverse("cases:detail", args=[case.pk]))
    reveal = client.post(
        reverse("cases:reveal", args=[case.pk, Person.objects.get(case=case).pk]), {"reason": "本人確認"}
    )
    # then neither answer may be kept by the browser or a proxy
    assert page.status_code == 200
    assert_private_page(page)
    assert reveal.status_code == 200
    assert "1234 5678 9018" in reveal.content.decode()
    assert_private_page(reveal)


def test_the_center_item_page_is_never_cached(staff_of: Any, signed_in: Any) -> None:
    case = make_submitted_case(staff_of(Role.ONESTOP_CLERK))
    item = WorkItem.objects.filter(source_key=f"case:{case.pk}").first()
    assert item is not None
    response = signed_in(staff_of(Role.CENTER_STAFF)).get(reverse("center:item", args=[item.pk]))
    assert response.status_code == 200
    assert_private_page(response)


def test_the_residents_pages_are_never_cached(demo_city: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a ticket issued at a kiosk, and a reservation booked on a Tuesday morning for Wednesday
    monkeypatch.setattr(timezone, "now", lambda: datetime.combine(TUESDAY, time(8, 0), tzinfo=TOKYO))
    chuo = Office.objects.get(code="chuo")
    system = SystemActor("test")
    kiosk = Client()
    kiosk.get(reverse("reception:kiosk"), {"token": do_create_kiosk_token(system, office=chuo)[1]})
    queue = Queue.objects.get(office=chuo, code="one-stop")
    issued = kiosk.post(reverse("reception:kiosk-issue"), {"purpose": f"{queue.pk}:"})
    ticket = Ticket.objects.get(pk=issued["Location"].rstrip("/").rsplit("/", 1)[1])
    reservation = do_book(
        Resident("chuo"), queue=queue, day=WEDNESDAY, start=time(9, 15), name_kana="ミナト　ハナコ",
        phone="090-1234-5678", channel=Reservation.Channel.RESIDENT,
    )  # fmt: skip
    # when the resident opens them
    pages = [
        Client().get(reverse("reception:wait", args=[ticket.status_token])),
        kiosk.get(issued["Location"]),
        Client().get(reverse("reservations:manage", args=[reservation.manage_token])),
    ]
    # then each page a resident opens with their token stays out of every cache
    for response in pages:
        assert response.status_code == 200, response
        assert_private_page(response)


def test_a_view_that_chose_its_own_caching_keeps_it() -> None:
    @cache_control(public=True, max_age=60)
    def board_list(request: HttpRequest) -> HttpResponse:
        return HttpResponse("<p>offices</p>")

    response = SecurityHeadersMiddleware(board_list)(RequestFactory().get("/offices/"))
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Content-Security-Policy"] == CSP


@pytest.mark.django_db
def test_json_answers_carry_no_csp() -> None:
    response = Client().get("/healthz")
    assert "Content-Security-Policy" not in response
    assert "no-cache" in response["Cache-Control"]  # its own never_cache


def test_a_pdf_is_not_cached_and_carries_no_csp_that_would_block_the_viewer() -> None:
    def pdf(request: HttpRequest) -> HttpResponse:
        return HttpResponse(b"%PDF-1.7", content_type="application/pdf")

    response = SecurityHeadersMiddleware(pdf)(RequestFactory().get("/x.pdf"))
    assert response["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" not in response


def test_one_view_relaxes_the_policies_for_itself() -> None:
    # given the video consultation page of tomorrow, which needs the camera and the microphone
    @relax_permissions(camera=["self"], microphone=["self"])
    @extend_csp(media_src=["'self'", "blob:"])
    def video(request: HttpRequest) -> HttpResponse:
        return HttpResponse("<p>video</p>")

    def other(request: HttpRequest) -> HttpResponse:
        return HttpResponse("<p>other</p>")

    relaxed = SecurityHeadersMiddleware(video)(RequestFactory().get("/video/"))
    strict = SecurityHeadersMiddleware(other)(RequestFactory().get("/other/"))
    assert "camera=(self)" in relaxed["Permissions-Policy"]
    assert "microphone=(self)" in relaxed["Permissions-Policy"]
    assert "geolocation=()" in relaxed["Permissions-Policy"]
    assert relaxed["Content-Security-Policy"] == f"{CSP}; media-src 'self' blob:"
    assert "camera=()" in strict["Permissions-Policy"]
    assert strict["Content-Security-Policy"] == CSP


@pytest.mark.django_db
def test_static_files_keep_their_own_cache_header() -> None:
    response = Client().get("/static/madoguchi/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.IGNORECASE)
EVAL_IN_HTMX = re.compile(r"hx-on|hx-vals=['\"]\s*js:|hx-trigger=\"[^\"]*\[", re.IGNORECASE)


@pytest.mark.parametrize("template", sorted(PACKAGE_DIR.glob("*/templates/**/*.html")), ids=str)
def test_no_template_has_inline_script_or_style(template: Path) -> None:
    # the CSP refuses them: they would silently not run (or not style) in the browser
    text = template.read_text()
    for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE, EVAL_IN_HTMX):
        assert not pattern.search(text), f"{template.relative_to(PACKAGE_DIR)}: {pattern.search(text)}"


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("fails/", _fails)]


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_the_server_error_page_is_styled_from_a_file_under_the_policy() -> None:
    response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    assert_private_page(response)
    page = response.content.decode()
    assert "/static/madoguchi/css/error.css" in page  # its inline <style> would be refused
    assert not INLINE_STYLE.search(page)
