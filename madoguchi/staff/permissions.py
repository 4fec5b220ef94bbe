"""Permission checks for actions and views: `require(actor, capability)`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from madoguchi.audit.chain import AuditActor, SystemActor
from madoguchi.staff.models import Staff
from madoguchi.staff.roles import Capability, permission_name


class CapabilityDenied(PermissionDenied):
    """The actor's role does not hold the capability."""


class DecisionRefused(CapabilityDenied):
    """An administrative decision asked of a contractor clerk."""


def has_capability(actor: AuditActor, capability: Capability) -> bool:
    if isinstance(actor, SystemActor):
        return True
    if not isinstance(actor, Staff) or not actor.is_active:
        return False
    if capability.decision and actor.is_contractor:
        return False
    return actor.has_perm(permission_name(capability))


def require(actor: AuditActor, capability: Capability) -> None:
    """Raise unless `actor` may use `capability`. Every action calls this before it writes."""
    if has_capability(actor, capability):
        return
    if capability.decision and isinstance(actor, Staff) and actor.is_contractor:
        raise DecisionRefused(
            _("委託事業者は判断業務（%(label)s）を行えません。市職員に引き継いでください。")
            % {"label": capability.label}
        )
    raise CapabilityDenied(_("この操作（%(label)s）を行う権限がありません。") % {"label": capability.label})


def staff_for(request: HttpRequest, *capabilities: Capability) -> Staff:
    """The signed-in staff member behind a view, if they hold one of `capabilities` (any staff if none)."""
    user = request.user
    if not isinstance(user, Staff):
        raise PermissionDenied
    if len(capabilities) == 1:
        require(user, capabilities[0])  # the message names what is missing
    elif capabilities and not any(has_capability(user, c) for c in capabilities):
        raise CapabilityDenied(_("この画面を開く権限がありません。"))
    return user
