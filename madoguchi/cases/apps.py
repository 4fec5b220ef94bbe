from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "madoguchi.cases"
    verbose_name = _("受付案件")

    def ready(self) -> None:
        from django.urls import reverse

        from madoguchi.cases import checks  # noqa: F401 (registers the deployment checks)
        from madoguchi.cases.actions import case_completed, case_returned
        from madoguchi.cases.signing import SOURCE
        from madoguchi.submissions.sources import Source, register

        register(
            Source(
                SOURCE,
                returned=case_returned,
                completed=case_completed,
                url=lambda source_id: reverse("cases:detail", args=[source_id]),
            )
        )
