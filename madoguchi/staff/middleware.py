"""The idle timeout of a staff session, without a session write on every request; the admin areas' demand
for the second factor.

A counter terminal left alone logs out after MADOGUCHI_SESSION_IDLE_MINUTES. Django's
SESSION_SAVE_EVERY_REQUEST would renew the session by writing its row on every request (every board
poll, every htmx swap): one more write per request, on the busiest table. Here a signed-in session is
renewed at most once per RENEW_EVERY seconds, so the timeout is exact to within that much.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from madoguchi.staff import second_factor

RENEW_EVERY = 60  # seconds
RENEWED_KEY = "_renewed_at"


class SessionRenewalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        # A page's own background calls (presence heartbeats) are not the staff member working: a terminal
        # left open must still log out when nobody touches it.
        background = request.headers.get("X-Madoguchi-Background") == "1"
        if session is not None and session.session_key and "_auth_user_id" in session and not background:
            now = int(time.time())
            if now - int(session.get(RENEWED_KEY, 0)) >= RENEW_EVERY:
                session[RENEWED_KEY] = now  # marks it modified: saved, with a new expiry, after the view
        return self.get_response(request)


class SecondFactorMiddleware:
    """The admin areas (second_factor.ADMIN_VIEW_*) refuse a session that was not verified with its user's
    second factor, and send an administrator who must enrol (MADOGUCHI_ADMIN_2FA_REQUIRED) to enrol.

    The admin site's own sign-in and password pages are not used: they would sign in with the password
    alone and change it unaudited. They lead to the staff sign-in and password pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None:
            return None
        if match.view_name == "admin:login":
            return redirect_to_login(request.GET.get("next", reverse("admin:index")), reverse("staff:login"))
        if match.view_name in {"admin:password_change", "admin:password_change_done"}:
            return redirect("staff:password-change")
        if match.namespace not in second_factor.ADMIN_VIEW_NAMESPACES and (
            match.view_name not in second_factor.ADMIN_VIEW_NAMES
        ):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]  # OTPMiddleware
            return None
        here = urlencode({"next": request.get_full_path()})
        if second_factor.confirmed_device(user) is not None:
            return redirect(f"{reverse('staff:login-code')}?{here}")
        if second_factor.must_enrol(user):
            return redirect(f"{reverse('staff:second-factor')}?{here}")
        return None
