from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from madoguchi.cases.models import Case
from madoguchi.reception.models import Ticket, TicketCounter
from madoguchi.transactions import LOCK_ORDER, Busy, LockOrderViolation, atomic_action, lock
from madoguchi.transactions import actions as transaction_actions

pytestmark = pytest.mark.django_db


def test_every_locked_model_has_a_place_in_the_order() -> None:
    from django.apps import apps

    labels = {model._meta.label_lower for model in apps.get_models()}
    # given: the order names real models (the center's app is named once, old or new label)
    assert {"reception.ticket", "cases.case", "reception.ticketcounter", "cases.casecounter"} <= labels
    assert "audit.auditchainhead" not in LOCK_ORDER  # the chain head is the sealer's alone
    assert LOCK_ORDER.index("reception.ticket") < LOCK_ORDER.index("cases.case")
    assert LOCK_ORDER.index("cases.case") < LOCK_ORDER.index("reception.ticketcounter")


def test_locking_against_the_order_is_refused_inside_one_action() -> None:
    # given: an action that locks a counter row, then a ticket
    @atomic_action
    def backwards() -> None:
        list(lock(TicketCounter.objects.all()))
        list(lock(Ticket.objects.all()))

    # then
    with pytest.raises(LockOrderViolation, match=r"reception\.ticket locked after reception\.ticketcounter"):
        backwards()


def test_the_order_holds_across_nested_actions_and_resets_for_the_next_action() -> None:
    @atomic_action
    def inner() -> None:
        list(lock(Ticket.objects.all()))

    @atomic_action
    def outer() -> None:
        list(lock(Case.objects.all()))
        inner()  # the same transaction: a ticket after a case breaks the order

    with pytest.raises(LockOrderViolation):
        outer()

    @atomic_action
    def counters() -> None:
        list(lock(TicketCounter.objects.all()))

    counters()
    inner()  # a new action starts a new order


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_action_run_after_another_commits_starts_its_own_order() -> None:
    # given: an action whose on-commit hook runs another action (remote consultation routes a new request
    # once it is committed); the first transaction is over, so its locks are no longer held
    ran: list[str] = []

    @atomic_action
    def inner() -> None:
        list(lock(Ticket.objects.all()))
        ran.append("inner")

    @atomic_action
    def outer() -> None:
        list(lock(Case.objects.all()))
        transaction.on_commit(inner)

    # when / then: no violation (a ticket after a case, but in a transaction of its own)
    outer()
    assert ran == ["inner"]


def test_a_model_without_a_place_cannot_be_locked() -> None:
    from madoguchi.audit.models import AuditChainHead

    with pytest.raises(LockOrderViolation, match="no place in LOCK_ORDER"):
        lock(AuditChainHead.objects.all())


class DeadlockCause(Exception):
    sqlstate = "40P01"


def deadlock() -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = DeadlockCause()
    return error


@pytest.mark.postgres_only  # a transactional test: SQLite's flush meets the audit log's DELETE trigger
@pytest.mark.django_db(transaction=True)
def test_a_deadlock_is_retried_from_the_start(monkeypatch: Any) -> None:
    # given: an action that deadlocks twice, then succeeds (outside any transaction, as in a request)
    monkeypatch.setattr(transaction_actions, "PAUSE_SECONDS", (0.0, 0.0))
    calls: list[int] = []

    @atomic_action
    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise deadlock()
        return "done"

    # when / then
    assert flaky() == "done"
    assert len(calls) == 3


@pytest.mark.postgres_only  # a transactional test: SQLite's flush meets the audit log's DELETE trigger
@pytest.mark.django_db(transaction=True)
def test_a_deadlock_that_persists_is_busy_not_a_crash(monkeypatch: Any) -> None:
    monkeypatch.setattr(transaction_actions, "PAUSE_SECONDS", (0.0, 0.0))
    calls: list[int] = []

    @atomic_action
    def stuck() -> None:
        calls.append(1)
        raise deadlock()

    assert not connection.in_atomic_block
    with pytest.raises(Busy):
        stuck()
    assert len(calls) == transaction_actions.MAX_ATTEMPTS


def test_inside_a_callers_transaction_the_caller_retries() -> None:
    calls: list[int] = []

    @atomic_action
    def once() -> None:
        calls.append(1)
        raise deadlock()

    with pytest.raises(OperationalError) as raised:
        once()
    assert not isinstance(raised.value, Busy)
    assert len(calls) == 1


@pytest.mark.postgres_only  # a transactional test: SQLite's flush meets the audit log's DELETE trigger
@pytest.mark.django_db(transaction=True)
def test_other_database_errors_are_not_retried() -> None:
    calls: list[int] = []

    @atomic_action
    def broken() -> None:
        calls.append(1)
        raise OperationalError("no such table: nowhere")

    with pytest.raises(OperationalError, match="no such table"):
        broken()
    assert len(calls) == 1
