"""An admin base class whose changes go to the audit log like any other action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from madoguchi.audit.chain import record, snapshot
from madoguchi.transactions import lock


class AuditedModelAdmin(admin.ModelAdmin):
    """Saves in one transaction with an audit entry; records are never deleted from the admin."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _audit_fields(self, obj: models.Model) -> list[str]:
        return [f.name for f in obj._meta.concrete_fields if not f.primary_key]

    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool) -> None:
        fields = self._audit_fields(obj)
        label = f"{obj._meta.app_label}.{obj._meta.model_name}"
        with transaction.atomic():
            before = None
            if change:
                stored = lock(type(obj)._default_manager.filter(pk=obj.pk)).get()
                before = snapshot(stored, fields)
            super().save_model(request, obj, form, change)
            after = snapshot(obj, fields)
            if before != after:
                action = f"{label}.update" if change else f"{label}.create"
                record(request.user, action, obj, before=before, after=after, extra={"via": "admin"})  # type: ignore[arg-type]
