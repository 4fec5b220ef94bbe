"""The last inventory each manager uploaded, kept as parsed rows: the file itself is never stored."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.screening.inventory import Inventory, Operation, RejectedRow


class InventoryUpload(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    staff = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("職員"), on_delete=models.CASCADE, related_name="+"
    )
    source_name = models.CharField(_("ファイル名"), max_length=200, blank=True)
    operations = models.JSONField(_("有効な業務"), default=list)
    rejected = models.JSONField(_("不備のある行"), default=list)
    rows_read = models.PositiveIntegerField(_("読み込んだ行数"), default=0)
    extra_headers = models.JSONField(_("その他の列"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("業務棚卸表")
        verbose_name_plural = _("業務棚卸表")
        default_permissions = ()

    def __str__(self) -> str:
        return self.source_name

    def inventory(self) -> Inventory:
        return Inventory(
            operations=tuple(Operation.from_dict(o) for o in self.operations),
            rejected=tuple(
                RejectedRow(int(r["row"]), str(r["column"]), str(r["reason"])) for r in self.rejected
            ),
            rows_read=self.rows_read,
            extra_headers=tuple(self.extra_headers),
            source=self.source_name,
        )


class InventoryRead(models.Model):
    """An uploaded inventory file and the background task reading it (with its progress and outcome).

    The file's bytes are kept only until the task has read them: then `content` is emptied.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("待機中")
        RUNNING = "running", _("読込中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")
        # Its worker died (the task's heartbeat stopped and the queue gave the task up).
        INTERRUPTED = "interrupted", _("中断")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("職員"), on_delete=models.CASCADE, related_name="+"
    )
    source_name = models.CharField(_("ファイル名"), max_length=200, blank=True)
    content = models.BinaryField(default=b"")
    size = models.PositiveIntegerField(_("サイズ（バイト）"), default=0)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    rows_read = models.PositiveIntegerField(_("読み込んだ行数"), default=0)
    kept = models.PositiveIntegerField(default=0)
    rejected_rows = models.PositiveIntegerField(default=0)
    progress = models.FloatField(default=0.0)
    error = models.TextField(blank=True)  # shown to the manager: why the file could not be read
    task = models.ForeignKey(
        "tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("業務棚卸表の読込")
        verbose_name_plural = _("業務棚卸表の読込")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.source_name} ({self.status})"
