"""What a form definition shows for one case (texts, ticks, table rows) and what it costs by hand."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from madoguchi.printing.casefile import Member
from madoguchi.printing.forms import Check, Column, Field, FormDefinition, Option, Table
from madoguchi.printing.values import Sheet, format_value
from madoguchi.rules.expressions import Compiled, Context


def _context(sheet: Sheet, member: Member | None = None) -> Context:
    household = sheet.household
    ctx = Context(household.event_facts, household.household, household.members)
    if member is not None:
        ctx.member = sheet.facts(member)
    return ctx


def holds(condition: Compiled, sheet: Sheet, member: Member | None = None) -> bool:
    """A condition of the rules language; an unknown fact counts as not holding (the box stays empty)."""
    return condition(_context(sheet, member)) is True


def table_members(table: Table, sheet: Sheet) -> list[Member]:
    """The members a table prints one row for."""
    case = sheet.case
    members: Sequence[Member]
    if table.rows == "members":
        members = case.members
    elif table.rows == "subjects":
        members = [case.member(member_id) for member_id in case.subject_ids]
    else:
        members = sheet.rows
    if table.where is None:
        return list(members)
    return [member for member in members if holds(table.where, sheet, member)]


def _notifier_is(who: str, sheet: Sheet) -> bool:
    case = sheet.case
    head = case.head is not None and case.notifier_id == case.head.id
    subject = case.notifier_id in case.subject_ids
    return {"head": head, "subject": subject, "other": not head and not subject}[who]


def _ticked(option: Option, sheet: Sheet) -> bool:
    if option.holds is not None:
        return holds(option.holds, sheet)
    if option.notifier:
        return _notifier_is(option.notifier, sheet)
    return any(p.code == option.procedure for p in sheet.procedures)


def ticks(check: Check, sheet: Sheet) -> list[bool]:
    """Which boxes of a check group are ticked."""
    return [_ticked(option, sheet) for option in check.options]


def field_text(item: Field, sheet: Sheet, *, wareki: bool) -> tuple[str, str]:
    """The value and the furigana a field prints."""
    if item.get is None:
        return item.text, ""
    value = format_value(item.get(sheet, None), wareki=wareki)
    furigana = format_value(item.furigana(sheet, None), wareki=wareki) if item.furigana else ""
    return value, furigana


def cell_text(column: Column, sheet: Sheet, member: Member, *, wareki: bool) -> tuple[str, str]:
    """The value and the furigana of a table cell (empty for a check or a blank column)."""
    value = format_value(column.get(sheet, member), wareki=wareki) if column.get else ""
    furigana = format_value(column.furigana(sheet, member), wareki=wareki) if column.furigana else ""
    return value, furigana


@dataclass(frozen=True)
class Entries:
    """Handwritten entries of one paper form for one case."""

    written: int  # everything the resident would have written by hand, the signature included
    blank: int = 0  # of those, the ones the case file has no data for: printed blank
    blank_labels: tuple[str, ...] = ()  # what the blank entries are, e.g. "振込先（認定請求の方）：口座番号"


def handwritten_entries(form: FormDefinition, sheet: Sheet) -> Entries:
    """What the resident would have written by hand on the paper form (the rule is in forms.py)."""
    written = 1 if form.signed else 0
    blanks: list[str] = []
    for section in form.sections:
        where = f"{section.title}：" if section.title else ""
        for item in section.items:
            if not item.handwritten:
                continue
            if isinstance(item, Check):
                written += sum(ticks(item, sheet))
                continue
            value, furigana = ("", "") if item.blank else field_text(item, sheet, wareki=form.wareki)
            if item.blank or (item.required and not value):
                written += 1
                blanks.append(where + item.label)
            else:
                written += bool(value) + bool(furigana)
        if section.table is None:
            continue
        members = table_members(section.table, sheet)
        for column in section.table.columns:
            if not column.handwritten:
                continue
            for member in members:
                if column.check is not None:
                    written += holds(column.check, sheet, member)
                    continue
                value, furigana = (
                    ("", "") if column.blank else cell_text(column, sheet, member, wareki=form.wareki)
                )
                if column.blank or (column.required and not value):
                    written += 1
                    blanks.append(f"{where}{column.label}（{member.family_name} {member.given_name}）")
                else:
                    written += bool(value) + bool(furigana)
    return Entries(written, len(blanks), tuple(blanks))


def fingerprint(form: FormDefinition, sheet: Sheet) -> str:
    """The SHA-256 of everything the form prints for this case (texts, ticks, table cells, procedures):
    two versions of a submission need a new signature on a form only where its fingerprint changed."""
    printed: list[object] = [form.name, [p.code for p in sheet.procedures], [m.id for m in sheet.rows]]
    for section in form.sections:
        for item in section.items:
            if isinstance(item, Check):
                printed.append(ticks(item, sheet))
            elif not item.blank:
                printed.append(field_text(item, sheet, wareki=form.wareki))
        if section.table is None:
            continue
        for member in table_members(section.table, sheet):
            for column in section.table.columns:
                if column.check is not None:
                    printed.append(holds(column.check, sheet, member))
                elif not column.blank:
                    printed.append(cell_text(column, sheet, member, wareki=form.wareki))
    text = json.dumps(printed, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
