from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemoteConfig(AppConfig):
    name = "madoguchi.remote"
    verbose_name = _("リモート相談")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from madoguchi.cases.access import register_grant
        from madoguchi.remote import audit_events  # noqa: F401  (registers the event types)
        from madoguchi.remote.access import consulting_expert

        register_grant(consulting_expert)
