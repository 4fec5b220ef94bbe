from django.urls import path

from madoguchi.simulation import views

app_name = "simulation"

urlpatterns = [
    path("", views.runs, name="runs"),
    path("<uuid:run_id>/", views.run_detail, name="run"),
    path("<uuid:run_id>/charts/<int:number>.png", views.run_chart, name="chart"),
    path("<uuid:run_id>/report.pdf", views.run_pdf, name="pdf"),
]
