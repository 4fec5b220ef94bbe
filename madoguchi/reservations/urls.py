from django.urls import path

from madoguchi.reservations import views

app_name = "reservations"

urlpatterns = [
    path("reserve/", views.choose_office, name="offices"),
    path("reserve/manage/<slug:token>/", views.manage, name="manage"),
    path("reserve/manage/<slug:token>/cancel/", views.manage_cancel, name="manage-cancel"),
    path("reserve/<slug:office_code>/", views.reserve, name="reserve"),
    path("reception/reservations/", views.staff_list, name="list"),
    path("reception/reservations/book/", views.staff_book, name="book"),
    path(
        "reception/reservations/<uuid:reservation_id>/<slug:action>/",
        views.staff_action,
        name="action",
    ),
]
