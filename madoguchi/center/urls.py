from django.urls import path

from madoguchi.center import views

app_name = "center"

urlpatterns = [
    path("", views.batches, name="batches"),
    path("claim/", views.claim, name="claim"),
    path("items/<uuid:item_id>/", views.item_detail, name="item"),
    path("items/<uuid:item_id>/documents.pdf", views.item_documents, name="documents"),
    path("items/<uuid:item_id>/documents-v<int:version>.pdf", views.item_documents, name="documents-version"),
    path("items/<uuid:item_id>/<slug:action>/", views.item_action, name="action"),
    path("approvals/", views.approvals, name="approvals"),
    path("returns/", views.returns, name="returns"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:export_id>/download/", views.export_download, name="export-download"),
]
