from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RuntimeConfig(AppConfig):
    name = "madoguchi.runtime"
    verbose_name = _("運用（サーバ・稼働確認）")

    def ready(self) -> None:
        from madoguchi.runtime import checks  # noqa: F401 (registers the deployment checks)
