from django.urls import path

from madoguchi.runtime import views

app_name = "runtime"

urlpatterns = [path("healthz", views.healthz, name="healthz")]
