from django.urls import path

from madoguchi.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.procedure_list, name="procedures"),
    path("<slug:code>/", views.procedure_edit, name="procedure"),
]
