from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_role_groups(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """After every migrate, rebuild the role groups from the role matrix."""
    from django.contrib.auth.management import create_permissions

    from madoguchi.audit.chain import SystemActor
    from madoguchi.staff.actions import do_sync_role_groups

    # Django creates permissions in its own post_migrate handler, which may run after this one.
    create_permissions(apps.get_app_config("staff"), verbosity=0, using=using)
    do_sync_role_groups(SystemActor("migrate"))


class StaffConfig(AppConfig):
    name = "madoguchi.staff"
    verbose_name = _("職員と役割")

    def ready(self) -> None:
        from madoguchi.staff import signals  # noqa: F401  (connects the login audit receivers)

        post_migrate.connect(sync_role_groups, sender=self, dispatch_uid="madoguchi.staff.sync_role_groups")
