from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "madoguchi.registry"
    verbose_name = _("住民記録等（基幹系）")
    default_auto_field = "django.db.models.BigAutoField"
