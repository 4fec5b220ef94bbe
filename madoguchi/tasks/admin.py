"""Managers and administrators see the background tasks (read only): what ran, what waits, what failed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from madoguchi.staff.admin import CapabilityModelAdmin
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import has_capability
from madoguchi.staff.roles import MANAGE_ORGANIZATION, VIEW_DASHBOARDS
from madoguchi.tasks.models import Task

ERROR_PREVIEW_LENGTH = 80
TASK_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "status",
    "kwargs",
    "attempts",
    "max_attempts",
    "queued_at",
    "run_after",
    "started_at",
    "heartbeat_at",
    "finished_at",
    "worker",
    "progress",
    "progress_note",
    "result",
    "error",
)


@admin.register(Task)
class TaskAdmin(CapabilityModelAdmin):
    # Managers watch exports and simulations (dashboards); administrators run the servers.
    capability = VIEW_DASHBOARDS
    also_allowed = (MANAGE_ORGANIZATION,)
    list_display = [
        "name",
        "status",
        "progress_percent",
        "progress_note",
        "attempts_of",
        "queued_at",
        "run_after",
        "finished_at",
        "error_preview",
    ]
    list_filter = ["status", "name"]
    search_fields = ["name", "id"]
    date_hierarchy = "queued_at"
    ordering = ["-queued_at"]
    fields = TASK_FIELDS
    readonly_fields = TASK_FIELDS

    def _allowed(self, request: HttpRequest) -> bool:
        user = request.user
        return isinstance(user, Staff) and any(
            has_capability(user, capability) for capability in (self.capability, *self.also_allowed)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("進捗"), ordering="progress")
    def progress_percent(self, task: Task) -> str:
        return f"{task.progress:.0%}"

    @admin.display(description=_("試行"), ordering="attempts")
    def attempts_of(self, task: Task) -> str:
        return f"{task.attempts}/{task.max_attempts}"

    @admin.display(description=_("エラー"))
    def error_preview(self, task: Task) -> str:
        last_line = task.error.strip().splitlines()[-1] if task.error.strip() else ""
        return last_line[:ERROR_PREVIEW_LENGTH]
