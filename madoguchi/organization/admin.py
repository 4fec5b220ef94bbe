from __future__ import annotations

from django.contrib import admin

from madoguchi.organization.models import Counter, Department, Office, Queue
from madoguchi.staff.admin import CapabilityModelAdmin
from madoguchi.staff.roles import MANAGE_ORGANIZATION


class OrganizationAdmin(CapabilityModelAdmin):
    capability = MANAGE_ORGANIZATION


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
    list_display = ["office", "code", "name_ja", "kind", "department", "ticket_prefix", "place_ja"]
    list_filter = ["office", "kind"]
    search_fields = ["code", "name_ja"]


@admin.register(Counter)
class CounterAdmin(OrganizationAdmin):
    list_display = ["office", "code", "name_ja", "queue"]
    list_filter = ["office"]
    search_fields = ["code", "name_ja"]
