"""Appending to, sealing and verifying the hash chain of the audit log.

Actions append entries without taking any lock. The sealer chains committed entries in the order it
sees them, under the one head row, in short transactions of its own, and writes each new head to the
witness: a file outside the database (`MADOGUCHI_AUDIT_WITNESS`) that remembers how far the chain
reached, so that a deleted tail, a wiped or truncated table, or a rebuilt chain is detected even by
someone who also rewound the head row. See docs/architecture.md, "The audit chain".
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from django.db import connection, models, transaction
from django.utils import timezone

from madoguchi.audit import witness
from madoguchi.audit.events import event_type
from madoguchi.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry

# Keys whose values never enter the log, whatever the caller passes.
SECRET_KEY_PATTERN = re.compile(r"password|secret|token|my_?number|kojin_?bango|key", re.IGNORECASE)
REDACTED = "[redacted]"
# Twelve digits (half- or full-width) in a row or grouped 4-4-4 by one and the same space or hyphen, that no
# letter or digit touches: how a 個人番号 is typed. A person's free text (a reason, a note) can carry one;
# the log keeps the words and never the number. Hex digests, longer numbers (a 法人番号 has 13 digits) and
# other groupings (a case number's date and sequence, chuo-20261205-0001) are left alone, and so are the
# parts of a hyphenated identifier: a UUID's last group can be twelve digits (about 1 in 280), and its
# middle groups can read 4-4-4; neither is a number someone typed.
MY_NUMBER_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9A-Za-z][\-‐－])"
    r"\d{4}([ \-‐－　]?)\d{4}\1\d{4}"
    r"(?![0-9A-Za-z])(?![\-‐－][0-9A-Za-z])"
)
MY_NUMBER_HIDDEN = "[個人番号]"


class AuditActor(Protocol):
    """Who did it: a staff member or a system process (a management command, a background task)."""

    @property
    def audit_name(self) -> str: ...

    @property
    def audit_role(self) -> str: ...

    @property
    def audit_office(self) -> str: ...


@dataclass(frozen=True)
class SystemActor:
    """A process run by the operator on the server, e.g. `madoguchi demo`."""

    name: str

    @property
    def audit_name(self) -> str:
        return f"system:{self.name}"

    @property
    def audit_role(self) -> str:
        return "system"

    @property
    def audit_office(self) -> str:
        return ""


def scrub(text: str) -> str:
    """`text` with anything typed like a 個人番号 replaced."""
    return MY_NUMBER_IN_TEXT.sub(MY_NUMBER_HIDDEN, text)


def redact(value: Any) -> Any:
    """A copy of `value` with secret-looking keys replaced, and anything typed like a 個人番号 hidden in its
    text, at any depth."""
    if isinstance(value, Mapping):
        return {
            str(key): REDACTED if SECRET_KEY_PATTERN.search(str(key)) else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return scrub(value)
    if value is None or isinstance(value, int | float | bool):
        return value
    return scrub(str(value))


def entry_hash(
    *,
    seq: int,
    created_at: datetime,
    actor: str,
    role: str,
    office: str,
    action: str,
    target_type: str,
    target_id: str,
    summary: Any,
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON of the entry's content and the previous hash."""
    canonical = json.dumps(
        {
            "seq": seq,
            "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor,
            "role": role,
            "office": office,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "summary": summary,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _hash_of(entry: AuditEntry) -> str:
    return entry_hash(
        seq=int(entry.seq or 0),
        created_at=entry.created_at,
        actor=entry.actor,
        role=entry.role,
        office=entry.office,
        action=entry.action,
        target_type=entry.target_type,
        target_id=entry.target_id,
        summary=entry.summary,
        prev_hash=entry.prev_hash,
    )


def record(
    actor: AuditActor,
    action: str,
    target: models.Model | None = None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    extra: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one unsealed entry. Call it inside the action's transaction so that both commit or neither.

    No lock is taken: the sealer (`seal_pending`) chains committed entries later, in a short transaction
    of its own, so that no write of the city waits for another one's audit entry. Raises
    UnregisteredAuditEvent for an `action` no app registered (see `madoguchi.audit.events`).
    """
    event_type(action)
    summary: dict[str, Any] = {}
    if before is not None:
        summary["before"] = redact(before)
    if after is not None:
        summary["after"] = redact(after)
    if reason:
        summary["reason"] = scrub(reason)
    if extra:
        summary.update(redact(extra))
    # Round-trip through JSON so that the hash is computed over exactly what the database returns.
    summary = json.loads(json.dumps(summary, ensure_ascii=False))
    return AuditEntry.objects.create(
        created_at=timezone.now(),
        actor=actor.audit_name[:150],
        role=actor.audit_role,
        office=actor.audit_office,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary,
    )


SEAL_BATCH = 1000  # entries chained per sealing transaction


def seal_pending(*, limit: int | None = None, wait: bool = True) -> int:
    """Chain every committed unsealed entry in the order the sealer sees them; the number sealed.

    Runs in its own short transaction per batch (the head row is the only lock, held for one batch) and
    then appends the new head to the witness outside the database. Called by the task workers about once
    a second and by `madoguchi audit verify`. With `wait=False` it returns at once when another sealer
    holds the head (the periodic sealer of several processes).
    """
    sealed = 0
    while limit is None or sealed < limit:
        batch = SEAL_BATCH if limit is None else min(SEAL_BATCH, limit - sealed)
        count, head = _seal_batch(batch, wait=wait)
        sealed += count
        if head is not None:
            seq, digest = head
            if connection.in_atomic_block:
                transaction.on_commit(functools.partial(witness.append, seq, digest))
            else:
                witness.append(seq, digest)
        if count < batch:
            break
    return sealed


def _seal_batch(size: int, *, wait: bool) -> tuple[int, tuple[int, str] | None]:
    with transaction.atomic():
        found = AuditChainHead.objects.select_for_update(skip_locked=not wait).filter(id=1).first()
        if found is None and AuditChainHead.objects.filter(id=1).exists():
            return 0, None  # another sealer is at work
        head = found or AuditChainHead.objects.select_for_update().get_or_create(id=1)[0]
        # Read after the lock: a sealer that held it before us has committed, and its entries read sealed.
        pending = list(AuditEntry.objects.filter(hash__isnull=True).order_by("id")[:size])
        if not pending:
            return 0, None
        seq, prev_hash = head.seq, head.hash
        rows: list[tuple[int, str, str, int]] = []
        for entry in pending:
            seq += 1
            entry.seq, entry.prev_hash = seq, prev_hash
            digest = _hash_of(entry)
            rows.append((seq, prev_hash, digest, entry.pk))
            prev_hash = digest
        table = connection.ops.quote_name(AuditEntry._meta.db_table)
        with connection.cursor() as cursor:
            # The append-only trigger lets exactly this through: an unsealed row gets its place, once.
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND hash IS NULL",  # noqa: S608
                rows,
            )
        head.seq, head.hash = seq, prev_hash
        head.save(update_fields=["seq", "hash"])
    return len(rows), (seq, prev_hash)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str  # "changed", "missing", "relinked", "tail_missing", "head", "truncated", "witness"
    message: str


@dataclass(frozen=True)
class ChainReport:
    entries_checked: int
    problems: tuple[ChainProblem, ...] = field(default_factory=tuple)
    unsealed: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000)


def _span(first: int, last: int) -> str:
    return f"{first}" if first == last else f"{first}–{last}"


def verify_chain(*, seal: bool = True) -> ChainReport:
    """Seal what is pending, then recompute every hash and link and compare the end of the chain with
    the head row and with the witness outside the database.

    Reports each entry that was changed, deleted or re-linked, a deleted tail even when the head row was
    rewound with it, and a wiped or truncated table (the witness remembers how far the chain reached).
    """
    if seal:
        seal_pending()
    checkpoints, witness_problems = witness.read()
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in _entries():
        checked += 1
        seq = int(entry.seq or 0)  # _entries() reads sealed entries only
        if seq != expected_seq:
            problems.append(
                ChainProblem(
                    expected_seq, "missing", f"entry {_span(expected_seq, seq - 1)} missing (deleted)"
                )
            )
        elif entry.prev_hash != prev_hash:
            problems.append(
                ChainProblem(
                    seq,
                    "relinked",
                    f"entry {seq}: link to entry {seq - 1} broken (entry {seq - 1} was rewritten)",
                )
            )
        if _hash_of(entry) != entry.hash:
            problems.append(ChainProblem(seq, "changed", f"entry {seq}: content changed"))
        witnessed = checkpoints.get(seq)
        if witnessed is not None and witnessed != entry.hash:
            problems.append(
                ChainProblem(
                    seq,
                    "witness",
                    f"entry {seq}: differs from the witness (the chain was rebuilt)",
                )
            )
        expected_seq = seq + 1
        prev_hash = entry.hash or ""
    last = expected_seq - 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.seq > last:
        problems.append(
            ChainProblem(last + 1, "tail_missing", f"entry {_span(last + 1, head.seq)} missing (deleted)")
        )
    elif head is not None and head.seq < last:
        problems.append(
            ChainProblem(
                head.seq, "head", f"the chain head points at entry {head.seq}, the chain ends at {last}"
            )
        )
    elif head is not None and checked and head.hash != prev_hash:
        problems.append(ChainProblem(head.seq, "changed", f"entry {head.seq}: does not match the chain head"))
    witnessed_end = max(checkpoints, default=0)
    if witnessed_end > last and not any(p.kind == "tail_missing" for p in problems):
        problems.append(
            ChainProblem(
                last + 1,
                "truncated",
                f"entry {_span(last + 1, witnessed_end)} missing: the witness saw the chain reach "
                f"entry {witnessed_end} (deleted, wiped or truncated)",
            )
        )
    if checked and not checkpoints and not witness_problems:
        problems.append(
            ChainProblem(
                last, "witness", f"no witness at {witness.path()}: the end of the log cannot be checked"
            )
        )
    problems.extend(ChainProblem(0, "witness", message) for message in witness_problems)
    unsealed = AuditEntry.objects.filter(hash__isnull=True).count()
    return ChainReport(entries_checked=checked, problems=tuple(problems), unsealed=unsealed)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` for a before/after summary; related records by their code or key."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        values[name] = getattr(value, "code", value.pk) if isinstance(value, models.Model) else value
    return values
