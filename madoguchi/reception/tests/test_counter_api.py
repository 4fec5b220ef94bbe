"""The counter API for other vendors' displays and ticket machines, with staff API tokens."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from madoguchi.audit.chain import SystemActor
from madoguchi.audit.models import AuditEntry
from madoguchi.organization.models import Counter, Queue
from madoguchi.reception.actions import do_issue_ticket
from madoguchi.reception.models import Ticket
from madoguchi.staff.actions import do_revoke_api_token, do_set_staff_active, hash_api_token
from madoguchi.staff.models import ApiToken, Staff
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db


def new_token(login: str) -> str:
    out = io.StringIO()
    call_command("staff_token", login, "--name", "3番窓口の表示機", stdout=out)
    return out.getvalue().split()[-1]  # the token is the last word


def post(token: str | None, path: str, body: Any = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    data = json.dumps(body) if body is not None and not isinstance(body, str) else body
    return Client().post(path, data=data or "", content_type="application/json", **headers)


@pytest.fixture
def counter(demo_city: None) -> Counter:
    return (
        Counter.objects.select_related("queue", "office")
        .filter(queue__office__code="chuo", queue__code="one-stop")
        .first()
    )


def test_a_token_is_printed_once_stored_hashed_and_audited(staff_of: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    token = new_token(clerk.username)
    stored = ApiToken.objects.get(staff=clerk)
    assert stored.token_hash == hash_api_token(token)
    assert token not in str(list(ApiToken.objects.values_list()))
    assert AuditEntry.objects.filter(action="staff.api_token.create", target_id=str(stored.pk)).exists()


def test_call_serve_finish_through_the_api(staff_of: Any, counter: Counter) -> None:
    token = new_token(staff_of(Role.ONESTOP_CLERK).username)
    assert post(token, f"/api/v1/counters/{counter.pk}/call").status_code == 204  # nobody waits
    issued = do_issue_ticket(SystemActor("test"), queue=counter.queue, channel=Ticket.Channel.KIOSK)
    called = post(token, f"/api/v1/counters/{counter.pk}/call")
    assert called.status_code == 200
    body = called.json()
    assert (body["id"], body["number"], body["display"], body["status"]) == (
        str(issued.pk),
        issued.number,
        issued.display,
        "called",
    )
    assert post(token, f"/api/v1/tickets/{issued.pk}/finish").status_code == 409  # not being served yet
    assert post(token, f"/api/v1/tickets/{issued.pk}/serve").json()["status"] == "serving"
    assert post(token, f"/api/v1/tickets/{issued.pk}/finish").json()["status"] == "done"
    assert post(token, f"/api/v1/tickets/{issued.pk}/finish").status_code == 409
    assert AuditEntry.objects.filter(action="reception.ticket.done", actor="clerk").exists()


def test_no_show_and_transfer_through_the_api(staff_of: Any, counter: Counter) -> None:
    token = new_token(staff_of(Role.ONESTOP_CLERK).username)
    first = do_issue_ticket(SystemActor("test"), queue=counter.queue, channel=Ticket.Channel.KIOSK)
    second = do_issue_ticket(SystemActor("test"), queue=counter.queue, channel=Ticket.Channel.KIOSK)
    post(token, f"/api/v1/counters/{counter.pk}/call")
    assert post(token, f"/api/v1/tickets/{first.pk}/no-show").json()["status"] == "no_show"
    post(token, f"/api/v1/counters/{counter.pk}/call")
    path = f"/api/v1/tickets/{second.pk}/transfer"
    assert post(token, path, "{not json").status_code == 400
    assert post(token, path, {"queue": "nowhere"}).status_code == 400
    assert post(token, path, {"queue": "hoken-nenkin", "note": 5}).status_code == 400
    moved = post(token, path, {"queue": "hoken-nenkin", "note": "国保の加入"})
    assert moved.status_code == 200
    assert moved.json()["status"] == "transferred"
    handed = moved.json()["transferred_to"]
    assert (handed["queue"], handed["status"]) == ("hoken-nenkin", "waiting")
    assert Ticket.objects.get(pk=handed["id"]).note == "国保の加入"


def test_without_a_valid_token_the_api_answers_401(staff_of: Any, counter: Counter) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    token = new_token(clerk.username)
    path = f"/api/v1/counters/{counter.pk}/call"
    assert post(None, path).status_code == 401
    assert post("made-up", path).status_code == 401
    assert post(token, path).status_code == 204
    do_revoke_api_token(SystemActor("test"), ApiToken.objects.get(staff=clerk))
    assert post(token, path).status_code == 401
    other = new_token(clerk.username)
    do_set_staff_active(SystemActor("test"), Staff.objects.get(pk=clerk.pk), active=False, reason="異動")
    assert post(other, path).status_code == 401  # a deactivated person's tokens stop working
    do_set_staff_active(SystemActor("test"), Staff.objects.get(pk=clerk.pk), active=True, reason="復帰")
    assert post(other, path).status_code == 401  # and do not come back with the account


def test_a_token_has_exactly_its_owners_permissions(staff_of: Any, counter: Counter) -> None:
    manager = new_token(staff_of(Role.MANAGER).username)  # managers do not serve at a counter
    assert post(manager, f"/api/v1/counters/{counter.pk}/call").status_code == 403
    clerk = new_token(staff_of(Role.ONESTOP_CLERK).username)
    kita = Counter.objects.filter(queue__office__code="kita").first()
    assert kita is not None
    assert post(clerk, f"/api/v1/counters/{kita.pk}/call").status_code == 403  # another office
    assert post(clerk, "/api/v1/counters/999999/call").status_code == 404
    assert post(clerk, "/api/v1/tickets/00000000-0000-0000-0000-000000000000/serve").status_code == 404
    waiting = do_issue_ticket(SystemActor("test"), queue=counter.queue, channel=Ticket.Channel.KIOSK)
    assert post(clerk, f"/api/v1/tickets/{waiting.pk}/serve").status_code == 409  # never called
    assert post(clerk, f"/api/v1/tickets/{waiting.pk}/dance").status_code == 404
    assert Queue.objects.filter(office__code="chuo", code="hoken-nenkin").exists()


def test_the_openapi_document_describes_the_counter_api() -> None:
    from madoguchi.navigator.openapi import openapi_document

    document = openapi_document()
    paths = document["paths"]
    assert "/api/v1/tickets" in paths
    assert "/api/v1/counters/{id}/call" in paths
    for step in ("serve", "finish", "no-show", "transfer"):
        assert f"/api/v1/tickets/{{id}}/{step}" in paths
    assert document["components"]["securitySchemes"]["staffToken"]["scheme"] == "bearer"


def test_each_counter_api_step_costs_a_bounded_number_of_statements(
    staff_of: Any, counter: Counter, django_assert_max_num_queries: Any
) -> None:
    # what a counter display pays per write (benchmarks/bench_city.py measures the time): the token with its
    # staff member's permissions, the counter, the locked ticket, its update, its event, the audit entry,
    # and the call's notices
    token = new_token(staff_of(Role.ONESTOP_CLERK).username)
    post(token, f"/api/v1/counters/{counter.pk}/call")  # the token's first use is recorded once
    for _ in range(2):
        do_issue_ticket(SystemActor("test"), queue=counter.queue, channel=Ticket.Channel.KIOSK)
    with django_assert_max_num_queries(9):  # 7 statements, and the test's savepoint and its release
        first = post(token, f"/api/v1/counters/{counter.pk}/call").json()["id"]
    with django_assert_max_num_queries(7):
        post(token, f"/api/v1/tickets/{first}/serve")
    with django_assert_max_num_queries(7):
        post(token, f"/api/v1/tickets/{first}/finish")
    second = post(token, f"/api/v1/counters/{counter.pk}/call").json()["id"]
    with django_assert_max_num_queries(12):  # the transfer also numbers and records the new ticket
        moved = post(token, f"/api/v1/tickets/{second}/transfer", {"queue": "hoken-nenkin"})
    assert moved.json()["transferred_to"]["queue"] == "hoken-nenkin"
