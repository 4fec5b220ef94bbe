"""The department counter: the handed-over case, its procedures, and 受理・不受理 taken once by a city
employee of the department."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from madoguchi.audit.models import AuditEntry
from madoguchi.cases.models import Case
from madoguchi.demo.cases import bereavement_handed_over
from madoguchi.departments.actions import DecisionNotPossible, do_decide, handed_case
from madoguchi.departments.models import Decision
from madoguchi.organization.models import Department
from madoguchi.reception.models import Ticket
from madoguchi.staff.permissions import CapabilityDenied, DecisionRefused

pytestmark = pytest.mark.django_db

PENSION = "kokumin-nenkin-mishikyu"  # 未支給年金の請求: decided at 保険年金課's own counter


@pytest.fixture
def handed(staff_of: Any) -> tuple[Case, Ticket]:
    return bereavement_handed_over(staff_of("onestop_clerk"))


def test_the_handed_case_carries_the_signed_plan_to_the_department(handed: Any, staff_of: Any) -> None:
    case, ticket = handed
    assert ticket.queue.code == "hoken-nenkin"
    assert ticket.case_id == case.pk
    assert case.state == Case.State.SUBMITTED
    assert handed_case(staff_of("department_staff"), case.pk) == case


def test_the_department_accepts_once_and_the_audit_log_says_who(handed: Any, staff_of: Any) -> None:
    case, _ticket = handed
    department = staff_of("department_staff")
    decision = do_decide(department, case, procedure=PENSION, outcome="accepted", reason="")
    assert decision.outcome == Decision.Outcome.ACCEPTED
    assert decision.procedure_name == "未支給年金・遺族基礎年金の請求"
    assert decision.submission_version == 1
    assert decision.decided_by == department
    entry = AuditEntry.objects.get(action="department.decide")
    assert entry.actor == department.audit_name
    assert entry.summary["after"] == {"procedure": PENSION, "outcome": "accepted", "version": 1}
    with pytest.raises(DecisionNotPossible, match="決定済み"):
        do_decide(department, case, procedure=PENSION, outcome="rejected", reason="二重")
    assert Decision.objects.filter(case=case).count() == 1


def test_a_rejection_states_its_reason(handed: Any, staff_of: Any) -> None:
    case, _ticket = handed
    department = staff_of("department_staff")
    with pytest.raises(DecisionNotPossible, match="理由") as error:
        do_decide(department, case, procedure=PENSION, outcome="rejected", reason="  ")
    assert error.value.field == "reason"
    with pytest.raises(DecisionNotPossible, match="300字以内"):
        do_decide(department, case, procedure=PENSION, outcome="rejected", reason="あ" * 301)
    with pytest.raises(DecisionNotPossible, match="受理か不受理") as error:
        do_decide(department, case, procedure=PENSION, outcome="maybe", reason="")
    assert error.value.field == "outcome"
    decision = do_decide(
        department, case, procedure=PENSION, outcome="rejected", reason="生計同一関係を確認できる書類がない"
    )
    assert decision.reason == "生計同一関係を確認できる書類がない"
    assert not Decision.objects.exclude(pk=decision.pk).exists()


def test_only_a_city_employee_of_the_department_decides(handed: Any, staff_of: Any) -> None:
    case, _ticket = handed
    with pytest.raises(DecisionRefused):  # 委託: a decision is 公権力の行使
        do_decide(staff_of("contractor_clerk"), case, procedure=PENSION, outcome="accepted", reason="")
    with pytest.raises(CapabilityDenied):  # the one-stop clerk does not take a department's procedure
        do_decide(staff_of("onestop_clerk"), case, procedure=PENSION, outcome="accepted", reason="")
    department = staff_of("department_staff")
    department.department = Department.objects.get(code="kodomo")
    department.save(update_fields=["department"])
    with pytest.raises(PermissionDenied, match="引き継がれていません"):
        handed_case(department, case.pk)
    with pytest.raises(DecisionNotPossible, match="あなたの課で決定する手続ではありません"):
        do_decide(department, case, procedure=PENSION, outcome="accepted", reason="")
    assert not Decision.objects.exists()


def test_a_procedure_taken_in_at_the_one_stop_counter_is_not_decided_here(handed: Any, staff_of: Any) -> None:
    case, _ticket = handed
    from madoguchi.departments.actions import department_procedures, signed_submission

    procedures = department_procedures(signed_submission(case), "hoken_nenkin", {})
    one_stop = [p for p in procedures if not p.decides_here]
    assert one_stop, "the bereavement plan has 保険年金課 procedures taken in at the one-stop counter"
    with pytest.raises(DecisionNotPossible, match="あなたの課で決定する手続ではありません"):
        do_decide(
            staff_of("department_staff"), case, procedure=one_stop[0].code, outcome="accepted", reason=""
        )


def test_nothing_is_decided_before_the_resident_signed(staff_of: Any) -> None:
    from datetime import date

    from madoguchi.cases.actions import do_create_case

    clerk = staff_of("onestop_clerk")
    case = do_create_case(clerk, office=clerk.office, event="shibou", event_date=date(2026, 11, 20))
    queue = clerk.office.queues.get(code="hoken-nenkin")
    Ticket.objects.create(
        office=clerk.office,
        queue=queue,
        business_day=date(2026, 11, 20),
        number=1,
        issued_at=case.created_at,
        case=case,
    )
    with pytest.raises(DecisionNotPossible, match="署名された申請がまだありません"):
        do_decide(staff_of("department_staff"), case, procedure=PENSION, outcome="accepted", reason="")
