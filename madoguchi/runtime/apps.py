from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RuntimeConfig(AppConfig):
    name = "madoguchi.runtime"
    verbose_name = _("運用（サーバ・稼働確認）")
