"""The central processing center's audit events: work items, exports and work queues."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from madoguchi.audit.events import EventType, field_labels, register, register_category, status_events
from madoguchi.center.models import WorkItem, WorkQueue

register_category("center", _("集中事務センター"))

_queue_fields = field_labels(WorkQueue)

register(
    EventType("center.item.create", _("処理案件の受付"), "center"),
    # `_step` records each status an item enters as "center.item.<status>".
    *status_events("center.item", "center", WorkItem.Status.choices, _("処理案件：%(state)s")),
    EventType("center.item.dispatch", _("交付物の発送"), "center", fields={"issued": _("交付物")}),
    EventType(
        "center.export.request",
        _("日次CSVの作成依頼"),
        "center",
        fields={"queue": _("処理キュー"), "day": _("処理日")},
    ),
    EventType(
        "center.export.download",
        _("日次CSVのダウンロード"),
        "center",
        fields={"rows": _("件数"), "sha256": _("SHA-256")},
    ),
    # The codes `upsert_record` and the admin write for a work queue.
    EventType("center.workqueue.create", _("処理キューの登録"), "center", fields=_queue_fields),
    EventType("center.workqueue.update", _("処理キューの変更"), "center", fields=_queue_fields),
)
