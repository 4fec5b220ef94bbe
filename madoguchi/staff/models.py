"""Staff accounts. A staff member holds exactly one role and belongs to one office."""

from __future__ import annotations

from typing import Any

from django.contrib import auth
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.organization.models import Department, Office
from madoguchi.staff.roles import CAPABILITIES, CONTRACTOR_ROLES, Role


class Staff(AbstractUser):
    """A person who signs in: a city employee or a contractor clerk."""

    role = models.CharField(_("役割"), max_length=40, choices=Role.choices)
    office = models.ForeignKey(
        Office,
        verbose_name=_("所属庁舎"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属課"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("職員")
        verbose_name_plural = _("職員")
        ordering = ["username"]

    @property
    def is_contractor(self) -> bool:
        return self.role in CONTRACTOR_ROLES

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if self.is_contractor:
            # Django answers True for any active superuser before asking the backends; a contractor
            # gets no such shortcut, so the backend's refusal of decisions always holds.
            return self.is_active and any(
                backend.has_perm(self, perm, obj)
                for backend in auth.get_backends()
                if hasattr(backend, "has_perm")
            )
        return super().has_perm(perm, obj)

    @property
    def full_name(self) -> str:
        """Family name first, as Japanese names are written."""
        return f"{self.last_name} {self.first_name}".strip() or self.username

    # AuditActor
    @property
    def audit_name(self) -> str:
        return self.username

    @property
    def audit_role(self) -> str:
        return self.role

    @property
    def audit_office(self) -> str:
        return self.office.code if self.office is not None else ""


class RoleCapability(models.Model):
    """Carries the capability permissions of the role matrix (`staff.roles`); it has no rows of its own."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [(c.codename, str(c.label)) for c in CAPABILITIES]

    def __str__(self) -> str:
        return "role capability"


class ApiToken(models.Model):
    """A staff member's API token (for other vendors' counter displays and ticket machines). It acts as the
    staff member, with exactly their permissions. Only the SHA-256 of the token is stored."""

    staff = models.ForeignKey(
        Staff, verbose_name=_("職員"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=80, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("発行日時"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最終利用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("失効日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API トークン")
        verbose_name_plural = _("API トークン")

    def __str__(self) -> str:
        return f"{self.staff.username} {self.name or self.pk}"
