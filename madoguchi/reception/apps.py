from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "madoguchi.reception"
    verbose_name = _("受付（整理券）")

    def ready(self) -> None:
        from madoguchi.navigator.openapi import extend
        from madoguchi.reception import openapi, signals  # noqa: F401 (signals connects the receivers)

        extend(openapi.PATHS, openapi.SCHEMAS, openapi.SECURITY_SCHEMES)
