from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from madoguchi.audit.chain import SystemActor
from madoguchi.organization.models import Office, Queue
from madoguchi.reception.actions import do_create_kiosk_token, do_issue_ticket
from madoguchi.reception.models import Ticket
from madoguchi.staff.roles import Role

TOKYO = ZoneInfo("Asia/Tokyo")


def one_stop(office: str = "chuo") -> Queue:
    return Queue.objects.get(office__code=office, code="one-stop")


def kiosk_token(office: str = "chuo") -> str:
    return do_create_kiosk_token(SystemActor("test"), office=Office.objects.get(code=office))[1]


def post_ticket(token: str, body: Any) -> Any:
    return Client().post(
        "/api/v1/tickets", body, content_type="application/json", headers={"authorization": f"Bearer {token}"}
    )


@pytest.mark.django_db
def test_tickets_are_numbered_per_queue_and_shown_with_the_prefix(staff_of: Any) -> None:
    concierge = staff_of(Role.CONCIERGE)
    first = do_issue_ticket(concierge, queue=one_stop(), channel=Ticket.Channel.CONCIERGE)
    second = do_issue_ticket(concierge, queue=one_stop(), channel=Ticket.Channel.CONCIERGE)
    other = do_issue_ticket(
        concierge, queue=Queue.objects.get(office__code="chuo", code="hoken-nenkin"), channel="concierge"
    )
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert (first.display, other.display) == ("A-001", "H-001")


@pytest.mark.django_db
def test_numbers_restart_on_the_next_business_day_in_tokyo(
    staff_of: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    concierge = staff_of(Role.CONCIERGE)
    late = datetime(2026, 11, 24, 23, 59, tzinfo=TOKYO)  # 14:59 UTC: still the 24th in Tokyo
    monkeypatch.setattr(timezone, "now", lambda: late)
    assert do_issue_ticket(concierge, queue=one_stop(), channel="concierge").number == 1
    assert do_issue_ticket(concierge, queue=one_stop(), channel="concierge").number == 2
    monkeypatch.setattr(timezone, "now", lambda: late + timedelta(minutes=2))  # 00:01 on the 25th
    next_day = do_issue_ticket(concierge, queue=one_stop(), channel="concierge")
    assert next_day.number == 1
    assert str(next_day.business_day) == "2026-11-25"


@pytest.mark.django_db
def test_the_kiosk_api_issues_a_ticket(demo_city: None) -> None:
    token = kiosk_token()
    response = post_ticket(token, {"office": "chuo", "queue": "one-stop"})
    assert response.status_code == 201
    data = response.json()
    assert data["number"] == 1
    assert data["display"] == "A-001"
    page = Client().get(data["status_url"])
    assert page.status_code == 200
    assert "A-001" in page.content.decode()
    assert "前に 0 人" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("token", "body", "status", "path"),
    [
        ("wrong-token", {"office": "chuo", "queue": "one-stop"}, 401, "Authorization"),
        (None, {"office": "kita", "queue": "one-stop"}, 403, "office"),
        (None, {"office": "chuo", "queue": "no-such-queue"}, 400, "queue"),
        (None, {"office": "chuo"}, 400, "(body)"),
        (None, "not json", 400, "(body)"),
    ],
)
def test_the_kiosk_api_refuses_bad_requests(
    demo_city: None, token: str | None, body: Any, status: int, path: str
) -> None:
    response = post_ticket(token or kiosk_token(), body)
    assert response.status_code == status
    assert response.json()["errors"][0]["path"] == path
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_kiosk_token_command_prints_a_working_token(
    demo_city: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("kiosk_token", "--office", "minami")
    token = capsys.readouterr().out.strip()
    assert post_ticket(token, {"office": "minami", "queue": "one-stop"}).status_code == 201


@pytest.mark.django_db
def test_staff_issue_only_with_the_capability_and_at_their_office(staff_of: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_issue_ticket(staff_of(Role.MANAGER), queue=one_stop(), channel="concierge")
    with pytest.raises(PermissionDenied):
        do_issue_ticket(staff_of(Role.CONCIERGE), queue=one_stop("kita"), channel="concierge")
    assert not Ticket.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_kiosks_never_duplicate_or_skip_a_number(demo_city: None) -> None:
    # given: 50 kiosks issuing 40 tickets each into the one-stop queue at the same time
    queue = one_stop()
    office = queue.office
    kiosks = [do_create_kiosk_token(SystemActor("test"), office=office)[0] for _ in range(50)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(kiosks))

    def issue(kiosk: Any) -> None:
        try:
            start.wait()
            for _ in range(40):
                do_issue_ticket(kiosk, queue=queue, channel=Ticket.Channel.KIOSK)
                connection.close()  # as at the end of each request: back to the pool
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(kiosk,)) for kiosk in kiosks]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    # then
    assert errors == []
    numbers = sorted(Ticket.objects.filter(queue=queue).values_list("number", flat=True))
    assert numbers == list(range(1, 2001))


@pytest.mark.django_db
def test_concierge_picks_a_purpose_and_prints_a_ticket_with_a_qr_code(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.CONCIERGE))
    page = client.get("/reception/").content.decode()
    assert "死亡（おくやみ）" in page
    assert "保険年金課" in page
    okuyami = Queue.objects.get(office__code="chuo", code="okuyami")
    response = client.post("/reception/issue/", {"purpose": f"{okuyami.pk}:shibou", "priority": "on"})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.display, ticket.priority, ticket.channel) == ("O-001", True, "concierge")
    assert ticket.purpose == "shibou"
    slip = client.get(response["Location"]).content.decode()
    assert "O-001" in slip
    assert "<svg" in slip


@pytest.mark.django_db
def test_the_concierge_screen_is_refused_without_the_capability(staff_of: Any, signed_in: Any) -> None:
    client = signed_in(staff_of(Role.MANAGER))
    assert client.get("/reception/").status_code == 403
    assert client.post("/reception/issue/", {"purpose": f"{one_stop().pk}:"}).status_code == 403
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_counter_calls_priority_first_then_in_order_and_records_each_period(staff_of: Any) -> None:
    from madoguchi.organization.models import Counter
    from madoguchi.reception.actions import (
        TicketStateError,
        do_call_next,
        do_finish_service,
        do_mark_no_show,
        do_start_service,
        do_transfer,
    )
    from madoguchi.reception.models import TicketEvent

    # given: three waiting residents, the third with priority
    concierge, clerk = staff_of(Role.CONCIERGE), staff_of(Role.ONESTOP_CLERK)
    first = do_issue_ticket(concierge, queue=one_stop(), channel="concierge")
    second = do_issue_ticket(concierge, queue=one_stop(), channel="concierge")
    urgent = do_issue_ticket(concierge, queue=one_stop(), channel="concierge", priority=True)
    counter = Counter.objects.get(office__code="chuo", code="one-stop-1")
    # when / then
    assert do_call_next(clerk, counter=counter) == urgent
    with pytest.raises(TicketStateError):
        do_finish_service(clerk, urgent, counter=counter)  # not yet serving
    do_start_service(clerk, urgent, counter=counter)
    handed = do_transfer(
        clerk,
        urgent,
        counter=counter,
        to_queue=Queue.objects.get(office__code="chuo", code="kaigo"),
        note="要介護認定",
    )
    assert handed.display == "K-001"
    assert handed.transferred_from == urgent
    assert handed.priority
    assert do_call_next(clerk, counter=counter) == first
    do_mark_no_show(clerk, first, counter=counter)
    assert do_call_next(clerk, counter=counter) == second
    do_start_service(clerk, second, counter=counter)
    do_finish_service(clerk, second, counter=counter)
    assert do_call_next(clerk, counter=counter) is None
    statuses = list(TicketEvent.objects.filter(ticket=urgent).values_list("status", flat=True))
    assert statuses == ["waiting", "called", "serving", "transferred"]
    second.refresh_from_db()
    assert second.called_at <= second.serving_at <= second.finished_at


@pytest.mark.django_db
def test_only_counter_staff_call_residents(staff_of: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from madoguchi.organization.models import Counter
    from madoguchi.reception.actions import do_call_next

    do_issue_ticket(staff_of(Role.CONCIERGE), queue=one_stop(), channel="concierge")
    counter = Counter.objects.get(office__code="chuo", code="one-stop-1")
    with pytest.raises(PermissionDenied):
        do_call_next(staff_of(Role.CONCIERGE), counter=counter)
    with pytest.raises(PermissionDenied):
        do_call_next(staff_of(Role.BRANCH_STAFF), counter=counter)  # another office
    assert Ticket.objects.get().status == Ticket.Status.WAITING


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_counters_never_call_the_same_resident(staff_of: Any) -> None:
    from madoguchi.organization.models import Counter
    from madoguchi.reception.actions import do_call_next

    # given: 200 waiting residents and 8 one-stop counters calling at once
    concierge, clerk = staff_of(Role.CONCIERGE), staff_of(Role.ONESTOP_CLERK)
    for _ in range(200):
        do_issue_ticket(concierge, queue=one_stop(), channel="concierge")
    counters = list(Counter.objects.filter(office__code="chuo", queue__code="one-stop"))
    called: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(counters))

    def work(counter: Any) -> None:
        try:
            start.wait()
            while (ticket := do_call_next(clerk, counter=counter)) is not None:
                connection.close()  # as at the end of each request: back to the pool
                with lock:
                    called.append(ticket.display)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(counter,)) for counter in counters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    # then: every resident called exactly once
    assert errors == []
    assert len(called) == 200
    assert len(set(called)) == 200
    assert not Ticket.objects.filter(status=Ticket.Status.WAITING).exists()


@pytest.mark.django_db
def test_the_counter_screen_calls_serves_and_hands_over(staff_of: Any, signed_in: Any) -> None:
    from madoguchi.organization.models import Counter

    do_issue_ticket(staff_of(Role.CONCIERGE), queue=one_stop(), channel="concierge")
    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    assert "この端末の窓口" in client.get("/reception/counter/").content.decode()
    counter = Counter.objects.get(office__code="chuo", code="one-stop-2")
    client.post("/reception/counter/", {"counter": counter.pk})
    client.post("/reception/counter/call/")
    page = client.get("/reception/counter/").content.decode()
    assert "A-001" in page
    assert page.count('aria-current="page"') == 1  # 窓口, not also 整理券 (/reception/)
    assert '<a href="/reception/counter/" aria-current="page">' in page
    ticket = Ticket.objects.get()
    client.post("/reception/counter/serve/", {"ticket": str(ticket.pk)})
    kaigo = Queue.objects.get(office__code="chuo", code="kaigo")
    client.post(
        "/reception/counter/transfer/", {"ticket": str(ticket.pk), "queue": kaigo.pk, "note": "認定の相談"}
    )
    handed = Ticket.objects.get(queue=kaigo)
    assert handed.note == "認定の相談"
    assert handed.transferred_from == ticket
    bad = client.post("/reception/counter/finish/", {"ticket": "not-a-uuid"})
    assert bad.status_code == 302  # a clear message, not a server error
    assert client.post("/reception/counter/call/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CONCIERGE, Role.MANAGER])
def test_the_counter_screen_is_refused_without_the_capability(
    staff_of: Any, signed_in: Any, role: Role
) -> None:
    do_issue_ticket(staff_of(Role.CONCIERGE), queue=one_stop(), channel="concierge")
    client = signed_in(staff_of(role))
    assert client.get("/reception/counter/").status_code == 403
    assert client.post("/reception/counter/call/").status_code == 403
    assert Ticket.objects.get().status == Ticket.Status.WAITING


@pytest.mark.django_db
@pytest.mark.parametrize("step", ["recall", "serve", "finish", "no_show", "transfer"])
def test_a_counter_never_moves_another_offices_resident(staff_of: Any, step: str) -> None:
    from django.core.exceptions import PermissionDenied

    from madoguchi.organization.models import Counter
    from madoguchi.reception import actions

    # given a resident waiting at another office, and a clerk at a counter of the main office
    elsewhere = Queue.objects.exclude(office__code="chuo").order_by("pk").first()
    assert elsewhere is not None
    ticket = do_issue_ticket(SystemActor("test"), queue=elsewhere, channel="kiosk")
    counter = Counter.objects.get(office__code="chuo", code="one-stop-1")
    clerk = staff_of(Role.ONESTOP_CLERK)
    shomei = Queue.objects.get(office__code="chuo", code="shomei")
    take = {
        "recall": lambda: actions.do_recall(clerk, ticket, counter=counter),
        "serve": lambda: actions.do_start_service(clerk, ticket, counter=counter),
        "finish": lambda: actions.do_finish_service(clerk, ticket, counter=counter),
        "no_show": lambda: actions.do_mark_no_show(clerk, ticket, counter=counter),
        "transfer": lambda: actions.do_transfer(clerk, ticket, counter=counter, to_queue=shomei, note=""),
    }[step]
    # when any step is asked of this counter for that ticket (a tampered form, another vendor's display)
    with pytest.raises(PermissionDenied):
        take()
    # then the resident's ticket is untouched
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.WAITING
