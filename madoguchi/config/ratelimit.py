"""A per-address limit on the pages and API that anyone may call without signing in.

Fixed one-minute windows counted in Django's cache (settings.CACHES: MADOGUCHI_CACHE_URL, Redis when
several app servers share the count, else each process counts alone). Over the limit the answer is 429
with Retry-After, and nothing is written anywhere else: a flood of refused requests grows no table and no
audit log. Signed-in staff, kiosks and API clients with a token are not counted here.

Only the start of a page counts, not the live event streams (boards and wait pages keep one open and
reconnect by themselves), so a city hall full of phones on the guest Wi-Fi behind one address is counted
by the pages they open, not by their streams. MADOGUCHI_PUBLIC_REQUESTS_PER_MINUTE=0 turns the limit off
(the load benchmark, which runs every phone from 127.0.0.1).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from madoguchi.staff.throttling import client_ip

WINDOW_SECONDS = 60
# The views that answer without a sign-in (by URL name). The event streams are left out on purpose.
PUBLIC_VIEWS = frozenset(
    {
        "reception:wait",
        "reception:wait-notify",
        "reception:board",
        "reception:kiosk",  # the kiosk's sign-in with ?token= is a guess like any other
        "reservations:offices",
        "reservations:reserve",
        "reservations:manage",
        "reservations:manage-cancel",
        "certificates:phone",
        "certificates:store",
        "verify",
        "remote:door",  # an 8-digit code is a guess like any other
        "api:plans",
        "api:openapi",
    }
)


def over_limit(address: str, limit: int, now: float | None = None) -> int:
    """Count one request of `address` in the current window: 0 when it is within `limit`, else the
    seconds until the window ends."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"madoguchi:public-rate:{window}:{address}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the window's first request
        cache.add(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    if count <= limit:
        return 0
    return max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    detail = _("アクセスが多すぎます。%(seconds)s秒ほど待ってから、もう一度お試しください。") % {
        "seconds": retry_after
    }
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"errors": [{"path": "(request)", "message": detail}]},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        context = {"heading": _("アクセスが多すぎます"), "detail": detail}
        response = render(request, "ui/too_many_requests.html", context, status=429)
    response.headers["Retry-After"] = str(retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


class PublicRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        limit = settings.MADOGUCHI_PUBLIC_REQUESTS_PER_MINUTE
        match = request.resolver_match
        if limit <= 0 or match is None or match.view_name not in PUBLIC_VIEWS:
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        retry_after = over_limit(client_ip(request), limit)
        return too_many_requests(request, retry_after) if retry_after else None
