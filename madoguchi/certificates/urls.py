from django.urls import path

from madoguchi.certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.phone, name="phone"),
    path("store/<slug:point_code>/", views.store, name="store"),
    path("manage/", views.manage, name="manage"),
    path("manage/suspensions/<int:suspension_id>/acknowledge/", views.acknowledge, name="acknowledge"),
]
