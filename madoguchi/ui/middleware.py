"""Japanese first: the language comes from the staff member's choice (a cookie), else Japanese.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a counter terminal set up in
English would show English to a clerk who never chose it. Here only an explicit choice switches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import translation
from django.utils.translation import gettext as _


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # for this request only: the thread's language is restored afterwards (a worker thread serves the
        # next request, or the next test, in whatever language that one asks for)
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class BusyMiddleware:
    """A write the database could not finish after its retries answers 503 and "try again", never 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from madoguchi.transactions import Busy, is_retryable
        from madoguchi.ui.views import busy

        if isinstance(exception, Busy) or is_retryable(exception):
            response = busy(request)
            response.headers["Retry-After"] = "2"
            return response
        return None


class SecurityHeadersMiddleware:
    """Content-Security-Policy, Permissions-Policy and `Cache-Control: no-store` on every response.

    It sits outside everything but the static files, so the answers of later middleware (a refused CSRF
    token, a locked sign-in, an error page) carry the policies too. See ui/headers.py.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from madoguchi.ui import headers

        response = self.get_response(request)
        headers.apply(response)
        return response


class InputGuardMiddleware:
    """No NUL character gets past the door: in the path, the query string or a form field, it answers 400.

    PostgreSQL refuses NUL in text, so a NUL that reached a query was a 500 (and its error text, with what
    else the resident typed, a log line). URL-encoded bodies are checked on their raw bytes; multipart
    bodies once parsed, except for views exempt from CSRF, which may still change their upload handlers
    (for the others, CsrfViewMiddleware parses the body before the view anyway). `BadInput` raised by a
    view (madoguchi/ui/inputs.py) is answered here too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = None
        if "\x00" in request.path:
            field = "(path)"
        else:
            query = request.META.get("QUERY_STRING", "")
            if "%00" in query or "\x00" in query:
                field = _nul_key(request.GET) or "(query)"
        return self.get_response(request) if field is None else _refuse(request, field)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method != "POST":
            return None
        field = None
        if request.content_type == "application/x-www-form-urlencoded":
            body = request.body  # bounded by DATA_UPLOAD_MAX_MEMORY_SIZE (400 beyond it)
            if b"%00" in body or b"\x00" in body:
                field = _nul_key(request.POST) or "(body)"
        elif request.content_type == "multipart/form-data" and not getattr(view, "csrf_exempt", False):
            field = _nul_key(request.POST)  # upload names: Django drops non-printable characters
        return None if field is None else _refuse(request, field)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from madoguchi.ui.inputs import BadInput
        from madoguchi.ui.views import bad_input

        return bad_input(request, exception) if isinstance(exception, BadInput) else None


def _refuse(request: HttpRequest, field: str) -> HttpResponse:
    from madoguchi.ui.inputs import BadInput
    from madoguchi.ui.views import bad_input

    return bad_input(request, BadInput(field, _("使えない制御文字が含まれています。")))


def _nul_key(data: QueryDict) -> str | None:
    for key, values in data.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key.replace("\x00", "\\0")
    return None
