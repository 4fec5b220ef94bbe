"""A signed-in page view does not write the session row each time; the idle timeout still holds."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.staff import middleware
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db


def session_writes(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        1
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def test_pages_within_a_minute_do_not_write_the_session(
    staff_of: Any, signed_in: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1_800_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: clock[0])
    client = signed_in(staff_of(Role.MANAGER))
    assert session_writes(client, "/home/manager/") == 1  # the first page renews once
    clock[0] += 30
    assert session_writes(client, "/home/manager/") == 0
    assert session_writes(client, "/home/manager/") == 0
    expiry = Session.objects.get().expire_date
    clock[0] += 31  # a minute since the renewal: renewed once more, with a later expiry
    assert session_writes(client, "/home/manager/") == 1
    assert Session.objects.get().expire_date >= expiry


def test_an_idle_session_expires(staff_of: Any, signed_in: Any, settings: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    client = signed_in(staff_of(Role.MANAGER))
    assert client.get("/home/manager/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))  # idle past the timeout
    response = client.get("/home/manager/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_idle_session_ends_by_the_clock_and_a_used_one_does_not(
    staff_of: Any, signed_in: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Time travel rather than a rewritten expiry: the session store and the renewal read the same clock."""
    from datetime import timedelta

    from django.contrib.sessions.backends import db
    from django.utils import timezone

    start = timezone.now()
    offset = [timedelta(0)]
    monkeypatch.setattr(db.timezone, "now", lambda: start + offset[0])
    monkeypatch.setattr(middleware.time, "time", lambda: (start + offset[0]).timestamp())
    client = signed_in(staff_of(Role.MANAGER))
    assert client.get("/home/manager/").status_code == 200
    offset[0] = timedelta(minutes=29)  # used within the idle time: renewed for another 30 minutes
    assert client.get("/home/manager/").status_code == 200
    offset[0] = timedelta(minutes=58)
    assert client.get("/home/manager/").status_code == 200
    offset[0] = timedelta(minutes=58 + 31)  # then left alone for 31 minutes
    response = client.get("/home/manager/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_sign_out_at_a_counter_terminal_leaves_nothing_to_reuse(staff_of: Any, signed_in: Any) -> None:
    from django.test import Client

    client = signed_in(staff_of(Role.ONESTOP_CLERK))
    assert client.get("/home/onestop_clerk/").status_code == 200
    cookie = client.cookies["sessionid"].value
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=cookie).exists()  # the row is gone, not just forgotten
    replay = Client()
    replay.cookies["sessionid"] = cookie  # the old cookie, copied before the sign-out
    assert replay.get("/home/onestop_clerk/").status_code == 302
