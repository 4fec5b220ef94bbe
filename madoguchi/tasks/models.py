"""A task row: what to run, with which arguments, and everything that happened while running it."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_ATTEMPTS = 5


class Task(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("待機中")
        RUNNING = "running", _("実行中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("処理名"), max_length=100)
    kwargs = models.JSONField(_("引数"), default=dict, blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("最大試行回数"), default=DEFAULT_MAX_ATTEMPTS)
    run_after = models.DateTimeField(_("実行予定日時"), default=timezone.now)
    queued_at = models.DateTimeField(_("登録日時"), default=timezone.now)
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最終応答日時"), null=True, blank=True)
    worker = models.CharField(_("ワーカー"), max_length=200, blank=True)
    progress = models.FloatField(_("進捗"), default=0.0)
    progress_note = models.CharField(_("進捗メモ"), max_length=200, blank=True)
    result = models.JSONField(_("結果"), null=True, blank=True)
    error = models.TextField(_("エラー"), blank=True)

    class Meta:
        ordering = ["-queued_at"]
        verbose_name = _("バックグラウンド処理")
        verbose_name_plural = _("バックグラウンド処理")
        indexes = [models.Index(fields=["status", "run_after"], name="task_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0.0, progress__lte=1.0), name="task_progress_0_1"
            ),
            models.CheckConstraint(condition=models.Q(max_attempts__gte=1), name="task_max_attempts_1"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"
