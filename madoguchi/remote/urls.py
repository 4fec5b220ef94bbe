from django.urls import path

from madoguchi.remote import views

app_name = "remote"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("presence/", views.presence_board, name="presence"),
    path("presence/beat/", views.presence_beat, name="beat"),
    path("presence/leave/", views.presence_leave, name="presence-leave"),
    path("incoming/", views.incoming, name="incoming"),
    path("stream/", views.desk_stream, name="desk-stream"),
    path("profile/", views.profile, name="profile"),
    path("away/", views.away, name="away"),
    path("manage/", views.manage, name="manage"),
    path("join/", views.door, name="door"),
    path("cases/<uuid:case_id>/request/", views.request_consultation, name="request"),
    path("c/<uuid:consultation_id>/", views.room, name="room"),
    path("c/<uuid:consultation_id>/guest/", views.guest_room, name="guest"),
    path("c/<uuid:consultation_id>/accept/", views.accept, name="accept"),
    path("c/<uuid:consultation_id>/state/", views.room_state, name="state"),
    path("c/<uuid:consultation_id>/events/", views.room_events, name="events"),
    path("c/<uuid:consultation_id>/join/", views.room_join, name="join"),
    path("c/<uuid:consultation_id>/leave/", views.room_leave, name="leave"),
    path("c/<uuid:consultation_id>/signal/", views.room_signal, name="signal"),
    path("c/<uuid:consultation_id>/connected/", views.room_connected, name="connected"),
    path("c/<uuid:consultation_id>/case/", views.room_case, name="case"),
    path("c/<uuid:consultation_id>/invite/", views.invite, name="invite"),
    path("c/<uuid:consultation_id>/consent/", views.consent, name="consent"),
    path("c/<uuid:consultation_id>/capture/", views.capture, name="capture"),
    path("c/<uuid:consultation_id>/captures/<uuid:capture_id>/", views.capture_image, name="capture-image"),
    path("c/<uuid:consultation_id>/callback/", views.callback, name="callback"),
    path("c/<uuid:consultation_id>/cancel/", views.cancel, name="cancel"),
    path("c/<uuid:consultation_id>/end/", views.end, name="end"),
]
