"""Remote consultation (リモート相談): experts' profiles, staff presence, consultations and their parties.

A consultation is asked for by a branch counter, for one case, to a skill. It waits until an expert
accepts it (exactly one does: the accept locks the row), then the parties meet in the room by video.
Media never passes through madoguchi: the browsers talk to each other directly on the city's network or
through the city's own TURN server; madoguchi only relays the signalling messages and keeps the record.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.remote.skills import Skill

WEEKDAYS = (0, 1, 2, 3, 4)  # 月〜金: the duty days when the expert has not set theirs


class ExpertProfile(models.Model):
    """What an expert answers for and when. Staff without a profile (or with no skill) are never offered a
    consultation; their presence is still shown."""

    staff = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("職員"),
        on_delete=models.CASCADE,
        related_name="expert_profile",
    )
    skills = models.JSONField(_("相談分野"), default=list, blank=True)
    duty_days = models.JSONField(_("勤務日"), default=list, blank=True)  # weekday numbers, 0 = Monday
    duty_start = models.TimeField(_("勤務開始"), default=time(8, 30))
    duty_end = models.TimeField(_("勤務終了"), default=time(17, 15))
    away = models.BooleanField(_("離席中"), default=False)
    # When the expert last finished a consultation: "first available" offers to who has waited longest.
    last_ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("専門職員の設定")
        verbose_name_plural = _("専門職員の設定")

    def __str__(self) -> str:
        return str(self.staff)

    def on_duty(self, when: datetime) -> bool:
        """Within the duty hours (local time). An end at or before the start runs past midnight (a night
        shift); the same start and end is the whole day."""
        days = self.duty_days if self.duty_days else list(WEEKDAYS)
        moment = when.time()
        if self.duty_start < self.duty_end:
            return when.weekday() in days and self.duty_start <= moment < self.duty_end
        if moment >= self.duty_start:
            return when.weekday() in days
        # the small hours belong to the shift that started the day before
        return (when.weekday() - 1) % 7 in days and moment < self.duty_end

    def skill_labels(self) -> list[str]:
        return [str(Skill(code).label) for code in self.skills if code in Skill.values]


class PresenceTab(models.Model):
    """One open page of a staff member, kept alive by its heartbeats. A staff member is online while any of
    their tabs beat; a closing tab says goodbye (a beacon), a dropped network stops beating."""

    tab = models.UUIDField(primary_key=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="presence_tabs"
    )
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["staff", "last_seen"])]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.tab}"


class Consultation(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("専門職員の応答待ち")
        ACTIVE = "active", _("相談中")
        CALLBACK = "callback", _("折り返し予約")
        ENDED = "ended", _("終了")
        CANCELLED = "cancelled", _("取消し")

    class Routing(models.TextChoices):
        FIRST = "first", _("空いている専門職員に順に")
        ALL = "all", _("全員に一斉に（最初に応答した人）")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("解決（その場で手続）")
        FOLLOW_UP = "follow_up", _("後日対応")
        REFERRED = "referred", _("所管課へ引継ぎ")
        NOT_RESOLVED = "not_resolved", _("解決せず")

    OPEN_STATES = (State.WAITING, State.ACTIVE, State.CALLBACK)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    office = models.ForeignKey(
        "organization.Office",
        verbose_name=_("依頼した庁舎"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("受付案件"), on_delete=models.PROTECT, related_name="consultations"
    )
    skill = models.CharField(_("相談分野"), max_length=20, choices=Skill.choices)
    routing = models.CharField(_("呼出し方"), max_length=8, choices=Routing.choices, default=Routing.FIRST)
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.WAITING)
    question = models.CharField(_("相談内容"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("依頼した職員"),
        on_delete=models.PROTECT,
        related_name="consultations_requested",
    )
    requested_at = models.DateTimeField(_("依頼日時"), db_index=True)
    # "first available": the expert it is offered to now, since when, and who let it pass
    offered_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations_offered",
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    passed_over = models.JSONField(default=list, blank=True)
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("応答した専門職員"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations_answered",
    )
    accepted_at = models.DateTimeField(_("応答日時"), null=True, blank=True)
    connected_at = models.DateTimeField(_("映像の接続"), null=True, blank=True)
    ended_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    callback_at = models.DateTimeField(_("折り返しの予定"), null=True, blank=True)
    outcome = models.CharField(_("結果"), max_length=20, choices=Outcome.choices, blank=True)
    note = models.TextField(_("記録"), blank=True)
    # The resident agreed that what they show on the document camera may be captured into the case.
    capture_consent = models.BooleanField(_("書類の取込みへの同意"), default=False)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("リモート相談")
        verbose_name_plural = _("リモート相談")
        indexes = [models.Index(fields=["state", "skill", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.office} {self.get_skill_display()} {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def wait_seconds(self) -> float | None:
        if self.accepted_at is None:
            return None
        return (self.accepted_at - self.requested_at).total_seconds()

    @property
    def duration_seconds(self) -> float | None:
        if self.accepted_at is None or self.ended_at is None:
            return None
        return (self.ended_at - self.accepted_at).total_seconds()


class Participant(models.Model):
    """A party of a consultation: a staff member (clerk, expert, welfare worker) or a guest who joined with
    a one-time code (the resident's terminal in the booth, an interpreter)."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("支所の職員")
        EXPERT = "expert", _("専門職員")
        TERMINAL = "terminal", _("相談者（支所の端末）")
        INTERPRETER = "interpreter", _("通訳")
        WELFARE = "welfare", _("福祉の担当者")

    GUEST_ROLES = (Role.TERMINAL, Role.INTERPRETER, Role.WELFARE)
    MAX_PARTIES = 4

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(_("立場"), max_length=12, choices=Role.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_parties",
    )
    name = models.CharField(_("表示名"), max_length=80, blank=True)
    # a guest's one-time code (SHA-256), valid until it is used or expires
    code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    # The page that holds the party's place now: a reload or a second tab is a new session, and the
    # others' browsers start a new connection to it.
    session = models.CharField(max_length=40, blank=True)
    joined_at = models.DateTimeField(_("参加"), null=True, blank=True)
    left_at = models.DateTimeField(_("退出"), null=True, blank=True)

    class Meta:
        ordering = ["consultation", "joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "staff"],
                condition=models.Q(staff__isnull=False),
                name="remote_one_place_per_staff",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"

    @property
    def present(self) -> bool:
        return self.joined_at is not None and self.left_at is None


class Capture(models.Model):
    """A still of a document the resident showed on the document camera, taken into the case with their
    consent. The image is stored encrypted (the city's data key, cases.crypto)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="captures")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="captures")
    label = models.CharField(_("書類の名前"), max_length=80)
    image = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(_("取込み日時"))

    class Meta:
        ordering = ["taken_at"]
        verbose_name = _("取り込んだ書類")
        verbose_name_plural = _("取り込んだ書類")

    def __str__(self) -> str:
        return self.label
