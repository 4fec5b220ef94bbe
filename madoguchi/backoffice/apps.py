from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "madoguchi.backoffice"
    label = "backoffice"
    verbose_name = _("集中事務センター")

    def ready(self) -> None:
        from madoguchi.backoffice import receivers  # noqa: F401 (connects the receivers)
