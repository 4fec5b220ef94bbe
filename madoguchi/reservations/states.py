"""The steps of a reservation (transactions/states.py): the actions take them, the pages draw them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from madoguchi.reservations.models import Reservation
from madoguchi.transactions.states import Machine, Step

Status = Reservation.Status


class ReservationStateError(Exception):
    """The reservation is not in a state (or on a day) that allows the action."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _refused(reservation: Reservation, step: Step) -> ReservationStateError:
    return ReservationStateError(
        _("予約 %(code)s は「%(status)s」のため、この操作はできません。")
        % {"code": reservation.display_code, "status": reservation.get_status_display()}
    )


RESERVATION = Machine(
    "status",
    [
        Step("check_in", {Status.BOOKED}, Status.CHECKED_IN, stamp="checked_in_at"),
        Step("cancel", {Status.BOOKED}, Status.CANCELLED, stamp="cancelled_at"),
        Step("no_show", {Status.BOOKED}, Status.NO_SHOW, stamp="no_show_at"),
    ],
    error=_refused,
    audit="reservations.reservation.{target}",
)
