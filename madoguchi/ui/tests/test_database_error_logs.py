"""A database error reaches the log as its class and SQLSTATE, never with the values it quotes."""

from __future__ import annotations

import logging
import sys

from django.db import DataError

from madoguchi.config.logging import DatabaseErrorDetailFilter

ADDRESS = "千葉県みなと市港町1-2-3 港ビル101"


def _console_handler() -> logging.Handler:
    return next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)


def _record_of(exception: BaseException) -> logging.LogRecord:
    try:
        raise exception
    except type(exception):
        return logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), sys.exc_info()
        )


def _postgres_like_error() -> DataError:
    cause = ValueError(f'invalid byte sequence for encoding "UTF8": 0x00 CONTEXT: value "{ADDRESS}"')
    cause.sqlstate = "22021"  # type: ignore[attr-defined]
    error = DataError(f'invalid byte sequence for encoding "UTF8": 0x00 CONTEXT: value "{ADDRESS}"')
    error.__cause__ = cause
    return error


def test_the_console_handler_withholds_database_error_text() -> None:
    # given
    handler = _console_handler()
    record = _record_of(_postgres_like_error())
    # when
    kept = handler.filter(record)
    line = handler.format(record)
    # then
    assert kept
    assert ADDRESS not in line
    assert "DataError (SQLSTATE 22021" in line
    assert "Traceback" in line  # where it happened is still logged


def test_other_errors_keep_their_text() -> None:
    record = _record_of(KeyError("queue"))
    DatabaseErrorDetailFilter().filter(record)
    assert "queue" in logging.Formatter().format(record)
