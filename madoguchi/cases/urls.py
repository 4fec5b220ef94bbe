from django.urls import path

from madoguchi.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("postal/", views.postal_lookup, name="postal"),
    path("from-interview/<slug:event>/", views.case_from_interview, name="from-interview"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/ready/", views.case_ready, name="ready"),
    path("<uuid:case_id>/bundle.pdf", views.case_bundle, name="bundle"),
    path(
        "<uuid:case_id>/bundle-with-my-numbers.pdf",
        views.case_bundle_with_my_numbers,
        name="bundle-my-numbers",
    ),
    path("<uuid:case_id>/receipt/", views.case_receipt, name="receipt"),
    path("<uuid:case_id>/interview/", views.case_interview, name="interview"),
    path("<uuid:case_id>/<slug:action>/", views.case_transition, name="transition"),
    path("<uuid:case_id>/people/<uuid:person_id>/my-number/", views.reveal_my_number, name="reveal"),
]
