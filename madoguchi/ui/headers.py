"""The browser policies every response carries, and how one view relaxes them.

Pages run no inline script and no inline style: the Content-Security-Policy allows only the app's own
files (vendored, served from /static/), so markup that got into a page through some field cannot run.
Permissions-Policy turns off the device features no page uses. A view that needs more (the video
consultation page: camera and microphone) says so with `relax_permissions` or `extend_csp` on that view
only; the defaults are the settings MADOGUCHI_CONTENT_SECURITY_POLICY and MADOGUCHI_PERMISSIONS_POLICY.

Every response is `Cache-Control: no-store` unless its view chose its own Cache-Control (Django's
`cache_control`, or the header itself): a page with a resident's data must never stay in a browser's or a
proxy's cache on a shared counter terminal, and a page added tomorrow is covered without remembering to.
Static files are answered before this (ServeStatic) and keep their long cache.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

View = TypeVar("View", bound=Callable[..., HttpResponseBase])

CSP_EXTRA = "_madoguchi_csp_extra"
PERMISSIONS_EXTRA = "_madoguchi_permissions_extra"

# Responses a browser renders as a document: only these get a Content-Security-Policy (on a PDF, Chromium's
# viewer would be blocked by object-src 'none').
DOCUMENT_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml")


def content_security_policy(extra: Mapping[str, Sequence[str]] | None = None) -> str:
    directives = {name: list(sources) for name, sources in settings.MADOGUCHI_CONTENT_SECURITY_POLICY.items()}
    for name, sources in (extra or {}).items():
        present = directives.setdefault(name, [])
        present.extend(source for source in sources if source not in present)
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def permissions_policy(extra: Mapping[str, Sequence[str]] | None = None) -> str:
    features = {**settings.MADOGUCHI_PERMISSIONS_POLICY, **(extra or {})}
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items())


def extend_csp(**directives: Sequence[str]) -> Callable[[View], View]:
    """Add sources to the view's Content-Security-Policy: `@extend_csp(media_src=["'self'", "blob:"])`."""
    extra = {name.replace("_", "-"): list(sources) for name, sources in directives.items()}
    return _attach(CSP_EXTRA, extra)


def relax_permissions(**features: Sequence[str]) -> Callable[[View], View]:
    """Allow device features on this view's page: `@relax_permissions(camera=["self"], microphone=["self"])`.

    Origins are written as in the header: "self" or a quoted URL (`'"https://video.city.lg.jp"'`).
    """
    extra = {name.replace("_", "-"): list(allowed) for name, allowed in features.items()}
    return _attach(PERMISSIONS_EXTRA, extra)


def _attach(attribute: str, extra: dict[str, list[str]]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            setattr(response, attribute, extra)
            return response

        return wrapped  # type: ignore[return-value]

    return decorator


def apply(response: HttpResponseBase) -> None:
    """Set the policies on a response (the middleware's work, kept here beside the decorators)."""
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type in DOCUMENT_TYPES:
        response.headers.setdefault(
            "Content-Security-Policy", content_security_policy(getattr(response, CSP_EXTRA, None))
        )
    response.headers.setdefault(
        "Permissions-Policy", permissions_policy(getattr(response, PERMISSIONS_EXTRA, None))
    )
    # a view that chose its own caching keeps it (the simulation's charts, never_cache on /healthz)
    response.headers.setdefault("Cache-Control", "no-store")
