from django.urls import path

from madoguchi.reception import views

app_name = "reception"

urlpatterns = [path("wait/<str:token>/", views.wait_status, name="wait")]
