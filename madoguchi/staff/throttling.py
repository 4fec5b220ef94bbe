"""Sign-in that resists guessing: django-axes counts failed sign-ins per account and per source address
and refuses both for a while after MADOGUCHI_LOGIN_FAILURE_LIMIT failures (settings: AXES_*).

A counter terminal on the city's network has an address of its own, so a locked address is one terminal,
not a ward office. A locked account or address is unlocked by waiting (MADOGUCHI_LOGIN_LOCKOUT_MINUTES) or
by an administrator (`madoguchi axes_reset_username LOGIN`, `madoguchi axes_reset_ip ADDRESS`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The address that `madoguchi serve` saw, or that the trusted proxy in front of it gave (uvicorn's
    proxy headers, settings.HTTPS): never a header the client could write itself."""
    return str(request.META.get("REMOTE_ADDR", ""))


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The answer to a sign-in while locked: 429, in Japanese (English if chosen), with how long to wait."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "staff/locked_out.html", {"minutes": minutes}, status=429)
