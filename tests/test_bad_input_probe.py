"""No input breaks it: every URL of the URLconf, as a role that may open it, with wrong values in its query
string and in every field of every form its page shows. Whatever the value, the answer is never a 5xx.

The matrix (test_authorization_matrix.py) says who may open each URL; this test takes the first role it
allows, GETs the URL with each bad value in every query parameter the views read, then POSTs each form on
the page back with each bad value in every named field. Each request runs in a savepoint that is rolled
back, so nothing one request does changes what the next one sees. The figure of requests sent is printed.
"""

from __future__ import annotations

from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin

import pytest
from django.db import transaction
from django.test import Client

from tests.test_authorization_matrix import COLUMNS, MATRIX, NOT_EXERCISED, ROUTES, World, url_of, world

__all__ = ["world"]  # the module-scoped demo city and one signed-in client per role

pytestmark = pytest.mark.django_db

# What residents and clerks really type wrong, and what an attacker sends: far dates, words for numbers,
# numbers too long for any column or integer, text too long for any column, a negative, an overflowing
# float, path traversal, markup, a right-to-left override, only spaces, a control character.
BAD_VALUES = (
    "9999-12-31",
    "0001-01-01",
    "abc",
    "9" * 5000,
    "港" * 5000,
    "-1",
    "1e309",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "\u202eevil",
    "   ",
    "\x07",
)
# The query parameters the views read (grep request.GET); each is set to the bad value at once.
QUERY_NAMES = (
    "q", "day", "date", "date_from", "date_to", "page", "office", "queue", "lang", "part", "code", "event",
    "status", "kind", "counter", "token", "next", "version", "action", "actor", "role", "category", "step",
    "purpose", "week", "month", "from", "to", "format", "sort",
)  # fmt: skip
# Forms that end the session or change who is signed in: posting them tells nothing about input.
SKIPPED_ACTIONS = ("/accounts/logout/",)


class Forms(HTMLParser):
    """The POST forms of a page: their action and the names of their fields (inputs, selects, textareas,
    buttons)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[str]]] = []
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and values.get("method", "get").lower() == "post":
            self._open = (values.get("action", ""), [])
            self.forms.append(self._open)
        elif tag in {"input", "select", "textarea", "button"} and self._open is not None:
            name = values.get("name")
            if name and name != "csrfmiddlewaretoken" and name not in self._open[1]:
                self._open[1].append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def ask(client: Client, method: str, url: str, data: dict[str, str] | None = None) -> int | str:
    with transaction.atomic():
        try:
            response = client.post(url, data or {}) if method == "POST" else client.get(url)
        except Exception as error:  # the test client re-raises a view's exception: that is a 500
            transaction.set_rollback(True)
            return f"500 ({type(error).__name__})"
        transaction.set_rollback(True)
    return response.status_code


def first_allowed(key: str) -> str | None:
    method, cells = MATRIX[key]
    for column, cell in zip(COLUMNS, cells, strict=True):
        if cell == "ok" or (method == "POST" and cell == "400"):
            return column
    return None


class Probe:
    """Sends the requests as one role and keeps what answered a server error."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.sent = 0
        self.failures: list[str] = []

    def send(self, column: str, method: str, target: str, data: dict[str, str] | None, why: str) -> None:
        client = self.world.clients[column]
        client.cookies = SimpleCookie(self.world.cookies[column])  # a sign-out in a rolled-back savepoint
        status = ask(client, method, target, data)
        self.sent += 1
        if isinstance(status, str) or status >= 500:
            self.failures.append(f"{method} {target[:120]} as {column} ({why}): {status}")

    def forms_of(self, column: str, url: str) -> list[tuple[str, list[str]]]:
        client = self.world.clients[column]
        client.cookies = SimpleCookie(self.world.cookies[column])
        with transaction.atomic():
            page = client.get(url)
            transaction.set_rollback(True)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            return []
        parser = Forms()
        parser.feed(page.content.decode("utf-8", "replace"))
        return parser.forms


def test_no_bad_value_in_any_query_or_form_is_a_server_error(world: World) -> None:
    probe = Probe(world)
    for route in ROUTES:
        method, cells = MATRIX[route.key]
        column = first_allowed(route.key)
        if column is None or NOT_EXERCISED in cells or route.key.startswith("admin:"):
            continue  # nobody may open it, an event stream, or Django's own admin
        url = url_of(route, world)
        for value in BAD_VALUES:
            probe.send(column, method, f"{url}?{urlencode(dict.fromkeys(QUERY_NAMES, value))}", None, "query")
        if method != "GET":
            for value in BAD_VALUES:
                body = dict.fromkeys(("reason", "note", "day", "id", "queue"), value)
                probe.send(column, "POST", url, body, "body")
            continue
        for action, fields in probe.forms_of(column, url):
            target = urljoin(url, action) if action else url
            if not fields or target.startswith(SKIPPED_ACTIONS):
                continue
            for value in BAD_VALUES:
                probe.send(column, "POST", target, dict.fromkeys(fields, value), f"form of {route.key}")
    print(f"bad-input probe: {probe.sent} requests, {len(probe.failures)} server errors")
    assert not probe.failures, (
        f"{len(probe.failures)} of {probe.sent} answered a server error:\n" + "\n".join(probe.failures)
    )
