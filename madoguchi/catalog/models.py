"""The procedure catalog in the database: loaded from the repository's YAML, edited by managers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.organization.models import Bilingual, Department


class LifeEvent(Bilingual):
    code = models.CharField(_("コード"), max_length=20, unique=True)
    name_easy = models.CharField(_("名称（やさしい日本語）"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("ライフイベント")
        verbose_name_plural = _("ライフイベント")


class Procedure(Bilingual):
    """One catalog entry. `rules` holds the conditions as text: [{"when": ..., "reason": ...}]; a reason
    and each of `documents` is Japanese text or `{"ja": ..., "en": ..., "easy": ...}` as in the YAML
    (text_spec)."""

    class Counter(models.TextChoices):
        ONE_STOP = "one_stop", _("総合窓口")
        DEPARTMENT = "department", _("所管課窓口")
        EXTERNAL = "external", _("市外の機関（案内のみ）")

    class Concerns(models.TextChoices):
        MEMBER = "member", _("世帯員ごと")
        HOUSEHOLD = "household", _("世帯")

    code = models.CharField(_("手続コード"), max_length=63, unique=True)
    name_easy = models.CharField(_("名称（やさしい日本語）"), max_length=200, blank=True)
    department = models.ForeignKey(Department, verbose_name=_("所管課"), on_delete=models.PROTECT)
    counter = models.CharField(_("窓口"), max_length=12, choices=Counter.choices)
    events = models.JSONField(_("ライフイベント"), default=list)
    concerns = models.CharField(_("対象"), max_length=10, choices=Concerns.choices)
    rules = models.JSONField(_("判定条件"), default=list)
    documents = models.JSONField(_("持ち物"), default=list, blank=True)
    fee = models.PositiveIntegerField(_("手数料（円）"), null=True, blank=True, default=0)
    minutes_base = models.PositiveSmallIntegerField(_("標準処理時間（分）"), default=5)
    minutes_per_member = models.PositiveSmallIntegerField(_("1人あたりの追加時間（分）"), default=0)
    deadline_days = models.PositiveSmallIntegerField(_("期限（日）"), null=True, blank=True)
    deadline_note = models.CharField(_("期限の説明"), max_length=200, blank=True)
    deadline_note_en = models.CharField(_("期限の説明（英語）"), max_length=300, blank=True)
    deadline_note_easy = models.CharField(_("期限の説明（やさしい日本語）"), max_length=300, blank=True)
    online = models.BooleanField(_("オンライン申請可"), default=False)
    contractor_ok = models.BooleanField(_("委託事業者が受付可"), default=True)
    order = models.PositiveSmallIntegerField(_("手続の順番"), default=50)
    after = models.JSONField(_("先に行う手続"), default=list, blank=True)
    reference_title = models.CharField(_("根拠（法令・通知）"), max_length=200)
    reference_title_en = models.CharField(_("根拠（英語）"), max_length=400, blank=True)
    reference_title_easy = models.CharField(_("根拠（やさしい日本語）"), max_length=400, blank=True)
    reference_url = models.URLField(_("根拠のURL"), max_length=300, blank=True)
    effective_from = models.DateField(_("適用開始日"), null=True, blank=True)
    effective_until = models.DateField(_("適用終了日"), null=True, blank=True)
    active = models.BooleanField(_("有効"), default=True)
    source_file = models.CharField(_("読込元"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("手続")
        verbose_name_plural = _("手続")


class CatalogVersion(models.Model):
    """A counter row bumped by every change, so that each app server knows when to rebuild its catalog."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=40, blank=True)  # the YAML catalog's version when loaded
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.label} #{self.number}"
