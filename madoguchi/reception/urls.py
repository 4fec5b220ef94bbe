from django.urls import path

from madoguchi.reception import kiosk, live, resident, statistics_views, views

app_name = "reception"

urlpatterns = [
    path("wait/<str:token>/", resident.wait_status, name="wait"),
    path("wait/<str:token>/notify/", resident.wait_notify, name="wait-notify"),
    path("board/<slug:office_code>/", live.board, name="board"),
    path("board/<slug:office_code>/events", live.board_events, name="board-events"),
    path("kiosk/", kiosk.kiosk_home, name="kiosk"),
    path("kiosk/issue/", kiosk.kiosk_issue, name="kiosk-issue"),
    path("kiosk/tickets/<uuid:ticket_id>/", kiosk.kiosk_ticket, name="kiosk-ticket"),
    path("reception/", views.concierge, name="concierge"),
    path("reception/issue/", views.issue, name="issue"),
    path("reception/tickets/<uuid:ticket_id>/", views.ticket_slip, name="ticket"),
    path("reception/counter/", views.counter_screen, name="counter"),
    path("reception/counter/<slug:action>/", views.counter_action, name="counter-action"),
    path("reception/status/", live.office_status, name="status"),
    path("reception/status/events", live.office_status_events, name="status-events"),
    path("reception/statistics/", statistics_views.statistics, name="statistics"),
]
