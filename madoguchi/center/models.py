"""Work queues (one per procedure the center processes) and work items (one procedure of a submission)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.organization.models import Bilingual, Department, Office


class WorkQueue(Bilingual):
    """The center's queue for one procedure, e.g. 国民健康保険 加入. Which procedures the center processes,
    and in how many business days (標準処理期間), is the city's policy: data, edited in the admin."""

    procedure = models.CharField(_("手続コード"), max_length=60, unique=True)
    department = models.ForeignKey(
        Department, verbose_name=_("所管課"), on_delete=models.PROTECT, related_name="work_queues"
    )
    processing_days = models.PositiveSmallIntegerField(_("処理期限（開庁日数）"), default=5)
    active = models.BooleanField(_("センターで処理する"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["sort_order", "procedure"]
        verbose_name = _("処理キュー")
        verbose_name_plural = _("処理キュー")


class WorkItem(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("処理待ち")
        CLAIMED = "claimed", _("処理中")
        AWAITING_APPROVAL = "awaiting_approval", _("決裁待ち")
        RETURNED = "returned", _("差戻し中")
        DONE = "done", _("完了")
        WITHDRAWN = "withdrawn", _("取下げ")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The version of the submission the item is processed on: a correction moves the open items to the
    # new version. `source_key` (e.g. "case:<uuid>") stays the same across versions.
    submission = models.ForeignKey(
        "submissions.Submission", verbose_name=_("申請"), on_delete=models.PROTECT, related_name="work_items"
    )
    source_key = models.CharField(max_length=90)
    reference = models.CharField(_("受付番号"), max_length=64)
    queue = models.ForeignKey(
        WorkQueue, verbose_name=_("処理キュー"), on_delete=models.PROTECT, related_name="items"
    )
    received_office = models.ForeignKey(
        Office, verbose_name=_("受付庁舎"), on_delete=models.PROTECT, related_name="work_items"
    )
    received_on = models.DateField(_("受付日"))
    deadline = models.DateField(_("処理期限"))
    members = models.JSONField(_("対象者"), default=list)
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    claimed_by = models.ForeignKey(
        "staff.Staff",
        verbose_name=_("担当者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(_("処理結果"), blank=True)
    issued = models.CharField(_("交付物（郵送するもの）"), max_length=200, blank=True)
    sent_for_approval_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        "staff.Staff",
        verbose_name=_("決裁者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.CharField(_("差戻し理由"), max_length=300, blank=True)
    returns = models.PositiveSmallIntegerField(_("差戻し回数"), default=0)
    dispatched_at = models.DateTimeField(_("発送日時"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "received_on", "created_at"]
        verbose_name = _("処理案件")
        verbose_name_plural = _("処理案件")
        indexes = [
            models.Index(fields=["queue", "status", "received_on"]),
            models.Index(fields=["received_office", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source_key", "queue"], name="work_item_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.queue.procedure}"


class WorkItemEvent(models.Model):
    """Every step of an item with its time: the data of the center's dashboard."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=WorkItem.Status.choices)
    at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=150)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.status} {self.at}"


class DailyExport(models.Model):
    """One day's processed items of one procedure, as CSV for the city's core system (基幹系システム)."""

    class Encoding(models.TextChoices):
        UTF8 = "utf-8", "UTF-8"
        SHIFT_JIS = "shift_jis", "Shift_JIS (CP932)"

    class Status(models.TextChoices):
        PENDING = "pending", _("作成中")
        READY = "ready", _("作成済み")
        FAILED = "failed", _("失敗")

    queue = models.ForeignKey(
        WorkQueue, verbose_name=_("処理キュー"), on_delete=models.PROTECT, related_name="exports"
    )
    day = models.DateField(_("処理日"))
    encoding = models.CharField(_("文字コード"), max_length=10, choices=Encoding.choices)
    status = models.CharField(_("状態"), max_length=8, choices=Status.choices, default=Status.PENDING)
    rows = models.PositiveIntegerField(_("件数"), default=0)
    replaced_characters = models.PositiveIntegerField(_("置き換えた文字"), default=0)
    content = models.BinaryField(default=b"")
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    requested_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The background task writing it: when the queue gives that task up (its worker died), the export is
    # marked failed instead of staying 作成中 for ever (exports.fail_lost_exports).
    task = models.ForeignKey(
        "tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-day", "queue", "encoding"]
        verbose_name = _("日次出力")
        verbose_name_plural = _("日次出力")

    def __str__(self) -> str:
        return f"{self.queue.procedure} {self.day} {self.encoding}"

    @property
    def filename(self) -> str:
        suffix = "sjis" if self.encoding == self.Encoding.SHIFT_JIS else "utf8"
        return f"{self.queue.procedure}_{self.day:%Y%m%d}_{suffix}.csv"
