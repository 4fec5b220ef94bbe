from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "madoguchi.certificates"
    verbose_name = _("証明書交付")
    default_auto_field = "django.db.models.BigAutoField"
