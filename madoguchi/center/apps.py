from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CenterConfig(AppConfig):
    name = "madoguchi.center"
    label = "center"
    verbose_name = _("集中事務センター")
