"""The simulated core system's records (住民記録, 印鑑登録, 税, 戸籍の所在).

Only the simulated adapter (`adapter.SimulatedRegistry`) reads or writes these rows; everything else asks
the adapter, so that a city's real core system can take their place.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SimulatedResident(models.Model):
    class Status(models.TextChoices):
        RESIDENT = "resident", _("住民")
        MOVED_OUT = "moved_out", _("転出済み")
        DECEASED = "deceased", _("死亡")

    code = models.CharField(_("住民票コード"), max_length=11, primary_key=True)
    household = models.CharField(_("世帯番号"), max_length=10, db_index=True)
    relation = models.CharField(_("続柄"), max_length=10)
    family_name = models.CharField(_("氏"), max_length=40)
    given_name = models.CharField(_("名"), max_length=40)
    family_kana = models.CharField(_("氏（カナ）"), max_length=60)
    given_kana = models.CharField(_("名（カナ）"), max_length=60)
    birth_date = models.DateField(_("生年月日"))
    sex = models.CharField(_("性別"), max_length=1)
    address = models.CharField(_("住所"), max_length=200)
    moved_in_on = models.DateField(_("住民となった日"))
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.RESIDENT)
    left_on = models.DateField(_("転出・死亡の日"), null=True, blank=True)
    moving_out_on = models.DateField(_("転出予定日"), null=True, blank=True)
    domicile = models.CharField(_("本籍"), max_length=200, blank=True)
    domicile_head = models.CharField(_("筆頭者"), max_length=80, blank=True)
    domicile_in_city = models.BooleanField(_("本籍が市内"), default=False)
    support_measure = models.BooleanField(_("支援措置の対象"), default=False)
    seal_number = models.CharField(_("印鑑登録番号"), max_length=10, blank=True)
    income = models.BigIntegerField(_("合計所得"), null=True, blank=True)
    card_serial = models.CharField(
        _("マイナンバーカードの番号（模擬）"), max_length=12, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("住民（模擬）")
        verbose_name_plural = _("住民（模擬）")
        indexes = [
            models.Index(fields=["family_kana", "given_kana", "birth_date"], name="registry_name_birth")
        ]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name} ({self.code})"
