"""Staff display names for the histories: the audit log and the records keep login IDs, people read names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from madoguchi.audit.display import actor_label
from madoguchi.staff.models import Staff

R = TypeVar("R")


def display_names(usernames: Iterable[str]) -> dict[str, str]:
    """Login ID → "family given" name, in one query, for the accounts that exist among `usernames`."""
    wanted = {name for name in usernames if name}
    if not wanted:
        return {}
    rows = Staff.objects.filter(username__in=wanted).values_list("username", "last_name", "first_name")
    return {username: f"{last} {first}".strip() or username for username, last, first in rows}


def with_actor_names(rows: Iterable[R]) -> list[R]:
    """The history rows (each with an `actor` login ID), each given `actor_name` to show, in one query."""
    listed = list(rows)
    names = display_names(getattr(row, "actor", "") for row in listed)
    for row in listed:
        row_: Any = row
        row_.actor_name = actor_label(row_.actor, names)
    return listed
