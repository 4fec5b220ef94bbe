from django.apps import AppConfig


class BroadcastConfig(AppConfig):
    name = "madoguchi.broadcast"
    label = "broadcast"
    verbose_name = "Broadcast"
