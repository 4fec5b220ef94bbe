from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "madoguchi.notifications"
    verbose_name = _("通知（メール・SMS）")

    def ready(self) -> None:
        from madoguchi.notifications import checks  # noqa: F401  (registers the backend check)
