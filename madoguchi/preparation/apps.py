from django.apps import AppConfig


class PreparationConfig(AppConfig):
    name = "madoguchi.preparation"
    verbose_name = "事前入力"
    default_auto_field = "django.db.models.BigAutoField"
