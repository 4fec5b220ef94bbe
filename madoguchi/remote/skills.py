"""The skills a head-office expert answers for (相談分野): what a branch asks for when it asks for help."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Skill(models.TextChoices):
    KOKUHO_NENKIN = "kokuho_nenkin", _("国保・年金")
    KAIGO = "kaigo", _("介護")
    KOSODATE = "kosodate", _("子育て")
    ZEI = "zei", _("税")
    KOSEKI = "koseki", _("戸籍")
    FUKUSHI = "fukushi", _("福祉")
    JUMIN = "jumin", _("住民記録")


def skill_label(code: str) -> str:
    try:
        return str(Skill(code).label)
    except ValueError:
        return code
