"""The managers' screening page: upload, criteria, exports, catalog marking and who may open it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from madoguchi.audit.models import AuditEntry
from madoguchi.catalog.models import Procedure
from madoguchi.screening.models import InventoryUpload
from madoguchi.screening.tests.factories import SMALL, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

PAGE = reverse("screening:page")


def upload(client: Any, data: bytes, name: str = "inventory.csv") -> Any:
    return client.post(reverse("screening:upload"), {"file": SimpleUploadedFile(name, data)})


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
    # then
    assert response.status_code == 302
    stored = InventoryUpload.objects.get(staff=staff_of("manager"))
    assert (stored.rows_read, len(stored.operations), stored.source_name) == (6, 5, "棚卸.xlsx")
    assert AuditEntry.objects.filter(action="screening.inventory.upload").count() == 1
    page = manager.get(PAGE).content.decode()
    assert '<p class="stat" id="selected-count">1</p>' in page
    assert '<p class="stat" id="share">20.0%</p>' in page
    assert "住民票の写しの交付" in page
    assert "「最高」" in page  # the rejected row with its reason
    assert "<svg" in page
    assert "chart__point--selected" in page
    assert "chart__bar--selected" in page


def test_criteria_change_the_selection(manager: Any) -> None:
    upload(manager, csv_bytes(SMALL))
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
        (csv_bytes([["a", "b"]], header=["業務コード", "業務名"]), "x.csv", "必須の列がありません"),
        (b"PK\x03\x04broken", "x.xlsx", ".xlsx"),
        (csv_bytes(SMALL, encoding="euc_jp"), "x.csv", "文字コード"),
    ],
)
def test_a_file_that_is_not_a_table_is_a_400_with_the_message(
    manager: Any, staff_of: Any, data: bytes, name: str, message: str
) -> None:
    response = upload(manager, data, name)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert message in html
    assert not InventoryUpload.objects.filter(staff=staff_of("manager")).exists()


def test_export_csv_with_bom_and_xlsx(manager: Any) -> None:
    upload(manager, csv_bytes(SMALL))
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
