"""Appending to and verifying the hash chain of the audit log."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from django.db import models, transaction
from django.utils import timezone

from madoguchi.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry

# Keys whose values never enter the log, whatever the caller passes.
SECRET_KEY_PATTERN = re.compile(r"password|secret|token|my_?number|kojin_?bango|key", re.IGNORECASE)
REDACTED = "[redacted]"


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


def redact(value: Any) -> Any:
    """A copy of `value` with secret-looking keys replaced, at any depth."""
    if isinstance(value, Mapping):
        return {
            str(key): REDACTED if SECRET_KEY_PATTERN.search(str(key)) else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


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
        seq=entry.seq,
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
    """Append one entry. Call it inside the action's transaction so that both commit or neither does."""
    summary: dict[str, Any] = {}
    if before is not None:
        summary["before"] = redact(before)
    if after is not None:
        summary["after"] = redact(after)
    if reason:
        summary["reason"] = reason
    if extra:
        summary.update(redact(extra))
    # Round-trip through JSON so that the hash is computed over exactly what the database returns.
    summary = json.loads(json.dumps(summary, ensure_ascii=False))
    target_type = target._meta.label_lower if target is not None else ""
    target_id = str(target.pk) if target is not None else ""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        created_at = timezone.now()
        seq = head.seq + 1
        values: dict[str, Any] = {
            "seq": seq,
            "created_at": created_at,
            "actor": actor.audit_name[:150],
            "role": actor.audit_role,
            "office": actor.audit_office,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "summary": summary,
            "prev_hash": head.hash,
        }
        digest = entry_hash(**values)
        entry = AuditEntry.objects.create(hash=digest, **values)
        head.seq, head.hash = seq, digest
        head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str  # "changed", "missing", "relinked", "tail_missing"
    message: str


@dataclass(frozen=True)
class ChainReport:
    entries_checked: int
    problems: tuple[ChainProblem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problems


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


def verify_chain() -> ChainReport:
    """Recompute every hash and link; report each entry that was changed, deleted or re-linked."""
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in _entries():
        checked += 1
        if entry.seq != expected_seq:
            first, last = expected_seq, entry.seq - 1
            span = f"{first}" if first == last else f"{first}–{last}"
            problems.append(ChainProblem(first, "missing", f"entry {span} missing (deleted)"))
        elif entry.prev_hash != prev_hash:
            problems.append(
                ChainProblem(
                    entry.seq,
                    "relinked",
                    f"entry {entry.seq}: link to entry {entry.seq - 1} broken "
                    f"(entry {entry.seq - 1} was rewritten)",
                )
            )
        if _hash_of(entry) != entry.hash:
            problems.append(ChainProblem(entry.seq, "changed", f"entry {entry.seq}: content changed"))
        expected_seq = entry.seq + 1
        prev_hash = entry.hash
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.seq >= expected_seq:
        span = f"{expected_seq}" if head.seq == expected_seq else f"{expected_seq}–{head.seq}"
        problems.append(ChainProblem(expected_seq, "tail_missing", f"entry {span} missing (deleted)"))
    elif head is not None and head.seq == expected_seq - 1 and head.hash != prev_hash and checked:
        problems.append(ChainProblem(head.seq, "changed", f"entry {head.seq}: does not match the chain head"))
    return ChainReport(entries_checked=checked, problems=tuple(problems))


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` for a before/after summary; related records by their code or key."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        values[name] = getattr(value, "code", value.pk) if isinstance(value, models.Model) else value
    return values
