from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimulationConfig(AppConfig):
    name = "madoguchi.simulation"
    label = "simulation"
    verbose_name = _("効果試算")
