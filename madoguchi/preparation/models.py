"""A prepared visit as the city knows it: who is coming when (no names), the sealed draft of a reference
code, and the case it opened (so one code opens one case, however often it is scanned)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.organization.models import Office


class PreparedVisit(models.Model):
    class Mode(models.TextChoices):
        CARRY = "carry", _("QRコードに内容を格納")
        REFERENCE = "reference", _("QRコードは参照番号のみ")
        IMPORTED = "imported", _("窓口側に取込み（マイナポータル）")

    class Door(models.TextChoices):
        RESIDENT = "resident", _("本人がスマートフォンで入力")
        HIKKOSHI = "mynaportal_hikkoshi", _("マイナポータル（引越しワンストップ）")
        PITTARI = "mynaportal_pittari", _("マイナポータル（ぴったりサービス）")
        CLERK = "clerk", _("窓口で入力")

    id = models.UUIDField(primary_key=True, help_text="the preparation's own id (record['id'])")
    mode = models.CharField(_("受け渡し方式"), max_length=12, choices=Mode.choices)
    door = models.CharField(_("入力元"), max_length=24, choices=Door.choices)
    event = models.CharField(_("ライフイベント"), max_length=20)
    members = models.PositiveSmallIntegerField(_("人数"))
    language = models.CharField(_("言語"), max_length=10, blank=True)
    office = models.ForeignKey(
        Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("来庁予定")
    )
    visit_date = models.DateField(_("来庁予定日"), null=True, blank=True, db_index=True)
    reservation = models.ForeignKey(
        "reservations.Reservation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # an imported visit's announced day becomes a proposed slot: the first free time that day, offered to
    # the clerk who books it for the resident (on the phone, or when they call)
    proposed_start = models.TimeField(_("提案する予約時間"), null=True, blank=True)
    # reference mode only: the sealed record (codes.seal) and the token the code carries
    token = models.CharField(max_length=24, unique=True, null=True, blank=True)
    envelope = models.BinaryField(blank=True, default=b"", editable=False)
    issued_at = models.DateTimeField(_("作成日時"))
    expires_at = models.DateTimeField(_("有効期限"))
    # at the counter
    case = models.OneToOneField(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="prepared_visit"
    )
    opened_at = models.DateTimeField(_("窓口で読取り"), null=True, blank=True)
    record = models.JSONField(
        _("持参された事前入力"),
        default=dict,
        blank=True,
        help_text="as read at the counter, with its sources",
    )
    field_sources = models.JSONField(
        default=dict, blank=True, help_text="case form field name → the door its prepared value came through"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("事前入力")
        verbose_name_plural = _("事前入力")
        indexes = [models.Index(fields=["office", "visit_date"], name="prepared_office_day")]

    def __str__(self) -> str:
        return f"{self.event} {self.visit_date or '-'} ({self.members})"
