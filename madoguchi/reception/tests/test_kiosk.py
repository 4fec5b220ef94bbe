"""Kiosk tokens and kiosk sessions: revocation (admin, command), the cookie that holds no token, priority
tickets only where allowed, and a kiosk that shows only the slips it issued."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from madoguchi.audit.chain import SystemActor
from madoguchi.audit.models import AuditEntry
from madoguchi.organization.models import Office, Queue
from madoguchi.reception.actions import do_create_kiosk_token, do_issue_ticket, do_revoke_kiosk_token
from madoguchi.reception.board import board_state
from madoguchi.reception.kiosk import COOKIE
from madoguchi.reception.models import KioskSession, KioskToken, Ticket
from madoguchi.staff.roles import Role


def _kiosk(office: str = "chuo", **changes: Any) -> tuple[KioskToken, str]:
    kiosk, token = do_create_kiosk_token(SystemActor("test"), office=Office.objects.get(code=office))
    if changes:
        KioskToken.objects.filter(pk=kiosk.pk).update(**changes)
        kiosk.refresh_from_db()
    return kiosk, token


def _signed_in_kiosk(token: str) -> Client:
    client = Client()
    assert client.get(f"/kiosk/?token={token}").status_code == 302
    return client


def _purpose(office: str = "chuo") -> str:
    return f"{Queue.objects.get(office__code=office, code='one-stop').pk}:"


@pytest.mark.django_db
def test_the_kiosk_cookie_holds_a_session_key_never_the_token(demo_city: None) -> None:
    # given
    kiosk, token = _kiosk()
    # when
    client = _signed_in_kiosk(token)
    # then: the cookie is a random key whose hash is a session of this kiosk; no cookie carries the token
    cookie = client.cookies[COOKIE].value
    assert token not in cookie
    assert all(token not in morsel.value for morsel in client.cookies.values())
    session = KioskSession.objects.get()
    assert session.kiosk_id == kiosk.pk
    assert cookie not in session.key_hash
    assert client.get("/kiosk/").status_code == 200
    assert AuditEntry.objects.filter(action="reception.kiosk.session").count() == 1
    # a made-up or stale cookie is not a session
    stranger = Client()
    stranger.cookies[COOKIE] = token
    assert stranger.get("/kiosk/").status_code == 401


@pytest.mark.django_db
def test_revoking_a_token_ends_its_sessions_at_the_next_tap(demo_city: None) -> None:
    # given: two screens signed in with the token
    kiosk, token = _kiosk()
    first, second = _signed_in_kiosk(token), _signed_in_kiosk(token)
    assert first.post("/kiosk/issue/", {"purpose": _purpose()}).status_code == 302
    # when
    do_revoke_kiosk_token(SystemActor("test"), kiosk)
    do_revoke_kiosk_token(SystemActor("test"), kiosk)  # twice: recorded once
    # then
    assert first.get("/kiosk/").status_code == 401
    assert second.post("/kiosk/issue/", {"purpose": _purpose()}).status_code == 401
    assert Ticket.objects.count() == 1
    assert not KioskSession.objects.exists()
    assert AuditEntry.objects.filter(action="reception.kiosk.revoke").count() == 1
    assert Client().get(f"/kiosk/?token={token}").status_code == 403
    headers = {"authorization": f"Bearer {token}"}
    body = {"office": "chuo", "queue": "one-stop"}
    answer = Client().post("/api/v1/tickets", body, content_type="application/json", headers=headers)
    assert answer.status_code == 401


@pytest.mark.django_db
def test_managers_list_and_revoke_kiosk_tokens_in_the_admin(staff_of: Any, signed_in: Any) -> None:
    # given
    kiosk, token = _kiosk(label="1階入口")
    screen = _signed_in_kiosk(token)
    admin = signed_in(staff_of(Role.ADMINISTRATOR))
    # when
    listing = admin.get("/admin/reception/kiosktoken/")
    revoked = admin.post("/admin/reception/kiosktoken/", {"action": "revoke", "_selected_action": [kiosk.pk]})
    # then
    assert listing.status_code == 200
    assert "1階入口" in listing.content.decode()
    assert revoked.status_code == 302
    kiosk.refresh_from_db()
    assert kiosk.revoked_at is not None
    assert screen.get("/kiosk/").status_code == 401
    assert AuditEntry.objects.filter(action="reception.kiosk.revoke").count() == 1
    # a role without the capability sees no kiosk tokens
    refused = signed_in(staff_of(Role.ONESTOP_CLERK)).get("/admin/reception/kiosktoken/")
    assert refused.status_code in {302, 403}
    assert "1階入口" not in refused.content.decode()


@pytest.mark.django_db
def test_the_kiosk_token_command_lists_and_revokes(
    demo_city: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    kiosk, token = _kiosk(label="2階")
    # when
    call_command("kiosk_token", "--list")
    listed = capsys.readouterr().out
    call_command("kiosk_token", "--revoke", str(kiosk.pk))
    revoked = capsys.readouterr().out
    # then
    assert f"{kiosk.pk}\tchuo\t2階\t" in listed
    assert token not in listed
    assert f"revoked kiosk token {kiosk.pk}" in revoked
    kiosk.refresh_from_db()
    assert kiosk.revoked_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("ident", ["999999", "abc", "-1", "12345678901234567890"])
def test_revoking_an_unknown_kiosk_token_is_a_command_error(demo_city: None, ident: str) -> None:
    with pytest.raises(CommandError, match="no kiosk token"):
        call_command("kiosk_token", "--revoke", ident)


@pytest.mark.django_db
def test_a_kiosk_issues_priority_tickets_only_when_allowed(demo_city: None) -> None:
    # given
    _plain, plain_token = _kiosk()
    _allowed, allowed_token = _kiosk(may_issue_priority=True)
    body = {"office": "chuo", "queue": "one-stop", "priority": True}

    def post(token: str) -> Any:
        headers = {"authorization": f"Bearer {token}"}
        return Client().post("/api/v1/tickets", body, content_type="application/json", headers=headers)

    # when
    refused, issued = post(plain_token), post(allowed_token)
    # then
    assert refused.status_code == 403
    error = refused.json()["errors"][0]
    assert error["path"] == "priority"
    assert "優先" in error["message"]
    assert issued.status_code == 201
    assert list(Ticket.objects.values_list("priority", flat=True)) == [True]


@pytest.mark.django_db
def test_the_issue_action_refuses_priority_to_a_kiosk_without_the_flag(demo_city: None) -> None:
    from django.core.exceptions import PermissionDenied

    kiosk, _token = _kiosk()
    queue = Queue.objects.get(office__code="chuo", code="one-stop")
    with pytest.raises(PermissionDenied):
        do_issue_ticket(kiosk, queue=queue, channel=Ticket.Channel.KIOSK, priority=True)
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_kiosk_session_opens_only_the_slips_it_issued(demo_city: None) -> None:
    # given: a resident's ticket, called to the board, and a kiosk screen of the same office
    queue = Queue.objects.get(office__code="chuo", code="one-stop")
    theirs = do_issue_ticket(SystemActor("test"), queue=queue, channel=Ticket.Channel.KIOSK)
    _kiosk_row, token = _kiosk()
    screen = _signed_in_kiosk(token)
    # when: the kiosk issues its own ticket, and tries the other one's slip
    mine_url = screen.post("/kiosk/issue/", {"purpose": _purpose()})["Location"]
    other = screen.get(f"/kiosk/tickets/{theirs.pk}/")
    # then
    assert screen.get(mine_url).status_code == 200
    assert other.status_code == 404
    assert theirs.status_token not in other.content.decode()
    # another screen of the same kiosk did not issue it either
    assert _signed_in_kiosk(token).get(mine_url).status_code == 404


@pytest.mark.django_db
def test_the_board_never_shows_a_ticket_id(staff_of: Any) -> None:
    from madoguchi.organization.models import Counter
    from madoguchi.reception.actions import do_call_next

    # given: a called ticket
    queue = Queue.objects.get(office__code="chuo", code="one-stop")
    ticket = do_issue_ticket(SystemActor("test"), queue=queue, channel=Ticket.Channel.KIOSK)
    do_call_next(
        staff_of(Role.ONESTOP_CLERK), counter=Counter.objects.get(office__code="chuo", code="one-stop-1")
    )
    # when
    state = board_state(Office.objects.get(code="chuo"))
    # then: the board names the call by a keyed hash, never the ticket's id or its wait token
    assert [call["ticket"] for call in state["calls"]] == [ticket.display]
    text = str(state)
    assert str(ticket.pk) not in text
    assert ticket.pk.hex not in text
    assert ticket.status_token not in text
    assert state["calls"][0]["id"] == ticket.call_id


@pytest.mark.django_db
def test_managers_allow_priority_tickets_per_kiosk_in_the_admin(staff_of: Any, signed_in: Any) -> None:
    # given
    kiosk, token = _kiosk()
    admin = signed_in(staff_of(Role.ADMINISTRATOR))
    body = {"office": "chuo", "queue": "one-stop", "priority": True}
    headers = {"authorization": f"Bearer {token}"}

    def issue() -> int:
        return (
            Client()
            .post("/api/v1/tickets", body, content_type="application/json", headers=headers)
            .status_code
        )

    assert issue() == 403
    # when
    url = "/admin/reception/kiosktoken/"
    admin.post(url, {"action": "allow_priority", "_selected_action": [kiosk.pk]})
    allowed = issue()
    admin.post(url, {"action": "deny_priority", "_selected_action": [kiosk.pk]})
    # then
    assert allowed == 201
    assert issue() == 403
    assert AuditEntry.objects.filter(action="reception.kiosk.priority").count() == 2
