"""Transfers and kiosks writing into one queue at once: the deadlock the load test found, as a test."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from madoguchi.audit.chain import SystemActor
from madoguchi.organization.models import Counter, Queue
from madoguchi.reception.actions import do_call_next, do_create_kiosk_token, do_issue_ticket, do_transfer
from madoguchi.reception.models import Ticket
from madoguchi.staff.roles import Role

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_clerks_transferring_and_kiosks_issuing_into_one_queue_never_deadlock(staff_of: Any) -> None:
    # given: 160 residents waiting at chuo's one-stop counter, 8 counters, 8 kiosks
    one_stop = Queue.objects.get(office__code="chuo", code="one-stop")
    target = Queue.objects.get(office__code="chuo", code="hoken-nenkin")
    concierge, clerk = staff_of(Role.CONCIERGE), staff_of(Role.ONESTOP_CLERK)
    for _ in range(160):
        do_issue_ticket(concierge, queue=one_stop, channel="concierge")
    counters = list(Counter.objects.filter(queue=one_stop).select_related("office")[:8])
    kiosks = [do_create_kiosk_token(SystemActor("test"), office=one_stop.office)[0] for _ in range(8)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(counters) + len(kiosks))

    def clerk_at(counter: Counter) -> None:
        try:
            start.wait()
            while (ticket := do_call_next(clerk, counter=counter)) is not None:
                connection.close()
                do_transfer(clerk, ticket, counter=counter, to_queue=target, note="国保の加入")
                connection.close()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    def kiosk_issuing(kiosk: Any) -> None:
        try:
            start.wait()
            for _ in range(20):
                do_issue_ticket(kiosk, queue=target, channel=Ticket.Channel.KIOSK)
                connection.close()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk_at, args=(c,)) for c in counters]
    threads += [threading.Thread(target=kiosk_issuing, args=(k,)) for k in kiosks]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    # then: no deadlock reached anyone, and the department's numbers run 1..320 without a gap
    assert errors == []
    assert Ticket.objects.filter(queue=one_stop, status=Ticket.Status.TRANSFERRED).count() == 160
    numbers = sorted(Ticket.objects.filter(queue=target).values_list("number", flat=True))
    assert numbers == list(range(1, 321))
    assert Ticket.objects.filter(queue=target, transferred_from__isnull=False).count() == 160
