from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from madoguchi.audit import witness
from madoguchi.audit.chain import SystemActor, record, scrub, seal_pending, verify_chain
from madoguchi.audit.models import AuditChainHead, AuditEntry, AuditLogIsAppendOnly
from madoguchi.audit.tests import sample_events  # noqa: F401  (registers the test events)

pytestmark = pytest.mark.django_db

ACTOR = SystemActor("test")


@pytest.fixture(autouse=True)
def _witness_on_commit(django_capture_on_commit_callbacks: Any) -> Iterator[None]:
    """The sealer writes the witness after its commit; inside a test's transaction, run that at once."""
    global _capture
    _capture = django_capture_on_commit_callbacks
    yield
    _capture = None


_capture: Any = None


def seal() -> int:
    with _capture(execute=True):
        return seal_pending()


def write_entries(n: int) -> list[AuditEntry]:
    """`n` entries, sealed into the chain (as the task workers' sealer does about once a second)."""
    written = [record(ACTOR, "test.action", extra={"n": i}) for i in range(1, n + 1)]
    seal()
    return list(AuditEntry.objects.filter(pk__in=[e.pk for e in written]).order_by("id"))


def tamper(sql: str, params: list[object] | None = None) -> None:
    """What someone with database rights could do: drop the append-only trigger, then change rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry")
        cursor.execute(sql, params or [])


def test_entries_are_written_unsealed_and_chained_by_the_sealer() -> None:
    # given: migrate already wrote the role-group entries
    seal()
    before = AuditEntry.objects.count()
    # when
    written = record(ACTOR, "test.action")
    # then: the action's transaction took no lock on the chain; the entry waits for the sealer
    assert written.seq is None
    assert written.hash is None
    assert seal() == 1
    sealed = AuditEntry.objects.get(pk=written.pk)
    assert sealed.seq == before + 1
    assert sealed.prev_hash == AuditEntry.objects.get(seq=before).hash
    assert AuditChainHead.objects.get().hash == sealed.hash
    assert seal() == 0


def test_entries_form_a_chain() -> None:
    # given
    seal()
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


def test_verify_reports_a_deleted_tail_with_the_head_rewound() -> None:
    # given: the intruder deletes the newest entries and rewinds the head row to match what is left
    entries = write_entries(5)
    third, fifth = entries[2], entries[4]
    tamper("DELETE FROM audit_auditentry WHERE seq > %s", [third.seq])
    tamper("UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [third.seq, third.hash])
    # then: the chain is consistent in itself, but the witness saw it reach the fifth entry
    problems = verify_chain().problems
    assert [(p.seq, p.kind) for p in problems] == [(third.seq + 1, "truncated")]
    assert f"entry {third.seq + 1}–{fifth.seq} missing" in problems[0].message


@pytest.mark.parametrize("wipe", ["DELETE FROM audit_auditentry", "TRUNCATE"])
def test_verify_reports_a_wiped_or_truncated_log(wipe: str) -> None:
    # given
    last = write_entries(3)[-1]
    # when: every entry is gone and the head is back at the start
    if wipe == "TRUNCATE" and connection.vendor == "postgresql":
        tamper("TRUNCATE audit_auditentry")
    else:
        tamper("DELETE FROM audit_auditentry")
    tamper("DELETE FROM audit_auditchainhead")
    # then
    report = verify_chain()
    assert report.entries_checked == 0
    assert [(p.seq, p.kind) for p in report.problems] == [(1, "truncated")]
    assert f"entry 1–{last.seq} missing" in report.problems[0].message


def test_verify_reports_a_rebuilt_chain() -> None:
    # given: the intruder changes an entry and recomputes every hash after it, and the head
    from madoguchi.audit.chain import _hash_of

    entries = write_entries(3)
    tamper("UPDATE audit_auditentry SET actor = 'intruder' WHERE seq = %s", [entries[0].seq])
    prev = AuditEntry.objects.get(seq=entries[0].seq).prev_hash
    for entry in AuditEntry.objects.filter(seq__gte=entries[0].seq).order_by("id"):
        entry.prev_hash = prev
        digest = _hash_of(entry)
        tamper(
            "UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE id = %s", [prev, digest, entry.pk]
        )
        prev = digest
    tamper("UPDATE audit_auditchainhead SET hash = %s WHERE id = 1", [prev])
    # then: the chain checks out alone; the witness still remembers the real last hash
    kinds = {p.kind for p in verify_chain().problems}
    assert kinds == {"witness"}


def test_verify_reports_a_missing_witness() -> None:
    write_entries(2)
    witness.path().unlink()
    problems = verify_chain(seal=False).problems
    assert [p.kind for p in problems] == ["witness"]
    assert "no witness" in problems[0].message


def test_the_sealer_can_only_seal_and_the_trigger_refuses_a_second_seal() -> None:
    entry = write_entries(1)[0]
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET seq = seq + 1000 WHERE id = %s", [entry.pk])
    unsealed = record(ACTOR, "test.unsealed")
    seal()
    unsealed = record(ACTOR, "test.unsealed-2")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE audit_auditentry SET seq = 99999, hash = %s, actor = 'intruder' WHERE id = %s",
            ["f" * 64, unsealed.pk],
        )
    assert verify_chain().ok


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
    seal()
    assert verify_chain().ok
    assert verify_chain().unsealed == 0


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("本人申告の123456789018と照合", "本人申告の[個人番号]と照合"),
        ("番号 1234 5678 9018 を確認", "番号 [個人番号] を確認"),
        ("1234-5678-9018", "[個人番号]"),
        ("１２３４５６７８９０１８", "[個人番号]"),
        # not a My Number as typed: left as written
        ("chuo-20261205-0001", "chuo-20261205-0001"),  # a case number: date and sequence
        ("1234-56789018", "1234-56789018"),  # grouped otherwise
        ("1234567890123", "1234567890123"),  # 13 digits: a 法人番号
        ("090-1234-5678", "090-1234-5678"),
        ("sha 0123456789abcdef0123", "sha 0123456789abcdef0123"),
        # a UUID whose last group is twelve digits, or whose middle groups read 4-4-4 (a person's id)
        ("ff9c7cd0-64b2-4c1e-a9a6-208316051555", "ff9c7cd0-64b2-4c1e-a9a6-208316051555"),
        ("12345678-1234-5678-9012-abcdef012345", "12345678-1234-5678-9012-abcdef012345"),
        ("番号-123456789018", "番号-[個人番号]"),  # after a word, still typed
    ],
)
def test_a_my_number_typed_into_free_text_is_hidden_and_nothing_else(typed: str, kept: str) -> None:
    assert scrub(typed) == kept
