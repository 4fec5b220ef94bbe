"""Recall, counters opening and closing, the case from a ticket, wait estimates, notices, board, kiosk."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from madoguchi.audit.chain import SystemActor
from madoguchi.organization.models import Counter, Office, Queue
from madoguchi.reception.actions import (
    TicketStateError,
    do_call_next,
    do_create_kiosk_token,
    do_finish_service,
    do_issue_ticket,
    do_open_case,
    do_recall,
    do_revoke_kiosk_token,
    do_start_service,
    do_transfer,
)
from madoguchi.reception.board import board_state
from madoguchi.reception.models import CounterShift, Ticket, TicketEvent
from madoguchi.reception.waiting import call_interval, estimate, minutes_for
from madoguchi.staff.roles import Role


def queue(code: str = "one-stop", office: str = "chuo") -> Queue:
    return Queue.objects.get(office__code=office, code=code)


def counter(code: str = "one-stop-1") -> Counter:
    return Counter.objects.get(office__code="chuo", code=code)


async def next_events(stream: Any) -> list[dict[str, Any]]:
    """The events of an event stream's next write, parsed."""
    import asyncio

    chunk = await asyncio.wait_for(stream.__anext__(), timeout=10)
    text = chunk.decode() if isinstance(chunk, bytes) else chunk
    parts = text.split("\n\n")
    return [json.loads(part.removeprefix("data: ")) for part in parts if part.startswith("data: ")]


@pytest.fixture
def concierge(staff_of: Any) -> Any:
    return staff_of(Role.CONCIERGE)


@pytest.fixture
def clerk(staff_of: Any) -> Any:
    return staff_of(Role.ONESTOP_CLERK)


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Every broadcast message, as (channel, message)."""
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        "madoguchi.broadcast.events.publish", lambda channel, message: sent.append((channel, message))
    )
    return sent


@pytest.mark.django_db
def test_a_call_reaches_the_office_board_after_commit_with_a_chime(
    concierge: Any, clerk: Any, published: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket = do_issue_ticket(concierge, queue=queue(), channel="concierge")
    issued = [m for c, m in published if c == "office.chuo"]
    assert issued[-1] == {"type": "board-change", "chime": None}  # the streams read the state themselves
    assert board_state(Office.objects.get(code="chuo"))["queues"][0] == {
        "code": "one-stop",
        "prefix": "A",
        "name_ja": "総合窓口",
        "name_en": "One-stop counter",
        "waiting": 1,
        "order": [1],
        "interval_s": None,
        "basis": "none",
    }
    with django_capture_on_commit_callbacks(execute=True):
        do_call_next(clerk, counter=counter())
    board = [m for c, m in published if c == "office.chuo"][-1]
    assert board["chime"]["ticket"] == "A-001"
    assert board["chime"]["counter_ja"] == "総合窓口 1番"
    assert [call["id"] for call in board_state(Office.objects.get(code="chuo"))["calls"]] == [ticket.call_id]
    assert ("offices", {"type": "office", "office": "chuo"}) in published


@pytest.mark.django_db
def test_nothing_is_broadcast_for_a_change_that_rolled_back(concierge: Any, published: Any) -> None:
    from django.db import transaction

    def issue_then_fail() -> None:
        with transaction.atomic():
            do_issue_ticket(concierge, queue=queue(), channel="concierge")
            raise RuntimeError("the request failed after issuing")

    with pytest.raises(RuntimeError):
        issue_then_fail()
    assert published == []


@pytest.mark.django_db
def test_a_transfer_redraws_the_office_boards_once(
    concierge: Any, clerk: Any, published: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: a resident at the one-stop counter
    do_issue_ticket(concierge, queue=queue(), channel="concierge")
    ticket = do_call_next(clerk, counter=counter())
    assert ticket is not None
    published.clear()
    # when: the clerk hands them over to a department
    with django_capture_on_commit_callbacks(execute=True):
        do_transfer(clerk, ticket, counter=counter(), to_queue=queue("hoken-nenkin"), note="")
    # then: one board message (with the new queue's count) and one office message
    assert [channel for channel, _message in published] == ["office.chuo", "offices"]
    waiting = {q["code"]: q["waiting"] for q in board_state(Office.objects.get(code="chuo"))["queues"]}
    assert (waiting["one-stop"], waiting["hoken-nenkin"]) == (0, 1)


@pytest.mark.django_db
def test_the_board_and_the_office_status_take_a_fixed_number_of_queries(
    concierge: Any, clerk: Any, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        do_issue_ticket(concierge, queue=queue(), channel="concierge")
    do_issue_ticket(concierge, queue=queue("hoken-nenkin"), channel="concierge")
    do_call_next(clerk, counter=counter())
    office = queue().office
    # current calls; queues; waiting tickets; today's call rates; earlier days' for queues without calls
    with django_assert_num_queries(5):
        state = board_state(office)
    waiting = {q["code"]: q["waiting"] for q in state["queues"]}
    assert (waiting["one-stop"], waiting["hoken-nenkin"]) == (2, 1)
    from madoguchi.reception.live import office_statuses

    with django_assert_num_queries(5):  # tickets, open counters, counters, offices, their queues
        statuses = office_statuses()
    chuo = next(status for status in statuses if status.office.code == "chuo")
    assert chuo.waiting == 3
    counters = {row.queue.code: row.counters for row in chuo.queues}
    assert counters["one-stop"] == Counter.objects.filter(queue=queue()).count()


@pytest.mark.django_db
def test_recall_calls_the_same_resident_again_at_the_same_counter(
    concierge: Any, clerk: Any, published: Any, django_capture_on_commit_callbacks: Any
) -> None:
    do_issue_ticket(concierge, queue=queue(), channel="concierge")
    ticket = do_call_next(clerk, counter=counter())
    assert ticket is not None
    with django_capture_on_commit_callbacks(execute=True):
        do_recall(clerk, ticket, counter=counter())
    ticket.refresh_from_db()
    assert ticket.recalls == 1
    assert ticket.recalled_at is not None
    assert ticket.called_at is not None
    assert ticket.recalled_at >= ticket.called_at
    assert list(TicketEvent.objects.filter(ticket=ticket).values_list("status", flat=True)) == [
        "waiting",
        "called",
        "called",
    ]
    assert published[0][1]["chime"]["recalls"] == 1
    with pytest.raises(TicketStateError):
        do_recall(clerk, ticket, counter=counter("one-stop-2"))  # another counter did not call them
    do_start_service(clerk, ticket, counter=counter())
    with pytest.raises(TicketStateError):
        do_recall(clerk, ticket, counter=counter())  # already at the counter


@pytest.mark.django_db
def test_a_clerk_opens_and_closes_a_counter_and_sign_out_closes_it(
    clerk: Any, signed_in: Any, staff_of: Any
) -> None:
    client = signed_in(clerk)
    client.post("/reception/counter/", {"counter": counter("one-stop-3").pk})
    shift = CounterShift.objects.get(staff=clerk, closed_at__isnull=True)
    assert shift.counter.code == "one-stop-3"
    # the manager's office status counts it as open
    status = signed_in(staff_of(Role.MANAGER)).get("/reception/status/").content.decode()
    assert "1／8" in status
    # changing counters closes the first
    client.post("/reception/counter/", {"counter": counter("one-stop-4").pk})
    assert list(
        CounterShift.objects.filter(closed_at__isnull=True).values_list("counter__code", flat=True)
    ) == ["one-stop-4"]
    client.post("/reception/counter/close/")
    assert not CounterShift.objects.filter(closed_at__isnull=True).exists()
    client.post("/reception/counter/", {"counter": counter("one-stop-4").pk})
    client.post("/accounts/logout/")
    assert not CounterShift.objects.filter(closed_at__isnull=True).exists()


@pytest.mark.django_db
def test_counter_actions_need_an_open_counter(clerk: Any, signed_in: Any, concierge: Any) -> None:
    do_issue_ticket(concierge, queue=queue(), channel="concierge")
    client = signed_in(clerk)
    response = client.post("/reception/counter/call/", follow=True)
    assert "先に窓口を開いてください。" in response.content.decode()
    assert Ticket.objects.get().status == Ticket.Status.WAITING


@pytest.mark.django_db
def test_the_clerk_opens_the_one_stop_case_for_the_ticket_and_it_follows_a_transfer(
    concierge: Any, clerk: Any, signed_in: Any
) -> None:
    from madoguchi.cases.models import Case

    do_issue_ticket(concierge, queue=queue(), channel="concierge", purpose="tennyu")
    client = signed_in(clerk)
    client.post("/reception/counter/", {"counter": counter().pk})
    client.post("/reception/counter/call/")
    ticket = Ticket.objects.get()
    page = client.get("/reception/counter/").content.decode()
    assert '<option value="tennyu" selected>' in page  # the concierge's purpose is preselected
    response = client.post("/reception/counter/case/", {"ticket": str(ticket.pk), "event": "tennyu"})
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert (case.event, case.office.code) == ("tennyu", "chuo")
    ticket.refresh_from_db()
    assert ticket.case == case
    # opening again gives the same case, not a second one
    assert do_open_case(clerk, ticket, event="tennyu", event_date=timezone.localdate()) == case
    assert f"受付案件 {case.number} を開く" in client.get("/reception/counter/").content.decode()
    handed = do_transfer(clerk, ticket, counter=counter(), to_queue=queue("hoken-nenkin"), note="国保")
    assert handed.case == case


@pytest.mark.django_db
def test_opening_a_case_needs_a_life_event_and_a_valid_date(
    concierge: Any, clerk: Any, signed_in: Any
) -> None:
    from madoguchi.cases.models import Case

    do_issue_ticket(concierge, queue=queue(), channel="concierge")
    client = signed_in(clerk)
    client.post("/reception/counter/", {"counter": counter().pk})
    client.post("/reception/counter/call/")
    ticket = Ticket.objects.get()
    no_event = client.post("/reception/counter/case/", {"ticket": str(ticket.pk)}, follow=True)
    assert "ライフイベントを選んでください。" in no_event.content.decode()
    bad_date = client.post(
        "/reception/counter/case/",
        {"ticket": str(ticket.pk), "event": "shussei", "event_date": "令和"},
        follow=True,
    )
    assert "YYYY-MM-DD" in bad_date.content.decode()
    assert not Case.objects.exists()


def _called(ticket: Ticket, minutes_ago: float) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Ticket.Status.DONE, called_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


@pytest.mark.django_db
def test_the_wait_estimate_follows_the_measured_call_rate(concierge: Any) -> None:
    tickets = [do_issue_ticket(concierge, queue=queue(), channel="concierge") for _ in range(9)]
    waiting = tickets[-1]
    # no call yet today: no figure rather than a made-up one
    first = estimate(waiting)
    assert (first.ahead, first.minutes) == (8, None)
    # six calls over the last 30 minutes: one call every 5 minutes
    for ticket, minutes_ago in zip(tickets[:6], [30, 25, 20, 15, 10, 5], strict=True):
        _called(ticket, minutes_ago)
    interval, basis = call_interval(queue().pk)
    assert interval == pytest.approx(300, rel=0.01)
    assert basis == "直近1時間の呼出し間隔"
    measured = estimate(waiting)
    assert measured.ahead == 2
    assert measured.minutes == 15  # (2 ahead + 1) × 5 minutes
    assert measured.near


@pytest.mark.django_db
def test_the_board_gives_each_queue_its_call_order_and_rate_for_the_wait_pages(concierge: Any) -> None:
    tickets = [do_issue_ticket(concierge, queue=queue(), channel="concierge") for _ in range(8)]
    urgent = do_issue_ticket(concierge, queue=queue(), channel="concierge", priority=True)
    for ticket, minutes_ago in zip(tickets[:4], [20, 15, 10, 5], strict=True):
        _called(ticket, minutes_ago)
    state = board_state(Office.objects.get(code="chuo"))
    one_stop = next(q for q in state["queues"] if q["code"] == "one-stop")
    # priority first, then by number: what do_call_next calls, so a phone's place is its index
    assert one_stop["order"] == [urgent.number, 5, 6, 7, 8]
    assert one_stop["waiting"] == 5
    assert (one_stop["interval_s"], one_stop["basis"]) == (pytest.approx(300, rel=0.01), "hour")
    ahead = one_stop["order"].index(tickets[-1].number)
    assert ahead == estimate(tickets[-1]).ahead == 4
    assert estimate(tickets[-1]).minutes == minutes_for(ahead, one_stop["interval_s"]) == 25


def test_estimated_minutes_round_halves_up_as_the_wait_page_script_does() -> None:
    assert minutes_for(0, 90) == 2  # 1.5 minutes: Python's round() would say 2, and for 2.5 say 2
    assert minutes_for(1, 75) == 3  # 2.5 minutes → 3, as Math.floor(x + 0.5) in wait.js
    assert minutes_for(0, 10) == 1  # never "about 0 minutes"
    assert minutes_for(3, None) is None


@pytest.mark.django_db
def test_the_estimate_uses_earlier_days_before_the_first_call_of_the_day(concierge: Any) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    base = timezone.now() - timedelta(days=1)
    for number in range(1, 5):  # yesterday: a call every 4 minutes
        Ticket.objects.create(
            office=queue().office,
            queue=queue(),
            business_day=yesterday,
            number=number,
            channel="kiosk",
            issued_at=base,
            called_at=base + timedelta(minutes=4 * number),
            status=Ticket.Status.DONE,
        )
    ticket = do_issue_ticket(concierge, queue=queue(), channel="concierge")
    interval, basis = call_interval(queue().pk)
    assert basis == "過去の同じ窓口の呼出し間隔"
    assert interval == pytest.approx(180)  # 12 minutes from first to last call, over 4 calls
    assert estimate(ticket).minutes == 3


@pytest.mark.django_db
def test_the_wait_page_shows_position_estimate_and_a_fragment_for_live_updates(concierge: Any) -> None:
    for _ in range(5):
        ticket = do_issue_ticket(concierge, queue=queue(), channel="concierge")
    client = Client()
    page = client.get(f"/wait/{ticket.status_token}/").content.decode()
    assert "A-005" in page
    assert "前に 4 人" in page
    assert "待ち時間の目安は、呼出しが始まると表示されます。" in page
    assert 'data-wait-url="/board/chuo/events?for=wait"' in page  # the wait page's own pace
    part = client.get(f"/wait/{ticket.status_token}/?part=status").content.decode()
    assert "前に 4 人" in part
    assert "<html" not in part
    assert client.get("/wait/not-a-token/").status_code == 404


@pytest.mark.django_db
def test_the_first_tickets_wait_page_follows_the_resident_to_the_department(
    concierge: Any, clerk: Any, signed_in: Any
) -> None:
    first = do_issue_ticket(concierge, queue=queue(), channel="concierge")
    do_issue_ticket(concierge, queue=queue("hoken-nenkin"), channel="concierge")  # someone there already
    client = signed_in(clerk)
    client.post("/reception/counter/", {"counter": counter().pk})
    client.post("/reception/counter/call/")
    client.post("/reception/counter/serve/", {"ticket": str(first.pk)})
    # the clerk hands over at the counter screen: it offers the new ticket to print
    response = client.post(
        "/reception/counter/transfer/",
        {"ticket": str(first.pk), "queue": str(queue("hoken-nenkin").pk), "note": "国保"},
    )
    handed = Ticket.objects.get(transferred_from=first)
    assert response["Location"] == f"/reception/counter/?handed={handed.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f"{handed.display}（保険年金課）として引き継ぎました" in page
    assert '<span class="handed__place">場所：2階 西側</span>' in page  # what the clerk tells them
    assert f'href="/reception/tickets/{handed.pk}/"' in page
    slip = client.get(f"/reception/tickets/{handed.pk}/")  # the clerk may print it: where to go is on it
    assert '<p class="ticket__place">2階 西側</p>' in slip.content.decode()
    # the resident's page from the first QR code: the new number, the department and where it is, the
    # place in its queue
    for url in (f"/wait/{first.status_token}/", f"/wait/{first.status_token}/?part=status"):
        html = Client().get(url).content.decode()
        assert f'<span class="wait__number">{handed.display}</span>' in html
        assert '保険年金課<span class="wait__place">2階 西側</span>' in html
        assert f"保険年金課へご案内しました。新しい番号は <strong>{handed.display}</strong> です。" in html
        assert (
            f'data-ticket="{handed.call_id}" data-queue="hoken-nenkin" data-number="{handed.number}"' in html
        )
        assert "前に 0 人" in html  # handed-over residents go first (priority)
    # and asking for a notice there sets it on the new ticket
    Client().post(f"/wait/{first.status_token}/notify/", {"email": "taro@example.jp"})
    handed.refresh_from_db()
    assert handed.notify_email == "taro@example.jp"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({}, "notify-email-error", "メールアドレスか携帯電話番号を入力してください。"),
        ({"email": "taro@"}, "notify-email-error", "メールアドレスが正しくありません。"),
        ({"phone": "03-1234"}, "notify-phone-error", "電話番号が正しくありません。"),
        (
            {"phone": "03-1234-5678"},
            "notify-phone-error",
            "SMSは携帯電話の番号（070・080・090）にだけ送れます。",
        ),
    ],
)
def test_bad_notification_contacts_are_refused_at_their_field(
    concierge: Any, form: dict[str, str], field: str, message: str
) -> None:
    ticket = do_issue_ticket(concierge, queue=queue(), channel="concierge")
    response = Client().post(f"/wait/{ticket.status_token}/notify/", form)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="{field}">{message}<' in html
    ticket.refresh_from_db()
    assert (ticket.notify_email, ticket.notify_phone) == ("", "")


@pytest.mark.django_db
def test_each_resident_is_told_in_the_language_of_the_wait_page_where_they_asked(
    concierge: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from madoguchi.notifications.models import Notification

    tickets = [do_issue_ticket(concierge, queue=queue(), channel="concierge") for _ in range(3)]
    # given: an English page, a やさしい日本語 page and a Japanese page, each asking for an SMS
    for ticket, language, phone in zip(
        tickets, ("en", "ja-easy", "ja"), ("090-1111-0001", "090-1111-0002", "090-1111-0003"), strict=True
    ):
        client = Client()
        client.cookies["django_language"] = language
        assert client.post(f"/wait/{ticket.status_token}/notify/", {"phone": phone}).status_code == 302
    # when: the first is called
    with django_capture_on_commit_callbacks(execute=True):
        do_call_next(clerk, counter=counter())
    called = Notification.objects.get(topic="reception.called")
    near = {n.recipient: n.body for n in Notification.objects.filter(topic="reception.turn_near")}
    # then: each message in its resident's language, the counter named as its sign is in that language
    assert called.recipient == "090-1111-0001"
    assert (
        called.body
        == f"Ticket {tickets[0].display}, please come to {counter().name_en or counter().name_ja}."
    )
    assert near["090-1111-0002"].startswith(f"{tickets[1].display} ばんの ひと、あと 0 にんで よびます。")
    assert near["090-1111-0003"].startswith(f"{tickets[2].display} 番の方、あと 1 人でお呼びします。")
    # the case opened for the first keeps their language, for their copy and the completion SMS
    case = do_open_case(clerk, tickets[0], event="tennyu", event_date=timezone.localdate())
    assert case.language == "en"
    # and the language follows the resident to the department's queue with the contact
    do_start_service(clerk, tickets[0], counter=counter())
    do_finish_service(clerk, tickets[0], counter=counter())
    with django_capture_on_commit_callbacks(execute=True):
        second = do_call_next(clerk, counter=counter())
    assert second == tickets[1]
    handed = do_transfer(clerk, second, counter=counter(), to_queue=queue("hoken-nenkin"), note="")
    assert (handed.notify_phone, handed.notify_language) == ("090-1111-0002", "ja-easy")
    second.refresh_from_db()
    assert (second.notify_phone, second.notify_language) == ("", "")


@pytest.mark.django_db
def test_residents_who_asked_are_told_when_their_turn_is_near_and_when_called(
    concierge: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from madoguchi.notifications.models import Notification

    tickets = [do_issue_ticket(concierge, queue=queue(), channel="concierge") for _ in range(6)]
    client = Client()
    assert (
        client.post(f"/wait/{tickets[0].status_token}/notify/", {"phone": "090-1234-5678"}).status_code == 302
    )
    assert (
        client.post(f"/wait/{tickets[5].status_token}/notify/", {"email": "hanako@example.jp"}).status_code
        == 302
    )
    # when: the first resident is called; the sixth now has 4 ahead: not yet near
    with django_capture_on_commit_callbacks(execute=True):
        first = do_call_next(clerk, counter=counter())
    assert first == tickets[0]
    sent = {(n.topic, n.channel, n.recipient) for n in Notification.objects.all()}
    assert sent == {("reception.called", "sms", "090-1234-5678")}
    # when: one more call; the sixth has 3 ahead: near
    with django_capture_on_commit_callbacks(execute=True):
        do_call_next(clerk, counter=counter())
        do_call_next(clerk, counter=counter("one-stop-2"))
    near = Notification.objects.get(topic="reception.turn_near")
    assert (near.channel, near.recipient, near.ref) == ("email", "hanako@example.jp", str(tickets[5].pk))
    assert "A-006" in near.body
    # and only once, however many calls follow
    with django_capture_on_commit_callbacks(execute=True):
        do_call_next(clerk, counter=counter("one-stop-3"))
    assert Notification.objects.filter(topic="reception.turn_near").count() == 1
    # the contact is erased when the visit ends
    do_start_service(clerk, first, counter=counter())
    do_finish_service(clerk, first, counter=counter())
    first.refresh_from_db()
    assert (first.notify_email, first.notify_phone) == ("", "")


@pytest.mark.django_db
def test_the_board_is_public_and_shows_only_numbers_and_counters(concierge: Any, clerk: Any) -> None:
    do_issue_ticket(concierge, queue=queue(), channel="concierge")
    do_call_next(clerk, counter=counter())
    client = Client()
    page = client.get("/board/chuo/")
    assert page.status_code == 200
    assert "A-001" in page.content.decode()  # in the initial state, drawn before the stream connects
    assert client.get("/board/nowhere/").status_code == 404
    state = board_state(queue().office)
    assert set(state["calls"][0]) == {
        "id",
        "ticket",
        "queue",
        "counter_ja",
        "counter_en",
        "status",
        "recalls",
    }


@pytest.mark.django_db
def test_the_office_status_is_for_managers(staff_of: Any, signed_in: Any, concierge: Any) -> None:
    do_issue_ticket(concierge, queue=queue(), channel="concierge")
    manager = signed_in(staff_of(Role.MANAGER))
    page = manager.get("/reception/status/").content.decode()
    for office in ("中央区役所", "北区役所", "南区役所"):
        assert office in page
    assert "集中事務センター" not in page.split("<main", 1)[1].split("</main>")[0]  # no counters there
    part = manager.get("/reception/status/?part=offices").content.decode()
    assert "<html" not in part
    assert 'data-office="chuo"' in part
    assert signed_in(staff_of(Role.ONESTOP_CLERK)).get("/reception/status/").status_code == 403


@pytest.mark.django_db
def test_the_kiosk_page_needs_its_token_and_issues_tickets(demo_city: None) -> None:
    from madoguchi.organization.models import Office

    kiosk, token = do_create_kiosk_token(SystemActor("test"), office=Office.objects.get(code="chuo"))
    client = Client()
    assert client.get("/kiosk/").status_code == 401
    assert client.get("/kiosk/?token=wrong").status_code == 403
    setup = client.get(f"/kiosk/?token={token}")
    assert setup.status_code == 302
    assert setup["Location"] == "/kiosk/"
    assert token not in setup["Location"]
    home = client.get("/kiosk/").content.decode()
    assert "ご用件を選んでください" in home
    response = client.post("/kiosk/issue/", {"purpose": f"{queue().pk}:shussei"})
    ticket = Ticket.objects.get()
    assert (ticket.display, ticket.channel, ticket.purpose) == ("A-001", "kiosk", "shussei")
    slip = client.get(response["Location"]).content.decode()
    assert "A-001" in slip
    assert "<svg" in slip
    # another office's queue is refused, and a revoked kiosk stops
    client.post("/kiosk/issue/", {"purpose": f"{queue(office='kita').pk}:"})
    assert Ticket.objects.count() == 1
    do_revoke_kiosk_token(SystemActor("test"), kiosk)
    assert client.get("/kiosk/").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("asked", "stylesheet"), [("58mm", "58mm"), ("a6", "a6"), ("", "80mm"), ("huge", "80mm")]
)
def test_tickets_print_on_58_and_80_mm_receipts_and_a6(
    concierge: Any, signed_in: Any, asked: str, stylesheet: str
) -> None:
    ticket = do_issue_ticket(concierge, queue=queue(), channel="concierge")
    page = signed_in(concierge).get(f"/reception/tickets/{ticket.pk}/?format={asked}").content.decode()
    assert f"css/ticket-{stylesheet}.css" in page
    assert f"ticket--{stylesheet}" in page


@pytest.mark.django_db
def test_a_ticket_printed_by_staff_is_in_the_language_the_resident_reads(
    concierge: Any, signed_in: Any
) -> None:
    ticket = do_issue_ticket(concierge, queue=queue(), channel="concierge")
    client = signed_in(concierge)
    japanese = client.get(f"/reception/tickets/{ticket.pk}/").content.decode()
    assert "QRコードを読み取ると" in japanese
    assert "?format=80mm&amp;lang=en" in japanese  # the clerk's choice of the resident's language
    english = client.get(f"/reception/tickets/{ticket.pk}/?lang=en&format=58mm").content.decode()
    slip = english.split('<article class="ticket', 1)[1].split("</article>", 1)[0]
    assert "QRコード" not in slip
    assert "ticket--58mm" in english
    assert "Scan the QR code to follow your turn on your phone." in slip
    assert "整理券の言語" in english  # the clerk's own toolbar stays in the clerk's language


@pytest.mark.postgres_only  # the stream reads in its own thread: the rows must be committed (SQLite's flush
@pytest.mark.django_db(transaction=True)  # between such tests is refused by the append-only audit log)
def test_the_board_stream_chimes_each_call_of_a_burst_at_once_and_then_sends_the_state(
    concierge: Any, clerk: Any
) -> None:
    import asyncio

    from django.test import RequestFactory

    from madoguchi.broadcast.events import publish
    from madoguchi.reception.board import board_change
    from madoguchi.reception.live import board_events

    first = do_issue_ticket(concierge, queue=queue(), channel="concierge")
    do_issue_ticket(concierge, queue=queue(), channel="concierge")

    def call_without_announcing() -> Ticket:
        # the call's own announcement left out: the burst below is then exactly what the stream receives
        with mock.patch("madoguchi.reception.board.publish_on_commit"):
            called = do_call_next(clerk, counter=counter())
        assert called is not None
        return called

    async def read() -> list[dict[str, Any]]:
        response = await board_events(RequestFactory().get("/board/chuo/events"), "chuo")
        stream = response.streaming_content.__aiter__()  # type: ignore[union-attr]
        events: list[dict[str, Any]] = []
        while len(events) < 4:
            events += await next_events(stream)
            if len(events) == 1:  # the snapshot is in: a burst of three changes, two of them calls
                called = await asyncio.to_thread(call_without_announcing)
                for change in (board_change(), board_change(called), board_change(called)):
                    publish("office.chuo", change)
        return events

    snapshot, *chimes, state = asyncio.run(read())
    assert snapshot["chime"] is None
    # one event per call, at once, with the state known before the call (the board puts the call in)
    assert [event["chime"]["ticket"] for event in chimes] == [first.display, first.display]
    assert all(event["state"] == snapshot["state"] for event in chimes)
    # then the state read after the call, which shows it
    assert state["chime"] is None
    assert state["state"]["calls"][0]["id"] == first.call_id


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_board_chimes_the_next_call_while_the_state_of_the_last_is_still_being_read(
    concierge: Any, clerk: Any
) -> None:
    """The state is read in the background: a call that arrives during a slow read chimes at once, not
    after the read (which a busy database makes the slowest part of a board's latency)."""
    import asyncio
    import time

    from django.test import RequestFactory

    from madoguchi.broadcast.events import publish
    from madoguchi.reception import live
    from madoguchi.reception.board import board_change

    tickets = [do_issue_ticket(concierge, queue=queue(), channel="concierge") for _ in range(2)]
    read_s = 0.6
    slow = {"on": False}

    def slow_board_state(office: Office) -> dict[str, Any]:
        if slow["on"]:
            time.sleep(read_s)
        return board_state(office)

    async def read() -> tuple[list[dict[str, Any]], list[float]]:
        response = await live.board_events(RequestFactory().get("/board/chuo/events"), "chuo")
        stream = response.streaming_content.__aiter__()  # type: ignore[union-attr]
        events: list[dict[str, Any]] = []
        arrived: list[float] = []
        while len(events) < 4:
            received = await next_events(stream)
            events += received
            arrived += [time.monotonic()] * len(received)
            if len(events) == 1:  # the snapshot is in; from now on each read takes read_s
                slow["on"] = True
                publish("office.chuo", board_change(tickets[0]))
            elif len(events) == 2:  # the first chime is in, its state is being read: the next call
                await asyncio.sleep(0.1)
                publish("office.chuo", board_change(tickets[1]))
        return events, arrived

    with mock.patch.object(live, "board_state", slow_board_state):
        (snapshot, first, second, state), arrived = asyncio.run(read())
    assert snapshot["chime"] is None
    assert first["chime"]["ticket"] == tickets[0].display
    # the second call chimed before the read started for the first one ended
    assert second["chime"]["ticket"] == tickets[1].display
    assert arrived[2] - arrived[1] < read_s
    # and the state read in the background followed, without a chime
    assert state["chime"] is None
    assert arrived[3] - arrived[1] >= read_s * 0.9


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_wait_page_stream_gets_one_event_per_second_naming_every_call(concierge: Any, clerk: Any) -> None:
    import asyncio
    import time

    from django.test import RequestFactory

    from madoguchi.broadcast.events import publish
    from madoguchi.reception.board import board_change
    from madoguchi.reception.live import WAIT_PAGE_COALESCE_S, board_events

    first = do_issue_ticket(concierge, queue=queue(), channel="concierge")
    second = do_issue_ticket(concierge, queue=queue(), channel="concierge")

    def call_without_announcing() -> Ticket:
        with mock.patch("madoguchi.reception.board.publish_on_commit"):
            called = do_call_next(clerk, counter=counter())
        assert called is not None
        return called

    async def read() -> tuple[list[dict[str, Any]], list[float]]:
        response = await board_events(RequestFactory().get("/board/chuo/events?for=wait"), "chuo")
        stream = response.streaming_content.__aiter__()  # type: ignore[union-attr]
        events: list[dict[str, Any]] = []
        arrived: list[float] = []
        while len(events) < 3:
            received = await next_events(stream)
            events += received
            arrived += [time.monotonic()] * len(received)
            if len(events) == 1:  # the snapshot is in: one change at once, then a burst with two calls
                publish("office.chuo", board_change())
            elif len(events) == 2:
                one = await asyncio.to_thread(call_without_announcing)
                publish("office.chuo", board_change(one))
                other = await asyncio.to_thread(call_without_announcing)
                publish("office.chuo", board_change(other))
        return events, arrived

    (snapshot, quiet, burst), arrived = asyncio.run(read())
    assert snapshot["chime"] is None
    assert quiet["chimes"] == []
    assert quiet["chime"] is None
    # the two calls of the next second arrive together, in one event, both named, the state read after them
    assert [call["ticket"] for call in burst["chimes"]] == [first.display, second.display]
    assert burst["chime"]["ticket"] == second.display
    assert {call["id"] for call in burst["state"]["calls"]} == {first.call_id, second.call_id}
    assert arrived[2] - arrived[1] >= WAIT_PAGE_COALESCE_S * 0.9
