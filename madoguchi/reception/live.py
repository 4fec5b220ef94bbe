"""Live screens: the office's display board, its event stream, and the managers' office status.

The board and the stream are public (a board hangs in the waiting hall and shows only ticket numbers and
counters); the office status is for staff who may see dashboards.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Min, Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from madoguchi.broadcast.events import get_broadcaster
from madoguchi.broadcast.sse import STATE_READ, SnapshotCache, event_stream
from madoguchi.organization.models import Counter, Office, Queue
from madoguchi.reception.board import (
    BOARD_CALLS,
    OFFICES_CHANNEL,
    board_message,
    board_state,
    office_channel,
)
from madoguchi.reception.models import CounterShift, Ticket
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require, staff_for
from madoguchi.staff.roles import VIEW_DASHBOARDS

BOARD_SNAPSHOTS = SnapshotCache(min_interval=0.1)
# A resident's wait page follows the same stream at its own pace: its place and estimate once a second at
# most (as it fetches its status part), with every call of that second named, so that its own call (or
# recall) is never missed. Three hundred phones then cost the server a write a second each, not one per
# change of a busy office.
WAIT_PAGE_COALESCE_S = 1.0
T = TypeVar("T")


async def _without_holding_a_connection(query: Callable[[], T]) -> T:
    """Run a query for an event stream and close its connection: a stream stays open for hours, and a
    hundred boards must not hold a hundred database connections meanwhile."""

    def run() -> T:
        try:
            return query()
        finally:
            connection.close()

    # Not thread-sensitive: the request thread of the process serves every page and API call, and a
    # hundred boards' state must not queue behind them (each run has its own connection, closed above).
    return await sync_to_async(run, thread_sensitive=False)()


@lru_cache(maxsize=256)
def _chime(change: str) -> str:
    """The chime of a published change, as JSON ("null" for none): parsed once per process, not once per
    stream that receives it."""
    try:
        chime = json.loads(change).get("chime")
    except (ValueError, AttributeError):
        return "null"
    return json.dumps(chime, ensure_ascii=False, separators=(",", ":")) if chime else "null"


@lru_cache(maxsize=64)
def _board_event(state: str, chime: str) -> str:
    """One board event; the same state and chime go to every board of the process: one string for all."""
    return f'{{"type":"board","state":{state},"chime":{chime}}}'


def _wait_event(state: str, chimes: list[str]) -> str:
    """One event for a wait page: the state, every call since its last event, the newest as `chime`."""
    return (
        f'{{"type":"board","state":{state},"chime":{chimes[-1] if chimes else "null"},'
        f'"chimes":[{",".join(chimes)}]}}'
    )


def board(request: HttpRequest, office_code: str) -> HttpResponse:
    office = get_object_or_404(Office, code=office_code)
    return render(
        request,
        "reception/board.html",
        {"office": office, "initial": board_message(office), "board_calls": BOARD_CALLS},
    )


async def board_events(request: HttpRequest, office_code: str) -> StreamingHttpResponse:
    office = await _without_holding_a_connection(lambda: Office.objects.filter(code=office_code).first())
    if office is None:
        raise Http404

    channel = office_channel(office.code)

    async def read() -> str:
        """The office's board state as JSON, read once per change for every stream of this process."""
        return await _without_holding_a_connection(
            lambda: json.dumps(board_state(office), ensure_ascii=False, separators=(",", ":"))
        )

    async def snapshot() -> str:
        return _board_event(await BOARD_SNAPSHOTS.get(channel, read), "null")

    if request.GET.get("for") == "wait":

        async def render_for_a_wait_page(changes: list[str]) -> AsyncIterator[list[str]]:
            """One event a second at most: the state after the changes, and every call among them."""
            chimes = [chime for change in changes if (chime := _chime(change)) != "null"]
            received = get_broadcaster().hub.version(channel)
            yield [_wait_event(await BOARD_SNAPSHOTS.get(channel, read, needed=received), chimes)]

        return event_stream(channel, snapshot, render=render_for_a_wait_page, coalesce=WAIT_PAGE_COALESCE_S)

    sent_version = -1  # the version of the state this stream last sent

    async def board_snapshot() -> str:
        nonlocal sent_version
        event = await snapshot()
        sent_version = BOARD_SNAPSHOTS.latest_version(channel) or 0
        return event

    async def render(changes: list[str]) -> AsyncIterator[list[str]]:
        """Board events for the changes received. A call chimes at once, with the newest state read (if
        that state does not show the call yet, the board puts the call in itself); the state that includes
        the changes is read in the background, once for all the streams of this process, and follows
        (STATE_READ). A stream therefore never waits for the database between two calls."""
        nonlocal sent_version
        published = [change for change in changes if change != STATE_READ]
        chimes = [chime for change in published if (chime := _chime(change)) != "null"]
        received = get_broadcaster().hub.version(channel)
        fresh = BOARD_SNAPSHOTS.latest(channel, needed=received)
        if published and fresh is None:
            BOARD_SNAPSHOTS.follow(channel, read, needed=received)
        state = BOARD_SNAPSHOTS.latest(channel)
        if state is None:  # nothing read yet in this process (the snapshot failed): read it now
            state = await BOARD_SNAPSHOTS.get(channel, read, needed=received)
        version = BOARD_SNAPSHOTS.latest_version(channel) or 0
        if chimes:
            sent_version = version
            yield [_board_event(state, chime) for chime in chimes]
        elif version > sent_version:
            sent_version = version
            yield [_board_event(state, "null")]

    return event_stream(
        channel,
        board_snapshot,
        render=render,
        urgent=lambda change: change == STATE_READ or _chime(change) != "null",
        follows_reads=True,
    )


@dataclass(frozen=True)
class QueueStatus:
    queue: Queue
    waiting: int
    oldest: datetime | None
    counters: int
    open_counters: int
    serving: int

    @property
    def longest_wait_minutes(self) -> int | None:
        if self.oldest is None:
            return None
        return int((timezone.now() - self.oldest).total_seconds() // 60)


@dataclass(frozen=True)
class OfficeStatus:
    office: Office
    queues: list[QueueStatus]

    @property
    def waiting(self) -> int:
        return sum(q.waiting for q in self.queues)

    @property
    def open_counters(self) -> int:
        return sum(q.open_counters for q in self.queues)

    @property
    def longest_wait_minutes(self) -> int | None:
        waits = [w for q in self.queues if (w := q.longest_wait_minutes) is not None]
        return max(waits) if waits else None


def office_statuses() -> list[OfficeStatus]:
    today = timezone.localdate()
    tickets = {
        row["queue_id"]: row
        for row in Ticket.objects.filter(business_day=today)
        .values("queue_id")
        .annotate(
            waiting=Count("pk", filter=Q(status=Ticket.Status.WAITING)),
            serving=Count("pk", filter=Q(status__in=[Ticket.Status.CALLED, Ticket.Status.SERVING])),
            oldest=Min("issued_at", filter=Q(status=Ticket.Status.WAITING)),
        )
    }
    open_by_queue = dict(
        CounterShift.objects.filter(closed_at__isnull=True, opened_at__date=today)
        .values("counter__queue_id")
        .annotate(n=Count("pk"))
        .values_list("counter__queue_id", "n")
    )
    counters_by_queue = dict(
        Counter.objects.values("queue_id").annotate(n=Count("pk")).values_list("queue_id", "n")
    )
    statuses = []
    for office in Office.objects.prefetch_related("queues").exclude(kind=Office.Kind.CENTER):
        rows = []
        for queue in office.queues.all():
            row: dict[str, Any] = dict(tickets.get(queue.pk, {}))
            rows.append(
                QueueStatus(
                    queue=queue,
                    waiting=row.get("waiting", 0),
                    oldest=row.get("oldest"),
                    counters=counters_by_queue.get(queue.pk, 0),
                    open_counters=open_by_queue.get(queue.pk, 0),
                    serving=row.get("serving", 0),
                )
            )
        statuses.append(OfficeStatus(office, rows))
    return statuses


@login_required
def office_status(request: HttpRequest) -> HttpResponse:
    staff_for(request, VIEW_DASHBOARDS)
    template = (
        "reception/status.html#offices" if request.GET.get("part") == "offices" else "reception/status.html"
    )
    return render(request, template, {"statuses": office_statuses(), "now": timezone.now()})


async def office_status_events(request: HttpRequest) -> StreamingHttpResponse:
    user = await request.auser()
    if not isinstance(user, Staff) or not user.is_authenticated:
        raise PermissionDenied
    await sync_to_async(require)(user, VIEW_DASHBOARDS)

    async def snapshot() -> str:
        return json.dumps({"type": "office", "office": None})

    return event_stream(OFFICES_CHANNEL, snapshot)
