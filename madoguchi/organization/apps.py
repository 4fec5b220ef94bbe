from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    name = "madoguchi.organization"
    verbose_name = _("組織（庁舎・課・窓口）")
