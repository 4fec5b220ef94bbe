from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreparationConfig(AppConfig):
    name = "madoguchi.preparation"
    verbose_name = _("事前入力")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from madoguchi.navigator.openapi import extend
        from madoguchi.preparation import checks, openapi  # noqa: F401 (checks registers the deployment checks)

        extend(openapi.PATHS, openapi.SCHEMAS, {})
