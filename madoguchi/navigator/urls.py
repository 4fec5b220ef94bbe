from django.urls import path

from madoguchi.navigator import views

app_name = "navigator"

urlpatterns = [
    path("", views.start, name="start"),
    path("<slug:event>/", views.interview, name="interview"),
    path("<slug:event>/checklist/", views.checklist, name="checklist"),
]
