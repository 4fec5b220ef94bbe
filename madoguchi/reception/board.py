"""The display board of an office: what it shows, and the messages that keep every board up to date.

A board message carries the whole board (current calls and waiting counts), so a board that missed
messages, or has just reconnected, is right again with the next one. `chime` names the call to announce.
Residents' wait pages listen to the same messages: each queue's waiting numbers in call order (numbers
only, as on the board) and its call rate let a phone update its place and estimate without a request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from madoguchi.broadcast.events import publish_on_commit
from madoguchi.organization.models import Office, Queue
from madoguchi.reception.waiting import queue_rates

if TYPE_CHECKING:
    from madoguchi.reception.models import Ticket

# The board lists this many current calls (the newest first); older calls leave the board.
BOARD_CALLS = 8
OFFICES_CHANNEL = "offices"  # the managers' status page: one small message per change in any office


def office_channel(office_code: str) -> str:
    return f"office.{office_code}"


def _call(ticket: Ticket) -> dict[str, Any]:
    counter = ticket.counter
    return {
        "id": ticket.call_id,  # never the ticket's own id: that opens its slip and wait page
        "ticket": ticket.display,
        "queue": ticket.queue.code,
        "counter_ja": counter.name_ja if counter else "",
        "counter_en": (counter.name_en or counter.name_ja) if counter else "",
        "status": ticket.status,
        "recalls": ticket.recalls,
    }


def board_state(office: Office) -> dict[str, Any]:
    from madoguchi.reception.models import Ticket

    today = timezone.localdate()
    calls = (
        Ticket.objects.filter(
            office=office, business_day=today, status__in=[Ticket.Status.CALLED, Ticket.Status.SERVING]
        )
        .select_related("queue", "counter")
        .annotate(last_call=Coalesce(F("recalled_at"), F("called_at")))
        .order_by("-last_call")[:BOARD_CALLS]
    )
    queues = list(Queue.objects.filter(office=office).order_by("pk"))
    order: dict[int, list[int]] = {queue.pk: [] for queue in queues}
    for queue_id, number in (
        Ticket.objects.filter(office=office, business_day=today, status=Ticket.Status.WAITING)
        .order_by("queue_id", *Ticket.CALL_ORDER)
        .values_list("queue_id", "number")
    ):
        order.setdefault(queue_id, []).append(number)
    rates = queue_rates(order)
    return {
        "office": office.code,
        "calls": [_call(ticket) for ticket in calls],
        "queues": [
            {
                "code": queue.code,
                "prefix": queue.ticket_prefix,
                "name_ja": queue.name_ja,
                "name_en": queue.name_en or queue.name_ja,
                "waiting": len(order[queue.pk]),
                # For the residents' wait pages on this stream: the waiting numbers in the order they
                # will be called, and the measured call rate, so that each phone works out its own place
                # and estimate instead of asking the server after every change.
                "order": order[queue.pk],
                "interval_s": rates[queue.pk].interval_s,
                "basis": rates[queue.pk].basis.value,
            }
            for queue in queues
        ],
        "at": timezone.now().isoformat(timespec="seconds"),
    }


def board_message(office: Office, chime: Ticket | None = None) -> dict[str, Any]:
    return {"type": "board", "state": board_state(office), "chime": _call(chime) if chime else None}


def board_change(chime: Ticket | None = None) -> dict[str, Any]:
    """What a write publishes: the office's board changed, and the call to chime if it was one."""
    return {"type": "board-change", "chime": _call(chime) if chime else None}


def announce_on_commit(ticket: Ticket, *, call: bool = False) -> None:
    """After commit: every board of the ticket's office redraws (and chimes for a call).

    What is published is only that the office changed (and the call to chime): the board's state is read
    by the event streams of each app server (live.py), at most a few times a second however many tickets
    change, not by every write on its way out.
    """
    office = ticket.office
    publish_on_commit(office_channel(office.code), lambda: board_change(ticket if call else None))
    publish_on_commit(OFFICES_CHANNEL, lambda: {"type": "office", "office": office.code})


def announce_office_on_commit(office: Office) -> None:
    """After commit: a change that boards do not show (a counter opened) still reaches the managers."""
    publish_on_commit(OFFICES_CHANNEL, lambda: {"type": "office", "office": office.code})
