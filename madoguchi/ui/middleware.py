"""Japanese first: the language comes from the staff member's choice (a cookie), else Japanese.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a counter terminal set up in
English would show English to a clerk who never chose it. Here only an explicit choice switches.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


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
