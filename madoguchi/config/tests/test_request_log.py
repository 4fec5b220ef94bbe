"""The request log never holds the tokens of the residents' links (wait pages, reservations)."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from madoguchi.audit.chain import SystemActor
from madoguchi.organization.models import Queue
from madoguchi.reception.actions import do_issue_ticket
from madoguchi.reception.models import Ticket


def _logged_paths(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.path for r in caplog.records if r.name == "madoguchi.request"]  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_wait_page_and_reservation_tokens_are_masked_in_the_request_log(
    demo_city: None, caplog: pytest.LogCaptureFixture
) -> None:
    # given: a resident's ticket
    queue = Queue.objects.get(office__code="chuo", code="one-stop")
    ticket = do_issue_ticket(SystemActor("test"), queue=queue, channel=Ticket.Channel.KIOSK)
    token = ticket.status_token
    # when: the wait page, its part, an unknown reservation link and a token under a path that resolves
    # to no view are requested
    with caplog.at_level(logging.INFO, logger="madoguchi.request"):
        assert Client().get(f"/wait/{token}/").status_code == 200
        assert Client().post(f"/wait/{token}/notify/", {"email": "x"}).status_code == 400
        assert Client().get("/reserve/manage/AbCdEfGhIjKlMnOpQrStUv/").status_code == 404
        assert Client().get(f"/wait/{token}/nothing-here/").status_code == 404
    # then
    assert _logged_paths(caplog) == [
        "/wait/…/",
        "/wait/…/notify/",
        "/reserve/manage/…/",
        "/wait/…/nothing-here/",
    ]
    assert token not in caplog.text
    assert "AbCdEfGhIjKlMnOpQrStUv" not in caplog.text


@pytest.mark.django_db
def test_paths_without_secrets_are_logged_as_they_are(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="madoguchi.request"):
        Client().get("/board/chuo/")
        Client().get("/reserve/")
    assert _logged_paths(caplog) == ["/board/chuo/", "/reserve/"]
