from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReservationsConfig(AppConfig):
    name = "madoguchi.reservations"
    verbose_name = _("予約")
