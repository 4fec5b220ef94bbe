"""Certificate requests, their issuances, the issuing points and the suspensions of issuing.

A request is the unit of everything: each message of the issuing network carries its id and its subject;
an issuance belongs to exactly one request (one-to-one, so a request is issued at most once); a request is
either printed whole or cancelled whole, and a cancelled request's document verifies as void.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuingPoint(models.Model):
    """Where a certificate comes out: a convenience-store terminal, an issuing machine, a counter."""

    class Kind(models.TextChoices):
        STORE = "store", _("コンビニ端末")
        MACHINE = "machine", _("自動交付機")
        COUNTER = "counter", _("証明書窓口")

    code = models.CharField(_("端末コード"), max_length=40, unique=True)
    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices)
    name_ja = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("名称（英語）"), max_length=100, blank=True)
    office = models.ForeignKey(
        "organization.Office",
        verbose_name=_("所管の庁舎"),
        on_delete=models.PROTECT,
        related_name="issuing_points",
    )

    class Meta:
        ordering = ["office", "kind", "code"]
        verbose_name = _("発行端末")
        verbose_name_plural = _("発行端末")

    def __str__(self) -> str:
        return self.name_ja


class CertificateRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("受取り待ち")
        AUTHORIZED = "authorized", _("発行処理中")
        ISSUED = "issued", _("発行済み（印刷前）")
        PRINTING = "printing", _("印刷中")
        PRINTED = "printed", _("交付済み")
        CANCELLED = "cancelled", _("取消し")

    class Channel(models.TextChoices):
        COUNTER = "counter", _("証明書窓口")
        PHONE = "phone", _("スマートフォン")
        STORE = "store", _("コンビニ")
        MACHINE = "machine", _("自動交付機")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idempotency_key = models.CharField(_("重複防止キー"), max_length=100, unique=True)
    kind = models.CharField(_("証明書"), max_length=20)
    options = models.JSONField(_("記載事項"), default=dict)
    subject = models.CharField(_("対象者の住民票コード"), max_length=11, db_index=True)
    requester = models.CharField(_("請求者の住民票コード"), max_length=11, blank=True)
    relation = models.CharField(_("請求者との関係"), max_length=10, default="self")
    channel = models.CharField(_("請求の方法"), max_length=10, choices=Channel.choices)
    pickup = models.CharField(_("受取り"), max_length=10, choices=Channel.choices)
    point = models.ForeignKey(
        IssuingPoint, verbose_name=_("発行端末"), null=True, blank=True, on_delete=models.PROTECT
    )
    office = models.ForeignKey("organization.Office", verbose_name=_("庁舎"), on_delete=models.PROTECT)
    session = models.UUIDField(_("端末のセッション"), null=True, blank=True)
    pickup_code = models.CharField(_("引換番号"), max_length=8, null=True, blank=True, unique=True)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    fee = models.PositiveIntegerField(_("手数料（円）"), default=0)
    build = models.CharField(_("端末のビルド"), max_length=40, blank=True)
    reason = models.CharField(_("取消しの理由"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("請求日時"), auto_now_add=True)
    deadline = models.DateTimeField(_("期限"), null=True, blank=True)
    issued_at = models.DateTimeField(_("発行日時"), null=True, blank=True)
    printed_at = models.DateTimeField(_("交付日時"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("証明書交付申請")
        verbose_name_plural = _("証明書交付申請")
        indexes = [models.Index(fields=["status", "deadline"], name="certificates_open_deadline")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class Issuance(models.Model):
    """The document issued for one request: its serial, what it shows, and the hash of the signed file."""

    request = models.OneToOneField(CertificateRequest, on_delete=models.PROTECT, related_name="issuance")
    serial = models.CharField(_("証明書番号"), max_length=20, unique=True)
    issued_on = models.DateField(_("発行日"))
    sha256 = models.CharField(_("ファイルのハッシュ"), max_length=64)
    issuer = models.CharField(_("発行したプロセス"), max_length=100)
    document = models.BinaryField(_("交付前の文書"), null=True, blank=True)  # wiped once handed over
    void = models.BooleanField(_("無効"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("発行した証明書")
        verbose_name_plural = _("発行した証明書")

    def __str__(self) -> str:
        return self.serial


class IssuingAnomaly(models.Model):
    class Kind(models.TextChoices):
        MISMATCH = "mismatch", _("請求と文書の不一致")
        BUILD = "build", _("ビルドの不一致")
        ERROR = "error", _("発行エラー")
        TIMEOUT = "timeout", _("時間切れ")

    office = models.ForeignKey(
        "organization.Office", on_delete=models.PROTECT, related_name="issuing_anomalies"
    )
    point = models.ForeignKey(IssuingPoint, null=True, blank=True, on_delete=models.PROTECT)
    request = models.ForeignKey(CertificateRequest, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    detail = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("発行の異常")
        verbose_name_plural = _("発行の異常")

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


class Suspension(models.Model):
    """Automated issuing stopped for an office until a person acknowledges it (one open row per office)."""

    office = models.ForeignKey(
        "organization.Office", on_delete=models.PROTECT, related_name="issuing_suspensions"
    )
    reason = models.CharField(_("理由"), max_length=300)
    anomaly = models.ForeignKey(IssuingAnomaly, null=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "staff.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("確認の記録"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("発行停止")
        verbose_name_plural = _("発行停止")
        constraints = [
            models.UniqueConstraint(
                fields=["office"],
                condition=models.Q(acknowledged_at=None),
                name="certificates_one_open_suspension",
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id}: {self.reason}"


class CardState(models.Model):
    """The simulated card's PIN tries (a real card counts them in its chip: locked after three)."""

    serial = models.CharField(max_length=12, primary_key=True)
    failures = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return self.serial
