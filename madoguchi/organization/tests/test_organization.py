from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from madoguchi.audit.chain import SystemActor
from madoguchi.audit.models import AuditEntry
from madoguchi.organization.actions import do_upsert_department, do_upsert_queue
from madoguchi.organization.models import Department, Office
from madoguchi.staff.permissions import CapabilityDenied
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db


def test_upsert_audits_only_real_changes(demo_city: None) -> None:
    actor = SystemActor("test")
    before = AuditEntry.objects.count()
    do_upsert_department(
        actor, code="kodomo", name_ja="こども家庭課", name_en="Child and Family", sort_order=3
    )
    assert AuditEntry.objects.count() == before
    do_upsert_department(
        actor, code="kodomo", name_ja="こども未来課", name_en="Child and Family", sort_order=3
    )
    entry = AuditEntry.objects.get(action="organization.department.update")
    assert entry.summary["before"]["name_ja"] == "こども家庭課"
    assert entry.summary["after"]["name_ja"] == "こども未来課"


def test_invalid_codes_are_refused_with_the_field(demo_city: None) -> None:
    with pytest.raises(ValidationError) as raised:
        do_upsert_department(SystemActor("test"), code="Bad Code", name_ja="x")
    assert "code" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        do_upsert_queue(
            SystemActor("test"),
            office=Office.objects.get(code="chuo"),
            code="extra",
            kind="department",
            name_ja="重複",
            ticket_prefix="A",  # the one-stop queue's prefix
        )
    assert "__all__" in raised.value.message_dict


def test_organisation_changes_need_the_capability(staff_of: Any) -> None:
    with pytest.raises(CapabilityDenied):
        do_upsert_department(staff_of(Role.MANAGER), code="new", name_ja="新しい課")
    assert not Department.objects.filter(code="new").exists()
    do_upsert_department(staff_of(Role.ADMINISTRATOR), code="new", name_ja="新しい課")
    assert AuditEntry.objects.filter(action="organization.department.create").latest("id").actor == "admin"


def test_offices_overview(staff_of: Any, signed_in: Any) -> None:
    html = signed_in(staff_of(Role.MANAGER)).get(reverse("organization:offices")).content.decode()
    assert "中央区役所" in html
    assert "南区役所 浜支所" in html
    assert "one-stop" in html
    assert signed_in(staff_of(Role.CONTRACTOR_CLERK)).get(reverse("organization:offices")).status_code == 403


def test_admin_site_edits_are_audited_and_limited_to_administrators(staff_of: Any, signed_in: Any) -> None:
    office = Office.objects.get(code="kita")
    url = reverse("admin:organization_office_change", args=[office.pk])
    manager = signed_in(staff_of(Role.MANAGER))
    assert manager.get(url).status_code in {302, 403}
    admin = signed_in(staff_of(Role.ADMINISTRATOR))
    assert admin.get(url).status_code == 200
    data = {
        "name_ja": "北区役所（新庁舎）",
        "name_en": office.name_en,
        "code": office.code,
        "kind": office.kind,
        "parent": "",
        "address": office.address,
        "sort_order": office.sort_order,
    }
    assert admin.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(action="organization.office.update")
    assert entry.actor == "admin"
    assert entry.summary["via"] == "admin"
    assert entry.summary["after"]["name_ja"] == "北区役所（新庁舎）"
    manager_post = manager.post(url, {**data, "name_ja": "乗っ取り"})
    assert manager_post.status_code in {302, 403}
    assert Office.objects.get(code="kita").name_ja == "北区役所（新庁舎）"
