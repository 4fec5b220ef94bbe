"""Every write to staff accounts and roles. Views, the admin, commands and tests all call these."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from madoguchi.audit.chain import AuditActor, SystemActor, record, snapshot
from madoguchi.organization.models import Department, Office
from madoguchi.staff.backends import permission_names_sql, remember_permissions
from madoguchi.staff.models import ApiToken, Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import (
    CONTRACTOR_ROLES,
    MANAGE_STAFF,
    ROLE_CAPABILITIES,
    Role,
    role_group_name,
)
from madoguchi.transactions import CompiledQuery, atomic_action, lock

# Roles that open the admin site: administrators (organisation) and managers (the catalog).
ADMIN_SITE_ROLES = frozenset({Role.ADMINISTRATOR, Role.MANAGER})
ASSIGNMENT_FIELDS = ["last_name", "first_name", "email", "role", "office", "department"]
STAFF_AUDIT_FIELDS = ["username", *ASSIGNMENT_FIELDS, "is_active"]


@atomic_action
def do_sync_role_groups(actor: AuditActor) -> list[str]:
    """Make each role's group hold exactly the permissions of the role matrix. Returns the changed roles."""
    changed: list[str] = []
    permissions = {p.codename: p for p in Permission.objects.filter(content_type__app_label="staff")}
    for role, capabilities in ROLE_CAPABILITIES.items():
        if role in CONTRACTOR_ROLES and any(c.decision for c in capabilities):
            raise ValueError(f"role matrix grants a decision to the contractor role {role}")
        group, _created = Group.objects.get_or_create(name=role_group_name(role))
        wanted = {permissions[c.codename] for c in capabilities}
        current = set(group.permissions.all())
        if wanted != current:
            group.permissions.set(wanted)
            record(
                actor,
                "staff.role.sync",
                group,
                before={"permissions": sorted(p.codename for p in current)},
                after={"permissions": sorted(p.codename for p in wanted)},
            )
            changed.append(role.value)
    return changed


def _validate_assignment(role: str, office: Office | None, department: Department | None) -> None:
    errors: dict[str, str] = {}
    if role not in Role.values:
        errors["role"] = _("役割を選んでください。")
    if office is None:
        errors["office"] = _("所属庁舎を選んでください。")
    elif role in {Role.CENTER_STAFF, Role.CENTER_APPROVER} and office.kind != Office.Kind.CENTER:
        errors["office"] = _("集中事務センターの役割は集中事務センターに所属させてください。")
    elif role == Role.BRANCH_STAFF and office.kind != Office.Kind.BRANCH:
        errors["office"] = _("支所職員は支所に所属させてください。")
    if role == Role.DEPARTMENT_STAFF and department is None:
        errors["department"] = _("所管課職員には所属課を選んでください。")
    if errors:
        raise ValidationError(errors)


def _validate_new_password(password: str, staff: Staff, field: str) -> None:
    try:
        validate_password(password, staff)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


def _apply_role(staff: Staff) -> None:
    staff.groups.set([Group.objects.get(name=role_group_name(Role(staff.role)))])


@atomic_action
def do_create_staff(
    actor: AuditActor,
    *,
    username: str,
    last_name: str,
    first_name: str,
    role: str,
    office: Office | None,
    department: Department | None = None,
    email: str = "",
    password: str,
) -> Staff:
    require(actor, MANAGE_STAFF)
    _validate_assignment(role, office, department)
    if Staff.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("このログインIDは既に使われています。")})
    staff = Staff(
        username=username,
        last_name=last_name,
        first_name=first_name,
        email=email,
        role=role,
        office=office,
        department=department,
        is_staff=role in ADMIN_SITE_ROLES,
    )
    _validate_new_password(password, staff, "password")
    staff.set_password(password)
    staff.save()
    _apply_role(staff)
    record(actor, "staff.create", staff, after=snapshot(staff, STAFF_AUDIT_FIELDS))
    return staff


@atomic_action
def do_update_staff(
    actor: AuditActor,
    staff: Staff,
    *,
    last_name: str,
    first_name: str,
    role: str,
    office: Office | None,
    department: Department | None,
    email: str,
) -> Staff:
    require(actor, MANAGE_STAFF)
    _validate_assignment(role, office, department)
    staff = lock(Staff.objects.filter(pk=staff.pk)).get()
    before = snapshot(staff, STAFF_AUDIT_FIELDS)
    staff.last_name, staff.first_name, staff.email = last_name, first_name, email
    staff.role, staff.office, staff.department = role, office, department
    staff.is_staff = role in ADMIN_SITE_ROLES
    staff.save(update_fields=[*ASSIGNMENT_FIELDS, "is_staff", "updated_at"])
    _apply_role(staff)
    after = snapshot(staff, STAFF_AUDIT_FIELDS)
    if after != before:
        record(actor, "staff.update", staff, before=before, after=after)
    return staff


@atomic_action
def do_set_staff_active(actor: AuditActor, staff: Staff, *, active: bool, reason: str) -> Staff:
    """Deactivate (or reactivate) an account. Accounts are never deleted: the audit log refers to them."""
    require(actor, MANAGE_STAFF)
    if not reason.strip():
        raise ValidationError({"reason": _("理由を入力してください。")})
    if isinstance(actor, Staff) and actor.pk == staff.pk and not active:
        raise ValidationError({"reason": _("自分自身のアカウントは無効にできません。")})
    staff = lock(Staff.objects.filter(pk=staff.pk)).get()
    if staff.is_active == active:
        return staff
    staff.is_active = active
    staff.save(update_fields=["is_active", "updated_at"])
    revoked = 0
    if not active:  # a reactivated account does not bring its old API tokens back: new ones are issued
        revoked = lock(ApiToken.objects.filter(staff=staff, revoked_at__isnull=True).order_by("pk")).update(
            revoked_at=timezone.now()
        )
    record(
        actor,
        "staff.activate" if active else "staff.deactivate",
        staff,
        before={"is_active": not active},
        after={"is_active": active, **({"api_tokens_revoked": revoked} if revoked else {})},
        reason=reason.strip(),
    )
    return staff


@atomic_action
def do_reset_password(actor: AuditActor, staff: Staff, *, password: str) -> Staff:
    """An administrator sets a new password, e.g. for a clerk who forgot theirs."""
    require(actor, MANAGE_STAFF)
    _validate_new_password(password, staff, "password")
    staff = lock(Staff.objects.filter(pk=staff.pk)).get()
    staff.set_password(password)
    staff.save(update_fields=["password", "updated_at"])
    record(actor, "staff.password.reset", staff)
    return staff


@atomic_action
def do_change_own_password(staff: Staff, *, old_password: str, new_password: str) -> Staff:
    if not staff.check_password(old_password):
        raise ValidationError({"old_password": _("現在のパスワードが正しくありません。")})
    _validate_new_password(new_password, staff, "new_password1")
    staff.set_password(new_password)
    staff.save(update_fields=["password", "updated_at"])
    record(staff, "staff.password.change", staff)
    return staff


def do_record_login(staff: Staff) -> None:
    record(staff, "staff.login", staff)


def do_record_logout(staff: Staff) -> None:
    record(staff, "staff.logout", staff)


def do_record_login_failed(username: str) -> None:
    record(SystemActor("login"), "staff.login.failed", extra={"username": username[:150]})


def do_record_lockout(username: str, ip_address: str) -> None:
    """Sign-in locked after repeated failures: the account (when it exists) and the source address."""
    record(
        SystemActor("login"),
        "staff.login.locked",
        extra={"username": username[:150], "address": ip_address[:64]},
    )


# --- The second factor (staff/second_factor.py) -------------------------------------------------------


@atomic_action
def do_enrol_second_factor(staff: Staff, *, hex_key: str, last_t: int) -> TOTPDevice:
    """Keep the authenticator a staff member confirmed with a first code (`last_t`: its time step, so that
    the same code cannot sign in again). It replaces any earlier one."""
    staff = lock(Staff.objects.filter(pk=staff.pk)).get()
    replaced = TOTPDevice.objects.filter(user_id=staff.pk).delete()[0]
    device = TOTPDevice.objects.create(user=staff, name="TOTP", key=hex_key, confirmed=True, last_t=last_t)
    record(staff, "staff.second_factor.enrol", staff, after={"replaced": bool(replaced)})
    return device


@atomic_action
def do_remove_second_factor(actor: AuditActor, staff: Staff, *, reason: str = "") -> int:
    """Remove a staff member's authenticator: by themselves (after a code), or by an administrator for a
    lost phone (with the reason). Returns how many were removed."""
    if not (isinstance(actor, Staff) and actor.pk == staff.pk):
        require(actor, MANAGE_STAFF)
        if not reason.strip():
            raise ValidationError({"reason": _("理由を入力してください。")})
    staff = lock(Staff.objects.filter(pk=staff.pk)).get()
    removed = TOTPDevice.objects.filter(user_id=staff.pk).delete()[0]
    if removed:
        record(actor, "staff.second_factor.remove", staff, reason=reason.strip())
    return removed


def do_record_code_failed(staff: Staff) -> None:
    """A wrong second-factor code for an account whose password was right. Bounded: the device refuses
    to check another code for 2^(n-1) seconds after n wrong ones, and nothing is recorded meanwhile."""
    record(SystemActor("login"), "staff.login.code_failed", staff, extra={"username": staff.username})


# --- API tokens ------------------------------------------------------------------------------------------

TOKEN_USE_RECORDED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@atomic_action
def do_create_api_token(actor: AuditActor, staff: Staff, *, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `staff`; the plain token is returned once and never stored."""
    if not isinstance(actor, SystemActor):
        require(actor, MANAGE_STAFF)
    if not staff.is_active:
        raise ValueError(_("無効になっている職員にはトークンを発行できません。"))
    token = secrets.token_urlsafe(32)
    api_token = ApiToken.objects.create(staff=staff, name=name.strip()[:80], token_hash=hash_api_token(token))
    record(
        actor, "staff.api_token.create", api_token, after={"staff": staff.username, "name": api_token.name}
    )
    return api_token, token


@atomic_action
def do_revoke_api_token(actor: AuditActor, api_token: ApiToken) -> ApiToken:
    if not isinstance(actor, SystemActor):
        require(actor, MANAGE_STAFF)
    locked = lock(ApiToken.objects.filter(pk=api_token.pk).select_related("staff")).get()
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record(actor, "staff.api_token.revoke", locked, after={"staff": locked.staff.username})
    return locked


def _token(token_hash: str) -> QuerySet[ApiToken]:
    q = connection.ops.quote_name
    return (
        ApiToken.objects.select_related("staff__office")
        .filter(token_hash=token_hash)
        # the staff member's permissions in the same statement: every API call checks them next
        .annotate(
            permission_names=RawSQL(  # noqa: S611 (model table and column names only, no input)
                permission_names_sql(f"{q(ApiToken._meta.db_table)}.{q('staff_id')}"), ()
            )
        )
        .order_by()[:1]  # one row by a unique key: no sort
    )


_TOKEN = CompiledQuery(_token)  # every counter API call starts with it


def staff_for_api_token(token: str) -> Staff | None:
    """The active staff member a token acts as, or None (unknown, revoked, or the person is deactivated)."""
    if not token:
        return None
    found = _TOKEN.first(token_hash=hash_api_token(token))
    if found is None or found.revoked_at is not None or not found.staff.is_active:
        return None
    remember_permissions(found.staff, getattr(found, "permission_names", None))  # annotated by _token
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at >= TOKEN_USE_RECORDED_EVERY:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.staff
