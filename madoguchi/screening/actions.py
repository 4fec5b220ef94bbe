"""Writes of the screening tool: keeping a manager's uploaded inventory, and marking the catalog."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from madoguchi.audit.chain import AuditActor, record
from madoguchi.catalog.actions import bump_version
from madoguchi.catalog.models import Procedure
from madoguchi.screening.inventory import Inventory, InventoryError, Limits, detect_format, read_inventory
from madoguchi.screening.models import InventoryRead, InventoryUpload
from madoguchi.screening.states import READ
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import EDIT_CATALOG, PLAN_OPERATIONS
from madoguchi.transactions import atomic_action, lock

logger = logging.getLogger("madoguchi.screening")

READ_TASK = "screening.read_inventory"
PROGRESS_SAVE_SECONDS = 0.5


def inventory_limits() -> Limits:
    """The limits of an uploaded inventory, from the settings."""
    return Limits(
        max_bytes=settings.MADOGUCHI_INVENTORY_MAX_BYTES, max_rows=settings.MADOGUCHI_INVENTORY_MAX_ROWS
    )


@atomic_action
def do_queue_inventory_read(actor: Staff, *, data: bytes, filename: str) -> InventoryRead:
    """Keep the uploaded file and queue the task reading it; InventoryError at once for a file that cannot
    be an inventory (too large, not CSV or .xlsx, a hostile .xlsx, an unknown encoding)."""
    from madoguchi.tasks.queue import enqueue

    require(actor, PLAN_OPERATIONS)
    detect_format(data, filename, inventory_limits())
    # One waiting file per manager: an earlier one not yet being read, or already read, is dropped.
    InventoryRead.objects.filter(staff=actor).exclude(status=InventoryRead.Status.RUNNING).delete()
    read = InventoryRead.objects.create(staff=actor, source_name=filename[:200], content=data, size=len(data))
    read.task = enqueue(READ_TASK, max_attempts=1, read_id=str(read.pk))
    read.save(update_fields=["task"])
    return read


def read_queued_inventory(
    read_id: str, report_progress: Callable[[float, str], None] | None = None
) -> dict[str, Any]:
    """Read a queued file and store its inventory as the manager's (the body of the read task)."""
    read = InventoryRead.objects.select_related("staff").filter(pk=read_id).first()
    if read is None:
        return {"read": read_id, "skipped": "gone"}  # replaced by a newer upload before it was read
    this_read = InventoryRead.objects.filter(pk=read.pk)
    if not READ.update(this_read, "start", timezone.now()):
        return {"read": read_id, "skipped": read.status}
    saved_at = [0.0]

    def progress(rows: int, fraction: float) -> None:
        if report_progress is not None:
            report_progress(fraction, f"{rows} rows")
        now = time.monotonic()
        if now - saved_at[0] >= PROGRESS_SAVE_SECONDS:
            saved_at[0] = now
            this_read.update(rows_read=rows, progress=round(fraction, 3))

    try:
        inventory = read_inventory(
            bytes(read.content), read.source_name, limits=inventory_limits(), progress=progress
        )
        do_store_inventory(read.staff, inventory)
    except InventoryError as error:
        READ.update(this_read, "fail", timezone.now(), error=error.message, content=b"")
        return {"read": read_id, "failed": True}
    except Exception:
        # the page says the file could not be read; the task keeps the traceback for the administrators
        READ.update(this_read, "fail", timezone.now(), error="", content=b"")
        raise
    READ.update(
        this_read,
        "finish",
        timezone.now(),
        progress=1.0,
        rows_read=inventory.rows_read,
        kept=inventory.kept,
        rejected_rows=inventory.rejected_row_count,
        content=b"",
    )
    return {"read": read_id, "rows": inventory.rows_read}


def do_interrupt_lost_reads() -> int:
    """Mark interrupted every unfinished read whose task the queue gave up; the number marked."""
    from madoguchi.tasks.models import Task

    lost = InventoryRead.objects.filter(status__in=InventoryRead.ACTIVE).filter(
        Q(task__status=Task.Status.FAILED) | Q(task__isnull=True)
    )
    marked = 0
    for read_id, error in lost.values_list("pk", "task__error")[:100]:
        if READ.update(
            InventoryRead.objects.filter(pk=read_id),
            "interrupt",
            timezone.now(),
            content=b"",
        ):
            logger.warning(
                "inventory read interrupted",
                extra={"read_id": str(read_id), "task_error": (error or "")[-300:]},
            )
            marked += 1
    return marked


@atomic_action
def do_store_inventory(actor: Staff, inventory: Inventory) -> InventoryUpload:
    """Replace `actor`'s last inventory with this one (parsed rows only)."""
    require(actor, PLAN_OPERATIONS)
    upload, _created = InventoryUpload.objects.update_or_create(
        staff=actor,
        defaults={
            "source_name": inventory.source[:200],
            "operations": [o.as_dict() for o in inventory.operations],
            "rejected": [r.as_dict() for r in inventory.rejected],
            "rows_read": inventory.rows_read,
            "extra_headers": list(inventory.extra_headers),
        },
    )
    record(
        actor,
        "screening.inventory.upload",
        upload,
        after={
            "source": inventory.source,
            "rows_read": inventory.rows_read,
            "kept": inventory.kept,
            "rejected_rows": inventory.rejected_row_count,
        },
    )
    return upload


@dataclass(frozen=True)
class OneStopMarking:
    """What `do_mark_one_stop` did with each code of the selection."""

    marked: tuple[str, ...]  # department counter → one-stop
    already: tuple[str, ...]  # already one-stop
    refused: tuple[str, ...]  # external agencies or inactive procedures: left as they are
    unmatched: tuple[str, ...]  # no catalog procedure has this code

    @property
    def matched(self) -> tuple[str, ...]:
        return tuple(sorted((*self.marked, *self.already, *self.refused)))


def _classify(rows: Iterable[Procedure], wanted: list[str]) -> tuple[list[Procedure], OneStopMarking]:
    """The procedures to move, and what would happen to each code of `wanted`."""
    to_move: list[Procedure] = []
    already: list[str] = []
    refused: list[str] = []
    found = set()
    for row in rows:
        found.add(row.code)
        if row.counter == Procedure.Counter.ONE_STOP:
            already.append(row.code)
        elif row.counter == Procedure.Counter.EXTERNAL or not row.active:
            refused.append(row.code)
        else:
            to_move.append(row)
    return to_move, OneStopMarking(
        marked=tuple(row.code for row in to_move),
        already=tuple(already),
        refused=tuple(refused),
        unmatched=tuple(c for c in wanted if c not in found),
    )


def preview_one_stop(codes: Iterable[str]) -> tuple[list[Procedure], OneStopMarking]:
    """What `do_mark_one_stop` would do now, without writing: the procedures it would move (for the manager
    to read before confirming) and the marking it would report."""
    wanted = sorted(set(codes))
    return _classify(
        Procedure.objects.filter(code__in=wanted).select_related("department").order_by("code"), wanted
    )


@atomic_action
def do_mark_one_stop(actor: AuditActor, codes: Iterable[str], *, reason: str) -> OneStopMarking:
    """Move the catalog procedures whose code is in `codes` to the one-stop counter (総合窓口)."""
    require(actor, PLAN_OPERATIONS)
    require(actor, EDIT_CATALOG)
    wanted = sorted(set(codes))
    to_move, marking = _classify(lock(Procedure.objects.filter(code__in=wanted).order_by("code")), wanted)
    for row in to_move:
        before = {"counter": row.counter}
        row.counter = Procedure.Counter.ONE_STOP
        row.save(update_fields=["counter", "updated_at"])
        record(
            actor,
            "catalog.procedure.update",
            row,
            before=before,
            after={"counter": row.counter},
            reason=reason,
            extra={"via": "screening"},
        )
    if to_move:
        bump_version()
    return marking
