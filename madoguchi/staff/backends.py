"""Authentication backend that keeps administrative decisions away from contractor clerks."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import ManyToManyField

from madoguchi.staff.roles import CONTRACTOR_ROLES, DECISION_CODENAMES


class StaffBackend(ModelBackend):
    """Django's model backend, except that a contractor never holds a decision permission.

    This holds even if a group, a direct grant or the superuser flag says otherwise: a misconfigured
    group must not let a contractor approve anything.
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """The staff member's own and their groups' permissions, read in one statement (Django's model
        backend reads them in two) and kept on the object for the rest of the request, as Django does."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = list(Permission.objects.values_list("content_type__app_label", "codename"))
            else:
                with connection.cursor() as cursor:
                    cursor.execute(permissions_sql(), [user_obj.pk, user_obj.pk])
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if getattr(user_obj, "role", None) in CONTRACTOR_ROLES:
            app_label, _, codename = perm.partition(".")
            if app_label == "staff" and codename in DECISION_CODENAMES:
                return False
            if user_obj.is_superuser:
                # Superuser status would grant everything; a contractor only gets what the groups grant.
                return perm in self.get_all_permissions(user_obj, obj)
        return super().has_perm(user_obj, perm, obj)


@functools.cache
def permissions_sql(staff_ref: str = "%s") -> str:
    """A staff member's own and their groups' permissions as (app label, codename): one statement, its text
    built once per process from the models' tables. Every staff request checks permissions; the ORM took
    longer to build this statement (a union of two joins) than PostgreSQL took to run it.

    `staff_ref` is where the staff member's id comes from: a parameter, or a column of an outer query.
    """
    own = _many_to_many(get_user_model(), "user_permissions")  # staff → permission
    groups = _many_to_many(get_user_model(), "groups")  # staff → group
    granted = _many_to_many(Group, "permissions")  # group → permission
    q = connection.ops.quote_name
    # Only the models' own table and column names go into the text (quoted); the staff id is a parameter.
    return (
        f"SELECT ct.{q('app_label')}, p.{q('codename')} "  # noqa: S608
        f"FROM {q(Permission._meta.db_table)} p "
        f"JOIN {q(ContentType._meta.db_table)} ct ON ct.{q('id')} = p.{q('content_type_id')} "
        f"WHERE p.{q('id')} IN ("
        f"SELECT {q(own.m2m_reverse_name())} FROM {q(own.m2m_db_table())} "
        f"WHERE {q(own.m2m_column_name())} = {staff_ref} "
        f"UNION SELECT g.{q(granted.m2m_reverse_name())} FROM {q(granted.m2m_db_table())} g "
        f"JOIN {q(groups.m2m_db_table())} m "
        f"ON m.{q(groups.m2m_reverse_name())} = g.{q(granted.m2m_column_name())} "
        f"WHERE m.{q(groups.m2m_column_name())} = {staff_ref})"
    )


def _many_to_many(model: Any, name: str) -> ManyToManyField[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, ManyToManyField):
        raise TypeError(f"{model.__name__}.{name} is not a many-to-many field")
    return field


@functools.cache
def permission_names_sql(staff_column: str) -> str:
    """The same permissions as one text ("app.codename app.codename ..."), for a subquery of a statement that
    reads the staff member anyway (the API token's look-up): `staff_column` is its quoted column."""
    rows = permissions_sql(staff_column)
    concat = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    q = connection.ops.quote_name
    return f"(SELECT {concat}(x.{q('app_label')} || '.' || x.{q('codename')}, ' ') FROM ({rows}) x)"  # noqa: S608


def remember_permissions(staff: Any, names: str | None) -> None:
    """Keep permissions read with the staff member (`permission_names_sql`) for the rest of the request, as
    `get_all_permissions` would have read them. A superuser's are all permissions: left to that method."""
    if staff.is_active and not staff.is_superuser:
        staff._perm_cache = set((names or "").split())
