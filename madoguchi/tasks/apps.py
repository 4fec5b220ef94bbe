from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "madoguchi.tasks"
    verbose_name = _("バックグラウンド処理")

    def ready(self) -> None:
        # Every installed app may define its tasks in `<app>/tasks.py`; importing them registers them.
        # This package has no `tasks.py` of its own (it would be `madoguchi.tasks.tasks`).
        autodiscover_modules("tasks")
