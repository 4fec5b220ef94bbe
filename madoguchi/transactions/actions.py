"""`@atomic_action`: the transaction of one action, retried when the database says "try again".

PostgreSQL may still end a transaction with a deadlock (40P01) or a serialization failure (40001), and
SQLite may answer "database is locked" when another process writes: the whole action is then run again
from the start, a bounded number of times with a short random pause. An action called inside another
one joins the outer transaction and leaves the retrying to it. What still fails after the last attempt
is `Busy` to the user (503, "try again in a moment"), never a 500.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, transaction

from madoguchi.transactions.locks import enter_action, leave_action

P = ParamSpec("P")
R = TypeVar("R")

logger = logging.getLogger("madoguchi.transactions")

MAX_ATTEMPTS = 5
PAUSE_SECONDS = (0.005, 0.05)  # a random pause in this range, times the attempt number
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


class Busy(OperationalError):
    """The database stayed too busy for the action after every attempt."""


def is_retryable(error: BaseException) -> bool:
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def atomic_action(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` in one transaction, retried from the start on a deadlock or serialization failure."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        outermost = not transaction.get_connection().in_atomic_block
        attempt = 1
        while True:
            enter_action(outermost=outermost)
            try:
                with transaction.atomic():
                    return function(*args, **kwargs)
            except OperationalError as error:
                if not outermost or not is_retryable(error):
                    raise
                if attempt >= MAX_ATTEMPTS:
                    logger.error(
                        "action failed after retries",
                        extra={
                            "action": function.__qualname__,
                            "attempts": attempt,
                            "error": str(error)[:200],
                        },
                    )
                    raise Busy(str(error)) from error
                logger.warning(
                    "action retried",
                    extra={"action": function.__qualname__, "attempt": attempt, "error": str(error)[:200]},
                )
                time.sleep(random.uniform(*PAUSE_SECONDS) * attempt)  # noqa: S311 (jitter, not security)
                attempt += 1
            finally:
                leave_action()

    return run
