from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "madoguchi.audit"
    verbose_name = _("監査ログ")
