from __future__ import annotations

import csv
import hashlib
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from madoguchi.audit.models import AuditEntry
from madoguchi.cases.models import Person
from madoguchi.center.actions import claim_next, do_approve, do_send_for_approval
from madoguchi.center.models import DailyExport, WorkItem, WorkQueue
from madoguchi.staff.roles import Role
from madoguchi.tasks.worker import drain

pytestmark = pytest.mark.django_db


def approve_all(staff_of: Any, queue: WorkQueue) -> None:
    center, approver = staff_of(Role.CENTER_STAFF), staff_of(Role.CENTER_APPROVER)
    while (item := claim_next(center, queue)) is not None:
        do_send_for_approval(center, item, result="資格取得\n登録済み", issued="国民健康保険資格確認書")
        do_approve(approver, item)


def test_the_daily_csv_in_shift_jis_replaces_what_it_cannot_hold_and_carries_a_checksum(
    submit_case: Any, staff_of: Any, signed_in: Any
) -> None:
    case = submit_case(head_family_name="𠮷田")  # 𠮷 is not in Shift_JIS
    # What the resident signed travels, not the live case: a later change of the case is not exported.
    Person.objects.filter(case=case, member_id="m2").update(family_name="山田")
    queue = WorkQueue.objects.get(procedure="kokuho-kanyu")
    approve_all(staff_of, queue)
    client = signed_in(staff_of(Role.CENTER_STAFF))
    day = timezone.localdate().isoformat()
    assert (
        client.post("/center/exports/", {"queue": queue.pk, "day": day, "encoding": "shift_jis"}).status_code
        == 302
    )
    export = DailyExport.objects.get()
    assert export.status == DailyExport.Status.PENDING
    assert drain("test") == 1  # the background worker writes it
    export.refresh_from_db()
    assert export.status == DailyExport.Status.READY
    assert export.rows == 2  # both members of the household
    assert export.replaced_characters == 1
    content = bytes(export.content)
    assert hashlib.sha256(content).hexdigest() == export.sha256
    rows = list(csv.reader(io.StringIO(content.decode("cp932"))))
    assert rows[0][:3] == ["受付番号", "受付庁舎", "受付日"]
    assert rows[1][0] == case.number
    assert rows[1][5] == "〓田　花子"
    assert rows[2][5] == "港　太郎"  # as signed, not the later change
    assert rows[1][9] == "資格取得 登録済み"  # one line per record
    download = client.get(f"/center/exports/{export.pk}/download/")
    assert download.content == content
    assert download["X-Content-SHA256"] == export.sha256
    assert 'filename="kokuho-kanyu_' in download["Content-Disposition"]
    assert AuditEntry.objects.filter(action="center.export.download").exists()


def test_the_utf8_csv_keeps_every_character_and_opens_in_excel(submit_case: Any, staff_of: Any) -> None:
    from madoguchi.center.exports import do_request_export

    submit_case(head_family_name="𠮷田")
    queue = WorkQueue.objects.get(procedure="kokuho-kanyu")
    approve_all(staff_of, queue)
    do_request_export(staff_of(Role.CENTER_STAFF), queue=queue, day=timezone.localdate(), encoding="utf-8")
    drain("test")
    export = DailyExport.objects.get()
    content = bytes(export.content)
    assert content.startswith(b"\xef\xbb\xbf")  # BOM
    assert "𠮷田　花子" in content.decode("utf-8-sig")
    assert export.replaced_characters == 0


def test_bad_export_requests_are_refused_with_a_message(
    staff_of: Any, signed_in: Any, demo_city: None
) -> None:
    client = signed_in(staff_of(Role.CENTER_STAFF))
    response = client.post("/center/exports/", {"queue": "", "day": "昨日", "encoding": "latin-1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "処理日を YYYY-MM-DD で入力してください。" in page
    assert "処理キューを選んでください。" in page
    assert not DailyExport.objects.exists()
    assert signed_in(staff_of(Role.ONESTOP_CLERK)).get("/center/exports/").status_code == 403


def test_the_nightly_command_queues_every_queue_in_both_encodings(demo_city: None) -> None:
    out = io.StringIO()
    call_command("center_export", "--day", "2026-11-24", stdout=out)
    queues = WorkQueue.objects.filter(active=True).count()
    assert DailyExport.objects.count() == queues * 2
    assert f"queued {queues * 2} exports for 2026-11-24" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("center_export", "--day", "24/11/2026")
    assert WorkItem.objects.count() == 0


def test_an_export_that_cannot_be_written_is_marked_failed_on_the_last_attempt(
    staff_of: Any, demo_city: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from madoguchi.center import exports
    from madoguchi.center.exports import do_request_export, write_export

    # given
    queue = WorkQueue.objects.get(procedure="kokuho-kanyu")
    export = do_request_export(
        staff_of(Role.CENTER_STAFF), queue=queue, day=timezone.localdate(), encoding="utf-8"
    )

    def broken(queue: WorkQueue, day: Any) -> list[list[str]]:
        raise RuntimeError("core system mapping missing")

    monkeypatch.setattr(exports, "rows_for", broken)
    # when: an attempt that will be retried, then the last one
    with pytest.raises(RuntimeError):
        write_export(export.pk, last_attempt=False)
    export.refresh_from_db()
    assert export.status == DailyExport.Status.PENDING
    with pytest.raises(RuntimeError):
        write_export(export.pk, last_attempt=True)
    # then
    export.refresh_from_db()
    assert export.status == DailyExport.Status.FAILED
    assert "core system mapping missing" in export.error
    assert export.finished_at is not None


def test_an_export_whose_worker_died_reads_failed_not_pending_for_ever(staff_of: Any) -> None:
    from madoguchi.center.exports import do_request_export, fail_lost_exports, write_export
    from madoguchi.tasks.models import Task

    queue = WorkQueue.objects.get(procedure="kokuho-kanyu")
    center = staff_of(Role.CENTER_STAFF)
    lost = do_request_export(center, queue=queue, day=timezone.localdate(), encoding="utf-8")
    alive = do_request_export(center, queue=queue, day=timezone.localdate(), encoding="shift_jis")
    # the queue gave the first one's task up: its worker stopped answering
    Task.objects.filter(pk=lost.task_id).update(
        status=Task.Status.FAILED, error="worker w1 stopped answering"
    )
    assert fail_lost_exports() == 1
    lost.refresh_from_db()
    alive.refresh_from_db()
    assert (lost.status, lost.error) == (DailyExport.Status.FAILED, "worker w1 stopped answering")
    assert lost.finished_at is not None
    assert alive.status == DailyExport.Status.PENDING  # its task is still queued
    # a worker waking up late does not turn the failed export into a ready one
    assert write_export(lost.pk, last_attempt=True)["written"] is False
    lost.refresh_from_db()
    assert lost.status == DailyExport.Status.FAILED
    assert fail_lost_exports() == 0


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(
    submit_case: Any, staff_of: Any
) -> None:
    from madoguchi.center.exports import do_request_export

    # given: a name, a result and an issued document that Excel would read as formulas
    submit_case(head_family_name='=HYPERLINK("http://evil.example/","田")')
    queue = WorkQueue.objects.get(procedure="kokuho-kanyu")
    center, approver = staff_of(Role.CENTER_STAFF), staff_of(Role.CENTER_APPROVER)
    while (item := claim_next(center, queue)) is not None:
        do_send_for_approval(center, item, result="@SUM(1+1)", issued="+cmd|' /C calc'!A0")
        do_approve(approver, item)
    # when
    do_request_export(center, queue=queue, day=timezone.localdate(), encoding="utf-8")
    drain("test")
    rows = list(csv.reader(io.StringIO(bytes(DailyExport.objects.get().content).decode("utf-8-sig"))))
    # then: each is written after a ' (shown as text, not run); the other cells are as they were
    assert rows[1][5] == """'=HYPERLINK("http://evil.example/","田")　花子"""
    assert (rows[1][9], rows[1][10]) == ("'@SUM(1+1)", "'+cmd|' /C calc'!A0")
    assert rows[2][5] == "港　太郎"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
