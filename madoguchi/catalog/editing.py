"""A manager's edit of one procedure: the form read into a candidate, Japanese messages at the field, and
the preview of what the change does to the scenario households before anything is saved."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madoguchi.catalog.models import Procedure
from madoguchi.catalog.service import meta_spec, procedure_spec
from madoguchi.rules.catalog import Catalog, CatalogError, catalog_from_data, text_parts, text_spec
from madoguchi.rules.engine import REQUIRED, make_plan
from madoguchi.rules.expressions import ConditionError, check, parse
from madoguchi.rules.facts import EVENTS
from madoguchi.rules.household import InvalidFacts

# Households written from the law, each with the procedures it must get (the catalog's own test suite):
# the preview runs every one of them against the catalog before and after the change.
SCENARIOS_DIR = Path(__file__).resolve().parent / "tests" / "scenarios"
MAX_RULES = 20
REASON_MAX = 300
REASON_EN_MAX = 600
REASON_EASY_MAX = 600
REFERENCE_TITLE_TRANSLATION_MAX = 400  # the columns reference_title_en and reference_title_easy


@dataclass
class Edit:
    """What the manager typed, the messages per field and, once it holds, the procedure's new spec."""

    values: dict[str, Any]
    rules: list[dict[str, str]]
    errors: dict[str, str] = field(default_factory=dict)
    spec: dict[str, Any] | None = None

    def rule_rows(self) -> list[dict[str, Any]]:
        """Each rule with its index and the messages at its fields."""
        return [
            {
                "index": index,
                "when": rule["when"],
                "reason": rule["reason"],
                "reason_en": rule["reason_en"],
                "reason_easy": rule["reason_easy"],
                "when_error": self.errors.get(f"rule-{index}-when", ""),
                "reason_error": self.errors.get(f"rule-{index}-reason", ""),
                "reason_en_error": self.errors.get(f"rule-{index}-reason_en", ""),
                "reason_easy_error": self.errors.get(f"rule-{index}-reason_easy", ""),
            }
            for index, rule in enumerate(self.rules)
        ]


def document_lines(documents: list[Any]) -> tuple[str, str, str]:
    """The stored documents as the three text areas: Japanese one per line, English and やさしい日本語
    on the same lines (an area is empty when no document has that text)."""
    texts = [text_parts(document) for document in documents]
    english = "\n".join(t.en for t in texts) if any(t.en for t in texts) else ""
    easy = "\n".join(t.easy for t in texts) if any(t.easy for t in texts) else ""
    return "\n".join(t.ja for t in texts), english, easy


def _same_lines(text: str, count: int) -> list[str] | None:
    """The lines of a translation area, one per Japanese line ([] when empty, None when they differ)."""
    lines = [line.strip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    if lines and len(lines) != count:
        return None
    return lines + [""] * (count - len(lines))


def documents_from_lines(japanese: str, english: str, easy: str = "") -> tuple[list[Any], dict[str, str]]:
    """The text areas → the stored documents, or the messages for the English or やさしい日本語 area
    (keyed `documents_en`, `documents_easy`)."""
    ja_lines = [line.strip() for line in japanese.splitlines() if line.strip()]
    en_lines, easy_lines = _same_lines(english, len(ja_lines)), _same_lines(easy, len(ja_lines))
    errors: dict[str, str] = {}
    if en_lines is None:
        errors["documents_en"] = _(
            "英語の持ち物は、日本語と同じ順に同じ行数（%(n)s行）で入力してください（今は%(m)s行）。"
        ) % {"n": len(ja_lines), "m": len(english.rstrip().splitlines())}
    if easy_lines is None:
        errors["documents_easy"] = _(
            "やさしい日本語の持ち物は、日本語と同じ順に同じ行数（%(n)s行）で入力してください（今は%(m)s行）。"
        ) % {"n": len(ja_lines), "m": len(easy.rstrip().splitlines())}
    if en_lines is None or easy_lines is None:
        return [], errors
    return [
        text_spec(ja, en, plain) for ja, en, plain in zip(ja_lines, en_lines, easy_lines, strict=True)
    ], {}


def edit_from_procedure(procedure: Procedure) -> Edit:
    documents, documents_en, documents_easy = document_lines(procedure.documents)
    rules = []
    for rule in procedure.rules:
        reason, reason_en, reason_easy = text_parts(rule.get("reason"))
        rules.append(
            {
                "when": str(rule.get("when", "")),
                "reason": reason,
                "reason_en": reason_en,
                "reason_easy": reason_easy,
            }
        )
    return Edit(
        values={
            "name_ja": procedure.name_ja,
            "name_en": procedure.name_en,
            "name_easy": procedure.name_easy,
            "counter": procedure.counter,
            "events": list(procedure.events),
            "documents": documents,
            "documents_en": documents_en,
            "documents_easy": documents_easy,
            "reference_title": procedure.reference_title,
            "reference_title_en": procedure.reference_title_en,
            "reference_title_easy": procedure.reference_title_easy,
            "reference_url": procedure.reference_url,
        },
        rules=rules,
    )


_MESSAGES: list[tuple[re.Pattern[str], Promise]] = [
    (re.compile(r"unexpected character '(.+)'"), gettext_lazy("「{0}」は条件式に使えない文字です")),
    (
        re.compile(r"expected '(.+)' but found '(.*)'"),
        gettext_lazy("「{0}」があるはずの所に「{1}」があります"),
    ),
    (
        re.compile(r"unknown fact '(.+)'"),
        gettext_lazy("「{0}」という事項はありません（使える事項は docs/rules-language.md）"),
    ),
    (re.compile(r"the condition is empty"), gettext_lazy("条件式を入力してください")),
    (
        re.compile(r"a condition must be true or false"),
        gettext_lazy("条件式の答えが「はい・いいえ」になりません"),
    ),
    (
        re.compile(r"'(.+)' is not a value of ([\w.]+) \((.+)\)"),
        gettext_lazy("「{0}」は {1} の値ではありません（使える値：{2}）"),
    ),
    (re.compile(r"cannot compare"), gettext_lazy("比べられない値どうしを比べています")),
    (re.compile(r"compares numbers"), gettext_lazy("大小は数どうしでしか比べられません")),
    (re.compile(r"unexpected '(.*)'"), gettext_lazy("「{0}」の位置がおかしいです")),
]


def condition_message(error: ConditionError) -> str:
    """A rules-language error in Japanese, with where it is (the engine's own words as the last resort)."""
    where = _("（%(n)s文字目）") % {"n": error.column} if error.column else ""
    for pattern, text in _MESSAGES:
        match = pattern.search(error.message)
        if match:
            return str(text).format(*match.groups()) + where
    return _("条件式を読めません：%(detail)s") % {"detail": error.message} + where


def read_edit(procedure: Procedure, data: QueryDict) -> Edit:
    """The form → an Edit; `spec` is set when every field holds and the whole catalog still builds."""
    values: dict[str, Any] = {
        "name_ja": data.get("name_ja", "").strip(),
        "name_en": data.get("name_en", "").strip(),
        "name_easy": data.get("name_easy", "").strip(),
        "counter": data.get("counter", ""),
        "events": [e for e in data.getlist("events") if e in EVENTS],
        "documents": str(data.get("documents", "")),
        "documents_en": str(data.get("documents_en", "")),
        "documents_easy": str(data.get("documents_easy", "")),
        "reference_title": data.get("reference_title", "").strip(),
        "reference_title_en": data.get("reference_title_en", "").strip(),
        "reference_title_easy": data.get("reference_title_easy", "").strip(),
        "reference_url": data.get("reference_url", "").strip(),
    }
    rules = []
    for index in range(MAX_RULES):
        when, reason = data.get(f"rule-{index}-when"), data.get(f"rule-{index}-reason")
        if when is None and reason is None:
            continue
        if data.get(f"rule-{index}-remove"):
            continue
        rules.append(
            {
                "when": (when or "").strip(),
                "reason": (reason or "").strip(),
                "reason_en": data.get(f"rule-{index}-reason_en", "").strip(),
                "reason_easy": data.get(f"rule-{index}-reason_easy", "").strip(),
            }
        )
    if data.get("add_rule") and len(rules) < MAX_RULES:
        rules.append({"when": "", "reason": "", "reason_en": "", "reason_easy": ""})
    edit = Edit(values=values, rules=rules)
    errors = edit.errors
    if not values["name_ja"]:
        errors["name_ja"] = _("手続の名前を入力してください。")
    if values["counter"] not in Procedure.Counter.values:
        errors["counter"] = _("窓口を選んでください。")
    if not values["events"]:
        errors["events"] = _("ライフイベントを1つ以上選んでください。")
    if not values["reference_title"]:
        errors["reference_title"] = _("根拠（法令・通知）を入力してください。")
    if len(values["reference_title_en"]) > REFERENCE_TITLE_TRANSLATION_MAX:
        errors["reference_title_en"] = _("英語の根拠は%(n)s字以内で入力してください。") % {
            "n": REFERENCE_TITLE_TRANSLATION_MAX
        }
    if len(values["reference_title_easy"]) > REFERENCE_TITLE_TRANSLATION_MAX:
        errors["reference_title_easy"] = _("やさしい日本語の根拠は%(n)s字以内で入力してください。") % {
            "n": REFERENCE_TITLE_TRANSLATION_MAX
        }
    if values["reference_url"] and not values["reference_url"].startswith(("https://", "http://")):
        errors["reference_url"] = _("根拠のURLは https:// で始めてください。")
    if not rules:
        errors["rules"] = _("判定条件を1つ以上入力してください。")
    for index, rule in enumerate(rules):
        try:
            check(parse(rule["when"]), member_scope=procedure.concerns == Procedure.Concerns.MEMBER)
        except ConditionError as error:
            errors[f"rule-{index}-when"] = condition_message(error)
        if not rule["reason"]:
            errors[f"rule-{index}-reason"] = _("住民の方に伝える理由を入力してください。")
        elif len(rule["reason"]) > REASON_MAX:
            errors[f"rule-{index}-reason"] = _("理由は%(n)s字以内で入力してください。") % {"n": REASON_MAX}
        if len(rule["reason_en"]) > REASON_EN_MAX:
            errors[f"rule-{index}-reason_en"] = _("英語の理由は%(n)s字以内で入力してください。") % {
                "n": REASON_EN_MAX
            }
        if len(rule["reason_easy"]) > REASON_EASY_MAX:
            errors[f"rule-{index}-reason_easy"] = _(
                "やさしい日本語の理由は%(n)s字以内で入力してください。"
            ) % {"n": REASON_EASY_MAX}
    documents, documents_errors = documents_from_lines(
        values["documents"], values["documents_en"], values["documents_easy"]
    )
    errors.update(documents_errors)
    if data.get("add_rule"):
        edit.errors = {}  # a row added while typing: the mistakes show when checking
        return edit
    if errors:
        return edit
    spec = procedure_spec(procedure)
    spec.update(
        name={"ja": values["name_ja"], "en": values["name_en"], "easy": values["name_easy"]},
        counter=values["counter"],
        events=values["events"],
        rules=[
            {
                "when": rule["when"],
                "reason": text_spec(rule["reason"], rule["reason_en"], rule["reason_easy"]),
            }
            for rule in rules
        ],
        documents=documents,
        reference={
            "title": text_spec(
                values["reference_title"], values["reference_title_en"], values["reference_title_easy"]
            ),
            "url": values["reference_url"],
        },
    )
    try:
        catalog_with(procedure, spec)
    except CatalogError as error:
        errors["rules"] = _("手続カタログとして成り立ちません：%(reason)s") % {"reason": error.reason}
        return edit
    edit.spec = spec
    return edit


def catalog_with(procedure: Procedure, spec: dict[str, Any] | None) -> Catalog:
    """The active catalog with `procedure` replaced by `spec` (None: as it is stored)."""
    rows = Procedure.objects.filter(active=True).select_related("department")
    specs = [spec if row.pk == procedure.pk and spec is not None else procedure_spec(row) for row in rows]
    return catalog_from_data(meta_spec("preview"), specs, "preview")


@dataclass(frozen=True)
class ScenarioChange:
    name: str
    event: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    expected_missing: tuple[str, ...]  # what the scenario says is required and the change no longer plans


def load_scenarios() -> list[dict[str, Any]]:
    scenarios: list[dict[str, Any]] = []
    for path in sorted(SCENARIOS_DIR.glob("*.yaml")):
        scenarios.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    return scenarios


def preview(before: Catalog, after: Catalog) -> tuple[int, list[ScenarioChange]]:
    """How many scenarios were planned, and those whose required procedures the change alters."""
    changes: list[ScenarioChange] = []
    scenarios = load_scenarios()
    for scenario in scenarios:
        try:
            old = {p.code for p in make_plan(before, scenario["facts"]).procedures if p.status == REQUIRED}
            new = {p.code for p in make_plan(after, scenario["facts"]).procedures if p.status == REQUIRED}
        except InvalidFacts:
            continue
        if old != new:
            expected = set(scenario.get("required", []))
            changes.append(
                ScenarioChange(
                    name=str(scenario.get("name", "")),
                    event=str(scenario["facts"].get("event", "")),
                    added=tuple(sorted(new - old)),
                    removed=tuple(sorted(old - new)),
                    expected_missing=tuple(sorted(expected - new)),
                )
            )
    return len(scenarios), changes
