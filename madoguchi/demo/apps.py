from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "madoguchi.demo"
    verbose_name = _("デモ市（みなと市）")
