"""The managers' screening page: upload, criteria, exports, catalog marking and who may open it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from madoguchi.audit.models import AuditEntry
from madoguchi.catalog.models import Procedure
from madoguchi.screening.inventory import XLSX_MAX_EXPANDED_BYTES
from madoguchi.screening.models import InventoryRead, InventoryUpload
from madoguchi.screening.tests.factories import (
    SMALL,
    csv_bytes,
    dtd_xlsx,
    expanding_xlsx,
    huge_dimension_xlsx,
    xlsx_bytes,
)
from madoguchi.screening.uploads import MULTIPART_ALLOWANCE
from madoguchi.tasks.worker import drain

pytestmark = pytest.mark.django_db

PAGE = reverse("screening:page")


def upload(client: Any, data: bytes, name: str = "inventory.csv") -> Any:
    return client.post(reverse("screening:upload"), {"file": SimpleUploadedFile(name, data)})


def upload_and_read(client: Any, data: bytes, name: str = "inventory.csv") -> Any:
    """Upload, let the background task read the file, and open the page the upload led to."""
    response = upload(client, data, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert drain("test") == 1
    return client.get(response["Location"])


@pytest.fixture
def manager(staff_of: Any, signed_in: Any) -> Any:
    return signed_in(staff_of("manager"))


def test_a_clerk_may_not_open_or_post(staff_of: Any, signed_in: Any) -> None:
    clerk = signed_in(staff_of("onestop_clerk"))
    assert clerk.get(PAGE).status_code == 403
    assert upload(clerk, csv_bytes(SMALL)).status_code == 403
    assert clerk.post(reverse("screening:demo")).status_code == 403
    assert clerk.get(reverse("screening:export-csv")).status_code == 403
    assert clerk.post(reverse("screening:catalog")).status_code == 403
    assert "業務選定" not in clerk.get(reverse("staff:home"), follow=True).content.decode()


def test_the_manager_sees_the_menu_item_and_an_empty_page(manager: Any) -> None:
    response = manager.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{PAGE}"' in html
    assert "デモ用の業務棚卸表" in html
    assert "選定した業務" not in html


def test_upload_screen_and_report_bad_rows(manager: Any, staff_of: Any) -> None:
    # given an xlsx file with one bad row
    rows = [*SMALL, ["x", "関連度不明", "市民課", 10, 5, "最高"]]
    # when
    response = upload(manager, xlsx_bytes(rows), "棚卸.xlsx")
    # then the file waits for the background task, and its page follows it
    assert response.status_code == 302
    read = InventoryRead.objects.get()
    assert response["Location"] == reverse("screening:read", args=[read.pk])
    waiting = manager.get(response["Location"] + "?part=status").content.decode()
    assert 'hx-trigger="every 1s"' in waiting
    assert "0 行を読み込みました" in waiting
    assert drain("test") == 1
    done = manager.get(response["Location"] + "?part=status")
    assert done["HX-Redirect"] == PAGE  # htmx opens the screening page with the result
    read.refresh_from_db()
    assert (read.status, read.rows_read, read.kept, bytes(read.content)) == ("done", 6, 5, b"")
    stored = InventoryUpload.objects.get(staff=staff_of("manager"))
    assert (stored.rows_read, len(stored.operations), stored.source_name) == (6, 5, "棚卸.xlsx")
    assert AuditEntry.objects.filter(action="screening.inventory.upload").count() == 1
    page = manager.get(PAGE).content.decode()
    assert "棚卸.xlsx を読み込みました（6 行、有効 5 行、不備 1 行）" in page
    assert '<p class="stat" id="selected-count">1</p>' in page
    assert '<p class="stat" id="share">20.0%</p>' in page
    assert "住民票の写しの交付" in page
    assert "「最高」" in page  # the rejected row with its reason
    assert "<svg" in page
    assert "chart__point--selected" in page
    assert "chart__bar--selected" in page


def test_criteria_change_the_selection(manager: Any) -> None:
    upload_and_read(manager, csv_bytes(SMALL))
    page = manager.get(PAGE, {"relevance": "中", "max_minutes": "10"}).content.decode()
    assert '<p class="stat" id="selected-count">2</p>' in page
    assert "犬の登録事項変更" in page
    page = manager.get(PAGE, {"relevance": "高", "max_minutes": "30", "min_volume": "600"}).content.decode()
    assert '<p class="stat" id="selected-count">1</p>' in page
    invalid = manager.get(PAGE, {"relevance": "高", "max_minutes": "-1"})
    assert invalid.status_code == 200
    assert "選定した業務" not in invalid.content.decode()
    assert 'aria-invalid="true"' in invalid.content.decode() or "field__error" in invalid.content.decode()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"PK\x03\x04broken", "x.xlsx", "Excel ファイル（.xlsx）として読めません"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls", "旧形式の Excel ファイル（.xls）"),
        (csv_bytes(SMALL, encoding="euc_jp"), "x.csv", "文字コードを判別できません"),
        (expanding_xlsx(XLSX_MAX_EXPANDED_BYTES + 1), "bomb.xlsx", "展開すると大きすぎます"),
        (dtd_xlsx(), "dtd.xlsx", "文書型定義（DTD）"),
    ],
)
def test_a_file_that_cannot_be_an_inventory_is_a_400_at_once(
    manager: Any, staff_of: Any, data: bytes, name: str, message: str
) -> None:
    response = upload(manager, data, name)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert message in html
    assert not InventoryRead.objects.exists()  # nothing queued
    assert not InventoryUpload.objects.filter(staff=staff_of("manager")).exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (csv_bytes([["a", "b"]], header=["業務コード", "業務名"]), "x.csv", "必須の列がありません: 所管課"),
        (b"just some text\n", "notes.txt", "必須の列がありません"),
        (csv_bytes(SMALL * 2), "rows.csv", "行数が上限（8行）を超えています"),
        (xlsx_bytes(SMALL * 2), "rows.xlsx", "行数が上限（8行）を超えています"),
        (huge_dimension_xlsx(), "dimension.xlsx", "行数が上限（8行）を超えています"),
    ],
)
def test_a_file_whose_table_is_wrong_says_why_on_its_page(
    manager: Any, staff_of: Any, settings: Any, data: bytes, name: str, message: str
) -> None:
    # given a limit of 8 rows
    settings.MADOGUCHI_INVENTORY_MAX_ROWS = 8
    # when the task has read the file
    page = upload_and_read(manager, data, name)
    # then its page says what is wrong, stops polling, and the last inventory is untouched
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="alert"' in html
    assert message in html
    assert 'hx-trigger="every 1s"' not in html
    read = InventoryRead.objects.get()
    assert (read.status, bytes(read.content)) == ("failed", b"")
    assert not InventoryUpload.objects.filter(staff=staff_of("manager")).exists()


def test_a_file_over_the_size_limit_is_a_413_in_japanese(manager: Any, settings: Any) -> None:
    settings.MADOGUCHI_INVENTORY_MAX_BYTES = 1000
    # a request that says it is larger is refused before its body is read
    response = upload(manager, csv_bytes(SMALL) + b"x" * (MULTIPART_ALLOWANCE + 1000), "big.csv")
    assert response.status_code == 413
    assert "ファイルが大きすぎます（1000\xa0バイト まで）" in response.content.decode()
    # a file just over the limit is dropped while it is received
    response = upload(manager, csv_bytes(SMALL) + b"x" * 1000, "big.csv")
    assert response.status_code == 413
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "ファイルが大きすぎます" in html
    assert not InventoryRead.objects.exists()


def test_the_size_limit_names_its_megabytes(manager: Any, settings: Any) -> None:
    settings.MADOGUCHI_INVENTORY_MAX_BYTES = 2 * 2**20
    response = upload(manager, b"x" * (2 * 2**20 + 1), "big.csv")
    assert response.status_code == 413
    assert "ファイルが大きすぎます（2.0\xa0MB まで）" in response.content.decode()


def test_a_body_django_finds_too_big_is_a_413_not_a_bare_400(manager: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = manager.post(
        reverse("screening:upload"),
        {"file": SimpleUploadedFile("x.csv", csv_bytes(SMALL)), "note": "x" * 1000},
    )
    assert response.status_code == 413
    assert "ファイルが大きすぎます" in response.content.decode()


def test_the_upload_still_checks_the_csrf_token(staff_of: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_of("manager"))
    assert upload(client, csv_bytes(SMALL)).status_code == 403
    assert not InventoryRead.objects.exists()


def test_progress_is_saved_while_the_task_reads(
    manager: Any, staff_of: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from madoguchi.screening import actions, inventory

    # given a file of 40 rows, progress every 10 rows, saved each time
    monkeypatch.setattr(inventory, "PROGRESS_EVERY_ROWS", 10)
    monkeypatch.setattr(actions, "PROGRESS_SAVE_SECONDS", 0)
    rows = [[f"c{i}", "業務", "市民課", 10, 5, "高"] for i in range(40)]
    upload(manager, csv_bytes(rows))
    read = InventoryRead.objects.get()
    # when the task runs, then it reports the rows read so far
    reports: list[tuple[float, str]] = []
    result = actions.read_queued_inventory(
        str(read.pk), lambda fraction, note: reports.append((fraction, note))
    )
    assert result == {"read": str(read.pk), "rows": 40}
    assert [note for _fraction, note in reports] == ["10 rows", "20 rows", "30 rows", "40 rows"]
    assert [fraction for fraction, _note in reports] == sorted(fraction for fraction, _note in reports)
    read.refresh_from_db()
    assert (read.status, read.rows_read, read.progress) == ("done", 40, 1.0)
    # and a page opened while running shows the rows read so far
    InventoryRead.objects.filter(pk=read.pk).update(status="running", rows_read=500, progress=0.25)
    html = manager.get(reverse("screening:read", args=[read.pk]) + "?part=status").content.decode()
    assert "500 行を読み込みました" in html
    assert 'value="25"' in html


def test_a_read_is_seen_only_by_its_manager(manager: Any, staff_of: Any, signed_in: Any) -> None:
    upload(manager, csv_bytes(SMALL))
    read = InventoryRead.objects.get()
    clerk = signed_in(staff_of("onestop_clerk"))
    assert clerk.get(reverse("screening:read", args=[read.pk])).status_code == 403
    InventoryRead.objects.filter(pk=read.pk).update(staff=staff_of("onestop_clerk"))  # someone else's
    assert manager.get(reverse("screening:read", args=[read.pk])).status_code == 404


def test_a_read_whose_worker_died_is_interrupted_and_its_page_says_so(manager: Any, staff_of: Any) -> None:
    from madoguchi.screening.actions import do_interrupt_lost_reads
    from madoguchi.tasks.models import Task

    upload(manager, csv_bytes(SMALL))
    read = InventoryRead.objects.get()
    assert read.task is not None
    Task.objects.filter(pk=read.task.pk).update(status=Task.Status.FAILED, error="worker lost")
    assert do_interrupt_lost_reads() == 1
    read.refresh_from_db()
    assert (read.status, bytes(read.content)) == ("interrupted", b"")
    html = manager.get(reverse("screening:read", args=[read.pk])).content.decode()
    assert "読込は中断されました" in html
    assert 'hx-trigger="every 1s"' not in html


def test_a_new_upload_replaces_a_file_still_waiting(manager: Any) -> None:
    upload(manager, csv_bytes(SMALL), "first.csv")
    upload(manager, csv_bytes(SMALL), "second.csv")
    assert list(InventoryRead.objects.values_list("source_name", flat=True)) == ["second.csv"]
    assert drain("test") == 2  # the first task finds its file gone and does nothing
    assert InventoryRead.objects.get().status == "done"


def test_export_csv_with_bom_and_xlsx(manager: Any) -> None:
    upload_and_read(manager, csv_bytes(SMALL))
    query = {"relevance": "中", "max_minutes": "10"}
    response = manager.get(reverse("screening:export-csv"), query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["業務コード", "業務名", "所管課"]
    assert sorted(r[0] for r in rows[1:]) == ["inu-toroku-henko", "juminhyo-utsushi"]
    response = manager.get(reverse("screening:export-xlsx"), query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "業務コード"
    assert sorted(str(v[0]) for v in values[1:]) == ["inu-toroku-henko", "juminhyo-utsushi"]


def test_export_without_an_inventory_goes_back_to_the_page(manager: Any) -> None:
    response = manager.get(reverse("screening:export-csv"))
    assert response.status_code == 302


def test_demo_inventory_and_catalog_marking(manager: Any, staff_of: Any) -> None:
    # given the demo inventory, and two department procedures in the default selection
    assert manager.post(reverse("screening:demo")).status_code == 302
    assert Procedure.objects.get(code="inu-toroku-henko").counter == Procedure.Counter.DEPARTMENT
    page = manager.get(PAGE).content.decode()
    assert '<p class="stat" id="selected-count">148</p>' in page
    # when the manager asks, they first see what would change, and nothing changes yet
    preview = manager.post(reverse("screening:catalog"), {"relevance": "高", "max_minutes": "10"})
    assert preview.status_code == 200
    shown = preview.content.decode()
    assert "カタログへの反映の確認" in shown
    assert 'data-code="inu-toroku-henko"' in shown
    assert "犬の登録事項変更" in shown
    assert Procedure.objects.get(code="inu-toroku-henko").counter == Procedure.Counter.DEPARTMENT
    # when they confirm
    response = manager.post(
        reverse("screening:catalog"), {"relevance": "高", "max_minutes": "10", "confirm": "1"}, follow=True
    )
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "総合窓口に移しました" in html
    assert "inu-toroku-henko" in html
    assert Procedure.objects.get(code="inu-toroku-henko").counter == Procedure.Counter.ONE_STOP
    assert Procedure.objects.get(code="suido-shiyo-kaishi").counter == Procedure.Counter.ONE_STOP
    assert Procedure.objects.get(code="kotei-shisan-sozokunin").counter == Procedure.Counter.DEPARTMENT
    entry = AuditEntry.objects.filter(action="catalog.procedure.update").order_by("id").last()
    assert entry is not None
    assert entry.actor == staff_of("manager").audit_name
    # a second time changes nothing more
    before = AuditEntry.objects.count()
    manager.post(reverse("screening:catalog"), {"relevance": "高", "max_minutes": "10", "confirm": "1"})
    assert AuditEntry.objects.count() == before


def test_the_read_page_and_the_413_say_nothing_in_japanese_in_english(manager: Any, settings: Any) -> None:
    from madoguchi.ui.tests.test_english_pages import english, japanese_in, report

    client = english(manager)
    upload(client, csv_bytes(SMALL), "inventory.csv")
    read = InventoryRead.objects.get()
    found: dict[str, list[str]] = {}
    for status in ("queued", "running", "interrupted", "failed"):
        InventoryRead.objects.filter(pk=read.pk).update(status=status)
        page = client.get(reverse("screening:read", args=[read.pk]))
        if left := japanese_in(page.content.decode()):
            found[status] = left
    settings.MADOGUCHI_INVENTORY_MAX_BYTES = 10
    too_large = upload(client, csv_bytes(SMALL))
    assert too_large.status_code == 413
    if left := japanese_in(too_large.content.decode()):
        found["413"] = left
    assert not found, report(found)
