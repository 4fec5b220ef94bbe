"""Writes of the screening tool: keeping a manager's uploaded inventory, and marking the catalog."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from madoguchi.audit.chain import AuditActor, record
from madoguchi.catalog.actions import bump_version
from madoguchi.catalog.models import Procedure
from madoguchi.screening.inventory import Inventory
from madoguchi.screening.models import InventoryUpload
from madoguchi.staff.models import Staff
from madoguchi.staff.permissions import require
from madoguchi.staff.roles import EDIT_CATALOG, PLAN_OPERATIONS
from madoguchi.transactions import atomic_action, lock


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
