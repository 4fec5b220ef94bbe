from django.urls import path

from madoguchi.preparation import counter, kiosk

app_name = "preparation"

urlpatterns = [
    path("scan/", counter.scan, name="scan"),
    path("visits/", counter.prepared_visits, name="visits"),
    path("imported/<uuid:visit_id>/open/", counter.open_imported, name="open-imported"),
    path("imported/<uuid:visit_id>/book/", counter.book_proposed, name="book-proposed"),
    path("kiosk/check-in/", kiosk.check_in, name="kiosk-check-in"),
]
