from __future__ import annotations

import json

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from madoguchi.transactions import Busy
from madoguchi.ui.middleware import BusyMiddleware


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_a_write_that_stayed_busy_answers_503_in_japanese_not_500() -> None:
    # given
    middleware = BusyMiddleware(ok)
    page = RequestFactory().post("/reception/counter/call/")
    api = RequestFactory().post("/api/v1/tickets")
    # when
    response = middleware.process_exception(page, Busy("deadlock detected"))
    api_response = middleware.process_exception(api, Busy("deadlock detected"))
    # then
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "混み合っています" in response.content.decode()
    assert api_response is not None
    assert api_response.status_code == 503
    assert "何も保存されていません" in json.loads(api_response.content)["detail"]


def test_other_errors_are_left_alone() -> None:
    middleware = BusyMiddleware(ok)
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, OperationalError("no such table")) is None
    assert middleware.process_exception(request, ValueError("x")) is None
