"""Numbers from one upsert statement: no gap, no repeat, a rolled-back number given back, one lock order."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from madoguchi.cases.models import CaseCounter
from madoguchi.organization.models import Office, Queue
from madoguchi.organization.sequences import next_in_sequence
from madoguchi.reception.models import Ticket, TicketCounter
from madoguchi.transactions import LockOrderViolation, atomic_action, lock

pytestmark = pytest.mark.django_db

DAY = date(2027, 3, 29)


@pytest.fixture
def queues(demo_city: None) -> tuple[Queue, Queue]:
    first, second = Queue.objects.filter(office__code="chuo").order_by("pk")[:2]
    return first, second


@atomic_action
def take(queue: Queue, day: date = DAY) -> int:
    return next_in_sequence(TicketCounter, queue=queue, business_day=day)


def test_numbers_run_on_per_key_and_start_at_one_for_a_new_day(queues: tuple[Queue, Queue]) -> None:
    first, second = queues
    assert [take(first) for _ in range(3)] == [1, 2, 3]
    assert take(second) == 1  # another queue counts on its own
    assert take(first, date(2027, 3, 30)) == 1  # so does the next business day
    assert TicketCounter.objects.get(queue=first, business_day=DAY).last == 3


def test_one_statement_takes_a_number(queues: tuple[Queue, Queue]) -> None:
    take(queues[0])
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        next_in_sequence(TicketCounter, queue=queues[0], business_day=DAY)
    assert len(queries.captured_queries) == 1
    assert "ON CONFLICT" in queries.captured_queries[0]["sql"]


def test_a_rolled_back_action_gives_its_number_back(queues: tuple[Queue, Queue]) -> None:
    first = queues[0]
    assert take(first) == 1

    @atomic_action
    def fails() -> None:
        next_in_sequence(TicketCounter, queue=first, business_day=DAY)
        raise RuntimeError("the action failed after taking a number")

    with pytest.raises(RuntimeError):
        fails()
    assert take(first) == 2  # no gap


def test_case_numbers_use_the_same_statement(demo_city: None) -> None:
    office = Office.objects.get(code="chuo")

    @atomic_action
    def case_number() -> int:
        return next_in_sequence(CaseCounter, office=office, day=DAY)

    assert [case_number(), case_number()] == [1, 2]


def test_taking_a_number_keeps_the_lock_order(queues: tuple[Queue, Queue]) -> None:
    # a counter row is locked last of all: locking a ticket after it would break the one order
    @atomic_action
    def backwards() -> None:
        next_in_sequence(TicketCounter, queue=queues[0], business_day=DAY)
        list(lock(Ticket.objects.all()))

    with pytest.raises(LockOrderViolation, match=r"reception\.ticket locked after reception\.ticketcounter"):
        backwards()
