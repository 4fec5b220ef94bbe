"""The department's screens: the cases handed over to it, and one case with the department's procedures and
their decisions (review, then confirm: a decision is taken once and not edited)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from madoguchi.audit.chain import record
from madoguchi.cases.models import Case
from madoguchi.cases.signing import SOURCE
from madoguchi.center.models import WorkItem
from madoguchi.departments.actions import (
    DecisionNotPossible,
    department_procedures,
    do_decide,
    handed_case,
    handed_cases,
    reason_required,
    signed_submission,
)
from madoguchi.departments.models import Decision
from madoguchi.identity import postal, wareki
from madoguchi.identity.names import member_name
from madoguchi.organization.models import Department
from madoguchi.reception.models import Ticket
from madoguchi.rules.facts import labels
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import staff_for
from madoguchi.staff.roles import HANDLE_DEPARTMENT_PROCEDURE
from madoguchi.submissions.models import source_key
from madoguchi.ui.languages import is_english

LIST_SIZE = 100


@login_required
def handed_list(request: HttpRequest) -> HttpResponse:
    """The cases handed over to this department at this office, the latest hand-over first, with how many
    of the department's procedures still wait for a decision."""
    staff = staff_for(request, HANDLE_DEPARTMENT_PROCEDURE)
    rows: list[dict[str, Any]] = []
    department = staff.department
    if department is not None:
        cases = list(handed_cases(staff).prefetch_related("people").order_by("-created_at")[:LIST_SIZE])
        events = labels("event", get_language())
        for case in cases:
            decisions = {d.procedure: d for d in Decision.objects.filter(case=case)}
            procedures = department_procedures(signed_submission(case), department.code, decisions)
            here = [p for p in procedures if p.decides_here]
            rows.append(
                {
                    "case": case,
                    "event": events.get(case.event, case.event),
                    "names": "、".join(p.full_name for p in case.people.all()),
                    "to_decide": sum(1 for p in here if p.decision is None),
                    "decided": sum(1 for p in here if p.decision is not None),
                    "signed": bool(procedures) or signed_submission(case) is not None,
                }
            )
    return render(request, "departments/list.html", {"rows": rows, "staff": staff})


def _context(staff: Staff, case: Case, department: Department) -> dict[str, Any]:
    submission = signed_submission(case)
    decisions = {d.procedure: d for d in Decision.objects.filter(case=case).select_related("decided_by")}
    procedures = department_procedures(submission, department.code, decisions)
    members = submission.members() if submission is not None else []
    names = {m["id"]: member_name(m) for m in members}
    english = is_english()
    relationships = labels("relationship", get_language())
    items = {
        item.queue.procedure: item
        for item in WorkItem.objects.filter(source_key=source_key(SOURCE, str(case.pk))).select_related(
            "queue"
        )
    }

    def row(p: Any) -> dict[str, Any]:
        return {
            "p": p,
            "name": p.name_en if english else p.name_ja,
            "who": "、".join(names.get(m, m) for m in p.member_ids),
            "item": items.get(p.code),
        }

    return {
        "case": case,
        "staff": staff,
        "submission": submission,
        "event_label": labels("event", get_language()).get(case.event, case.event),
        "event_date": _date(case.event_date, english),
        "address": postal.address_line(submission.data.get("address")) if submission else "",
        "people": [
            {
                "name": names[m["id"]],
                "kana": member_name(m, kana=True),
                "relationship": relationships.get(m.get("relationship", ""), ""),
                "birth_date": _date(date.fromisoformat(m["birth_date"]), english)
                if m.get("birth_date")
                else "",
                "notifier": submission is not None and submission.data.get("notifier_member_id") == m["id"],
            }
            for m in members
        ],
        "hand_overs": Ticket.objects.filter(
            case=case, office=staff.office, queue__department=department
        ).select_related("queue", "transferred_from"),
        "to_decide": [row(p) for p in procedures if p.decides_here],
        "taken_in": [row(p) for p in procedures if not p.decides_here],
        "outcomes": Decision.Outcome.choices,
    }


def _date(day: date, english: bool) -> str:
    """和暦 on the Japanese screen (as the city's forms write it), ISO 8601 on the English one."""
    return day.isoformat() if english else wareki.format_date(day)


@login_required
def handed_case_view(request: HttpRequest, case_id: UUID) -> HttpResponse:
    """GET: the case as the department needs it. POST step=review: the decision shown back for confirmation;
    POST step=confirm: the decision taken (a second click finds it taken and says so)."""
    staff = staff_for(request, HANDLE_DEPARTMENT_PROCEDURE)
    case = handed_case(staff, case_id)
    department = staff.department
    if department is None:  # handed_case refused it already; for the type checker
        raise PermissionDenied
    context = _context(staff, case, department)
    status = 200
    if request.method == "POST":
        procedure = request.POST.get("procedure", "")
        outcome = request.POST.get("outcome", "")
        reason = request.POST.get("reason", "").strip()
        rows = {r["p"].code: r for r in context["to_decide"]}
        if request.POST.get("step") == "confirm":
            try:
                decision = do_decide(staff, case, procedure=procedure, outcome=outcome, reason=reason)
            except DecisionNotPossible as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("%(name)s を「%(outcome)s」と決定しました。")
                    % {"name": decision.procedure_name, "outcome": decision.get_outcome_display()},
                )
            return redirect("departments:case", case_id=case.pk)
        # review: check what can be checked before showing it back
        problem = ""
        field = ""
        if procedure not in rows or rows[procedure]["p"].decision is not None:
            problem, field = (
                _("決定する手続を選び直してください（決定済みか、この課の手続ではありません）。"),
                "procedure",
            )
        elif outcome not in Decision.Outcome.values:
            problem, field = _("「決定」で受理か不受理を選んでください。"), "outcome"
        elif outcome == Decision.Outcome.REJECTED and not reason:
            problem, field = reason_required(), "reason"
        if problem:
            status = 400
            context.update(
                error=problem,
                error_field=field,
                error_procedure=procedure,
                error_outcome=outcome,
                reason=reason,
            )
        else:
            context["review"] = {
                "row": rows[procedure],
                "outcome": outcome,
                "outcome_label": dict(Decision.Outcome.choices)[outcome],
                "reason": reason,
            }
    else:
        record(staff, "department.case.view", case, extra={"case": case.number})
    response = render(request, "departments/case.html", context, status=status)
    response["Cache-Control"] = "no-store"  # personal data
    return response
