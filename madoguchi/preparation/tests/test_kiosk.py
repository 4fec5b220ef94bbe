"""At the kiosk: the resident shows the code, checks in, and the clerk who calls the ticket has the case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from madoguchi.audit.chain import SystemActor
from madoguchi.cases.models import Case
from madoguchi.organization.models import Office, Queue
from madoguchi.preparation import actions
from madoguchi.preparation.tests.households import household
from madoguchi.reception.actions import do_create_kiosk_token
from madoguchi.reception.models import Ticket
from madoguchi.reservations.actions import Resident
from madoguchi.reservations.models import Reservation

RESIDENT = Resident(office_code="chuo")


def _kiosk(client: Client, *, priority: bool = False) -> Any:
    token, plain = do_create_kiosk_token(SystemActor("test"), office=Office.objects.get(code="chuo"))
    if priority:
        token.may_issue_priority = True
        token.save()
    assert client.get(f"/kiosk/?token={plain}").status_code == 302
    return token


def test_a_prepared_resident_checks_in_at_the_kiosk_and_the_case_waits_for_the_clerk(
    demo_city: None, client: Client
) -> None:
    _kiosk(client, priority=True)
    texts = actions.do_finish(RESIDENT, household(3)).texts
    response = client.post("/prepared/kiosk/check-in/", {"code": "\n".join(texts)})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/kiosk/tickets/{ticket.pk}/"
    assert ticket.priority
    assert ticket.queue.code == Queue.ONE_STOP_CODE
    assert ticket.case is not None
    assert ticket.case.people.count() == 3
    # the same code shown again: the same slip, no second ticket or case
    again = client.post("/prepared/kiosk/check-in/", {"code": "\n".join(texts)})
    assert again["Location"] == response["Location"]
    assert Ticket.objects.count() == 1
    assert Case.objects.count() == 1


def test_the_reservation_booked_for_the_visit_is_checked_in(demo_city: None, client: Client) -> None:
    _kiosk(client)
    queue = Queue.objects.get(office__code="chuo", code=Queue.ONE_STOP_CODE)
    now = timezone.localtime()
    booked = Reservation.objects.create(
        queue=queue,
        day=now.date(),
        start=(now + timedelta(minutes=5)).time().replace(second=0, microsecond=0),
        end=(now + timedelta(minutes=20)).time().replace(second=0, microsecond=0),
        name_kana="ヨシダ　タカシ",
        phone="09012345678",
        channel=Reservation.Channel.RESIDENT,
        created_at=timezone.now(),
    )
    data = household(2)
    data["visit"] = {"office": "chuo", "date": now.date().isoformat(), "reservation": booked.code}
    texts = actions.do_finish(RESIDENT, data).texts
    assert client.post("/prepared/kiosk/check-in/", {"code": texts[0]}).status_code == 302
    booked.refresh_from_db()
    assert booked.status == Reservation.Status.CHECKED_IN
    assert booked.ticket is not None
    assert booked.ticket.priority
    assert booked.ticket.case is not None


def test_a_refused_code_at_the_kiosk_gives_no_ticket(demo_city: None, client: Client) -> None:
    _kiosk(client)
    text = actions.do_finish(RESIDENT, household(1), now=timezone.now() - timedelta(days=31)).texts[0]
    response = client.post("/prepared/kiosk/check-in/", {"code": text}, follow=True)
    assert "有効期限が切れています" in response.content.decode()
    assert not Ticket.objects.exists()
    assert not Case.objects.exists()
    assert Client().post("/prepared/kiosk/check-in/", {"code": text}).status_code == 401
