from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "madoguchi.departments"
    verbose_name = _("所管課")

    def ready(self) -> None:
        from madoguchi.departments import audit_events  # noqa: F401 (registers the audit events)
