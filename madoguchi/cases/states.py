"""The steps of a one-stop case (transactions/states.py): the actions take them, the case page draws them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from madoguchi.cases.models import Case
from madoguchi.transactions.states import Machine, Step

State = Case.State


class CaseStateError(Exception):
    """The case is not in a state that allows the action."""

    def __init__(self, case: Case, step: Step | str) -> None:
        message = _("受付案件 %(number)s は「%(state)s」のため、この操作はできません。") % {
            "number": case.number,
            "state": case.get_state_display(),
        }
        super().__init__(message)
        self.message = message
        self.target = step.target if isinstance(step, Step) else step


CASE = Machine(
    "state",
    [
        Step("interview", {State.DRAFT}, State.INTERVIEWING, stamp="interviewing_at"),
        Step("ready", {State.INTERVIEWING, State.CORRECTING}, State.READY_FOR_SIGNATURE, stamp="ready_at"),
        Step("reopen", {State.READY_FOR_SIGNATURE}, State.INTERVIEWING),
        Step("submit", {State.READY_FOR_SIGNATURE}, State.SUBMITTED, stamp="submitted_at"),
        Step("return", {State.SUBMITTED}, State.CORRECTING),
        Step("complete", {State.SUBMITTED}, State.COMPLETED, stamp="completed_at"),
        Step(
            "cancel",
            {State.DRAFT, State.INTERVIEWING, State.READY_FOR_SIGNATURE},
            State.CANCELLED,
            stamp="cancelled_at",
        ),
    ],
    error=CaseStateError,
    audit="case.{target}",
)
