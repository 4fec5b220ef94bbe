from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from madoguchi.audit.chain import SystemActor, record, verify_chain
from madoguchi.audit.models import AuditEntry, AuditLogIsAppendOnly

pytestmark = pytest.mark.django_db

ACTOR = SystemActor("test")


def write_entries(n: int) -> list[AuditEntry]:
    return [record(ACTOR, "test.action", extra={"n": i}) for i in range(1, n + 1)]


def tamper(sql: str, params: list[object]) -> None:
    """What someone with database rights could do: drop the append-only trigger, then change rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry")
        cursor.execute(sql, params)


def test_entries_form_a_chain() -> None:
    # given: migrate already wrote the role-group entries
    before = AuditEntry.objects.count()
    # when
    entries = write_entries(3)
    # then
    assert [e.seq for e in entries] == [before + 1, before + 2, before + 3]
    first = AuditEntry.objects.get(seq=1)
    assert first.prev_hash == "0" * 64
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert verify_chain().ok
    assert verify_chain().entries_checked == before + 3


def test_secrets_never_enter_the_log() -> None:
    entry = record(
        ACTOR,
        "test.secret",
        after={"username": "clerk", "password": "hunter2-hunter2", "nested": {"my_number": "123456789018"}},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.summary["after"]["username"] == "clerk"
    assert stored.summary["after"]["password"] == "[redacted]"
    assert stored.summary["after"]["nested"]["my_number"] == "[redacted]"
    assert "hunter2" not in str(stored.summary)


def test_verify_reports_the_changed_entry() -> None:
    # given
    third = write_entries(5)[2]
    # when
    tamper("UPDATE audit_auditentry SET actor = %s WHERE seq = %s", ["intruder", third.seq])
    # then
    report = verify_chain()
    assert not report.ok
    assert [(p.seq, p.kind) for p in report.problems] == [(third.seq, "changed")]
    assert report.problems[0].message == f"entry {third.seq}: content changed"
    with pytest.raises(CommandError, match="audit chain broken") as raised:
        call_command("audit", "verify")
    assert raised.value.returncode == 1


def test_verify_reports_a_changed_summary() -> None:
    second = write_entries(4)[1]
    tamper("UPDATE audit_auditentry SET summary = %s WHERE seq = %s", ['{"n": 99}', second.seq])
    assert [(p.seq, p.kind) for p in verify_chain().problems] == [(second.seq, "changed")]


def test_verify_reports_a_deleted_entry() -> None:
    second = write_entries(5)[1]
    tamper("DELETE FROM audit_auditentry WHERE seq = %s", [second.seq])
    problems = verify_chain().problems
    assert [(p.seq, p.kind) for p in problems] == [(second.seq, "missing")]
    assert problems[0].message == f"entry {second.seq} missing (deleted)"


def test_verify_reports_a_deleted_tail() -> None:
    entries = write_entries(5)
    fourth, fifth = entries[3].seq, entries[4].seq
    tamper("DELETE FROM audit_auditentry WHERE seq >= %s", [fourth])
    problems = verify_chain().problems
    assert [(p.seq, p.kind) for p in problems] == [(fourth, "tail_missing")]
    assert problems[0].message == f"entry {fourth}–{fifth} missing (deleted)"


def test_verify_reports_a_rewritten_entry_with_a_recomputed_hash() -> None:
    # given: the intruder changes entry 2 and recomputes its hash so that entry 2 checks out alone
    from madoguchi.audit.chain import entry_hash

    entries = write_entries(4)
    second = entries[1]
    forged = entry_hash(
        seq=second.seq,
        created_at=second.created_at,
        actor="intruder",
        role=second.role,
        office=second.office,
        action=second.action,
        target_type="",
        target_id="",
        summary=second.summary,
        prev_hash=second.prev_hash,
    )
    tamper(
        "UPDATE audit_auditentry SET actor = %s, hash = %s WHERE seq = %s", ["intruder", forged, second.seq]
    )
    # then: the link from the next entry no longer matches, and the report names the rewritten one
    problems = verify_chain().problems
    assert [(p.seq, p.kind) for p in problems] == [(second.seq + 1, "relinked")]
    assert f"entry {second.seq} was rewritten" in problems[0].message


def test_verify_command_on_an_intact_chain(capsys: pytest.CaptureFixture[str]) -> None:
    write_entries(2)
    call_command("audit", "verify")
    assert f"{AuditEntry.objects.count()} entries verified" in capsys.readouterr().out


def test_entries_cannot_be_changed_or_deleted_through_the_orm() -> None:
    entry = write_entries(1)[0]
    entry.actor = "someone else"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(actor="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()


def test_database_trigger_refuses_raw_updates() -> None:
    write_entries(1)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET actor = 'x'")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditentry")
    assert verify_chain().ok


def doomed_action() -> None:
    with transaction.atomic():
        record(ACTOR, "test.doomed")
        raise RuntimeError("the action failed after writing its audit entry")


def test_entry_rolls_back_with_the_action() -> None:
    write_entries(1)
    with pytest.raises(RuntimeError):
        doomed_action()
    assert not AuditEntry.objects.filter(action="test.doomed").exists()
    # the next entry continues the chain without a gap
    record(ACTOR, "test.after")
    assert verify_chain().ok
