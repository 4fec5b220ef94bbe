"""Numbers without gap or repeat: a counter row per key (office and day, queue and business day).

Never MAX()+1: two clerks or fifty kiosks at the same moment would get the same number. One statement
takes the number: an upsert that creates the day's row with 1 or adds one to it, and returns the result.
The row stays locked by that statement to the end of the transaction, so a rolled-back action gives its
number back and the next one gets it: no gap, no repeat. PostgreSQL and SQLite (3.35 and later) both
understand it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connection, models

from madoguchi.transactions import claim

C = TypeVar("C", bound=models.Model)


def next_in_sequence(model: type[C], **key: Any) -> int:
    """The next number of the counter row `key`; call inside a transaction (the row stays locked to its end).

    `key` names the fields of the model's unique constraint (a related object or its primary key).
    """
    claim(model)  # the row is locked by the statement: it takes its place in the one lock order
    meta = model._meta
    fields: list[models.Field[Any, Any]] = []
    for name in key:
        field = meta.get_field(name)
        if not isinstance(field, models.Field) or field.column is None:
            raise TypeError(f"{meta.label}.{name} is not a column of the counter row")
        fields.append(field)
    values = [
        field.get_db_prep_save(value.pk if isinstance(value, models.Model) else value, connection=connection)
        for field, value in zip(fields, key.values(), strict=True)
    ]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(str(field.column)) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {table} ({columns}, {quote('last')}) VALUES ({placeholders}, 1) "  # noqa: S608
        f"ON CONFLICT ({columns}) DO UPDATE SET {quote('last')} = {table}.{quote('last')} + 1 "
        f"RETURNING {quote('last')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        (number,) = cursor.fetchone()
    return int(number)
