"""The look of the printed forms: a heading, tinted section bands, bordered label/value cells, member tables,
the signature note and the office's 処理欄 — then the signature sheet that closes the bundle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from reportlab.lib.units import mm  # type: ignore[import-untyped]

from madoguchi.printing.casefile import Case, Member
from madoguchi.printing.drawing import (
    BOTTOM,
    BOX,
    CONTENT_WIDTH,
    FURIGANA_SIZE,
    GRAY,
    HEADER_FILL,
    LABEL_FILL,
    LABEL_SIZE,
    LEFT,
    MARGIN_TOP,
    NOTE_SIZE,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RIGHT,
    Fitted,
    Pages,
    column_edges,
)
from madoguchi.printing.entries import cell_text, field_text, holds, table_members, ticks
from madoguchi.printing.fonts import GOTHIC, MINCHO
from madoguchi.printing.forms import Check, Field, FormDefinition, Section, Table
from madoguchi.printing.values import MEMBER_ATTRS, Sheet, compile_path, format_value
from madoguchi.rules.engine import PlannedProcedure

FIELD_HEIGHT = 22.0
FURIGANA_FIELD_HEIGHT = 29.0
BAND_HEIGHT = 15.0
TABLE_HEADER_HEIGHT = 17.0
ROW_HEIGHT = 20.0
FURIGANA_ROW_HEIGHT = 27.0
GRID_ROW_HEIGHT = 17.0
CHECK_LINE = 15.0
SECTION_GAP = 7.0
WIDE_LABEL = 84.0  # the label cell of a field at least half the row wide
NARROW_LABEL = 58.0
OPTION_SIZE = 9.5
FIELD_SMALLEST = 8.5  # a longer value wraps onto more lines at this size rather than shrinking further
TOP = PAGE_HEIGHT - MARGIN_TOP
SIGNATURE_HEIGHT = 70.0


@dataclass(frozen=True)
class PrintedForm:
    form: FormDefinition
    sheet: Sheet
    first_page: int = 0


@dataclass(frozen=True)
class FieldLayout:
    height: float
    value: Fitted
    furigana: str


@dataclass(frozen=True)
class CheckLayout:
    height: float
    lines: tuple[tuple[tuple[str, bool], ...], ...]  # per line: (option label, ticked)


class FormWriter:
    """Lays out one form definition, from a new page on."""

    def __init__(self, pages: Pages, printed: PrintedForm) -> None:
        self.pages = pages
        self.form = printed.form
        self.sheet = printed.sheet

    def write(self) -> None:
        pages = self.pages
        pages.on_new_page = None
        pages.new_page()
        self.heading(continued=False)
        pages.on_new_page = lambda: self.heading(continued=True)
        for section in self.form.sections:
            self.section(section)
        if self.form.signed:
            self.signature_note()
        for note in self.form.notes:
            pages.paragraph(f"※ {note}")
        if self.form.office_use:
            self.office_use()
        pages.on_new_page = None

    def departments(self) -> str:
        names = (self.sheet.departments.get(p.department, "") for p in self.sheet.procedures)
        return "・".join(dict.fromkeys(name for name in names if name))

    def heading(self, *, continued: bool) -> None:
        pages = self.pages
        form = self.form
        pages.text(LEFT, TOP - 7, f"{self.sheet.city}　書かない窓口", GOTHIC, 7.5, color=GRAY)
        pages.right(RIGHT, TOP - 7, self.departments(), GOTHIC, 7.5, color=GRAY)
        if continued:
            pages.centred(PAGE_WIDTH / 2, TOP - 26, f"{form.heading}（続き）", GOTHIC, 12, bold=True)
            pages.y = TOP - 38
            return
        pages.centred(PAGE_WIDTH / 2, TOP - 30, form.heading, GOTHIC, 17, bold=True)
        if form.addressee:
            pages.text(
                LEFT, TOP - 50, f"（宛先）{form.addressee.replace('{city}', self.sheet.city)}", MINCHO, 10
            )
        pages.right(RIGHT, TOP - 50, f"作成日　{self.date(self.sheet.received_on)}", MINCHO, 9)
        pages.y = TOP - 58

    def date(self, value: date) -> str:
        return format_value(value, wareki=self.form.wareki)

    def section(self, section: Section) -> None:
        pages = self.pages
        pages.ensure(BAND_HEIGHT + FURIGANA_FIELD_HEIGHT)
        pages.band(section.title)
        row: list[Field | Check] = []
        used = Fraction(0)
        for item in section.items:
            if row and used + item.width > 1:
                self.field_row(row)
                row, used = [], Fraction(0)
            row.append(item)
            used += item.width
        if row:
            self.field_row(row)
        if section.table is not None:
            self.table(section.table, section.title)
        if section.note:
            pages.y -= 2
            pages.paragraph(section.note, indent=4, color=GRAY)
        pages.y -= SECTION_GAP

    # --- labelled fields

    @staticmethod
    def label_width(width: float) -> float:
        return WIDE_LABEL if width >= CONTENT_WIDTH / 2 - 1 else NARROW_LABEL

    def field_row(self, items: Sequence[Field | Check]) -> None:
        """One row of cells; a row that does not fill the page width is stretched to it."""
        pages = self.pages
        total = sum((item.width for item in items), Fraction(0))
        widths = [float(item.width / total) * CONTENT_WIDTH for item in items]
        layouts = [self.measure(item, width) for item, width in zip(items, widths, strict=True)]
        height = max(layout.height for layout in layouts)
        pages.ensure(height)
        x = LEFT
        for item, width, layout in zip(items, widths, layouts, strict=True):
            label_width = self.label_width(width)
            pages.cell(x, pages.y, label_width, height, fill=LABEL_FILL)
            self.label(item.label, x, label_width, height)
            pages.cell(x + label_width, pages.y, width - label_width, height)
            if isinstance(layout, CheckLayout):
                self.draw_check(x + label_width, height, layout)
            else:
                self.draw_value(x + label_width, width - label_width, height, layout)
            x += width
        pages.y -= height

    def label(self, text: str, x: float, width: float, height: float) -> None:
        pages = self.pages
        fitted = pages.fit(text, GOTHIC, width - 8, size=LABEL_SIZE, smallest=6.5)
        leading = fitted.size * 1.25
        first = pages.y - height / 2 + (len(fitted.lines) - 1) * leading / 2 - fitted.size * 0.36
        for index, line in enumerate(fitted.lines):
            pages.text(x + 4, first - index * leading, line, GOTHIC, fitted.size)

    def measure(self, item: Field | Check, width: float) -> FieldLayout | CheckLayout:
        inner = width - self.label_width(width) - 10
        if isinstance(item, Check):
            lines = self.check_lines(item, inner)
            return CheckLayout(max(FIELD_HEIGHT, len(lines) * CHECK_LINE + 8), lines)
        value, furigana = field_text(item, self.sheet, wareki=self.form.wareki)
        fitted = self.pages.fit(value, MINCHO, inner, smallest=FIELD_SMALLEST)
        base = FURIGANA_FIELD_HEIGHT if furigana else FIELD_HEIGHT
        height = max(base, len(fitted.lines) * fitted.size * 1.3 + 10 + (7 if furigana else 0))
        return FieldLayout(height, fitted, furigana)

    def draw_value(self, x: float, width: float, height: float, layout: FieldLayout) -> None:
        pages = self.pages
        top = pages.y
        fitted = layout.value
        if layout.furigana:
            size = pages.fit(layout.furigana, GOTHIC, width - 10, size=FURIGANA_SIZE, smallest=4.5).size
            pages.text(x + 5, top - 3 - size, layout.furigana, GOTHIC, size)
        leading = fitted.size * 1.3
        block = leading * (len(fitted.lines) - 1)
        if layout.furigana:
            first = top - 11 - fitted.size * 0.85 - max(0.0, (height - FURIGANA_FIELD_HEIGHT - block) / 2)
        else:
            first = top - height / 2 + block / 2 - fitted.size * 0.36
        for index, line in enumerate(fitted.lines):
            pages.text(x + 5, first - index * leading, line, MINCHO, fitted.size)

    def check_lines(self, item: Check, width: float) -> tuple[tuple[tuple[str, bool], ...], ...]:
        lines: list[list[tuple[str, bool]]] = [[]]
        used = 0.0
        for option, ticked in zip(item.options, ticks(item, self.sheet), strict=True):
            need = BOX + 3 + self.pages.width(option.label, MINCHO, OPTION_SIZE) + 12
            if lines[-1] and used + need > width:
                lines.append([])
                used = 0.0
            lines[-1].append((option.label, ticked))
            used += need
        return tuple(tuple(line) for line in lines)

    def draw_check(self, x: float, height: float, layout: CheckLayout) -> None:
        pages = self.pages
        top = pages.y - (height - len(layout.lines) * CHECK_LINE) / 2
        for index, line in enumerate(layout.lines):
            baseline = top - 11 - index * CHECK_LINE
            cursor = x + 6
            for label, ticked in line:
                pages.check_box(cursor, baseline - 0.5, ticked)
                cursor += BOX + 3
                cursor += pages.text(cursor, baseline, label, MINCHO, OPTION_SIZE) + 12

    # --- member tables

    def table(self, table: Table, title: str) -> None:
        pages = self.pages
        members = table_members(table, self.sheet)
        edges = column_edges([column.width for column in table.columns])
        furigana = any(column.furigana is not None for column in table.columns)
        row_height = FURIGANA_ROW_HEIGHT if furigana else ROW_HEIGHT
        if table.row_height_mm is not None:
            row_height = table.row_height_mm * mm
        pages.ensure(TABLE_HEADER_HEIGHT + row_height)
        self.table_header(table, edges)
        rows: list[Member | None] = [*members, *[None] * max(0, table.min_rows - len(members))]
        for member in rows:
            if pages.y - row_height < BOTTOM:
                pages.new_page()
                pages.band(f"{title}（続き）")
                self.table_header(table, edges)
            for index, column in enumerate(table.columns):
                left, right = edges[index], edges[index + 1]
                pages.cell(left, pages.y, right - left, row_height)
                if member is None or column.blank:
                    continue
                if column.check is not None:
                    ticked = holds(column.check, self.sheet, member)
                    pages.check_box((left + right - BOX) / 2, pages.y - row_height / 2 - BOX / 2, ticked)
                    continue
                value, kana = cell_text(column, self.sheet, member, wareki=self.form.wareki)
                self.table_cell(left, right, row_height, value, kana)
            pages.y -= row_height

    def table_header(self, table: Table, edges: Sequence[float]) -> None:
        pages = self.pages
        for index, column in enumerate(table.columns):
            left, right = edges[index], edges[index + 1]
            pages.cell(left, pages.y, right - left, TABLE_HEADER_HEIGHT, fill=HEADER_FILL)
            fitted = pages.fit(column.label, GOTHIC, right - left - 4, size=LABEL_SIZE, smallest=5.5)
            lines = fitted.lines[:2]
            leading = fitted.size * 1.15
            first = pages.y - TABLE_HEADER_HEIGHT / 2 + (len(lines) - 1) * leading / 2 - fitted.size * 0.36
            for number, line in enumerate(lines):
                pages.centred((left + right) / 2, first - number * leading, line, GOTHIC, fitted.size)
        pages.y -= TABLE_HEADER_HEIGHT

    def table_cell(self, left: float, right: float, height: float, value: str, kana: str) -> None:
        pages = self.pages
        width = right - left - 6
        top = pages.y
        if kana:
            size = pages.fit(kana, GOTHIC, width, size=FURIGANA_SIZE, smallest=4.5).size
            pages.text(left + 3, top - 2.5 - size, kana, GOTHIC, size)
        fitted = pages.fit(value, MINCHO, width, size=9.5, smallest=6.5)
        lines = fitted.lines[:2]
        leading = fitted.size * 1.15
        middle = top - (min(height, FURIGANA_ROW_HEIGHT) + (7 if kana else 0)) / 2
        first = middle + (len(lines) - 1) * leading / 2 - fitted.size * 0.36
        for index, line in enumerate(lines):
            pages.text(left + 3, first - index * leading, line, MINCHO, fitted.size)

    # --- signature note and the office's boxes

    def signature_note(self) -> None:
        """Where the paper form had the signature: a pointer to the one signature sheet."""
        pages = self.pages
        height = 24.0
        pages.ensure(height + 4)
        pages.y -= 2
        pages.cell(LEFT, pages.y, WIDE_LABEL, height, fill=LABEL_FILL)
        self.label("届出人の署名", LEFT, WIDE_LABEL, height)
        pages.cell(LEFT + WIDE_LABEL, pages.y, CONTENT_WIDTH - WIDE_LABEL, height)
        pages.text(
            LEFT + WIDE_LABEL + 6,
            pages.y - height / 2 - 3.2,
            "署名シート（最終ページ）への署名をもって、この届出書・申請書への署名に代えます。",
            GOTHIC,
            8.5,
            color=GRAY,
        )
        pages.y -= height + 6

    def office_use(self) -> None:
        pages = self.pages
        boxes = self.form.office_use
        width, height, tab = 44.0, 46.0, 16.0
        pages.ensure(height + 6)
        pages.y -= 4
        left = RIGHT - width * len(boxes) - tab
        pages.cell(left, pages.y, tab, height, fill=LABEL_FILL)
        for index, char in enumerate("処理欄"):
            pages.text(left + 4, pages.y - 12 - index * 11, char, GOTHIC, 8)
        for index, label in enumerate(boxes):
            x = left + tab + index * width
            pages.cell(x, pages.y, width, 13, fill=LABEL_FILL)
            pages.centred(x + width / 2, pages.y - 9.5, label, GOTHIC, 7)
            pages.cell(x, pages.y - 13, width, height - 13)
        pages.text(LEFT, pages.y - 10, "（この欄は市が使います）", GOTHIC, 7, color=GRAY)
        pages.y -= height


# --- The signature sheet

_NOTIFIER = Section(
    title="届出人・申請者",
    items=(
        Field("住所", Fraction(1), get=compile_path("address.full", in_table=False)),
        Field(
            "氏名",
            Fraction(1, 2),
            get=compile_path("notifier.name", in_table=False),
            furigana=compile_path("notifier.name_kana", in_table=False),
        ),
        Field("生年月日", Fraction(1, 2), get=compile_path("notifier.birth_date", in_table=False)),
        Field("電話番号", Fraction(1, 2), get=compile_path("phone", in_table=False)),
        Field("受付日", Fraction(1, 2), get=compile_path("received_on", in_table=False)),
    ),
)
_SIGNATURE_SHEET = FormDefinition(name="signature-sheet", title="署名シート", procedures=(), sections=())
_NAME = MEMBER_ATTRS["name"]


class SignatureSheetWriter:
    """The page where the resident signs once for every form of the visit."""

    def __init__(
        self,
        pages: Pages,
        sheet: Sheet,
        printed: Sequence[PrintedForm],
        without_form: Sequence[PlannedProcedure],
        external: Sequence[PlannedProcedure],
        entries_before: int,
        signatures: int,
        blank_labels: Sequence[str] = (),
    ) -> None:
        self.pages = pages
        self.sheet = sheet
        self.case: Case = sheet.case
        self.printed = printed
        self.without_form = without_form
        self.external = external
        self.entries_before = entries_before
        self.signatures = signatures
        # handwritten entries the case has no data for: printed blank, written by hand; named on the sheet
        self.blank_labels = tuple(blank_labels)
        self.blank = len(self.blank_labels)

    def write(self) -> None:
        pages = self.pages
        pages.on_new_page = None
        pages.new_page()
        pages.text(LEFT, TOP - 7, f"{self.sheet.city}　書かない窓口", GOTHIC, 7.5, color=GRAY)
        if self.case.case_id:
            pages.right(RIGHT, TOP - 7, f"受付番号　{self.case.case_id}", GOTHIC, 7.5, color=GRAY)
        pages.centred(
            PAGE_WIDTH / 2, TOP - 30, "署名シート（届出書・申請書の内容確認）", GOTHIC, 16, bold=True
        )
        pages.y = TOP - 48
        pages.on_new_page = self.continued
        pages.paragraph(
            "本日の手続のために、職員がお聞きした内容から次の届出書・申請書を作成しました。"
            "内容を確認し、間違いがなければ下の署名欄に署名してください。",
            size=9,
        )
        pages.y -= 4
        FormWriter(pages, PrintedForm(_SIGNATURE_SHEET, self.sheet)).section(_NOTIFIER)
        self.forms_table()
        if self.without_form:
            self.without_form_table()
        if self.external:
            names = "、".join(p.name_ja for p in self.external)
            pages.paragraph(f"市外の機関での手続（ご案内のみ・署名は要りません）：{names}", color=GRAY)
        pages.y -= 6
        self.signature()
        pages.on_new_page = None

    def continued(self) -> None:
        self.pages.centred(PAGE_WIDTH / 2, TOP - 26, "署名シート（続き）", GOTHIC, 12, bold=True)
        self.pages.y = TOP - 38

    def names(self, members: Sequence[Member]) -> str:
        """「髙橋　健一、陽翔、結衣」: the family name once while it repeats; 「世帯全員」 for everyone."""
        if len(members) == len(self.case.members) > 1:
            return f"世帯全員（{len(members)}人）"
        names: list[str] = []
        family = ""
        for member in members:
            full = format_value(_NAME(member, self.sheet), wareki=True)
            names.append(member.given_name if member.family_name == family else full)
            family = member.family_name
        return "、".join(names)

    def members(self, member_ids: Sequence[str]) -> list[Member]:
        wanted = set(member_ids) or {self.case.notifier_id}
        return [member for member in self.case.members if member.id in wanted]

    def grid(
        self, title: str, headers: Sequence[str], widths: Sequence[float], rows: Sequence[Sequence[str]]
    ) -> None:
        pages = self.pages
        edges = column_edges(widths)

        def header() -> None:
            for index, label in enumerate(headers):
                left, right = edges[index], edges[index + 1]
                pages.cell(left, pages.y, right - left, TABLE_HEADER_HEIGHT, fill=HEADER_FILL)
                pages.centred(
                    (left + right) / 2, pages.y - TABLE_HEADER_HEIGHT / 2 - 2.9, label, GOTHIC, LABEL_SIZE
                )
            pages.y -= TABLE_HEADER_HEIGHT

        pages.ensure(BAND_HEIGHT + TABLE_HEADER_HEIGHT + GRID_ROW_HEIGHT)
        pages.band(title)
        header()
        for row in rows:
            fitted = [
                pages.fit(text, MINCHO, edges[index + 1] - edges[index] - 6, size=9, smallest=7.5)
                for index, text in enumerate(row)
            ]
            height = max(GRID_ROW_HEIGHT, max(len(fit.lines) for fit in fitted) * 9.5 + 6)
            if pages.y - height < BOTTOM:
                pages.new_page()
                header()
            for index, fit in enumerate(fitted):
                left, right = edges[index], edges[index + 1]
                pages.cell(left, pages.y, right - left, height)
                leading = fit.size * 1.2
                first = pages.y - height / 2 + (len(fit.lines) - 1) * leading / 2 - fit.size * 0.36
                for number, line in enumerate(fit.lines):
                    pages.text(left + 3, first - number * leading, line, MINCHO, fit.size)
            pages.y -= height
        pages.y -= SECTION_GAP

    def forms_table(self) -> None:
        rows = []
        for number, printed in enumerate(self.printed, start=1):
            tables = [section.table for section in printed.form.sections if section.table is not None]
            members = table_members(tables[0], printed.sheet) if tables else list(printed.sheet.rows)
            rows.append(
                [
                    str(number),
                    printed.form.heading,
                    self.names(members or self.members([])),
                    str(printed.first_page),
                ]
            )
        self.grid(
            "署名する届出書・申請書", ["No.", "届出書・申請書", "対象の方", "頁"], [1.6, 15, 12, 1.6], rows
        )

    def without_form_table(self) -> None:
        rows = [
            [p.name_ja, self.names(self.members(p.member_ids)), self.sheet.departments.get(p.department, "")]
            for p in self.without_form
        ]
        self.grid(
            "この束に届出書・申請書のない手続（お持ちの届書や窓口で処理・ご案内します）",
            ["手続", "対象の方", "担当"],
            [13, 8, 9],
            rows,
        )

    def signature(self) -> None:
        pages = self.pages
        pages.ensure(SIGNATURE_HEIGHT + 60)
        pages.paragraph(
            "私は、上記の届出書・申請書の記載内容を確認し、相違ないことを申し立てます。"
            "各届出書・申請書への署名は、この署名をもって代えます。",
            size=9.5,
        )
        pages.y -= 6
        label_width = 70.0
        pages.cell(LEFT, pages.y, label_width, SIGNATURE_HEIGHT, fill=LABEL_FILL)
        pages.centred(
            LEFT + label_width / 2, pages.y - SIGNATURE_HEIGHT / 2 - 4.5, "署名", GOTHIC, 13, bold=True
        )
        pages.cell(LEFT + label_width, pages.y, CONTENT_WIDTH - label_width, SIGNATURE_HEIGHT)
        pages.right(RIGHT - 8, pages.y - 14, format_value(self.sheet.received_on, wareki=True), MINCHO, 10)
        pages.text(
            LEFT + label_width + 8,
            pages.y - SIGNATURE_HEIGHT + 8,
            "ご本人（代理人の場合は代理人）が自署してください",
            GOTHIC,
            7,
            color=GRAY,
        )
        pages.y -= SIGNATURE_HEIGHT + 10
        now = (
            f"{self.signatures} か所（この署名のみ）"
            if not self.blank
            else f"{self.signatures + self.blank} か所（この署名と、聞き取れなかった {self.blank} 項目："
            "各帳票の空欄にご記入ください）"
        )
        pages.paragraph(
            f"手書きの記入：別々の用紙に書く場合 {self.entries_before} か所 → 書かない窓口では {now}",
            size=NOTE_SIZE,
            color=GRAY,
        )
        for label in self.blank_labels:  # what the resident writes, so that nobody looks for it
            pages.paragraph(f"・ご記入いただく欄：{label}", size=NOTE_SIZE, indent=8)
