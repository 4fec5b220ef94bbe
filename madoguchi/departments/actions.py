"""The department counter's reads and its one write: deciding a procedure of a handed-over case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.audit.chain import record
from madoguchi.cases.models import Case
from madoguchi.cases.signing import SOURCE
from madoguchi.departments.models import Decision
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import DECIDE_APPLICATION, HANDLE_DEPARTMENT_PROCEDURE
from madoguchi.submissions.models import Submission
from madoguchi.transactions import atomic_action, lock

DEPARTMENT_COUNTER = "department"  # a procedure's `counter` in the catalog: done at the department's counter
REASON_MAX = 300


def reason_required() -> str:
    """A rejection without its reason: said the same by the review and by the action."""
    return _("不受理の「理由」を入力してください（住民の方にお伝えします）。")


class DecisionNotPossible(Exception):
    """The decision cannot be taken as asked; `field` names the form field the message is about."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def handed_cases(staff: Staff) -> Any:
    """The cases handed over to the staff member's department at their office (a ticket of one of the
    department's queues carries the case), newest hand-over first."""
    if staff.office_id is None or staff.department_id is None:
        return Case.objects.none()
    return (
        Case.objects.filter(
            tickets__office_id=staff.office_id,
            tickets__queue__department_id=staff.department_id,
        )
        .exclude(state=Case.State.CANCELLED)
        .distinct()
    )


def handed_case(staff: Staff, case_id: Any) -> Case:
    """The case, if it was handed over to the staff member's department at their office; a department sees
    a resident's case because the resident was sent to it, not because it exists (need to know)."""
    require(staff, HANDLE_DEPARTMENT_PROCEDURE)
    if staff.department_id is None:
        raise PermissionDenied(_("所属する課が設定されていません。システム管理者に連絡してください。"))
    case = handed_cases(staff).filter(pk=case_id).select_related("office").first()
    if case is None:
        raise PermissionDenied(_("この受付案件は、あなたの課へ引き継がれていません。"))
    return case


@dataclass(frozen=True)
class DepartmentProcedure:
    """One procedure of the signed plan that belongs to a department, with its decision if taken."""

    code: str
    name_ja: str
    name_en: str
    counter: str
    reason: str
    member_ids: tuple[str, ...]
    documents: tuple[str, ...]
    decision: Decision | None
    reason_en: str = ""  # the catalog's English, "" where none (or for plans signed before it had any)
    documents_en: tuple[str, ...] = ()

    @property
    def decides_here(self) -> bool:
        return self.counter == DEPARTMENT_COUNTER


def department_procedures(
    submission: Submission | None, department_code: str, decisions: dict[str, Decision]
) -> list[DepartmentProcedure]:
    """The required procedures of the plan the resident signed that are `department_code`'s."""
    if submission is None:
        return []
    return [
        DepartmentProcedure(
            code=p["code"],
            name_ja=p.get("name_ja", p["code"]),
            name_en=p.get("name_en", "") or p.get("name_ja", p["code"]),
            counter=p.get("counter", ""),
            reason=p.get("reason", ""),
            member_ids=tuple(p.get("member_ids", ())),
            documents=tuple(p.get("documents", ())),
            decision=decisions.get(p["code"]),
            reason_en=p.get("reason_en", ""),
            documents_en=tuple(p.get("documents_en", ())),
        )
        for p in submission.procedures()
        if p.get("status") == "required" and p.get("department") == department_code
    ]


def signed_submission(case: Case) -> Submission | None:
    """The latest version the resident signed (without its PDF, which the department does not print)."""
    return (
        Submission.objects.filter(source=SOURCE, source_id=str(case.pk))
        .defer("bundle_pdf")
        .order_by("-version")
        .first()
    )


@atomic_action
def do_decide(actor: Staff, case: Case, *, procedure: str, outcome: str, reason: str) -> Decision:
    """受理 or 不受理 of one of the department's procedures of the case, on the latest signed plan; once.

    A rejection states its reason (the resident is told why). The case row is locked so that two clerks
    deciding the same procedure at once find each other's decision, not a database error.
    """
    require(actor, DECIDE_APPLICATION)
    require(actor, HANDLE_DEPARTMENT_PROCEDURE)
    if outcome not in Decision.Outcome.values:
        raise DecisionNotPossible(_("「決定」で受理か不受理を選んでください。"), "outcome")
    reason = reason.strip()
    if outcome == Decision.Outcome.REJECTED and not reason:
        raise DecisionNotPossible(reason_required(), "reason")
    if len(reason) > REASON_MAX:
        raise DecisionNotPossible(
            _("「理由」は%(n)s字以内で入力してください。") % {"n": REASON_MAX}, "reason"
        )
    locked = lock(Case.objects.filter(pk=case.pk)).get()
    submission = signed_submission(locked)
    if submission is None or locked.state == Case.State.CORRECTING:
        raise DecisionNotPossible(
            _("署名された申請がまだありません。総合窓口で署名・送付が済んでから決定してください。")
        )
    department = actor.department
    if department is None:
        raise PermissionDenied(_("所属する課が設定されていません。システム管理者に連絡してください。"))
    existing = {d.procedure: d for d in Decision.objects.filter(case=locked)}
    planned = {p.code: p for p in department_procedures(submission, department.code, existing)}
    target = planned.get(procedure)
    if target is None or not target.decides_here:
        raise DecisionNotPossible(_("この手続は、あなたの課で決定する手続ではありません。"), "procedure")
    if target.decision is not None:
        raise DecisionNotPossible(
            _("%(name)s は %(when)s に決定済みです（%(outcome)s）。")
            % {
                "name": target.name_ja,
                "when": timezone.localtime(target.decision.decided_at).strftime("%Y-%m-%d %H:%M"),
                "outcome": target.decision.get_outcome_display(),
            },
            "procedure",
        )
    try:
        decision = Decision.objects.create(
            case=locked,
            procedure=procedure,
            procedure_name=target.name_ja[:120],
            department=department,
            outcome=outcome,
            reason=reason,
            submission_version=submission.version,
            decided_by=actor,
            decided_at=timezone.now(),
        )
    except IntegrityError as error:  # only without the case lock (a bug): say so plainly
        raise DecisionNotPossible(_("この手続は決定済みです。")) from error
    record(
        actor,
        "department.decide",
        decision,
        after={"procedure": procedure, "outcome": outcome, "version": submission.version},
        reason=reason,
        extra={"case": locked.number},
    )
    return decision
