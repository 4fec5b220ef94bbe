"""The audit log: append-only, hash-chained entries written by every action in its own transaction."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("audit entries cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """One action. Written unsealed by the action's transaction; the sealer later gives it its place in
    the chain (`seq`, `prev_hash`, `hash`, where `hash` covers every other field and the previous hash).

    The actor is kept as a snapshot (username, role, office), not a foreign key: the log outlives staff
    accounts and offices and must read the same in ten years.
    """

    seq = models.BigIntegerField(_("通番"), unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("日時"), editable=False, db_index=True)
    actor = models.CharField(_("実行者"), max_length=150, db_index=True)
    role = models.CharField(_("役割"), max_length=40, blank=True)
    office = models.CharField(_("庁舎"), max_length=40, blank=True, db_index=True)
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    target_type = models.CharField(_("対象の種類"), max_length=80, blank=True)
    target_id = models.CharField(_("対象ID"), max_length=80, blank=True, db_index=True)
    summary = models.JSONField(_("内容"), default=dict)
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    objects: ClassVar[AuditEntryQuerySet] = AuditEntryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-id"]
        # The sealer's work list stays small however long the log grows.
        indexes = [
            models.Index(fields=["id"], name="audit_entry_unsealed", condition=models.Q(hash__isnull=True))
        ]
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")
        default_permissions = ()

    def __str__(self) -> str:
        return f"#{self.seq or '-'} {self.action} {self.actor}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogIsAppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("audit entries cannot be deleted")

    @property
    def sealed(self) -> bool:
        return self.hash is not None

    @property
    def summary_text(self) -> str:
        """The summary as compact JSON, Japanese left readable."""
        return json.dumps(self.summary, ensure_ascii=False, sort_keys=True) if self.summary else ""


class AuditChainHead(models.Model):
    """The one row that points at the newest sealed entry.

    Only the sealer locks it, in a short transaction of its own (never inside an action's transaction).
    `verify` compares it with the last sealed entry and with the witness outside the database.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"audit chain head #{self.seq}"
