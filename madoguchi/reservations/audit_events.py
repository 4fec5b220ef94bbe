"""The reservations' audit events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from madoguchi.audit.events import (
    EventType,
    field_choices,
    field_labels,
    register,
    register_category,
    status_events,
)
from madoguchi.reservations.models import Reservation, ReservationSchedule

register_category("reservations", _("予約"))

_schedule = field_labels(ReservationSchedule)

register(
    EventType("reservations.schedule.create", _("予約枠の設定"), "reservations", fields=_schedule),
    EventType("reservations.schedule.update", _("予約枠の変更"), "reservations", fields=_schedule),
    # The admin's codes for the same record.
    EventType("reservations.reservationschedule.create", _("予約枠の設定"), "reservations", fields=_schedule),
    EventType("reservations.reservationschedule.update", _("予約枠の変更"), "reservations", fields=_schedule),
    EventType(
        "reservations.reservation.book",
        _("予約の受付"),
        "reservations",
        fields={**field_labels(Reservation), "start": _("開始時刻"), "code": _("予約番号")},
        choices=field_choices(Reservation),
    ),
    # `_change` records each status a reservation enters as "reservations.reservation.<status>".
    *status_events(
        "reservations.reservation", "reservations", Reservation.Status.choices, _("予約：%(state)s")
    ),
)
