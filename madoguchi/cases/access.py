"""Who may open and fill in a case: the one-stop staff of its office, and whoever another context grants
for a while (the expert answering a branch's consultation on it, madoguchi.remote.access).

Grants are registered by the granting app at start-up, so that this app does not import the ones that
depend on it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from madoguchi.audit.chain import AuditActor, SystemActor
from madoguchi.cases.models import Case
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import has_capability, require
from madoguchi.staff.roles import HANDLE_CASE

Grant = Callable[[Staff, Case], bool]
_grants: list[Grant] = []


def register_grant(grant: Grant) -> None:
    if grant not in _grants:
        _grants.append(grant)


def granted(staff: Staff, case: Case) -> bool:
    """Another context lets `staff` fill in `case` now."""
    return any(grant(staff, case) for grant in _grants)


def may_handle(actor: AuditActor, case: Case) -> bool:
    if isinstance(actor, SystemActor):
        return True
    if not isinstance(actor, Staff):
        return False
    if has_capability(actor, HANDLE_CASE) and actor.office_id == case.office_id:
        return True
    return granted(actor, case)


def require_case(actor: AuditActor, case: Case) -> None:
    """Raise unless `actor` may fill in `case`: the message names what is missing."""
    if may_handle(actor, case):
        return
    if isinstance(actor, Staff) and has_capability(actor, HANDLE_CASE):
        raise PermissionDenied(_("他の庁舎の受付案件は開けません。"))
    require(actor, HANDLE_CASE)
