from django.urls import path

from madoguchi.reception import views

app_name = "reception"

urlpatterns = [
    path("wait/<str:token>/", views.wait_status, name="wait"),
    path("reception/", views.concierge, name="concierge"),
    path("reception/issue/", views.issue, name="issue"),
    path("reception/tickets/<uuid:ticket_id>/", views.ticket_slip, name="ticket"),
    path("reception/counter/", views.counter_screen, name="counter"),
    path("reception/counter/<slug:action>/", views.counter_action, name="counter-action"),
]
