from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "madoguchi.audit"
    verbose_name = _("監査ログ")

    def ready(self) -> None:
        # Every installed app declares its audit event types in `<app>/audit_events.py`; importing them
        # registers them, and this app imports no other.
        autodiscover_modules("audit_events")
