"""The procedure catalog as immutable data, loaded from YAML with file and line for every error."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from madoguchi.rules.expressions import Compiled, ConditionError, Node, check, compile_condition, parse
from madoguchi.rules.facts import EVENTS
from madoguchi.rules.yaml_lines import LineMapping, read_yaml

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
COUNTERS = ("one_stop", "department", "external")
CONCERNS = ("member", "household")


class CatalogError(Exception):
    """A catalog that cannot be used, with where and why."""

    def __init__(self, file: str, line: int, reason: str) -> None:
        super().__init__(f"{file}:{line}: {reason}")
        self.file = file
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Rule:
    source: str
    reason: str
    node: Node = field(repr=False, compare=False)
    evaluate: Compiled = field(repr=False, compare=False)
    line: int = 0
    reason_en: str = ""
    reason_easy: str = ""  # in やさしい日本語, "" where not written yet


@dataclass(frozen=True)
class Reference:
    """The legal or official basis: its title in Japanese, English and やさしい日本語 ("" if not written)."""

    title: str
    url: str = ""
    title_en: str = ""
    title_easy: str = ""


@dataclass(frozen=True)
class Procedure:
    code: str
    name_ja: str
    name_en: str
    department: str
    counter: str
    events: tuple[str, ...]
    concerns: str
    rules: tuple[Rule, ...]
    documents: tuple[str, ...] = ()
    documents_en: tuple[str, ...] = ()  # one per document, "" where not translated yet
    fee: int | None = 0
    minutes_base: int = 5
    minutes_per_member: int = 0
    deadline_days: int | None = None
    deadline_note: str = ""
    deadline_note_en: str = ""
    online: bool = False
    contractor_ok: bool = True
    order: int = 50
    after: tuple[str, ...] = ()
    reference: Reference = Reference("")
    effective_from: date | None = None
    effective_until: date | None = None
    file: str = ""
    line: int = 0
    # in やさしい日本語 (easy Japanese), "" where not written yet; documents one per document
    name_easy: str = ""
    documents_easy: tuple[str, ...] = ()
    deadline_note_easy: str = ""

    def in_effect(self, on: date) -> bool:
        if self.effective_from is not None and on < self.effective_from:
            return False
        return not (self.effective_until is not None and on > self.effective_until)


@dataclass(frozen=True)
class NamedCode:
    code: str
    name_ja: str
    name_en: str
    name_easy: str = ""


@dataclass(frozen=True)
class Catalog:
    version: str
    city_ja: str
    city_en: str
    life_events: tuple[NamedCode, ...]
    departments: tuple[NamedCode, ...]
    procedures: tuple[Procedure, ...]
    by_event: Mapping[str, tuple[Procedure, ...]] = field(repr=False, compare=False, default_factory=dict)

    def procedure(self, code: str) -> Procedure:
        for procedure in self.procedures:
            if procedure.code == code:
                return procedure
        raise KeyError(code)

    def department(self, code: str) -> NamedCode:
        for department in self.departments:
            if department.code == code:
                return department
        raise KeyError(code)


class Text(NamedTuple):
    """One catalog text: the Japanese, its English and its やさしい日本語 ("" where not written)."""

    ja: str
    en: str = ""
    easy: str = ""


def text_spec(ja: str, en: str = "", easy: str = "") -> str | dict[str, str]:
    """A catalog text in its YAML shape (also how the database keeps it): plain Japanese, or
    `{ja, en, easy}` with the translations it has."""
    if not en and not easy:
        return ja
    spec = {"ja": ja, "en": en}
    if easy:
        spec["easy"] = easy
    return spec


def text_parts(value: Any) -> Text:
    """The Japanese, English and やさしい日本語 of a catalog text in its YAML shape ("" for what it lacks)."""
    return _text(value) or Text("")


def _text(value: Any) -> Text | None:
    """A catalog text as written in the YAML, or None when it is not one."""
    if isinstance(value, str):
        return Text(value.strip()) if value.strip() else None
    if isinstance(value, Mapping):
        ja, en, easy = value.get("ja"), value.get("en") or "", value.get("easy") or ""
        if isinstance(ja, str) and ja.strip() and isinstance(en, str) and isinstance(easy, str):
            return Text(ja.strip(), en.strip(), easy.strip())
    return None


def _easy_error(value: Any, what: str) -> str | None:
    """The message when a text's `easy` is there but not a text (else None)."""
    if isinstance(value, Mapping) and value.get("easy") is not None and not isinstance(value["easy"], str):
        return f"{what}: `easy` must be a text in やさしい日本語 (easy は やさしい日本語の 文です)"
    return None


# --- Building


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, mapping: Any, key: str | None, reason: str) -> CatalogError:
        line = 0
        if isinstance(mapping, LineMapping):
            line = mapping.key_lines.get(key, mapping.line) if key else mapping.line
        return CatalogError(self.file, line, reason)

    def text(self, mapping: LineMapping, key: str, *, required: bool = True) -> str:
        value = mapping.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(mapping, key, f"`{key}` must be a non-empty text")
        return value.strip()

    def names(self, mapping: LineMapping, key: str = "name") -> Text:
        value = mapping.get(key)
        if not isinstance(value, LineMapping) or not isinstance(value.get("ja"), str):
            raise self.fail(mapping, key, f"`{key}` needs `ja` (and `en`, `easy`)")
        message = _easy_error(value, f"`{key}`")
        if message:
            raise self.fail(value, "easy", message)
        return Text(
            value["ja"].strip(), str(value.get("en") or "").strip(), str(value.get("easy") or "").strip()
        )

    def localized(self, mapping: Any, key: str, *, required: bool = True) -> Text:
        """A catalog text: plain Japanese, or `{ja: ..., en: ..., easy: ...}` with its English and its
        やさしい日本語."""
        if not isinstance(mapping, LineMapping) or (mapping.get(key) is None and not required):
            return Text("")
        value = mapping.get(key)
        message = _easy_error(value, f"`{key}`")
        if message:
            raise self.fail(value if isinstance(value, LineMapping) else mapping, "easy", message)
        text = _text(value)
        if text is None:
            raise self.fail(mapping, key, f"`{key}` is a non-empty text, or `ja` (and `en`, `easy`) texts")
        return text

    def localized_list(self, mapping: LineMapping, key: str) -> tuple[tuple[str, ...], ...]:
        """A list of catalog texts (each plain Japanese or `{ja, en, easy}`): the Japanese, the English and
        the やさしい日本語, one per entry each."""
        value = mapping.get(key, [])
        if not isinstance(value, list):
            raise self.fail(mapping, key, f"`{key}` must be a list of texts")
        for index, item in enumerate(value):
            message = _easy_error(item, f"entry {index + 1} of `{key}`")
            if message:
                raise self.fail(item if isinstance(item, LineMapping) else mapping, "easy", message)
        texts = [_text(item) for item in value]
        if any(text is None for text in texts):
            raise self.fail(
                mapping, key, f"each entry of `{key}` is a text, or `ja` (and `en`, `easy`) texts"
            )
        checked = [text for text in texts if text is not None]
        return (
            tuple(text.ja for text in checked),
            tuple(text.en for text in checked),
            tuple(text.easy for text in checked),
        )

    def integer(self, mapping: LineMapping, key: str, default: int | None, *, minimum: int = 0) -> int | None:
        value = mapping.get(key, default)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.fail(mapping, key, f"`{key}` must be a whole number ≥ {minimum}")
        return value

    def flag(self, mapping: LineMapping, key: str, default: bool) -> bool:
        value = mapping.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(mapping, key, f"`{key}` must be true or false")
        return value

    def texts(self, mapping: LineMapping, key: str) -> tuple[str, ...]:
        value = mapping.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(mapping, key, f"`{key}` must be a list of texts")
        return tuple(item.strip() for item in value)

    def day(self, mapping: Any, key: str) -> date | None:
        if not isinstance(mapping, LineMapping) or mapping.get(key) is None:
            return None
        value = mapping[key]
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError as error:
            raise self.fail(mapping, key, f"`{key}` must be a date (YYYY-MM-DD)") from error

    def rule(self, spec: Any, concerns: str) -> Rule:
        if not isinstance(spec, LineMapping):
            raise CatalogError(self.file, 0, "each rule is a mapping with `when` and `reason`")
        source = self.text(spec, "when")
        reason, reason_en, reason_easy = self.localized(spec, "reason")
        line = spec.key_lines.get("when", spec.line)
        try:
            node = parse(source)
            check(node, member_scope=concerns == "member")
        except ConditionError as error:
            raise CatalogError(
                self.file, line, f"{error.message} (column {error.column} of `{source}`)"
            ) from error
        return Rule(
            source=source,
            reason=reason,
            node=node,
            evaluate=compile_condition(node),
            line=line,
            reason_en=reason_en,
            reason_easy=reason_easy,
        )

    def procedure(self, spec: Any, departments: set[str]) -> Procedure:
        if not isinstance(spec, LineMapping):
            raise CatalogError(self.file, 0, "each procedure is a mapping")
        code = self.text(spec, "code")
        if not CODE.match(code):
            raise self.fail(spec, "code", f"code {code!r} must be lower-case letters, digits and '-'")
        name_ja, name_en, name_easy = self.names(spec)
        department = self.text(spec, "department")
        if department not in departments:
            raise self.fail(spec, "department", f"unknown department {department!r}")
        counter = self.text(spec, "counter")
        if counter not in COUNTERS:
            raise self.fail(spec, "counter", f"counter must be one of {', '.join(COUNTERS)}")
        events = self.texts(spec, "events")
        for event in events:
            if event not in EVENTS:
                raise self.fail(spec, "events", f"unknown life event {event!r}")
        if not events:
            raise self.fail(spec, "events", "`events` must name at least one life event")
        concerns = spec.get("concerns", "household")
        if concerns not in CONCERNS:
            raise self.fail(spec, "concerns", "concerns must be `member` or `household`")
        rules_spec = spec.get("rules")
        if not isinstance(rules_spec, list) or not rules_spec:
            raise self.fail(spec, "rules", "`rules` must list at least one rule")
        minutes = spec.get("minutes", LineMapping())
        if not isinstance(minutes, LineMapping):
            raise self.fail(spec, "minutes", "`minutes` needs `base` and `per_member`")
        deadline = spec.get("deadline")
        if deadline is not None and not isinstance(deadline, LineMapping):
            raise self.fail(spec, "deadline", "`deadline` needs `days` (and a `note`)")
        reference = spec.get("reference")
        if not isinstance(reference, LineMapping) or reference.get("title") is None:
            raise self.fail(
                spec, "reference", "every procedure needs a `reference` with a `title` (and `url`)"
            )
        title = self.localized(reference, "title")
        url = str(reference.get("url") or "")
        if url and not url.startswith(("https://", "http://")):
            raise self.fail(reference, "url", "reference url must start with https://")
        effective = spec.get("effective")
        fee = spec.get("fee", 0)
        if fee is not None and (not isinstance(fee, int) or isinstance(fee, bool) or fee < 0):
            raise self.fail(spec, "fee", "`fee` must be yen (a whole number) or null")
        documents, documents_en, documents_easy = self.localized_list(spec, "documents")
        deadline_note, deadline_note_en, deadline_note_easy = self.localized(deadline, "note", required=False)
        return Procedure(
            code=code,
            name_ja=name_ja,
            name_en=name_en,
            department=department,
            counter=counter,
            events=events,
            concerns=concerns,
            rules=tuple(self.rule(rule, concerns) for rule in rules_spec),
            documents=documents,
            documents_en=documents_en,
            fee=fee,
            minutes_base=self.integer(minutes, "base", 5) or 0,
            minutes_per_member=self.integer(minutes, "per_member", 0) or 0,
            deadline_days=self.integer(deadline, "days", None) if deadline else None,
            deadline_note=deadline_note,
            deadline_note_en=deadline_note_en,
            online=self.flag(spec, "online", False),
            contractor_ok=self.flag(spec, "contractor_ok", True),
            order=self.integer(spec, "order", 50) or 0,
            after=self.texts(spec, "after"),
            reference=Reference(title.ja, url, title.en, title.easy),
            effective_from=self.day(effective, "from"),
            effective_until=self.day(effective, "until"),
            file=self.file,
            line=spec.line,
            name_easy=name_easy,
            documents_easy=documents_easy,
            deadline_note_easy=deadline_note_easy,
        )


def _named(
    builder: _Builder, items: Any, what: str, mapping: LineMapping, *, easy: bool = False
) -> tuple[NamedCode, ...]:
    """Life events or departments: code, ja, en and, where `easy`, a name in やさしい日本語."""
    if not isinstance(items, list):
        raise builder.fail(mapping, what, f"`{what}` must be a list")
    named = []
    for item in items:
        if not isinstance(item, LineMapping):
            raise builder.fail(mapping, what, f"each entry of `{what}` needs code, ja and en")
        if item.get("easy") is not None and not easy:
            # departments are named as their counters' signs are; only the engine's texts are rewritten
            raise builder.fail(item, "easy", f"`{what}` have no `easy` name (only life events have one)")
        if item.get("easy") is not None and not isinstance(item["easy"], str):
            raise builder.fail(item, "easy", _easy_error(item, f"`{what}`") or "")
        named.append(
            NamedCode(
                builder.text(item, "code"),
                builder.text(item, "ja"),
                builder.text(item, "en", required=False),
                str(item.get("easy") or "").strip() if easy else "",
            )
        )
    return tuple(named)


def build_catalog(meta: Any, meta_file: str, procedure_files: Iterable[tuple[str, Any]]) -> Catalog:
    """Build and validate a catalog from already-read YAML documents."""
    builder = _Builder(meta_file)
    if not isinstance(meta, LineMapping):
        raise CatalogError(
            meta_file, 1, "catalog.yaml must be a mapping with version, life_events, departments"
        )
    departments = _named(builder, meta.get("departments"), "departments", meta)
    life_events = _named(builder, meta.get("life_events"), "life_events", meta, easy=True)
    unknown_events = {e.code for e in life_events} - set(EVENTS)
    if unknown_events:
        raise builder.fail(meta, "life_events", f"unknown life events: {', '.join(sorted(unknown_events))}")
    city = meta.get("city") or {}
    department_codes = {d.code for d in departments}
    procedures: list[Procedure] = []
    seen: dict[str, Procedure] = {}
    for file, document in procedure_files:
        file_builder = _Builder(file)
        if not isinstance(document, list):
            raise CatalogError(file, 1, "a procedures file is a list of procedures")
        for spec in document:
            procedure = file_builder.procedure(spec, department_codes)
            if procedure.code in seen:
                other = seen[procedure.code]
                raise CatalogError(
                    file,
                    procedure.line,
                    f"code {procedure.code!r} is already used at {other.file}:{other.line}",
                )
            seen[procedure.code] = procedure
            procedures.append(procedure)
    for procedure in procedures:
        for earlier in procedure.after:
            if earlier not in seen:
                raise CatalogError(
                    procedure.file,
                    procedure.line,
                    f"{procedure.code}: `after` names unknown code {earlier!r}",
                )
            if seen[earlier].order > procedure.order:
                raise CatalogError(
                    procedure.file,
                    procedure.line,
                    f"{procedure.code} (order {procedure.order}) must come after {earlier} "
                    f"(order {seen[earlier].order})",
                )
    procedures.sort(key=lambda p: (p.order, p.code))
    by_event = {event: tuple(p for p in procedures if event in p.events) for event in EVENTS}
    return Catalog(
        version=str(meta.get("version", "")),
        city_ja=str(city.get("ja", "")) if isinstance(city, Mapping) else "",
        city_en=str(city.get("en", "")) if isinstance(city, Mapping) else "",
        life_events=life_events,
        departments=departments,
        procedures=tuple(procedures),
        by_event=by_event,
    )


def _as_mappings(value: Any) -> Any:
    """Plain data (from the database or JSON) in the shape the builder reads; lines are unknown (0)."""
    if isinstance(value, Mapping):
        mapping = LineMapping()
        for key, item in value.items():
            mapping[key] = _as_mappings(item)
        return mapping
    if isinstance(value, list | tuple):
        return [_as_mappings(item) for item in value]
    return value


def catalog_from_data(
    meta: Mapping[str, Any], procedures: Sequence[Mapping[str, Any]], source: str
) -> Catalog:
    """Build a catalog from plain data, e.g. the database rows edited by a manager."""
    return build_catalog(_as_mappings(meta), source, [(source, _as_mappings(procedures))])


def load_catalog(directory: Path | str) -> Catalog:
    """Load `catalog.yaml` and `procedures/*.yaml` from a directory."""
    root = Path(directory)
    meta_path = root / "catalog.yaml"
    if not meta_path.is_file():
        raise CatalogError(str(meta_path), 0, "catalog.yaml not found")
    files = sorted((root / "procedures").glob("*.yaml"))
    if not files:
        raise CatalogError(str(root / "procedures"), 0, "no procedures/*.yaml files")
    return build_catalog(
        read_yaml(meta_path, CatalogError),
        str(meta_path),
        [(str(f), read_yaml(f, CatalogError)) for f in files],
    )


DEFAULT_CATALOG_DIR = Path(__file__).resolve().parent.parent / "catalog" / "data"
