"""Structured logs: one JSON object per line, and one line per HTTP request."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

request_logger = logging.getLogger("madoguchi.request")

# URL arguments that are secrets: whoever holds the path holds the resident's wait page or reservation.
SECRET_URL_ARGUMENTS = frozenset({"token"})
MASK = "…"
# A path that resolved to no view is logged without its token-like segments (a token with a typo in the
# rest of the path is still a token).
_TOKEN_LIKE = re.compile(r"(?<=/)[A-Za-z0-9_-]{16,}(?=/|$)")


def loggable_path(request: HttpRequest) -> str:
    """The request's path with every secret URL argument replaced by …, as the request log shows it."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is None:
        return _TOKEN_LIKE.sub(MASK, path)
    for name in SECRET_URL_ARGUMENTS & match.kwargs.keys():
        value = str(match.kwargs[name])
        if value:
            path = path.replace(f"/{value}", f"/{MASK}")
    return path


class JsonFormatter(_BaseJsonFormatter):
    """JSON lines with a fixed set of leading keys, so that log collectors can index them."""

    def __init__(self) -> None:
        # `timestamp` writes the record's time in ISO 8601, UTC, under the key "time".
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
        )


class ReadableFormatter(logging.Formatter):
    """One short line per record for a person at a terminal (`make run`): time, level, logger, message,
    and for requests the method, path, status, duration and staff login."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", datefmt="%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        if record.name == request_logger.name and hasattr(record, "path"):
            staff = getattr(record, "staff", None)
            line = (
                f"{self.formatTime(record, self.datefmt)} {record.levelname:<7} "
                f"{record.method} {record.path} → {record.status} ({record.duration_ms} ms)"  # type: ignore[attr-defined]
            )
            return f"{line} {staff}" if staff else line
        return super().format(record)


class RequestLogMiddleware:
    """Logs method, path, status, duration and the staff member for every request.

    Query strings are left out: personal data must never travel in URLs, and if it did, it must not
    reach the logs either. The tokens in the residents' links (wait pages, reservations) are masked.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_logger.info(
            "request",
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": loggable_path(request),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "staff": user.get_username() if user is not None and user.is_authenticated else None,
            },
        )
        response.headers["X-Request-ID"] = request_id
        return response


class DatabaseErrorDetailFilter(logging.Filter):
    """A database error in a log line names its class and SQLSTATE, never its text.

    PostgreSQL's messages quote the values they refused (`invalid byte sequence ... "港町1-2-3 ..."`,
    `Key (case_id, member_id)=(..., 山田)`), so a 500 logged by django.request would carry a resident's
    address to the log collector. The traceback (where it happened) is kept.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            exception = record.exc_info[1]
            if _is_database_error(exception):
                summary = _database_error_summary(exception)
                try:
                    clean = type(exception)(summary)
                except Exception:
                    clean = RuntimeError(summary)
                record.exc_info = (type(clean), clean, record.exc_info[2])
                record.exc_text = None
        return True


def _is_database_error(exception: BaseException) -> bool:
    from django.db import DatabaseError

    return isinstance(exception, DatabaseError) or type(exception).__module__.startswith(
        ("psycopg", "sqlite3")
    )


def _database_error_summary(exception: BaseException) -> str:
    cause = exception.__cause__ or exception
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "sqlite_errorname", None)
    return f"{type(exception).__name__} (SQLSTATE {sqlstate or 'unknown'}; detail withheld from the log)"
