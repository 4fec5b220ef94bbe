from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission

from madoguchi.audit.chain import SystemActor
from madoguchi.staff import roles
from madoguchi.staff.actions import do_sync_role_groups
from madoguchi.staff.permissions import DecisionRefused, has_capability, require
from madoguchi.staff.roles import (
    APPROVE_WORK_ITEM,
    CAPABILITIES,
    CONTRACTOR_ROLES,
    DECIDE_APPLICATION,
    HANDLE_CASE,
    RETURN_WORK_ITEM,
    ROLE_CAPABILITIES,
    Role,
    role_group_name,
)

pytestmark = pytest.mark.django_db


def test_every_role_has_a_group_with_exactly_its_capabilities() -> None:
    for role, capabilities in ROLE_CAPABILITIES.items():
        group = Group.objects.get(name=role_group_name(role))
        assert set(group.permissions.values_list("codename", flat=True)) == {c.codename for c in capabilities}
    assert set(ROLE_CAPABILITIES) == set(Role)


def test_the_matrix_gives_no_decision_to_a_contractor() -> None:
    for role in CONTRACTOR_ROLES:
        assert not [c for c in ROLE_CAPABILITIES[Role(role)] if c.decision]
    assert {c.codename for c in CAPABILITIES if c.decision} == {
        "approve_work_item",
        "return_work_item",
        "decide_application",
    }


@pytest.mark.parametrize("decision", [APPROVE_WORK_ITEM, RETURN_WORK_ITEM, DECIDE_APPLICATION])
def test_contractor_is_refused_a_decision_action(staff_of: Any, decision: roles.Capability) -> None:
    # given: a contractor clerk whose group was wrongly given the decision, directly and as superuser
    contractor = staff_of(Role.CONTRACTOR_CLERK)
    permission = Permission.objects.get(content_type__app_label="staff", codename=decision.codename)
    Group.objects.get(name=role_group_name(Role.CONTRACTOR_CLERK)).permissions.add(permission)
    contractor.user_permissions.add(permission)
    contractor.is_superuser = True
    contractor.save(update_fields=["is_superuser"])
    contractor = type(contractor).objects.get(pk=contractor.pk)  # fresh permission cache
    # when / then
    assert not contractor.has_perm(f"staff.{decision.codename}")
    with pytest.raises(DecisionRefused, match="委託事業者は判断業務"):
        require(contractor, decision)


def test_contractor_keeps_factual_work(staff_of: Any) -> None:
    contractor = staff_of(Role.CONTRACTOR_CLERK)
    require(contractor, HANDLE_CASE)
    assert has_capability(contractor, HANDLE_CASE)


def test_city_employees_hold_their_decisions(staff_of: Any) -> None:
    require(staff_of(Role.CENTER_APPROVER), APPROVE_WORK_ITEM)
    require(staff_of(Role.ONESTOP_CLERK), DECIDE_APPLICATION)
    assert not has_capability(staff_of(Role.CENTER_STAFF), APPROVE_WORK_ITEM)


def test_inactive_staff_hold_nothing(staff_of: Any) -> None:
    approver = staff_of(Role.CENTER_APPROVER)
    approver.is_active = False
    assert not has_capability(approver, APPROVE_WORK_ITEM)


def test_sync_refuses_a_matrix_that_gives_a_contractor_a_decision(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = dict(ROLE_CAPABILITIES)
    broken[Role.CONTRACTOR_CLERK] = (*broken[Role.CONTRACTOR_CLERK], APPROVE_WORK_ITEM)
    monkeypatch.setattr("madoguchi.staff.actions.ROLE_CAPABILITIES", broken)
    with pytest.raises(ValueError, match="contractor"):
        do_sync_role_groups(SystemActor("test"))


def test_sync_is_idempotent_and_repairs_drift() -> None:
    assert do_sync_role_groups(SystemActor("test")) == []
    Group.objects.get(name=role_group_name(Role.MANAGER)).permissions.clear()
    assert do_sync_role_groups(SystemActor("test")) == [Role.MANAGER.value]


def test_permissions_of_the_staff_member_and_their_groups_are_read_in_one_statement(staff_of: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from madoguchi.staff.models import Staff

    clerk = staff_of(roles.Role.ONESTOP_CLERK)
    assert "staff.view_dashboards" not in Staff.objects.get(pk=clerk.pk).get_all_permissions()
    # a direct grant, beside the role's group
    clerk.user_permissions.add(Permission.objects.get(codename="view_dashboards"))
    fresh = Staff.objects.get(pk=clerk.pk)
    with CaptureQueriesContext(connection) as queries:
        held = fresh.get_all_permissions()
        assert fresh.has_perm("staff.view_dashboards")
        assert fresh.has_perm(roles.permission_name(roles.SERVE_COUNTER))
    assert len(queries.captured_queries) == 1
    assert "staff.view_dashboards" in held
    assert roles.permission_name(roles.SERVE_COUNTER) in held


def test_the_one_statement_reads_what_djangos_model_backend_reads(staff_of: Any) -> None:
    from django.contrib.auth.backends import ModelBackend

    from madoguchi.staff.models import Staff

    clerk = staff_of(roles.Role.ONESTOP_CLERK)
    clerk.user_permissions.add(Permission.objects.get(codename="view_dashboards"))
    clerk.groups.add(Group.objects.get(name=role_group_name(Role.MANAGER)))
    other = staff_of(roles.Role.CENTER_STAFF)  # someone else's grants never leak in
    other.user_permissions.add(Permission.objects.get(codename="decide_application"))
    for staff in (clerk, other):
        expected = ModelBackend().get_all_permissions(Staff.objects.get(pk=staff.pk))
        assert Staff.objects.get(pk=staff.pk).get_all_permissions() == expected
    # a group taken away is gone at the next request
    clerk.groups.remove(Group.objects.get(name=role_group_name(Role.MANAGER)))
    assert Staff.objects.get(pk=clerk.pk).get_all_permissions() == ModelBackend().get_all_permissions(
        Staff.objects.get(pk=clerk.pk)
    )
