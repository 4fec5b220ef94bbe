from django.urls import path

from madoguchi.navigator import api

app_name = "api"

urlpatterns = [
    path("plans", api.plans, name="plans"),
    path("openapi.json", api.openapi, name="openapi"),
]
