from django.urls import path

from madoguchi.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.screening_page, name="page"),
    path("upload/", views.upload, name="upload"),
    path("upload/<uuid:read_id>/", views.read_status, name="read"),
    path("demo/", views.use_demo, name="demo"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("catalog/", views.mark_catalog, name="catalog"),
]
