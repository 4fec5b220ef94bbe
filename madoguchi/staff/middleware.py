"""The idle timeout of a staff session, without a session write on every request.

A counter terminal left alone logs out after MADOGUCHI_SESSION_IDLE_MINUTES. Django's
SESSION_SAVE_EVERY_REQUEST would renew the session by writing its row on every request (every board
poll, every htmx swap): one more write per request, on the busiest table. Here a signed-in session is
renewed at most once per RENEW_EVERY seconds, so the timeout is exact to within that much.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

RENEW_EVERY = 60  # seconds
RENEWED_KEY = "_renewed_at"


class SessionRenewalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key and "_auth_user_id" in session:
            now = int(time.time())
            if now - int(session.get(RENEWED_KEY, 0)) >= RENEW_EVERY:
                session[RENEWED_KEY] = now  # marks it modified: saved, with a new expiry, after the view
        return self.get_response(request)
