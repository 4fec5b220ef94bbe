from django.urls import path

from madoguchi.departments import views

app_name = "departments"

urlpatterns = [
    path("", views.handed_list, name="list"),
    path("cases/<uuid:case_id>/", views.handed_case_view, name="case"),
]
