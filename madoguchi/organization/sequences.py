"""Numbers without gap or repeat: a counter row per key (office and day, queue and business day), locked.

Never MAX()+1: two clerks or fifty kiosks at the same moment would get the same number.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from madoguchi.transactions import lock

C = TypeVar("C", bound=models.Model)


def next_in_sequence(model: type[C], **key: Any) -> int:
    """The next number of the counter row `key`; call inside a transaction (the row stays locked to its end).

    `get_or_create` under `select_for_update` also covers the first number of the day: if another
    transaction inserts the row first, the insert fails, and the row is then read under the lock.
    """
    row, _created = lock(model._default_manager.all()).get_or_create(**key)
    row.last += 1  # type: ignore[attr-defined]
    row.save(update_fields=["last"])
    return int(row.last)  # type: ignore[attr-defined]
