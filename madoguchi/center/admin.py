"""The center's work queues in the admin: which procedures the center processes, and in how many business
days. Changes are audited (AuditedModelAdmin)."""

from __future__ import annotations

from django.contrib import admin

from madoguchi.center.models import WorkQueue
from madoguchi.staff.admin import CapabilityModelAdmin
from madoguchi.staff.roles import MANAGE_ORGANIZATION


@admin.register(WorkQueue)
class WorkQueueAdmin(CapabilityModelAdmin):
    capability = MANAGE_ORGANIZATION
    list_display = ["procedure", "name_ja", "department", "processing_days", "active"]
    list_filter = ["active", "department"]
    search_fields = ["procedure", "name_ja"]
