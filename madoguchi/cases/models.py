"""The one-stop case (受付案件): one resident visit, from the interview to submission.

People follow the core data model of the Government Interoperability Framework (GIF): 氏・名・氏（カナ）・
名（カナ）・英字, 国籍, 性別, 生年月日, 住所, 連絡先. My Numbers are stored encrypted (cases.crypto).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.identity import names, postal
from madoguchi.organization.models import Office
from madoguchi.rules.facts import EVENTS, HEALTH_INSURANCE, RELATIONSHIP
from madoguchi.rules.household import settled_facts


class Case(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("下書き")
        INTERVIEWING = "interviewing", _("聞き取り中")
        READY_FOR_SIGNATURE = "ready_for_signature", _("署名待ち")
        SUBMITTED = "submitted", _("送付済み")
        CORRECTING = "correcting", _("訂正中")
        COMPLETED = "completed", _("処理完了")
        CANCELLED = "cancelled", _("取消し")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # office code (up to 40) + "-YYYYMMDD-" + the day's number: "kita-yamate-20261203-0001" and longer
    number = models.CharField(_("受付番号"), max_length=64, unique=True)
    office = models.ForeignKey(
        Office, verbose_name=_("受付庁舎"), on_delete=models.PROTECT, related_name="cases"
    )
    event = models.CharField(_("ライフイベント"), max_length=20, choices=list(EVENTS.items()))
    event_date = models.DateField(_("届出の事由が生じた日"))
    state = models.CharField(_("状態"), max_length=24, choices=State.choices, default=State.DRAFT)
    address = models.JSONField(_("住所"), default=dict, blank=True)
    previous_address = models.JSONField(_("従前の住所"), default=dict, blank=True)
    moved_from_kind = models.CharField(_("転入前の住所の種別"), max_length=20, blank=True)
    contact_phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    # The language the resident reads: their messages (the completion SMS) and the default of their copy
    # (控え). From the wait page they used, or chosen on the case page.
    language = models.CharField(
        _("お知らせ・控えの言語"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    household_facts = models.JSONField(_("世帯の事項"), default=dict, blank=True)
    # 振込先口座 for allowances and grants (児童手当, 葬祭費): bank, branch, kind, number, holder_kana
    payment_account = models.JSONField(_("振込先口座"), default=dict, blank=True)
    funeral_date = models.DateField(_("葬儀を行った日"), null=True, blank=True)
    documents_checked = models.JSONField(_("確認した書類"), default=list, blank=True)
    received_on = models.DateField(_("受付日"), null=True, blank=True)
    catalog_version = models.PositiveIntegerField(_("印刷した手続カタログの版"), null=True, blank=True)
    bundle_sha256 = models.CharField(_("印刷した帳票の SHA-256"), max_length=64, blank=True)
    handwritten_entries_before = models.PositiveIntegerField(_("従来の手書き項目数"), null=True, blank=True)
    handwritten_entries_now = models.PositiveIntegerField(_("手書き項目数"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消しの理由"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受付者"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    interviewing_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("受付案件")
        verbose_name_plural = _("受付案件")
        indexes = [models.Index(fields=["office", "state"])]

    def __str__(self) -> str:
        return self.number

    @property
    def address_line(self) -> str:
        """The address on one line: 〒260-0013 千葉県みなと市中央区港町1-1-1."""
        return postal.address_line(self.address)

    @property
    def editable(self) -> bool:
        return self.state in {self.State.DRAFT, self.State.INTERVIEWING, self.State.CORRECTING}


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")
        UNSPECIFIED = "unspecified", _("記載なし")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people")
    member_id = models.CharField(max_length=8)
    position = models.PositiveSmallIntegerField(default=0)
    relationship = models.CharField(_("続柄"), max_length=12, choices=list(RELATIONSHIP.items()))
    family_name = models.CharField(_("氏"), max_length=40)
    given_name = models.CharField(_("名"), max_length=40)
    family_name_kana = models.CharField(_("氏（カナ）"), max_length=80, blank=True)
    given_name_kana = models.CharField(_("名（カナ）"), max_length=80, blank=True)
    name_roman = models.CharField(_("英字氏名"), max_length=120, blank=True)
    sex = models.CharField(_("性別"), max_length=12, choices=Sex.choices)
    birth_date = models.DateField(_("生年月日"))
    nationality = models.CharField(_("国籍"), max_length=2, default="JP")
    my_number_encrypted = models.TextField(blank=True, editable=False)
    is_subject = models.BooleanField(_("届出の対象"), default=True)
    is_notifier = models.BooleanField(_("届出人"), default=False)
    health_insurance = models.CharField(
        _("健康保険"), max_length=20, blank=True, choices=list(HEALTH_INSURANCE.items())
    )
    previous_school = models.CharField(_("前の学校名"), max_length=60, blank=True)
    facts = models.JSONField(_("その他の事項"), default=dict, blank=True)

    class Meta:
        ordering = ["case", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "member_id"], name="person_member_id_unique")]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def has_my_number(self) -> bool:
        return bool(self.my_number_encrypted)

    @property
    def full_name(self) -> str:
        return names.full_name(self.family_name, self.given_name)

    @property
    def full_kana(self) -> str:
        return names.full_name(self.family_name_kana, self.given_name_kana)

    def member_facts(self, on: date | None = None) -> dict[str, Any]:
        """This person in household-facts/v1 (no identity beyond what the rules read).

        Facts that the person's record already settles are filled in, so that the navigator never asks
        them: a man is not pregnant and holds no maternal handbook; under 15 (on the event date `on`)
        nobody can register a seal (印鑑登録事務処理要領) or receive the child allowance or the
        child-rearing allowance for others; under 16 nobody holds a driving licence.
        """
        data: dict[str, Any] = {
            "id": self.member_id,
            "relationship": self.relationship,
            "birth_date": self.birth_date.isoformat(),
            "nationality": self.nationality,
        }
        if self.health_insurance:
            data["health_insurance"] = self.health_insurance
        data.update(self.facts)
        data.update(self.settled_facts(on))
        return data

    def settled_facts(self, on: date | None = None) -> dict[str, bool]:
        """The facts this person's sex and age decide, whatever was answered before they were known."""
        return settled_facts(self.sex, self.birth_date, on)


class CaseTransition(models.Model):
    """Every state change with its time: the dashboards and the simulator are calibrated from these."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=24)
    to_state = models.CharField(max_length=24)
    at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=150)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state} → {self.to_state}"


class CaseCounter(models.Model):
    """Per office and day: the last case number issued (a counter row, never MAX()+1)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "day"], name="case_counter_unique")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} {self.last}"
