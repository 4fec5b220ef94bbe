"""A simulation run a manager started: its parameters, progress and (once done) its report and PDF."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class SimulationRun(models.Model):
    class Kind(models.TextChoices):
        SAVINGS = "savings", _("転入の待ち時間の短縮（世帯人数別）")
        YEAR = "year", _("区役所の1年間（導入前と導入後）")
        HOUSEHOLD = "household", _("指定した世帯の所要時間（導入前と導入後）")

    class Status(models.TextChoices):
        QUEUED = "queued", _("待機中")
        RUNNING = "running", _("実行中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")
        # Its worker died (the task's heartbeat stopped and the queue gave the task up).
        INTERRUPTED = "interrupted", _("中断")

    # The statuses of a run that is not over yet.
    ACTIVE = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("試算の種類"), max_length=10, choices=Kind.choices)
    office = models.CharField(_("庁舎"), max_length=40)
    parameters = models.JSONField(default=dict)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    result = models.JSONField(null=True, blank=True)
    pdf = models.BinaryField(default=b"")
    error = models.TextField(blank=True)
    requested_by = models.CharField(max_length=150)
    # The page's one-time key of the form that started it: a second submission (a double click, Back and
    # send again) finds this run instead of starting another.
    request_key = models.CharField(max_length=64, blank=True, default="")
    # The background task that runs it: when the queue gives that task up, the run is interrupted.
    task = models.ForeignKey(
        "tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "request_key"],
                condition=~models.Q(request_key=""),
                name="simulation_run_request_key_unique",
            )
        ]
        verbose_name = _("効果試算")
        verbose_name_plural = _("効果試算")

    def __str__(self) -> str:
        return f"{self.kind} {self.office} {self.created_at:%Y-%m-%d %H:%M}"
