"""The one lock order of madoguchi (Saleor's `checkout/lock_objects.py` is the model).

Every `select_for_update` goes through `lock()`, which knows each model's rank and refuses, with
`LockOrderViolation`, to lock a row of a lower rank after one of a higher rank in the same action: two
actions can then never wait for each other in a circle. A new lock is a new line in LOCK_ORDER, not a
new call site. Rows of one model are taken in one statement, ordered by primary key where several are
locked at once.

The audit chain is not in the list: actions append audit entries without any lock, and only the sealer
locks the chain's head, in a transaction of its own (madoguchi/audit/chain.py).
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import QuerySet

M = TypeVar("M", bound=models.Model)

# Lower first. Reference data that managers edit, then the business rows of a visit from the outside in
# (a reservation becomes a ticket, a ticket opens a case, an item of the center completes its case),
# then background work, then numbering counters, which every kind of action takes last.
LOCK_ORDER: tuple[str, ...] = (
    # reference data
    "organization.department",
    "organization.office",
    "organization.queue",
    "organization.counter",
    "catalog.procedure",
    "center.workqueue",
    "staff.staff",
    "staff.apitoken",
    "reservations.reservationschedule",
    # certificate requests (each step locks only its own request's row)
    "certificates.certificaterequest",
    # remote consultation: an expert's profile, then the consultation they accept or end
    "remote.expertprofile",
    "remote.consultation",
    # the visit
    "preparation.preparedvisit",
    "reservations.reservation",
    "reception.countershift",
    "reception.ticket",
    "center.workitem",
    "cases.case",
    "cases.person",
    # background work
    "tasks.task",
    # numbering (organization/sequences.py)
    "reception.ticketcounter",
    "cases.casecounter",
)
RANK = {label: rank for rank, label in enumerate(LOCK_ORDER)}


class LockOrderViolation(RuntimeError):
    """A row was locked against the order in LOCK_ORDER: a programming error that could deadlock."""


class _State(threading.local):
    scope: object | None = None
    rank: int = -1
    label: str = ""
    depth: int = 0  # nesting of atomic_action on this thread


_state = _State()


def _current_scope() -> object | None:
    """The transaction being checked: the outermost action on this thread, else the outermost atomic."""
    if _state.depth:
        return _state.scope
    connection = transaction.get_connection()
    return connection.atomic_blocks[0] if connection.atomic_blocks else None


def enter_action(*, outermost: bool = False) -> None:
    """An action starts. `outermost`: no transaction is open on the connection, so it starts a scope of its
    own even when called from inside another action, as an action run by an on-commit hook of another
    (whose transaction has committed) is."""
    if _state.depth == 0 or outermost:
        _state.scope, _state.rank, _state.label = object(), -1, ""
    _state.depth += 1


def leave_action() -> None:
    _state.depth -= 1
    if _state.depth == 0:
        _state.scope, _state.rank, _state.label = None, -1, ""


def lock(queryset: QuerySet[M], *, skip_locked: bool = False) -> QuerySet[M]:
    """`queryset` with its rows locked for the rest of the transaction (only the model's own rows)."""
    claim(queryset.model)
    options: dict[str, Any] = {"skip_locked": skip_locked}
    if transaction.get_connection().features.has_select_for_update_of:
        options["of"] = ("self",)  # a joined row (the queue of a ticket) is read, never locked
    return queryset.select_for_update(**options)


def claim(model: type[models.Model]) -> None:
    """Check that rows of `model` may be locked now, and remember it: for `lock()`, and for a statement
    that locks the rows it writes by itself (the one-statement upsert of organization/sequences.py)."""
    label = model._meta.label_lower
    rank = RANK.get(label)
    if rank is None:
        raise LockOrderViolation(f"{label} has no place in LOCK_ORDER (madoguchi/transactions/locks.py)")
    scope = _current_scope()
    if scope is not _state.scope and _state.depth == 0:
        _state.scope, _state.rank, _state.label = scope, -1, ""
    if rank < _state.rank:
        raise LockOrderViolation(
            f"{label} locked after {_state.label}: LOCK_ORDER takes {label} first "
            "(madoguchi/transactions/locks.py)"
        )
    _state.rank, _state.label = rank, label
