"""The outbox: one row per message to a resident, written before it is sent.

A topic (what happened, e.g. "reception.turn_near") and a ref (the id of the record it is about, e.g. a
ticket's UUID) identify a message: at most one per (topic, ref, channel), so a caller can notify again
without fear of sending twice, and can ask whether a resident was already told. To send a second message
about the same record on purpose, use another topic or a ref such as "<ticket uuid>:2".
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("メール")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        SENT = "sent", _("送信済み")
        FAILED = "failed", _("送信失敗")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(_("送信方法"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("宛先"), max_length=254)
    subject = models.CharField(_("件名"), max_length=200, blank=True)
    body = models.TextField(_("本文"))
    topic = models.CharField(_("種別"), max_length=100)
    ref = models.CharField(_("対象"), max_length=100)
    status = models.CharField(_("状態"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("送信試行回数"), default=0)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    error = models.TextField(_("エラー"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        constraints = [
            models.UniqueConstraint(fields=["topic", "ref", "channel"], name="notification_once_per_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.ref} ({self.get_channel_display()}, {self.get_status_display()})"
