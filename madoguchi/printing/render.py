"""The visit's bundle: every form pre-filled from the case file, then one signature sheet, in one A4 PDF."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from madoguchi.printing.casefile import Case, CaseError, InvalidCase, Member, household_facts
from madoguchi.printing.drawing import Pages
from madoguchi.printing.entries import fingerprint, handwritten_entries
from madoguchi.printing.forms import FormDefinition, FormLibrary, load_forms
from madoguchi.printing.layout import FormWriter, PrintedForm, SignatureSheetWriter
from madoguchi.printing.values import Sheet
from madoguchi.rules.catalog import Catalog
from madoguchi.rules.engine import REQUIRED, PlannedProcedure, make_plan
from madoguchi.rules.household import Household, read_facts

SIGNATURES_NOW = 1  # the one signature sheet


@dataclass(frozen=True)
class Bundle:
    pdf: bytes
    pages: int
    forms: tuple[str, ...]  # procedure codes printed on a form, in the order printed
    handwritten_entries_before: int  # what the resident would have written on separate paper forms
    handwritten_entries_now: int  # the signature on the one sheet, plus the entries printed blank
    without_form: tuple[str, ...] = ()  # procedures listed on the signature sheet without a form
    blank_entries: int = 0  # handwritten entries printed blank: the case has no data for them
    blank_labels: tuple[
        str, ...
    ] = ()  # which: "児童手当 認定請求書・額改定認定請求書　振込先（認定請求の方）：口座番号"
    missing_glyphs: tuple[str, ...] = ()  # characters no installed font could print (see fonts.py)
    fingerprints: Mapping[str, str] = field(default_factory=dict)  # form name → what it prints (entries.py)
    printed_forms: tuple[str, ...] = ()  # form names printed, in order


def _unplanned(catalog: Catalog, code: str, case: Case) -> PlannedProcedure:
    """A procedure asked for that the plan did not select: it concerns the subjects of the event."""
    procedure = catalog.procedure(code)
    return PlannedProcedure(
        code=code,
        name_ja=procedure.name_ja,
        name_en=procedure.name_en,
        status=REQUIRED,
        member_ids=case.subject_ids,
        reason="",
        department=procedure.department,
        counter=procedure.counter,
        documents=procedure.documents,
        documents_en=procedure.documents_en,
        fee=procedure.fee,
        deadline=None,
        deadline_note=procedure.deadline_note,
        deadline_note_en=procedure.deadline_note_en,
        minutes=procedure.minutes_base,
        order=procedure.order,
        online=procedure.online,
        contractor_ok=procedure.contractor_ok,
        reference_title=procedure.reference.title,
        reference_url=procedure.reference.url,
        reference_title_en=procedure.reference.title_en,
        reference_title_easy=procedure.reference.title_easy,
    )


def choose_procedures(
    case: Case, catalog: Catalog, household: Household, procedures: Sequence[str] | None = None
) -> list[PlannedProcedure]:
    """The procedures to print: those asked for, else the case file's, else the plan's required ones."""
    plan = make_plan(catalog, household)
    if procedures is None:
        procedures = case.procedures
    if procedures is None:
        return [p for p in plan.procedures if p.status == REQUIRED]
    known = {p.code for p in catalog.procedures}
    errors = [
        CaseError(f"procedures[{index}]", f"no procedure {code!r} in the catalog")
        for index, code in enumerate(procedures)
        if code not in known
    ]
    if errors:
        raise InvalidCase(errors)
    planned = {p.code: p for p in plan.procedures}
    chosen = [planned.get(code) or _unplanned(catalog, code, case) for code in dict.fromkeys(procedures)]
    return sorted(chosen, key=lambda p: p.order)


def _concerned(case: Case, procedures: Sequence[PlannedProcedure]) -> tuple[Member, ...]:
    wanted = {member_id for p in procedures for member_id in p.member_ids}
    return tuple(m for m in case.members if m.id in wanted)


def render_bundle(
    case: Case,
    catalog: Catalog,
    *,
    procedures: Sequence[str] | None = None,
    today: date | None = None,
    forms: FormLibrary | None = None,
    only_forms: Collection[str] | None = None,
) -> Bundle:
    """Print every form of the visit pre-filled, then the signature sheet.

    `procedures` defaults to the case file's `procedures`, else to the required procedures of the
    navigator's plan. Those without a form definition are listed on the signature sheet (procedures of
    outside bodies as guidance only). The date of the application is the case's `received_on`, else `today`.
    `only_forms` prints only those forms (by name) with the signature sheet, e.g. the forms a correction
    changed; every form is fingerprinted all the same.
    """
    library = forms if forms is not None else load_forms()
    household = read_facts(household_facts(case))
    received_on = case.received_on or today or date.today()
    departments = {d.code: d.name_ja for d in catalog.departments}

    groups: dict[str, tuple[FormDefinition, list[PlannedProcedure]]] = {}
    without_form: list[PlannedProcedure] = []
    external: list[PlannedProcedure] = []
    for planned in choose_procedures(case, catalog, household, procedures):
        form = library.for_procedure(planned.code)
        if form is not None:
            groups.setdefault(form.name, (form, []))[1].append(planned)
        elif planned.counter == "external":
            external.append(planned)
        else:
            without_form.append(planned)

    def sheet(planned: Sequence[PlannedProcedure]) -> Sheet:
        return Sheet(
            case=case,
            household=household,
            city=catalog.city_ja,
            received_on=received_on,
            procedures=tuple(planned),
            rows=_concerned(case, planned),
            departments=departments,
        )

    pages = Pages(
        title=f"{catalog.city_ja} 届出書・申請書 {case.case_id}".strip(),
        footer_left=f"{catalog.city_ja}　書かない窓口（職員が聞き取り、印字しました）",
        footer_right=f"受付番号 {case.case_id}" if case.case_id else "",
    )
    printed: list[PrintedForm] = []
    fingerprints: dict[str, str] = {}
    for form, planned_group in groups.values():
        form_sheet = sheet(planned_group)
        fingerprints[form.name] = fingerprint(form, form_sheet)
        if only_forms is not None and form.name not in only_forms:
            continue
        item = PrintedForm(form, form_sheet, first_page=pages.count + 1)
        FormWriter(pages, item).write()
        printed.append(item)
    entries = [handwritten_entries(item.form, item.sheet) for item in printed]
    before = sum(e.written for e in entries)
    blank_labels = [
        f"{item.form.title}　{label}"
        for item, e in zip(printed, entries, strict=True)
        for label in e.blank_labels
    ]
    blank = len(blank_labels)
    SignatureSheetWriter(
        pages, sheet([]), printed, without_form, external, before, SIGNATURES_NOW, blank_labels
    ).write()
    return Bundle(
        pdf=pages.finish(),
        pages=pages.count,
        forms=tuple(p.code for item in printed for p in item.sheet.procedures),
        handwritten_entries_before=before,
        # the signature, and every handwritten entry printed blank (the resident writes it): "signature
        # only" is said only when that is true
        handwritten_entries_now=SIGNATURES_NOW + blank,
        without_form=tuple(p.code for p in without_form),
        blank_entries=blank,
        blank_labels=tuple(blank_labels),
        missing_glyphs=tuple(sorted(pages.missing)),
        fingerprints=fingerprints,
        printed_forms=tuple(item.form.name for item in printed),
    )
