"""The submission record. Rows are written once: `save()` refuses an update and `delete()` refuses."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.identity import postal
from madoguchi.organization.models import Office


def source_key(source: str, source_id: str) -> str:
    """What stays the same across the versions of one source record, e.g. "case:<uuid>"."""
    return f"{source}:{source_id}"


class ImmutableRecord(RuntimeError):
    """A submission was about to change after it was written: a programming error."""


class Submission(models.Model):
    class Source(models.TextChoices):
        CASE = "case", _("ワンストップ受付案件")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(_("受付元"), max_length=20, choices=Source.choices)
    source_id = models.CharField(_("受付元の識別子"), max_length=64)
    reference = models.CharField(_("受付番号"), max_length=64)
    version = models.PositiveSmallIntegerField(_("版"))
    previous = models.OneToOneField(
        "self", verbose_name=_("前の版"), on_delete=models.PROTECT, null=True, blank=True, related_name="next"
    )
    office = models.ForeignKey(
        Office, verbose_name=_("受付庁舎"), on_delete=models.PROTECT, related_name="submissions"
    )
    received_on = models.DateField(_("受付日"))
    catalog_version = models.PositiveIntegerField(_("手続カタログの版"))
    catalog_label = models.CharField(_("手続カタログの版名"), max_length=80, blank=True)
    plan = models.JSONField(_("署名された手続一覧"))
    # The codes of the plan's required procedures done at a counter (one-stop or department), in the plan's
    # order: what the counter handled for this visit, read by the statistics without loading whole plans.
    counter_procedures = models.JSONField(_("窓口で受け付けた手続"), default=list, blank=True)
    data = models.JSONField(_("申請の内容"))
    forms = models.JSONField(_("帳票ごとの指紋"), default=dict)
    signed_forms = models.JSONField(_("この版で署名された帳票"), default=list)
    bundle_pdf = models.BinaryField(_("署名された帳票（PDF）"), default=b"")
    bundle_sha256 = models.CharField(_("PDF の SHA-256"), max_length=64, blank=True)
    bundle_pages = models.PositiveSmallIntegerField(_("ページ数"), default=0)
    note = models.CharField(_("訂正の内容"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("送付日時"))
    submitted_by = models.CharField(_("送付者"), max_length=150)

    class Meta:
        ordering = ["source", "source_id", "version"]
        verbose_name = _("申請（送付）")
        verbose_name_plural = _("申請（送付）")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id", "version"], name="submission_version_once")
        ]
        indexes = [models.Index(fields=["office", "received_on"])]

    def __str__(self) -> str:
        return f"{self.reference} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecord(f"submission {self} is immutable; a correction is a new version")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord(f"submission {self} is immutable and is never deleted")

    @property
    def source_key(self) -> str:
        """What stays the same across versions: the work items of the center are keyed by it."""
        return source_key(self.source, self.source_id)

    def procedures(self) -> list[dict[str, Any]]:
        """The plan's procedures as signed (code, names, members, reason, department, ...)."""
        return list(self.plan.get("procedures", []))

    def members(self) -> list[dict[str, Any]]:
        return list(self.data.get("members", []))

    @property
    def address_line(self) -> str:
        return postal.address_line(self.data.get("address"))


COUNTER_KINDS = frozenset({"one_stop", "department"})  # the catalog's counters; "external" is elsewhere


def counter_procedures(plan: dict[str, Any]) -> list[str]:
    """The codes of a signed plan's required procedures handled at a counter (each once, in order)."""
    codes: list[str] = []
    for procedure in plan.get("procedures", []):
        code = procedure.get("code")
        counted = procedure.get("status") == "required" and procedure.get("counter") in COUNTER_KINDS
        if counted and code and code not in codes:
            codes.append(code)
    return codes
