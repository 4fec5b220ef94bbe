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
