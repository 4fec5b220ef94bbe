"""Top-level URL map: one include per bounded context."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from madoguchi.certificates import views as certificate_views
from madoguchi.preparation import counter as preparation_counter
from madoguchi.reception import api as reception_api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="staff:home", permanent=False)),
    path("", include("madoguchi.staff.urls")),
    path("", include("madoguchi.runtime.urls")),
    path("audit/", include("madoguchi.audit.urls")),
    path("offices/", include("madoguchi.organization.urls")),
    path("navigator/", include("madoguchi.navigator.urls")),
    path("cases/", include("madoguchi.cases.urls")),
    path("center/", include("madoguchi.center.urls")),
    path("departments/", include("madoguchi.departments.urls")),
    path("screening/", include("madoguchi.screening.urls")),
    path("catalog/", include("madoguchi.catalog.urls")),
    path("simulations/", include("madoguchi.simulation.urls")),
    path("api/v1/", include("madoguchi.navigator.urls_api")),
    path("api/v1/tickets", reception_api.tickets, name="api-tickets"),
    path("api/v1/counters/<int:counter_id>/call", reception_api.counter_call, name="api-counter-call"),
    path("api/v1/tickets/<uuid:ticket_id>/<slug:step>", reception_api.ticket_step, name="api-ticket-step"),
    path("", include("madoguchi.reception.urls")),
    path("", include("madoguchi.reservations.urls")),
    path("prepare/", include("madoguchi.preparation.urls")),
    path("prepared/", include("madoguchi.preparation.urls_counter")),
    path("api/v1/preparations/import", preparation_counter.import_api, name="api-preparations-import"),
    path("certificates/", include("madoguchi.certificates.urls")),
    path("remote/", include("madoguchi.remote.urls")),
    path("verify/", certificate_views.verify, name="verify"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "madoguchi.ui.views.bad_request"
handler403 = "madoguchi.ui.views.permission_denied"
handler404 = "madoguchi.ui.views.page_not_found"

admin.site.site_header = "madoguchi 管理サイト"
admin.site.site_title = "madoguchi"
admin.site.index_title = "庁舎・課・窓口の設定"
