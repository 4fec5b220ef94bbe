"""Form definitions: one YAML file per paper form in `madoguchi/catalog/data/forms/`, checked at load.

A definition says what the municipal form looks like and where each entry comes from in the case file:

    title: 住民異動届                     # printed as the heading
    subtitle: 転入                        # optional, printed after the title in brackets
    procedures: [tennyu-todoke]           # the catalog procedures the form serves
    dates: wareki                         # wareki (令和8年4月1日) | seireki (2026年4月1日)
    addressee: "{city}長"                 # optional; {city} is the city of the catalog
    signed: true                          # the paper form had a signature box the resident filled
    sections:
      - title: 届出人
        fields:                           # labelled cells, left to right, a new row when one is full
          - {label: 住所, value: address.full, handwritten: true}
          - {label: 氏名, value: notifier.name, furigana: notifier.name_kana, width: 1/2, handwritten: true}
          - check: 異動の種別               # check boxes: ticked when `when` holds (rules language)
            options:
              - {label: 転入, when: event == "tennyu"}
              - {label: 額改定, procedure: jido-teate-gaku-kaitei}   # ticked when that procedure is printed
              - {label: 世帯主, notifier: head}     # who reports: head | subject | other
            handwritten: true
      - title: 異動する人
        table:                            # one row per member the procedures concern
          rows: concerned                 # concerned | subjects | members
          where: member.age >= 15         # optional filter (rules language, member scope)
          min_rows: 4                     # blank rows, as on the paper form
          row_height_mm: 22               # optional: taller rows (a seal impression)
          columns:                        # widths are relative
            - {label: 氏名, value: member.name, furigana: member.name_kana, width: 3, handwritten: true}
            - {label: 個人番号, value: member.my_number, mask: true, width: 2}
            - {label: 国保, check: member.health_insurance == "national", width: 1}
            - {label: 印影, width: 2}    # neither value nor check: an empty cell
    notes: [この届出は14日以内に…]
    office_use: [受付, 入力, 照合]         # the boxes of the office's own 処理欄

Values are paths into the case (`values.py` lists them: `received_on`, `address.full`, `notifier.name`,
`head.my_number`, `members[*].name`, `member.grade` in a table, ...); a field may print a fixed `text`
instead, and `mask: true` prints a 個人番号 with only its last 4 digits. Conditions are the rules language
of the catalog (docs/rules-language.md). A section may end with a `note`.

`handwritten: true` marks what a resident wrote by hand on the paper form. `handwritten_entries_before`
counts, per printed form: one entry per such field that has a value (in a table, per row), one more for its
furigana, one per ticked check box, one per cell the case file cannot fill (a field or column without
`value`: printed blank and also counted in `Bundle.blank_entries`), and one for the signature when `signed`.
`required: true` on a field or column with a `value` says the resident must give that entry (a bank
account, the previous school): when the case has no value for it, it prints blank and counts as a blank
entry too, named on the signature sheet, so that "signature only" is never said while a cell waits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from madoguchi.printing.values import Getter, PathError, compile_path
from madoguchi.rules.catalog import CODE  # a form names procedures by their catalog code
from madoguchi.rules.expressions import Compiled, ConditionError, check, compile_condition, parse
from madoguchi.rules.yaml_lines import LineMapping, read_yaml

DEFAULT_FORMS_DIR = Path(__file__).resolve().parent.parent / "catalog" / "data" / "forms"
ROWS = ("concerned", "subjects", "members")
DATES = ("wareki", "seireki")
NOTIFIER_KINDS = ("head", "subject", "other")  # the notifier is the head, one of the subjects, someone else
WIDTH = re.compile(r"^(?P<num>[1-9])/(?P<den>[1-9])$")


class FormError(Exception):
    """A form definition that cannot be used: which file, which line and why."""

    def __init__(self, file: str, line: int, reason: str) -> None:
        super().__init__(f"{file}:{line}: {reason}" if line else f"{file}: {reason}")
        self.file = file
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Field:
    label: str
    width: Fraction
    get: Getter | None = field(default=None, repr=False, compare=False)
    path: str = ""
    text: str = ""
    furigana: Getter | None = field(default=None, repr=False, compare=False)
    handwritten: bool = False
    required: bool = False  # the resident must give it: printed blank when the case has no value for it
    line: int = 0

    @property
    def blank(self) -> bool:
        return self.get is None and not self.text


@dataclass(frozen=True)
class Option:
    label: str
    source: str  # the condition, `procedure: code` or `notifier: who`
    holds: Compiled | None = field(default=None, repr=False, compare=False)
    procedure: str = ""
    notifier: str = ""  # head | subject | other: who the notifier is


@dataclass(frozen=True)
class Check:
    label: str
    options: tuple[Option, ...]
    width: Fraction
    handwritten: bool = False
    line: int = 0


@dataclass(frozen=True)
class Column:
    label: str
    width: float
    get: Getter | None = field(default=None, repr=False, compare=False)
    furigana: Getter | None = field(default=None, repr=False, compare=False)
    check: Compiled | None = field(default=None, repr=False, compare=False)
    handwritten: bool = False
    required: bool = False  # the resident must give it: printed blank when the case has no value for it

    @property
    def blank(self) -> bool:
        return self.get is None and self.check is None


@dataclass(frozen=True)
class Table:
    rows: str
    columns: tuple[Column, ...]
    where: Compiled | None = field(default=None, repr=False, compare=False)
    min_rows: int = 0
    row_height_mm: float | None = None  # taller rows, e.g. for a seal impression


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Field | Check, ...] = ()
    table: Table | None = None
    note: str = ""


@dataclass(frozen=True)
class FormDefinition:
    name: str  # the file name without .yaml
    title: str
    procedures: tuple[str, ...]
    sections: tuple[Section, ...]
    subtitle: str = ""
    wareki: bool = True
    addressee: str = ""
    signed: bool = True
    notes: tuple[str, ...] = ()
    office_use: tuple[str, ...] = ()
    file: str = ""

    @property
    def heading(self) -> str:
        return f"{self.title}（{self.subtitle}）" if self.subtitle else self.title


@dataclass(frozen=True)
class FormLibrary:
    forms: tuple[FormDefinition, ...]
    by_procedure: Mapping[str, FormDefinition]

    def procedures_printing(self, path_prefix: str) -> frozenset[str]:
        """The procedures whose form prints a value under `path_prefix` (e.g. "bank_account."): the case
        page asks for it when the plan has one of them."""
        return frozenset(
            code
            for form in self.forms
            for section in form.sections
            if any(isinstance(item, Field) and item.path.startswith(path_prefix) for item in section.items)
            for code in form.procedures
        )

    def for_procedure(self, code: str) -> FormDefinition | None:
        return self.by_procedure.get(code)


# --- Building


class _Reader:
    """Reads one definition file; every failure names the file, the line and the reason."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: Any, reason: str) -> FormError:
        return FormError(self.file, getattr(where, "line", 0), reason)

    def mapping(
        self, value: Any, what: str, allowed: set[str], required: set[str], parent: Any
    ) -> LineMapping:
        if not isinstance(value, LineMapping):
            raise self.fail(parent, f"{what} must be a mapping")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(
                value, f"unknown key {unknown[0]!r} in {what} (allowed: {', '.join(sorted(allowed))})"
            )
        missing = sorted(required - set(value))
        if missing:
            raise self.fail(value, f"{what} needs {missing[0]!r}")
        return value

    def text(self, mapping: LineMapping, key: str, what: str, *, default: str | None = None) -> str:
        value = mapping.get(key, default)
        if not isinstance(value, str) or (not value.strip() and default is None):
            raise self.fail(mapping, f"{what}: {key} must be a non-empty text")
        return value

    def flag(self, mapping: LineMapping, key: str, default: bool) -> bool:
        value = mapping.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(mapping, f"{key} must be true or false")
        return value

    def items(self, mapping: LineMapping, key: str, what: str) -> list[Any]:
        value = mapping.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(mapping, f"{what}: {key} must be a non-empty list")
        return value

    def texts(self, mapping: LineMapping, key: str) -> tuple[str, ...]:
        value = mapping.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(mapping, f"{key} must be a list of texts")
        return tuple(value)

    def path(self, mapping: LineMapping, key: str, *, in_table: bool, mask: bool = False) -> Getter | None:
        if key not in mapping:
            return None
        value = mapping[key]
        if not isinstance(value, str):
            raise self.fail(mapping, f"{key} must be a path such as address.full")
        try:
            return compile_path(value, in_table=in_table, mask=mask)
        except PathError as error:
            raise self.fail(mapping, f"{key}: {error}") from error

    def condition(self, mapping: LineMapping, key: str, *, member_scope: bool) -> Compiled:
        source = mapping[key]
        if not isinstance(source, str):
            raise self.fail(mapping, f"{key} must be a condition in the rules language (as a text)")
        try:
            node = parse(source)
            check(node, member_scope=member_scope)
        except ConditionError as error:
            raise self.fail(mapping, f"{key}: {error} in {source!r}") from error
        return compile_condition(node)

    def fraction(self, mapping: LineMapping) -> Fraction:
        value = str(mapping.get("width", "1"))
        if value == "1":
            return Fraction(1)
        match = WIDTH.fullmatch(value)
        if match is None or int(match["num"]) >= int(match["den"]):
            raise self.fail(mapping, f"width must be a fraction of the row such as 1/2 or 2/3, not {value!r}")
        return Fraction(int(match["num"]), int(match["den"]))

    def field(self, spec: Any, parent: Any) -> Field | Check:
        if isinstance(spec, LineMapping) and "check" in spec:
            return self.check_group(spec, parent)
        spec = self.mapping(
            spec,
            "a field",
            {"label", "value", "text", "furigana", "width", "handwritten", "mask", "required"},
            {"label"},
            parent,
        )
        if self.flag(spec, "required", False) and "value" not in spec:
            raise self.fail(spec, "`required` applies to a field with a `value` (a path)")
        if "value" in spec and "text" in spec:
            raise self.fail(spec, "a field has a value (a path) or a text, not both")
        mask = self.flag(spec, "mask", False)
        return Field(
            label=self.text(spec, "label", "a field"),
            width=self.fraction(spec),
            get=self.path(spec, "value", in_table=False, mask=mask),
            path=str(spec.get("value", "")),
            text=self.text(spec, "text", "a field", default="") if "text" in spec else "",
            furigana=self.path(spec, "furigana", in_table=False),
            handwritten=self.flag(spec, "handwritten", False),
            required=self.flag(spec, "required", False),
            line=spec.line,
        )

    def check_group(self, spec: LineMapping, parent: Any) -> Check:
        spec = self.mapping(
            spec, "a check", {"check", "options", "width", "handwritten"}, {"options"}, parent
        )
        options = []
        for item in self.items(spec, "options", "a check"):
            option = self.mapping(
                item, "a check option", {"label", "when", "procedure", "notifier"}, {"label"}, spec
            )
            if sum(key in option for key in ("when", "procedure", "notifier")) != 1:
                raise self.fail(
                    option, "a check option needs one of `when` (a condition), `procedure`, `notifier`"
                )
            if "notifier" in option:
                who = option["notifier"]
                if who not in NOTIFIER_KINDS:
                    raise self.fail(
                        option, f"notifier must be one of {', '.join(NOTIFIER_KINDS)}, not {who!r}"
                    )
                options.append(
                    Option(self.text(option, "label", "an option"), f"notifier: {who}", notifier=who)
                )
            elif "procedure" in option:
                code = self.text(option, "procedure", "a check option")
                options.append(
                    Option(self.text(option, "label", "an option"), f"procedure: {code}", procedure=code)
                )
            else:
                holds = self.condition(option, "when", member_scope=False)
                options.append(Option(self.text(option, "label", "an option"), str(option["when"]), holds))
        return Check(
            label=self.text(spec, "check", "a check"),
            options=tuple(options),
            width=self.fraction(spec),
            handwritten=self.flag(spec, "handwritten", False),
            line=spec.line,
        )

    def table(self, spec: Any, parent: Any) -> Table:
        spec = self.mapping(
            spec, "a table", {"rows", "where", "min_rows", "row_height_mm", "columns"}, {"columns"}, parent
        )
        rows = spec.get("rows", "concerned")
        if rows not in ROWS:
            raise self.fail(spec, f"rows must be one of {', '.join(ROWS)}, not {rows!r}")
        min_rows = spec.get("min_rows", 0)
        if not isinstance(min_rows, int) or isinstance(min_rows, bool) or not 0 <= min_rows <= 20:
            raise self.fail(spec, "min_rows must be a whole number from 0 to 20")
        row_height = spec.get("row_height_mm")
        if row_height is not None and (
            not isinstance(row_height, int | float)
            or isinstance(row_height, bool)
            or not 5 <= row_height <= 60
        ):
            raise self.fail(spec, "row_height_mm must be a number of millimetres from 5 to 60")
        columns = []
        for item in self.items(spec, "columns", "a table"):
            column = self.mapping(
                item,
                "a column",
                {"label", "value", "furigana", "check", "width", "handwritten", "mask", "required"},
                {"label"},
                spec,
            )
            if "value" in column and "check" in column:
                raise self.fail(
                    column, "a column has a `value` (a path) or a `check` (a condition), not both"
                )
            width = column.get("width", 1)
            if not isinstance(width, int | float) or isinstance(width, bool) or width <= 0:
                raise self.fail(column, "a column's width is a positive number (relative to the others)")
            mask = self.flag(column, "mask", False)
            columns.append(
                Column(
                    label=self.text(column, "label", "a column"),
                    width=float(width),
                    get=self.path(column, "value", in_table=True, mask=mask),
                    furigana=self.path(column, "furigana", in_table=True),
                    check=self.condition(column, "check", member_scope=True) if "check" in column else None,
                    handwritten=self.flag(column, "handwritten", False),
                    required=self.flag(column, "required", False),
                )
            )
        return Table(
            rows=rows,
            columns=tuple(columns),
            where=self.condition(spec, "where", member_scope=True) if "where" in spec else None,
            min_rows=min_rows,
            row_height_mm=float(row_height) if row_height is not None else None,
        )

    def section(self, spec: Any, parent: Any) -> Section:
        spec = self.mapping(spec, "a section", {"title", "fields", "table", "note"}, {"title"}, parent)
        if ("fields" in spec) == ("table" in spec):
            raise self.fail(spec, "a section has either `fields` or a `table`")
        items = (
            tuple(self.field(item, spec) for item in self.items(spec, "fields", "a section"))
            if ("fields" in spec)
            else ()
        )
        return Section(
            title=self.text(spec, "title", "a section"),
            items=items,
            table=self.table(spec["table"], spec) if "table" in spec else None,
            note=self.text(spec, "note", "a section", default="") if "note" in spec else "",
        )

    def form(self, spec: Any, name: str) -> FormDefinition:
        allowed = {
            "title",
            "subtitle",
            "procedures",
            "dates",
            "addressee",
            "signed",
            "sections",
            "notes",
            "office_use",
        }
        spec = self.mapping(spec, "a form definition", allowed, {"title", "procedures", "sections"}, None)
        procedures = self.items(spec, "procedures", "the form")
        for code in procedures:
            if not isinstance(code, str) or not CODE.match(code):
                raise self.fail(spec, f"procedures: {code!r} is not a procedure code")
        dates = spec.get("dates", "wareki")
        if dates not in DATES:
            raise self.fail(spec, f"dates must be wareki or seireki, not {dates!r}")
        addressee = self.text(spec, "addressee", "the form", default="") if "addressee" in spec else ""
        if addressee.replace("{city}", "").count("{") or addressee.replace("{city}", "").count("}"):
            raise self.fail(spec, "addressee may only use {city}")
        return FormDefinition(
            name=name,
            title=self.text(spec, "title", "the form"),
            subtitle=self.text(spec, "subtitle", "the form", default="") if "subtitle" in spec else "",
            procedures=tuple(procedures),
            sections=tuple(self.section(item, spec) for item in self.items(spec, "sections", "the form")),
            wareki=dates == "wareki",
            addressee=addressee,
            signed=self.flag(spec, "signed", True),
            notes=self.texts(spec, "notes"),
            office_use=self.texts(spec, "office_use"),
            file=self.file,
        )


def read_form(path: Path) -> FormDefinition:
    """One definition file. Raises FormError with the file, the line and the reason."""
    return _Reader(str(path)).form(read_yaml(path, FormError), path.stem)


def _files(directory: Path) -> Iterator[Path]:
    return iter(sorted(directory.glob("*.yaml")))


@cache
def _load(directory: Path, stamp: tuple[tuple[str, int], ...]) -> FormLibrary:
    forms = tuple(read_form(path) for path in _files(directory))
    by_procedure: dict[str, FormDefinition] = {}
    for form in forms:
        for code in form.procedures:
            if code in by_procedure:
                raise FormError(
                    form.file, 0, f"procedure {code!r} already has a form in {by_procedure[code].file}"
                )
            by_procedure[code] = form
    return FormLibrary(forms=forms, by_procedure=by_procedure)


def load_forms(directory: Path | str = DEFAULT_FORMS_DIR) -> FormLibrary:
    """Every definition of a directory, parsed once per process (again only when a file changes)."""
    root = Path(directory).resolve()
    if not root.is_dir():
        raise FormError(str(root), 0, "no such directory of form definitions")
    stamp = tuple((path.name, path.stat().st_mtime_ns) for path in _files(root))
    return _load(root, stamp)
