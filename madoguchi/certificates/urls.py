from django.urls import path

from madoguchi.certificates import counter, views

app_name = "certificates"

urlpatterns = [
    path("", views.phone, name="phone"),
    path("store/<slug:point_code>/", views.store, name="store"),
    path("counter/", counter.counter, name="counter"),
    path("manage/", views.manage, name="manage"),
    path("manage/alerts/", views.alerts, name="alerts"),
    path("manage/suspensions/<int:suspension_id>/acknowledge/", views.acknowledge, name="acknowledge"),
]
