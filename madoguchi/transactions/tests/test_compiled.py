"""Reads compiled once per process give what the ORM gives, in one statement, and refuse what they cannot
compile faithfully."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, QuerySet
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from madoguchi.audit.chain import SystemActor
from madoguchi.organization.models import Queue
from madoguchi.reception.actions import do_issue_ticket
from madoguchi.reception.models import Ticket, TicketCounter
from madoguchi.transactions import LockOrderViolation, atomic_action, lock
from madoguchi.transactions.compiled import CompiledQuery, CompiledQueryError

pytestmark = pytest.mark.django_db


def waiting(queue_id: int, day: Any) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(queue_id=queue_id, business_day=day, status=Ticket.Status.WAITING)
        .select_related("queue__office", "office")
        .annotate(event_count=Count("events"), twice=F("number") * 2)
        .order_by("-priority", "number")
    )


WAITING = CompiledQuery(waiting)
BY_ID = CompiledQuery(lambda pk: Ticket.objects.select_related("queue", "office").filter(pk=pk))
LOCKED = CompiledQuery(lambda pk: lock(Ticket.objects.filter(pk=pk)).select_related("queue"))


@pytest.fixture
def tickets(demo_city: None) -> list[Ticket]:
    queues = list(Queue.objects.filter(office__code="chuo").order_by("pk")[:2])
    return [
        do_issue_ticket(SystemActor("test"), queue=queues[i % 2], channel="kiosk", priority=i == 3)
        for i in range(5)
    ]


def fields(ticket: Ticket) -> tuple[Any, ...]:
    return (
        ticket.pk,
        ticket.number,
        ticket.status,
        ticket.priority,
        ticket.business_day,
        ticket.queue.code,
        ticket.queue.office.code,
        ticket.office.code,
        getattr(ticket, "event_count", None),
        getattr(ticket, "twice", None),
    )


def test_the_rows_and_their_related_rows_and_annotations_are_those_the_orm_reads(
    tickets: list[Ticket],
) -> None:
    day = timezone.localdate()
    for queue_id in {t.queue_id for t in tickets}:
        expected = [fields(t) for t in waiting(queue_id, day)]
        assert len(expected) >= 2
        assert [fields(t) for t in WAITING.all(queue_id=queue_id, day=day)] == expected
    # the same statement with other values: nothing of another queue or day
    assert WAITING.all(queue_id=tickets[0].queue_id, day=day.replace(year=day.year - 1)) == []
    # a UUID key (bound as the database stores it: uuid on PostgreSQL, hex text on SQLite)
    found = BY_ID.get(pk=tickets[2].pk)
    assert (found.pk, found.number, found.queue.code) == (
        tickets[2].pk,
        tickets[2].number,
        tickets[2].queue.code,
    )
    assert found._state.db == "default"
    assert not found._state.adding


def test_each_call_is_one_statement_with_no_sql_built(tickets: list[Ticket]) -> None:
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    BY_ID.get(pk=tickets[0].pk)  # compiled on first use
    with (
        CaptureQueriesContext(connection) as queries,
        mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as built,
    ):
        for ticket in tickets:
            assert BY_ID.get(pk=ticket.pk).pk == ticket.pk
    assert built.call_count == 0  # the ORM would build the text again for every call
    assert len(queries) == len(tickets)
    assert len({query["sql"].split("WHERE")[0] for query in queries}) == 1


def test_get_raises_as_the_orm_does(tickets: list[Ticket]) -> None:
    with pytest.raises(Ticket.DoesNotExist):
        BY_ID.get(pk=Ticket(number=1).pk)  # a new UUID, not saved
    assert BY_ID.first(pk=Ticket(number=1).pk) is None


@pytest.mark.postgres_only  # SQLite has no row locks (and its flush after such a test refuses the audit log)
@pytest.mark.django_db(transaction=True)
def test_a_locking_read_needs_a_transaction() -> None:
    with transaction.atomic():
        assert LOCKED.first(pk=uuid4()) is None  # compiled
    with pytest.raises(TransactionManagementError):
        LOCKED.first(pk=uuid4())  # as the ORM refuses select_for_update in autocommit


def test_a_locking_read_keeps_the_lock_order(tickets: list[Ticket]) -> None:
    @atomic_action
    def in_order() -> Ticket:
        return LOCKED.get(pk=tickets[0].pk)

    assert in_order().pk == tickets[0].pk

    @atomic_action
    def backwards() -> None:
        list(lock(TicketCounter.objects.all()))
        LOCKED.get(pk=tickets[1].pk)  # compiled already: the order is still checked on every call

    with pytest.raises(LockOrderViolation, match=r"reception\.ticket locked after reception\.ticketcounter"):
        backwards()


def test_what_would_change_the_statement_is_refused(tickets: list[Ticket]) -> None:
    by_status = CompiledQuery(lambda status: Ticket.objects.filter(status=status))
    with pytest.raises(CompiledQueryError, match="bools"):
        CompiledQuery(lambda flag: Ticket.objects.filter(priority=flag)).all(flag=True)
    with pytest.raises(CompiledQueryError, match="int, text"):
        CompiledQuery(lambda numbers: Ticket.objects.filter(number__in=numbers)).all(numbers=[1, 2])
    # text whose SQL depends on the value (a different statement for a lower number)
    with pytest.raises(CompiledQueryError, match="depends on its values"):
        CompiledQuery(
            lambda n: Ticket.objects.filter(number=n) if n % 2 else Ticket.objects.filter(number__gte=n)
        ).all(n=3)
    # an argument that never reaches the statement
    with pytest.raises(CompiledQueryError, match="not a parameter"):
        CompiledQuery(lambda n, unused: Ticket.objects.filter(number=n)).all(n=1, unused=2)
    # wrong or missing values on a compiled statement
    assert by_status.all(status="waiting")
    with pytest.raises(CompiledQueryError, match="expected the values"):
        by_status.all(state="waiting")


def test_an_int_no_column_can_hold_finds_nothing_instead_of_failing(tickets: list[Ticket]) -> None:
    by_number = CompiledQuery(lambda q, number: Ticket.objects.filter(queue_id=q, number=number))
    first = tickets[0]
    assert [t.pk for t in by_number.all(q=first.queue_id, number=first.number)] == [first.pk]
    assert by_number.all(q=first.queue_id, number=10**5000) == []
    assert by_number.all(q=-(2**63) - 1, number=first.number) == []


def test_many_values_of_one_type_each_find_their_own_place(tickets: list[Ticket]) -> None:
    from datetime import timedelta
    from functools import reduce
    from operator import or_

    from django.db.models import Q

    def any_day(**days: Any) -> QuerySet[Ticket]:
        return Ticket.objects.filter(reduce(or_, (Q(business_day=days[name]) for name in sorted(days))))

    today = timezone.localdate()
    days = {f"d{i:02}": today - timedelta(days=i + 1) for i in range(40)}
    compiled = CompiledQuery(any_day)
    assert compiled.all(**days) == []
    assert {t.pk for t in compiled.all(**days | {"d37": today})} == {t.pk for t in tickets}
