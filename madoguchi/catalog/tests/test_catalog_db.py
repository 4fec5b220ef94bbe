"""The catalog in the database: loading, a manager's edits in the admin, export back to YAML."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse

from madoguchi.audit.models import AuditEntry
from madoguchi.catalog.editing import document_lines
from madoguchi.catalog.models import CatalogVersion, Procedure
from madoguchi.catalog.service import current_catalog
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, Catalog, load_catalog
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db


def test_the_database_catalog_equals_the_yaml_one(demo_city: None) -> None:
    from_yaml = load_catalog(DEFAULT_CATALOG_DIR)
    from_db = current_catalog()
    assert [p.code for p in from_db.procedures] == [p.code for p in from_yaml.procedures]
    assert [r.source for p in from_db.procedures for r in p.rules] == [
        r.source for p in from_yaml.procedures for r in p.rules
    ]

    def texts(catalog: Catalog) -> list[tuple[object, ...]]:
        """Every catalog text, Japanese, English and やさしい日本語, as the engine reads it."""
        return [
            (
                p.name_ja,
                p.name_en,
                p.name_easy,
                [(r.reason, r.reason_en, r.reason_easy) for r in p.rules],
                p.documents,
                p.documents_en,
                p.documents_easy,
                p.deadline_note,
                p.deadline_note_en,
                p.deadline_note_easy,
            )
            for p in catalog.procedures
        ]

    assert texts(from_db) == texts(from_yaml)
    assert from_db.life_events == from_yaml.life_events


def test_export_and_reload_change_nothing(demo_city: None, tmp_path: Path) -> None:
    call_command("catalog", "export", str(tmp_path), stdout=io.StringIO())
    exported = load_catalog(tmp_path)
    assert len(exported.procedures) == len(load_catalog(DEFAULT_CATALOG_DIR).procedures)
    entries = AuditEntry.objects.count()
    out = io.StringIO()
    call_command("catalog", "load", str(tmp_path), stdout=out)
    assert "0 changed" in out.getvalue()
    assert AuditEntry.objects.count() == entries


def test_easy_japanese_texts_round_trip_through_export_and_load(demo_city: None, tmp_path: Path) -> None:
    # given: a procedure's easy texts changed in the database (as the editor or the admin would)
    row = Procedure.objects.get(code="tennyu-todoke")
    row.name_easy = "ひっこして きた ことを しらせる とどけ（転入届）【テスト】"
    row.deadline_note_easy = "14にち いないに だしてください【テスト】"
    row.rules[0]["reason"] = {"ja": "理由", "en": "Reason", "easy": "りゆう【テスト】"}
    row.documents = [{"ja": "本人確認書類", "easy": "あなたが だれか わかる もの【テスト】"}]
    row.save()
    # when: the catalog is exported to YAML and read back
    call_command("catalog", "export", str(tmp_path), stdout=io.StringIO())
    exported = load_catalog(tmp_path)
    # then: every easy text is in the YAML as it was stored
    procedure = exported.procedure("tennyu-todoke")
    assert procedure.name_easy == row.name_easy
    assert procedure.deadline_note_easy == row.deadline_note_easy
    assert procedure.rules[0].reason_easy == "りゆう【テスト】"
    assert procedure.documents_easy == ("あなたが だれか わかる もの【テスト】",)
    assert [e.name_easy for e in exported.life_events] == [
        e.name_easy for e in load_catalog(DEFAULT_CATALOG_DIR).life_events
    ]
    # and loading the repository's YAML back restores the default easy texts
    call_command("catalog", "load", str(DEFAULT_CATALOG_DIR), stdout=io.StringIO())
    restored = Procedure.objects.get(code="tennyu-todoke")
    assert restored.name_easy == load_catalog(DEFAULT_CATALOG_DIR).procedure("tennyu-todoke").name_easy


def test_a_broken_catalog_is_refused_with_file_and_line_and_nothing_changes(
    demo_city: None, tmp_path: Path
) -> None:
    shutil.copytree(DEFAULT_CATALOG_DIR, tmp_path / "catalog")
    broken = tmp_path / "catalog" / "procedures" / "kaigo.yaml"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(
        text.replace("member.age >= 65", "member.age >= 65 and member.agee > 1", 1), encoding="utf-8"
    )
    version = CatalogVersion.objects.get().number
    with pytest.raises(CommandError, match=r"kaigo\.yaml:\d+: unknown fact 'member\.agee'"):
        call_command("catalog", "load", str(tmp_path / "catalog"))
    assert CatalogVersion.objects.get().number == version


def admin_form(procedure: Procedure, **changes: Any) -> dict[str, Any]:
    data = {
        "code": procedure.code,
        "name_ja": procedure.name_ja,
        "name_en": procedure.name_en,
        "department": procedure.department_id,
        "counter": procedure.counter,
        "events": procedure.events,
        "concerns": procedure.concerns,
        "rules_text": yaml.safe_dump(procedure.rules, allow_unicode=True),
        "documents_text": document_lines(procedure.documents)[0],
        "documents_en_text": document_lines(procedure.documents)[1],
        "after_text": " ".join(procedure.after),
        "fee": procedure.fee if procedure.fee is not None else "",
        "minutes_base": procedure.minutes_base,
        "minutes_per_member": procedure.minutes_per_member,
        "deadline_days": procedure.deadline_days or "",
        "deadline_note": procedure.deadline_note,
        "online": "on" if procedure.online else "",
        "contractor_ok": "on" if procedure.contractor_ok else "",
        "order": procedure.order,
        "reference_title": procedure.reference_title,
        "reference_title_en": procedure.reference_title_en,
        "reference_title_easy": procedure.reference_title_easy,
        "reference_url": procedure.reference_url,
        "effective_from": procedure.effective_from or "",
        "effective_until": procedure.effective_until or "",
        "active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_manager_edits_a_rule_and_the_engine_uses_it(staff_of: Any, signed_in: Any) -> None:
    # given
    client = signed_in(staff_of(Role.MANAGER))
    procedure = Procedure.objects.get(code="kaigo-shikaku-shutoku")
    url = reverse("admin:catalog_procedure_change", args=[procedure.pk])
    assert client.get(url).status_code == 200
    version = CatalogVersion.objects.get().number
    # when: a rule with a typo is refused at the field, nothing is saved
    bad = yaml.safe_dump(
        [{"when": "member.is_subject and member.agee >= 65", "reason": "x"}], allow_unicode=True
    )
    response = client.post(url, admin_form(procedure, rules_text=bad))
    assert response.status_code == 200
    assert "unknown fact &#x27;member.agee&#x27;" in response.content.decode()
    assert Procedure.objects.get(pk=procedure.pk).rules == procedure.rules
    # when: a valid change is saved
    good = [{"when": 'event == "tennyu" and member.is_subject and member.age >= 60', "reason": "試行"}]
    response = client.post(url, admin_form(procedure, rules_text=yaml.safe_dump(good, allow_unicode=True)))
    # then
    assert response.status_code == 302
    assert Procedure.objects.get(pk=procedure.pk).rules == good
    assert CatalogVersion.objects.get().number == version + 1
    assert AuditEntry.objects.filter(action="catalog.procedure.update", actor="manager").exists()
    rule = current_catalog().procedure("kaigo-shikaku-shutoku").rules[0]
    assert rule.source == good[0]["when"]


@pytest.mark.parametrize("role", [Role.CONTRACTOR_CLERK, Role.ONESTOP_CLERK, Role.ADMINISTRATOR])
def test_other_roles_cannot_edit_the_catalog(staff_of: Any, signed_in: Any, role: Role) -> None:
    procedure = Procedure.objects.get(code="kaigo-shikaku-shutoku")
    url = reverse("admin:catalog_procedure_change", args=[procedure.pk])
    client = signed_in(staff_of(role))
    response = client.post(url, admin_form(procedure, name_ja="書き換え"))
    assert response.status_code in {302, 403}
    assert Procedure.objects.get(pk=procedure.pk).name_ja == procedure.name_ja
