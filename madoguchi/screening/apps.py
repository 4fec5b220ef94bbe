from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "madoguchi.screening"
    verbose_name = _("業務選定")
