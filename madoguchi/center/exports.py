"""The daily CSV for the city's core systems: one file per procedure and day, in UTF-8 or Shift_JIS.

Shift_JIS (CP932) cannot hold every name (𠮷, some 異体字): such a character is written as 〓 (the
customary 下駄記号), counted on the export and shown to staff, so the core system's operator knows which
rows to complete by hand. The SHA-256 of the bytes lets the receiving system check the file arrived whole.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from madoguchi.audit.chain import AuditActor, record
from madoguchi.center.models import DailyExport, WorkItem, WorkQueue
from madoguchi.center.states import EXPORT
from madoguchi.identity.names import member_name
from madoguchi.printing.spreadsheets import csv_text
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import PROCESS_WORK_ITEM

EXPORT_TASK = "center.daily_export"
COLUMNS = [
    "受付番号",
    "受付庁舎",
    "受付日",
    "決裁日時",
    "手続コード",
    "氏名",
    "氏名カナ",
    "生年月日",
    "住所",
    "処理結果",
    "交付物",
]
GETA = "〓"


def do_request_export(actor: AuditActor, *, queue: WorkQueue, day: date, encoding: str) -> DailyExport:
    """Queue the export; a background worker writes it."""
    from madoguchi.tasks.queue import enqueue

    require(actor, PROCESS_WORK_ITEM)
    if encoding not in DailyExport.Encoding.values:
        raise ValueError(f"unknown encoding {encoding!r}")
    with transaction.atomic():
        export = DailyExport.objects.create(
            queue=queue, day=day, encoding=encoding, requested_by=actor.audit_name
        )
        record(
            actor,
            "center.export.request",
            export,
            after={"queue": queue.procedure, "day": day.isoformat()},
        )
        export.task = enqueue(EXPORT_TASK, export_id=export.pk)
        export.save(update_fields=["task"])
    return export


def rows_for(queue: WorkQueue, day: date) -> list[list[str]]:
    items = (
        WorkItem.objects.filter(queue=queue, status=WorkItem.Status.DONE, approved_at__date=day)
        .select_related("submission", "received_office")
        .defer("submission__bundle_pdf")
        .order_by("approved_at")
    )
    rows = []
    for item in items:
        # What the resident signed, from the submission the item was decided on (never the live case).
        submission = item.submission
        members = submission.members()
        people = [m for m in members if m.get("id") in item.members] or members
        for person in people:
            rows.append(
                [
                    submission.reference,
                    item.received_office.name_ja,
                    item.received_on.isoformat(),
                    timezone.localtime(item.approved_at).strftime("%Y-%m-%d %H:%M")
                    if item.approved_at
                    else "",
                    queue.procedure,
                    member_name(person),
                    member_name(person, kana=True),
                    str(person.get("birth_date", "")),
                    submission.address_line,
                    item.result.replace("\r", " ").replace("\n", " "),
                    item.issued,
                ]
            )
    return rows


def encode(text: str, encoding: str) -> tuple[bytes, int]:
    """The bytes, and how many characters Shift_JIS could not hold (written as 〓)."""
    if encoding == DailyExport.Encoding.UTF8:
        return ("\ufeff" + text).encode("utf-8"), 0  # with BOM: Excel opens it as UTF-8
    replaced = 0
    out = []
    for character in text:
        try:
            out.append(character.encode("cp932"))
        except UnicodeEncodeError:
            out.append(GETA.encode("cp932"))
            replaced += 1
    return b"".join(out), replaced


def write_export(export_id: int, *, last_attempt: bool) -> dict[str, object]:
    """Write the file (the body of the export task). An error is raised again so that the task retries;
    on the last attempt the export is marked failed with the error, so staff do not wait for it."""
    export = DailyExport.objects.select_related("queue").get(pk=export_id)
    this_export = DailyExport.objects.filter(pk=export.pk)
    try:
        rows = rows_for(export.queue, export.day)
    except Exception as error:
        if last_attempt:
            EXPORT.update(
                this_export, "fail", timezone.now(), error=f"{type(error).__name__}: {error}"[:1000]
            )
        raise
    # names, addresses and results as typed: a text that would run as a formula is written as text
    content, replaced = encode(csv_text([COLUMNS, *rows]), export.encoding)
    sha256 = hashlib.sha256(content).hexdigest()
    written = EXPORT.update(
        this_export,
        "finish",
        timezone.now(),
        content=content,
        rows=len(rows),
        replaced_characters=replaced,
        sha256=sha256,
        error="",
    )
    return {"rows": len(rows), "sha256": sha256, "replaced": replaced, "written": bool(written)}


def fail_lost_exports() -> int:
    """Mark failed every export still 作成中 whose task the queue gave up (its worker died) or that has
    no task any more; the number marked. Run periodically by the workers."""
    from madoguchi.tasks.models import Task

    lost = DailyExport.objects.filter(status=DailyExport.Status.PENDING).filter(
        Q(task__status=Task.Status.FAILED) | Q(task__isnull=True)
    )
    marked = 0
    for export_id, error in lost.values_list("pk", "task__error")[:100]:
        message = (error or "the task writing this export no longer exists")[:1000]
        marked += EXPORT.update(
            DailyExport.objects.filter(pk=export_id), "fail", timezone.now(), error=message
        )
    return marked
