"""A department's decision on one procedure of a case, taken on the plan the resident signed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.cases.models import Case
from madoguchi.organization.models import Department


class Decision(models.Model):
    """受理 or 不受理 of one procedure of a case, once: a decision is not edited afterwards."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("受理")
        REJECTED = "rejected", _("不受理")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        Case, verbose_name=_("受付案件"), on_delete=models.PROTECT, related_name="decisions"
    )
    procedure = models.CharField(_("手続コード"), max_length=60)
    procedure_name = models.CharField(_("手続"), max_length=120)
    department = models.ForeignKey(
        Department, verbose_name=_("課"), on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(_("決定"), max_length=12, choices=Outcome.choices)
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    submission_version = models.PositiveSmallIntegerField(_("決定した申請の版"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("決定者"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("決定日時"))

    class Meta:
        ordering = ["case", "decided_at"]
        verbose_name = _("所管課の決定")
        verbose_name_plural = _("所管課の決定")
        constraints = [
            models.UniqueConstraint(fields=["case", "procedure"], name="decision_once_per_procedure")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.procedure} {self.outcome}"
