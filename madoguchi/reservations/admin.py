from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import ForeignKey
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from madoguchi.organization.models import Queue
from madoguchi.reservations.models import RESERVABLE_KINDS, ReservationSchedule
from madoguchi.staff.admin import CapabilityModelAdmin
from madoguchi.staff.roles import MANAGE_ORGANIZATION


class QueueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Queue) -> str:
        return f"{obj.office.name} {obj.name}"


@admin.register(ReservationSchedule)
class ReservationScheduleAdmin(CapabilityModelAdmin):
    """Each queue's reservation hours and places: a city's policy, changed here without a release."""

    capability = MANAGE_ORGANIZATION
    list_display = [
        "queue",
        "office",
        "slot_minutes",
        "capacity",
        "opens_at",
        "closes_at",
        "days_ahead",
        "active",
    ]
    list_filter = ["active", "queue__office"]
    list_select_related = ["queue__office"]

    @admin.display(description=_("庁舎"), ordering="queue__office")
    def office(self, schedule: ReservationSchedule) -> str:
        return schedule.queue.office.name

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["queue"] if obj is not None else []

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "queue":
            kwargs["form_class"] = QueueChoiceField
            kwargs["queryset"] = Queue.objects.filter(
                kind__in=RESERVABLE_KINDS, reservation_schedule__isnull=True
            ).select_related("office")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
