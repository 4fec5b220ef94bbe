from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from madoguchi.audit.models import AuditEntry
from madoguchi.organization.models import Department, Office
from madoguchi.staff.actions import (
    do_change_own_password,
    do_create_staff,
    do_reset_password,
    do_set_staff_active,
    do_update_staff,
)
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import CapabilityDenied
from madoguchi.staff.roles import Role, role_group_name

pytestmark = pytest.mark.django_db


def create_clerk(actor: Staff, **overrides: Any) -> Staff:
    values: dict[str, Any] = {
        "username": "yamada",
        "last_name": "山田",
        "first_name": "花子",
        "role": Role.ONESTOP_CLERK,
        "office": Office.objects.get(code="kita"),
        "password": "a-long-enough-passphrase",
    }
    values.update(overrides)
    return do_create_staff(actor, **values)


def test_administrator_creates_staff_with_role_group_and_audit(staff_of: Any) -> None:
    # given
    admin = staff_of(Role.ADMINISTRATOR)
    # when
    clerk = create_clerk(admin)
    # then
    assert list(clerk.groups.values_list("name", flat=True)) == [role_group_name(Role.ONESTOP_CLERK)]
    assert clerk.check_password("a-long-enough-passphrase")
    entry = AuditEntry.objects.get(action="staff.create", target_id=str(clerk.pk))
    assert entry.actor == "admin"
    assert entry.role == "administrator"
    assert entry.office == "center"
    assert entry.summary["after"]["role"] == "onestop_clerk"
    assert entry.summary["after"]["office"] == "kita"
    assert "a-long-enough-passphrase" not in str(entry.summary)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CONTRACTOR_CLERK, Role.ONESTOP_CLERK])
def test_only_administrators_create_staff(staff_of: Any, role: Role) -> None:
    with pytest.raises(CapabilityDenied):
        create_clerk(staff_of(role))
    assert not Staff.objects.filter(username="yamada").exists()


def test_invalid_assignments_name_the_field(staff_of: Any) -> None:
    admin = staff_of(Role.ADMINISTRATOR)
    with pytest.raises(ValidationError) as raised:
        create_clerk(admin, role=Role.DEPARTMENT_STAFF, department=None)
    assert "department" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        create_clerk(admin, role=Role.CENTER_APPROVER)
    assert "office" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        create_clerk(admin, password="short")
    assert "password" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        create_clerk(admin, username="CLERK")
    assert "username" in raised.value.message_dict


def test_role_change_moves_the_group_and_is_audited(staff_of: Any) -> None:
    admin = staff_of(Role.ADMINISTRATOR)
    clerk = create_clerk(admin)
    do_update_staff(
        admin,
        clerk,
        last_name="山田",
        first_name="花子",
        role=Role.DEPARTMENT_STAFF,
        office=clerk.office,
        department=Department.objects.get(code="kodomo"),
        email="",
    )
    clerk.refresh_from_db()
    assert clerk.role == Role.DEPARTMENT_STAFF
    assert list(clerk.groups.values_list("name", flat=True)) == [role_group_name(Role.DEPARTMENT_STAFF)]
    entry = AuditEntry.objects.get(action="staff.update", target_id=str(clerk.pk))
    assert entry.summary["before"]["role"] == "onestop_clerk"
    assert entry.summary["after"]["department"] == "kodomo"


def test_deactivation_needs_a_reason_and_not_oneself(staff_of: Any) -> None:
    admin = staff_of(Role.ADMINISTRATOR)
    clerk = staff_of(Role.ONESTOP_CLERK)
    with pytest.raises(ValidationError):
        do_set_staff_active(admin, clerk, active=False, reason="  ")
    with pytest.raises(ValidationError):
        do_set_staff_active(admin, admin, active=False, reason="退職")
    do_set_staff_active(admin, clerk, active=False, reason="退職")
    clerk.refresh_from_db()
    assert not clerk.is_active
    assert AuditEntry.objects.get(action="staff.deactivate").summary["reason"] == "退職"


def test_password_reset_and_change(staff_of: Any) -> None:
    admin = staff_of(Role.ADMINISTRATOR)
    clerk = staff_of(Role.ONESTOP_CLERK)
    do_reset_password(admin, clerk, password="brand-new-passphrase")
    clerk.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        do_change_own_password(clerk, old_password="wrong", new_password="another-passphrase")
    assert "old_password" in raised.value.message_dict
    do_change_own_password(clerk, old_password="brand-new-passphrase", new_password="another-passphrase")
    assert clerk.check_password("another-passphrase")
    assert (
        AuditEntry.objects.filter(action__startswith="staff.password", target_id=str(clerk.pk)).count() == 2
    )


def test_an_api_token_brings_its_staff_members_permissions_in_the_same_statement(staff_of: Any) -> None:
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Group, Permission
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from madoguchi.audit.chain import SystemActor
    from madoguchi.staff.actions import do_create_api_token, staff_for_api_token
    from madoguchi.staff.roles import SERVE_COUNTER, permission_name

    clerk = staff_of(Role.ONESTOP_CLERK)
    clerk.user_permissions.add(Permission.objects.get(codename="view_dashboards"))
    _, token = do_create_api_token(SystemActor("test"), clerk)
    staff_for_api_token(token)  # the first use is recorded (an UPDATE); the next ones within a minute are not
    with CaptureQueriesContext(connection) as queries:
        staff = staff_for_api_token(token)
        assert staff is not None
        assert staff.has_perm(permission_name(SERVE_COUNTER))
        assert staff.has_perm("staff.view_dashboards")
        held = staff.get_all_permissions()
    assert len(queries.captured_queries) == 1
    assert held == ModelBackend().get_all_permissions(Staff.objects.get(pk=clerk.pk))
    # a group taken away is gone at the token's next request
    clerk.groups.remove(Group.objects.get(name=role_group_name(Role.ONESTOP_CLERK)))
    again = staff_for_api_token(token)
    assert again is not None
    assert not again.has_perm(permission_name(SERVE_COUNTER))
    assert again.get_all_permissions() == {"staff.view_dashboards"}
