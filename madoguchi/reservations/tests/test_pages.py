"""The resident's booking pages and the staff's reservation screen, through the test client."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

import pytest
from django.test import Client

from madoguchi.reception.models import Ticket
from madoguchi.reservations.models import Reservation
from madoguchi.reservations.tests.conftest import SATURDAY, WEDNESDAY, one_stop
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db

FORM = {
    "queue": "one-stop",
    "day": "2026-11-25",
    "start": "09:15",
    "name_kana": "みなと　はなこ",
    "phone": "０９０－１２３４－５６７８",
    "email": "",
    "purpose": "転入の手続",
}


def field_errors(html: str) -> list[str]:
    return re.findall(r'class="field__error"[^>]*>([^<]+)<', html)


def confirmation(client: Client, form: dict[str, str] = FORM) -> dict[str, str]:
    """Send the booking form; the confirmation page answers with what its "予約を確定する" button sends."""
    page = client.post("/reserve/chuo/", form)
    assert page.status_code == 200, field_errors(page.content.decode())
    html = page.content.decode()
    key = re.search(r'name="request_key" value="([^"]+)"', html)
    assert key is not None
    sent = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    return {**sent, "request_key": key.group(1), "confirm": "1"}


def book(client: Client, form: dict[str, str] = FORM) -> Any:
    return client.post("/reserve/chuo/", confirmation(client, form))


# --- Resident pages -----------------------------------------------------------------------------------


def test_a_resident_chooses_office_counter_day_and_time_then_sees_the_confirmation(
    demo_city: None, clock: Any
) -> None:
    client = Client()
    offices = client.get("/reserve/").content.decode()
    assert "中央区役所" in offices
    assert "山手支所" not in offices  # branch offices take no reservations
    counters = client.get("/reserve/chuo/").content.decode()
    assert "おくやみ窓口" in counters
    assert "証明書発行" not in counters
    days = client.get("/reserve/chuo/?queue=one-stop").content.decode()
    assert "?queue=one-stop&amp;date=2026-11-25" in days
    assert "date=2026-11-28" not in days  # a Saturday
    slots = client.get("/reserve/chuo/?queue=one-stop&date=2026-11-25").content.decode()
    assert 'name="start" value="09:15"' in slots
    assert "11月25日（水）" in slots
    # when: the form shows what will be booked; nothing is held until it is confirmed
    confirm = client.post("/reserve/chuo/", FORM)
    assert "まだ予約は確定していません" in confirm.content.decode()
    assert "9:15〜9:45" in confirm.content.decode()
    assert not Reservation.objects.exists()
    response = book(client)
    # then
    assert response.status_code == 302
    reservation = Reservation.objects.get()
    assert response["Location"] == f"/reserve/manage/{reservation.manage_token}/"
    assert (reservation.name_kana, reservation.phone) == ("ミナト　ハナコ", "090-1234-5678")
    assert reservation.channel == Reservation.Channel.RESIDENT
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert "予約を受け付けました。" in html
    assert reservation.display_code in html
    assert "2026年11月25日（水） 9:15〜9:45" in html
    assert "みなと市中央区港町1-1-1" in html
    assert "本人確認書類" in html
    assert f"http://testserver/reserve/manage/{reservation.manage_token}/" in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", "中央区役所 総合窓口 のご予約を承りました。2026年11月25日 09:15〜09:45、予約番号 "),
        (
            "en",
            "Your reservation at Chuo Ward Office, One-stop counter is booked: 25 November 2026 09:15–09:45",
        ),
        ("ja-easy", "2026年11月25日 09:15〜09:45、よやくばんごう "),
    ],
)
def test_the_booking_confirmation_is_in_the_language_of_the_page_where_it_was_booked(
    demo_city: None, clock: Any, language: str, expected: str
) -> None:
    from madoguchi.notifications.models import Notification

    client = Client()
    client.cookies["django_language"] = language
    assert book(client).status_code == 302
    sent = Notification.objects.get(topic="reservations.booked")
    assert expected in sent.body
    assert Reservation.objects.get().display_code in sent.body


def test_bad_input_comes_back_with_a_message_at_each_field(demo_city: None, clock: Any) -> None:
    response = Client().post("/reserve/chuo/", {**FORM, "name_kana": "Hanako", "phone": "", "email": ""})
    assert response.status_code == 400
    assert field_errors(response.content.decode()) == [
        "フリガナはカタカナで入力してください。",
        "電話番号かメールアドレスのどちらかを入力してください。",
    ]
    assert 'value="Hanako"' in response.content.decode()  # what was typed stays
    assert not Reservation.objects.exists()


def test_a_missing_time_is_asked_for(demo_city: None, clock: Any) -> None:
    response = Client().post("/reserve/chuo/", {**FORM, "start": ""})
    assert response.status_code == 400
    assert "時間を選んでください。" in field_errors(response.content.decode())
    assert not Reservation.objects.exists()


def test_a_slot_that_filled_up_meanwhile_answers_409_and_saves_nothing(
    demo_city: None, create_reservation: Any, clock: Any
) -> None:
    client = Client()
    assert client.get("/reserve/chuo/?queue=one-stop&date=2026-11-25").status_code == 200
    create_reservation()
    create_reservation()  # the last place goes while the resident types
    response = client.post("/reserve/chuo/", FORM)
    assert response.status_code == 409
    html = response.content.decode()
    assert "この時間は満員になりました。別の時間を選んでください。" in field_errors(html)
    assert 'name="start" value="09:15" disabled' in html
    assert Reservation.objects.count() == 2


def test_a_closed_day_or_an_unknown_counter_is_a_bad_request(demo_city: None, clock: Any) -> None:
    client = Client()
    saturday = client.get(f"/reserve/chuo/?queue=one-stop&date={SATURDAY.isoformat()}")
    assert saturday.status_code == 400
    assert "この日は予約できません" in saturday.content.decode()
    assert client.get("/reserve/chuo/?queue=shomei").status_code == 400
    assert client.get("/reserve/chuo/?queue=one-stop&date=tomorrow").status_code == 400
    assert client.get("/reserve/kita-yamate/").status_code == 404
    assert client.get("/reserve/no-such-office/").status_code == 404
    response = client.post("/reserve/chuo/", {**FORM, "day": SATURDAY.isoformat()})
    assert response.status_code == 400
    assert "閉庁日は予約できません。開庁日を選んでください。" in response.content.decode()


def test_the_resident_cancels_with_the_manage_link(create_reservation: Any, clock: Any) -> None:
    reservation = create_reservation()
    client = Client()
    url = f"/reserve/manage/{reservation.manage_token}/"
    assert "この予約を取り消す" in client.get(url).content.decode()
    response = client.post(f"{url}cancel/")
    assert response.status_code == 302
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.CANCELLED
    page = client.get(url).content.decode()
    assert "予約を取り消しました。" in page
    assert "この予約を取り消す" not in page
    again = client.get(response["Location"])  # a second cancel is explained, not an error page
    assert client.post(f"{url}cancel/").status_code == 302
    assert again.status_code == 200
    assert client.get("/reserve/manage/not-a-token/").status_code == 404
    assert client.post("/reserve/manage/not-a-token/cancel/").status_code == 404


# --- Staff screen -------------------------------------------------------------------------------------


def test_the_concierge_sees_the_days_reservations_by_counter_and_time(
    staff_of: Any, signed_in: Any, create_reservation: Any, clock: Any
) -> None:
    create_reservation(start=time(10, 15), name_kana="ヤマダ　タロウ")
    create_reservation(start=time(9, 15), purpose="死亡届のあとの手続")
    create_reservation(queue=one_stop("kita"), name_kana="キタ　ジロウ")
    client = signed_in(staff_of(Role.CONCIERGE))
    html = client.get("/reception/reservations/?date=2026-11-25").content.decode()
    assert html.index("ミナト　ハナコ") < html.index("ヤマダ　タロウ")  # by time
    assert "死亡届のあとの手続" in html
    assert "キタ　ジロウ" not in html  # another office's
    assert "おくやみ窓口" in html
    assert '<a href="/reception/reservations/" aria-current="page">予約</a>' in html
    today = client.get("/reception/reservations/").content.decode()
    assert "2026年11月24日（火）" in today
    assert "この日の予約はありません。" in today


def test_staff_book_for_a_caller_and_bad_input_is_400(
    staff_of: Any, signed_in: Any, demo_city: None, clock: Any
) -> None:
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    page = client.get("/reception/reservations/?date=2026-11-25&queue=okuyami").content.decode()
    assert 'name="start" value="09:00"' in page
    response = client.post("/reception/reservations/book/", {**FORM, "queue": "okuyami", "start": "10:00"})
    assert response.status_code == 302
    assert response["Location"] == "/reception/reservations/?date=2026-11-25&queue=okuyami"
    reservation = Reservation.objects.get()
    assert (reservation.queue.code, reservation.channel) == ("okuyami", Reservation.Channel.STAFF)
    assert reservation.display_code in client.get(response["Location"]).content.decode()
    bad = client.post("/reception/reservations/book/", {**FORM, "queue": "okuyami", "phone": "12"})
    assert bad.status_code == 400
    assert "電話番号が正しくありません。" in field_errors(bad.content.decode())
    full = client.post("/reception/reservations/book/", {**FORM, "queue": "okuyami", "start": "10:00"})
    assert full.status_code == 409
    assert Reservation.objects.count() == 1


def test_check_in_at_the_desk_prints_a_priority_ticket(
    staff_of: Any, signed_in: Any, create_reservation: Any, clock: Any
) -> None:
    reservation = create_reservation()
    clock.set(WEDNESDAY, time(9, 5))
    client = signed_in(staff_of(Role.CONCIERGE))
    lookup = client.get(f"/reception/reservations/?code={reservation.display_code.lower()}")
    assert lookup.status_code == 200
    assert "来庁受付（整理券）" in lookup.content.decode()
    # when
    response = client.post(f"/reception/reservations/{reservation.pk}/check-in/")
    # then
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reception/tickets/{ticket.pk}/"
    assert ticket.priority
    reservation.refresh_from_db()
    assert (reservation.status, reservation.ticket) == (Reservation.Status.CHECKED_IN, ticket)
    slip = client.get(response["Location"]).content.decode()
    assert "優先の整理券を発行しました" in slip
    assert ticket.display in slip


def test_a_late_check_in_says_the_ticket_has_no_priority(
    staff_of: Any, signed_in: Any, create_reservation: Any, clock: Any
) -> None:
    reservation = create_reservation()
    clock.set(WEDNESDAY, time(10, 0))
    client = signed_in(staff_of(Role.CONTRACTOR_CLERK))
    response = client.post(f"/reception/reservations/{reservation.pk}/check-in/")
    assert not Ticket.objects.get().priority
    slip = client.get(response["Location"]).content.decode()
    assert "予約の時刻から30分以上過ぎているため、優先なしの整理券を発行しました。" in slip


def test_check_in_on_another_day_is_explained(
    staff_of: Any, signed_in: Any, create_reservation: Any, clock: Any
) -> None:
    reservation = create_reservation()
    client = signed_in(staff_of(Role.CONCIERGE))
    page = client.get("/reception/reservations/?date=2026-11-25").content.decode()
    assert "来庁受付（整理券）" not in page  # only on the day
    response = client.post(f"/reception/reservations/{reservation.pk}/check-in/", follow=True)
    assert "予約日にだけ受付できます" in response.content.decode()
    assert not Ticket.objects.exists()


def test_staff_cancel_from_the_list(
    staff_of: Any, signed_in: Any, create_reservation: Any, clock: Any
) -> None:
    reservation = create_reservation()
    client = signed_in(staff_of(Role.CONCIERGE))
    response = client.post(f"/reception/reservations/{reservation.pk}/cancel/", follow=True)
    assert f"予約 {reservation.display_code} を取り消しました。" in response.content.decode()
    reservation.refresh_from_db()
    assert reservation.status == Reservation.Status.CANCELLED
    assert client.post(f"/reception/reservations/{reservation.pk}/fly/").status_code == 404


def test_another_offices_staff_are_refused(
    staff_of: Any, signed_in: Any, create_reservation: Any, clock: Any
) -> None:
    reservation = create_reservation()
    clock.set(WEDNESDAY, time(9, 0))
    client = signed_in(staff_of(Role.BRANCH_STAFF))
    for action in ("check-in", "cancel", "no-show"):
        assert client.post(f"/reception/reservations/{reservation.pk}/{action}/").status_code == 403
    lookup = client.get(f"/reception/reservations/?code={reservation.code}")
    assert lookup.status_code == 403
    assert "この予約は中央区役所の予約です。" in lookup.content.decode()
    assert "ミナト" not in lookup.content.decode()
    forged = client.post("/reception/reservations/book/", FORM)  # a queue of another office
    assert forged.status_code == 400
    assert Reservation.objects.get().status == Reservation.Status.BOOKED
    assert not Ticket.objects.exists()


def test_an_unknown_code_is_not_found(staff_of: Any, signed_in: Any, demo_city: None, clock: Any) -> None:
    response = signed_in(staff_of(Role.CONCIERGE)).get("/reception/reservations/?code=ACEF-GH34")
    assert response.status_code == 404
    assert "この予約番号の予約は見つかりません。" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.CONCIERGE, 200),
        (Role.ONESTOP_CLERK, 200),
        (Role.CONTRACTOR_CLERK, 200),
        (Role.BRANCH_STAFF, 200),  # a branch office has no reservations yet: an empty screen
        (Role.DEPARTMENT_STAFF, 403),
        (Role.MANAGER, 403),
        (Role.ADMINISTRATOR, 403),
    ],
)
def test_the_staff_screen_follows_the_role_matrix(
    staff_of: Any, signed_in: Any, clock: Any, role: Role, status: int
) -> None:
    client = signed_in(staff_of(role))
    response = client.get("/reception/reservations/")
    assert response.status_code == status
    navigation = client.get("/home/", follow=True).content.decode()
    assert ('href="/reception/reservations/"' in navigation) is (status == 200)
    if status == 403:
        assert client.post("/reception/reservations/book/", FORM).status_code == 403
        assert not Reservation.objects.exists()


def test_signing_in_is_required(demo_city: None, clock: Any) -> None:
    response = Client().get("/reception/reservations/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_administrators_change_a_schedule_in_the_admin_and_it_is_audited(
    staff_of: Any, signed_in: Any, clock: Any
) -> None:
    from madoguchi.audit.models import AuditEntry
    from madoguchi.reservations.models import ReservationSchedule

    schedule = ReservationSchedule.objects.get(queue=one_stop())
    url = f"/admin/reservations/reservationschedule/{schedule.pk}/change/"
    admin = signed_in(staff_of(Role.ADMINISTRATOR))
    assert "中央区役所" in admin.get("/admin/reservations/reservationschedule/").content.decode()
    form = {
        "slot_minutes": "30",
        "capacity": "4",
        "opens_at": "08:45",
        "closes_at": "17:00",
        "days_ahead": "20",
        "active": "on",
    }
    assert admin.post(url, form).status_code == 302
    schedule.refresh_from_db()
    assert schedule.capacity == 4
    entry = AuditEntry.objects.get(action="reservations.reservationschedule.update")
    assert (entry.summary["before"]["capacity"], entry.summary["after"]["capacity"]) == (2, 4)
    refused = admin.post(url, {**form, "opens_at": "16:50"})  # no room for one 30-minute slot
    assert refused.status_code == 200
    assert "受付終了時刻は、受付開始時刻から1枠分以上あとにしてください。" in refused.content.decode()
    assert signed_in(staff_of(Role.CONCIERGE)).get(url).status_code == 302  # not for the concierge


# --- Abuse of the public pages ------------------------------------------------------------------------


def test_a_double_click_or_a_resubmitted_confirmation_books_once(demo_city: None, clock: Any) -> None:
    # given: the confirmation page's form
    client = Client()
    confirm = confirmation(client)
    # when: it is sent twice (a double click), then again after Back
    first = client.post("/reserve/chuo/", confirm)
    second = client.post("/reserve/chuo/", confirm)
    again = client.post("/reserve/chuo/", confirm)
    # then: one booking, and every answer leads to it
    reservation = Reservation.objects.get()
    assert {first["Location"], second["Location"], again["Location"]} == {
        f"/reserve/manage/{reservation.manage_token}/"
    }


def test_a_confirmation_without_its_key_books_nothing(demo_city: None, clock: Any) -> None:
    response = Client().post("/reserve/chuo/", {**FORM, "confirm": "1", "request_key": "x"})
    assert response.status_code == 400
    assert "予約の確認画面からもう一度お申し込みください。" in response.content.decode()
    assert not Reservation.objects.exists()


def test_one_phone_number_holds_at_most_the_citys_limit_of_bookings(
    demo_city: None, clock: Any, settings: Any
) -> None:
    # given
    settings.MADOGUCHI_BOOKINGS_PER_PHONE = 2
    client = Client()
    assert book(client, {**FORM, "start": "09:15"}).status_code == 302
    assert book(client, {**FORM, "start": "09:45", "phone": "090-1234-5678"}).status_code == 302
    # when: a third with the same number written differently
    response = client.post("/reserve/chuo/", confirmation(client, {**FORM, "start": "10:15"}))
    # then
    assert response.status_code == 429
    assert "この電話番号で予約できるのは2件までです。" in field_errors(response.content.decode())[0]
    assert Reservation.objects.count() == 2
    # another number may book
    assert book(client, {**FORM, "start": "10:15", "phone": "090-9999-0000"}).status_code == 302


def test_one_address_books_at_most_the_limit_per_hour(demo_city: None, clock: Any, settings: Any) -> None:
    # given: a client booking for many made-up residents, one slot after another
    settings.MADOGUCHI_BOOKINGS_PER_ADDRESS_PER_HOUR = 3
    bot, resident = Client(REMOTE_ADDR="203.0.113.5"), Client(REMOTE_ADDR="198.51.100.23")
    starts = ["09:15", "09:45", "10:15", "10:45", "11:15"]
    # when
    answers = [
        bot.post(
            "/reserve/chuo/", confirmation(bot, {**FORM, "start": start, "phone": f"090-{1000 + i}-5678"})
        )
        for i, start in enumerate(starts)
    ]
    # then: the bot is stopped with a message, and a resident from elsewhere still books
    assert [answer.status_code for answer in answers] == [302, 302, 302, 429, 429]
    assert "この端末からの予約が多すぎます" in answers[3].content.decode()
    assert Reservation.objects.count() == 3
    assert book(resident, {**FORM, "start": "10:45"}).status_code == 302
    from madoguchi.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="reservations.reservation.book").count() == 4  # no refusal


def test_staff_bookings_are_not_limited(staff_of: Any, signed_in: Any, clock: Any, settings: Any) -> None:
    settings.MADOGUCHI_BOOKINGS_PER_PHONE = 1
    client = signed_in(staff_of(Role.CONCIERGE))
    for start in ["09:15", "09:45"]:
        assert client.post("/reception/reservations/book/", {**FORM, "start": start}).status_code == 302
    assert Reservation.objects.count() == 2
