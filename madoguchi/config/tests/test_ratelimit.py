"""The per-address limit of the pages anyone may open without signing in."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import resolve

from madoguchi.audit.models import AuditEntry
from madoguchi.config.ratelimit import WINDOW_SECONDS, PublicRateLimitMiddleware, over_limit
from madoguchi.staff.roles import Role


@pytest.fixture
def limit(settings: Any, monkeypatch: pytest.MonkeyPatch) -> int:
    settings.MADOGUCHI_PUBLIC_REQUESTS_PER_MINUTE = 3
    # one window for the whole test: a minute turning over mid-test would start the count again
    monkeypatch.setattr("madoguchi.config.ratelimit.time.time", lambda: 1_000_000 * WINDOW_SECONDS + 30.0)
    return 3


@pytest.mark.django_db
def test_an_address_over_the_limit_gets_429_with_retry_after(demo_city: None, limit: int) -> None:
    # given
    resident, neighbour = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    entries = AuditEntry.objects.count()
    # when
    answers = [resident.get("/board/chuo/").status_code for _ in range(limit + 2)]
    refused = resident.get("/reserve/")
    # then
    assert answers == [200] * limit + [429, 429]
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(WINDOW_SECONDS - 30 + 1)
    assert "アクセスが多すぎます" in refused.content.decode()
    assert neighbour.get("/board/chuo/").status_code == 200  # another address has its own count
    assert AuditEntry.objects.count() == entries  # refusals write nothing


@pytest.mark.django_db
def test_the_anonymous_api_answers_429_in_json(limit: int) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(limit):
        client.post("/api/v1/plans", {}, content_type="application/json")
    refused = client.post("/api/v1/plans", {}, content_type="application/json")
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert "アクセスが多すぎます" in refused.json()["errors"][0]["message"]


def test_event_streams_are_not_counted(settings: Any, limit: int) -> None:
    # a board or a wait page reconnecting its stream is not a page start (a hall of phones on one address)
    settings.MADOGUCHI_PUBLIC_REQUESTS_PER_MINUTE = 1
    middleware = PublicRateLimitMiddleware(lambda request: HttpResponse())
    answers = []
    for path in ["/board/chuo/events", "/board/chuo/events", "/board/chuo/", "/board/chuo/"]:
        request = RequestFactory().get(path, REMOTE_ADDR="203.0.113.11")
        request.user = AnonymousUser()
        request.resolver_match = resolve(path)
        answers.append(middleware.process_view(request, lambda: None, (), {}))
    assert answers[:3] == [None, None, None]
    refused = answers[3]
    assert refused is not None
    assert refused.status_code == 429


@pytest.mark.django_db
def test_signed_in_staff_and_a_zero_limit_are_not_counted(
    staff_of: Any, signed_in: Any, settings: Any, limit: int
) -> None:
    clerk = signed_in(staff_of(Role.ONESTOP_CLERK))
    assert [clerk.get("/board/chuo/").status_code for _ in range(limit + 2)] == [200] * (limit + 2)
    settings.MADOGUCHI_PUBLIC_REQUESTS_PER_MINUTE = 0
    anyone = Client(REMOTE_ADDR="203.0.113.10")
    assert [anyone.get("/board/chuo/").status_code for _ in range(limit + 2)] == [200] * (limit + 2)


def test_the_window_ends_and_the_count_starts_again() -> None:
    start = 1_000_000 * WINDOW_SECONDS + 10.0
    assert [over_limit("198.51.100.1", 2, now=start) for _ in range(3)] == [0, 0, WINDOW_SECONDS - 10 + 1]
    assert over_limit("198.51.100.1", 2, now=start + WINDOW_SECONDS) == 0


@pytest.mark.django_db
def test_the_429_page_is_in_english_when_english_was_chosen(demo_city: None, limit: int) -> None:
    from madoguchi.ui.tests.test_english_pages import english, japanese_in

    client = english(Client(REMOTE_ADDR="203.0.113.12"))
    for _ in range(limit):
        client.get("/board/chuo/")
    refused = client.get("/reserve/")
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    assert japanese_in(refused.content.decode()) == []
