from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from madoguchi.audit.admin import AuditedModelAdmin
from madoguchi.organization.models import Counter, Department, Office, Queue
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import has_capability
from madoguchi.staff.roles import MANAGE_ORGANIZATION


class OrganizationAdmin(AuditedModelAdmin):
    """Only staff holding the organisation capability see or change these records."""

    def _allowed(self, request: HttpRequest) -> bool:
        return isinstance(request.user, Staff) and has_capability(request.user, MANAGE_ORGANIZATION)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


@admin.register(Office)
class OfficeAdmin(OrganizationAdmin):
    list_display = ["code", "name_ja", "kind", "parent", "sort_order"]
    list_filter = ["kind"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(Department)
class DepartmentAdmin(OrganizationAdmin):
    list_display = ["code", "name_ja", "name_en", "sort_order"]
    search_fields = ["code", "name_ja", "name_en"]


@admin.register(Queue)
class QueueAdmin(OrganizationAdmin):
    list_display = ["office", "code", "name_ja", "kind", "department", "ticket_prefix"]
    list_filter = ["office", "kind"]
    search_fields = ["code", "name_ja"]


@admin.register(Counter)
class CounterAdmin(OrganizationAdmin):
    list_display = ["office", "code", "name_ja", "queue"]
    list_filter = ["office"]
    search_fields = ["code", "name_ja"]
