"""Reads whose SQL is compiled once per process: the few statements every counter API call and wait page
runs.

Django's ORM builds a statement's SQL text anew on each call. For the counter's short statements that took
longer than PostgreSQL took to run them: a profile of the app processes at capacity (benchmarks/README.md)
spent half their Python time in `SQLCompiler.as_sql`. A `CompiledQuery` builds its queryset the first time
it runs on a database, keeps the text, and then only binds new values:

    TOKEN = CompiledQuery(
        lambda token_hash: ApiToken.objects.select_related("staff").filter(token_hash=token_hash)[:1]
    )
    token = TOKEN.first(token_hash=hash_api_token(sent))

The build function takes the statement's values as keyword arguments and must give the same SQL text for
any of them: each argument is one value compared for equality (an int, text, a UUID or a date), never None,
a bool or a list, which change the text; an int beyond 64 bits finds no row, as the ORM's exact lookups
answer. On first use it is built twice, with two sets of stand-in values of the same types; the places
where the stand-ins appear among the statement's parameters are where each call's values go, and the two
texts must be the same (else `CompiledQueryError`). Rows become model instances as `QuerySet` iteration
makes them (select_related and annotations included). A statement that locks rows (`transactions.lock`)
claims its model in LOCK_ORDER on every call, as `lock()` does, and, as Django does, refuses to run outside
a transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar
from uuid import UUID

from django.db import connections, models
from django.db.models.query import QuerySet, get_related_populators
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError

from madoguchi.transactions.locks import claim

M = TypeVar("M", bound=models.Model)


class CompiledQueryError(TypeError):
    """The build function's SQL depends on more than its arguments' places: a programming error."""


def _stand_in(value: Any, index: int, second: bool) -> Any:
    """A value of `value`'s type that no constant of a statement would hold."""
    seed = index * 2 + (1 if second else 0)
    if isinstance(value, bool) or value is None:
        raise CompiledQueryError("None and bools change a statement's text: build them into the query")
    if isinstance(value, int):
        return 1_987_654_000 + seed  # within a 32-bit integer column's range
    if isinstance(value, str):
        return f"\x1fcompiled-query-{seed}\x1f"
    if isinstance(value, UUID):
        return UUID(int=(0x5EED << 112) + seed)
    if isinstance(value, datetime):
        return datetime(1901, 1, 1, 3, 4, 5, tzinfo=UTC) + timedelta(days=seed)
    if isinstance(value, date):
        return date(1901, 1, 1) + timedelta(days=seed)
    raise CompiledQueryError(
        f"a compiled query's value must be an int, text, a UUID or a date, not {value!r}"
    )


# How a database adapter may have turned a value into the parameter it sends (e.g. a UUID into its hex on
# SQLite, a date into ISO text): the first that explains both stand-ins is applied to each call's value.
_ADAPTERS: tuple[Callable[[Any], Any], ...] = (
    lambda value: value,
    lambda value: value.hex,
    str,
    lambda value: value.isoformat(),
)


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple[Any, ...]  # the constants, and the stand-ins in the places of the values
    slots: tuple[tuple[int, str, Callable[[Any], Any]], ...]  # (place, argument, adapter)
    compiler: SQLCompiler
    model: type[models.Model]
    init_list: tuple[str, ...]
    model_slice: slice
    populators: Sequence[Any]
    annotations: tuple[tuple[str, int], ...]
    locks: bool


class CompiledQuery(Generic[M]):
    def __init__(self, build: Callable[..., QuerySet[M]]) -> None:
        self.build = build
        self._statements: dict[tuple[str, str], _Statement] = {}
        self._compiling = threading.Lock()

    def all(self, **values: Any) -> list[M]:
        return self._instances(values)[1]

    def first(self, **values: Any) -> M | None:
        """The first row, or None (the build function limits and orders the statement itself)."""
        found = self.all(**values)
        return found[0] if found else None

    def get(self, **values: Any) -> M:
        """Exactly one row, else the model's DoesNotExist or MultipleObjectsReturned, as `QuerySet.get`."""
        statement, found = self._instances(values)
        model: Any = statement.model
        if not found:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        if len(found) > 1:
            raise model.MultipleObjectsReturned(f"get() returned more than one {model._meta.object_name}")
        return found[0]

    def _instances(self, values: dict[str, Any]) -> tuple[_Statement, list[M]]:
        statement, alias, rows = self._run(values)
        compiler = statement.compiler
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        found: list[M] = []
        for row in compiler.results_iter(results=[rows]):
            instance = statement.model.from_db(alias, statement.init_list, row[statement.model_slice])
            for populator in statement.populators:
                populator.populate(row, instance)
            for name, place in statement.annotations:
                setattr(instance, name, row[place])
            found.append(instance)  # type: ignore[arg-type]
        return statement, found

    def _run(self, values: dict[str, Any]) -> tuple[_Statement, str, list[Sequence[Any]]]:
        alias = "default"
        statement = self._statements.get((alias, connections[alias].vendor))
        if statement is None:
            statement = self._compile(alias, values)
        connection = connections[alias]
        if statement.locks:
            claim(statement.model)
            if connection.features.has_select_for_update and connection.get_autocommit():
                raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        if set(values) != {name for _place, name, _adapt in statement.slots}:
            raise CompiledQueryError(f"expected the values {sorted({s[1] for s in statement.slots})}")
        if any(isinstance(v, int) and not -(2**63) <= v < 2**63 for v in values.values()):
            return statement, alias, []  # no column holds it: no row, as the ORM's exact lookups answer
        params = list(statement.params)
        for place, name, adapt in statement.slots:
            params[place] = adapt(values[name])
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            rows = cursor.fetchall()
        return statement, alias, rows

    def _compile(self, alias: str, values: dict[str, Any]) -> _Statement:
        with self._compiling:
            connection = connections[alias]
            key = (alias, connection.vendor)
            if key in self._statements:
                return self._statements[key]
            names = sorted(values)
            first = {name: _stand_in(values[name], i, second=False) for i, name in enumerate(names)}
            other = {name: _stand_in(values[name], i, second=True) for i, name in enumerate(names)}
            queryset = self.build(**first)
            if queryset.db != alias:
                raise CompiledQueryError(f"a compiled query runs on the {alias!r} database only")
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            other_sql, other_params = self.build(**other).query.get_compiler(using=alias).as_sql()
            if sql != other_sql or len(params) != len(other_params):
                raise CompiledQueryError("the statement's text depends on its values")
            slots: list[tuple[int, str, Callable[[Any], Any]]] = []
            for place, (a, b) in enumerate(zip(params, other_params, strict=True)):
                if a == b:
                    continue  # a constant of the statement
                slot = next(
                    (
                        (place, name, adapt)
                        for name in names
                        for adapt in _ADAPTERS
                        if _adapts(adapt, first[name], a) and _adapts(adapt, other[name], b)
                    ),
                    None,
                )
                if slot is None:
                    raise CompiledQueryError(f"parameter {place} of the statement is no argument's value")
                slots.append(slot)
            if {name for _place, name, _adapt in slots} != set(names):
                raise CompiledQueryError("an argument is not a parameter of the statement")
            klass_info = compiler.klass_info
            if klass_info is None or getattr(queryset, "_known_related_objects", None):
                raise CompiledQueryError("a compiled query reads model instances of one queryset")
            select = compiler.select
            fields = klass_info["select_fields"]
            model_slice = slice(fields[0], fields[-1] + 1)
            statement = _Statement(
                sql=sql,
                params=tuple(params),
                slots=tuple(slots),
                compiler=compiler,
                model=klass_info["model"],
                init_list=tuple(column[0].target.attname for column in select[model_slice]),
                model_slice=model_slice,
                # (klass_info, select, db) in Django 5.2; the stubs describe a later signature
                populators=get_related_populators(klass_info, select, alias),  # type: ignore[call-arg]
                annotations=tuple((compiler.annotation_col_map or {}).items()),
                locks=bool(queryset.query.select_for_update),
            )
            self._statements[key] = statement
            return statement


def _adapts(adapt: Callable[[Any], Any], value: Any, sent: Any) -> bool:
    try:
        return bool(adapt(value) == sent)
    except (AttributeError, TypeError, ValueError):
        return False
