"""The steps of a ticket (transactions/states.py): the counter's actions take them, its page draws them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from madoguchi.reception.models import Ticket
from madoguchi.transactions.states import Machine, Step

Status = Ticket.Status


class TicketStateError(Exception):
    """The ticket is not in a state that allows the action."""

    def __init__(self, ticket: Ticket, step: Step | None = None) -> None:
        message = _("整理券 %(ticket)s は「%(status)s」のため、この操作はできません。") % {
            "ticket": ticket.display,
            "status": ticket.get_status_display(),
        }
        super().__init__(message)
        self.message = message


TICKET = Machine(
    "status",
    [
        Step("call", {Status.WAITING}, Status.CALLED, stamp="called_at"),
        Step("recall", {Status.CALLED}, Status.CALLED, stamp="recalled_at"),
        Step("serve", {Status.CALLED}, Status.SERVING, stamp="serving_at"),
        Step("no_show", {Status.CALLED}, Status.NO_SHOW, stamp="finished_at"),
        Step("finish", {Status.SERVING}, Status.DONE, stamp="finished_at"),
        Step("transfer", {Status.CALLED, Status.SERVING}, Status.TRANSFERRED, stamp="finished_at"),
    ],
    error=TicketStateError,
    audit="reception.ticket.{target}",
)
